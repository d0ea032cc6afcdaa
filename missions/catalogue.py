from .models import Mission

"""The ACI missions (domain.md §2). The first migration loads the same rows as data;
`catalogue_ensure` brings a database back to them (demo seeding, tests after a flush)."""

SOCLE, COMPLEMENTAIRE = "SOCLE", "COMPLEMENTAIRE"
ACI_2019, AVENANT_2 = "ACI_2019", "AVENANT_2"
CRISIS_CODE = "6"

# code, name, short name, kind, start months, deployment months, regime, funding code
CATALOGUE = [
    (
        "1a",
        "Accès aux soins — faciliter l'accès à un médecin traitant",
        "Accès à un médecin traitant",
        SOCLE,
        6,
        18,
        ACI_2019,
        "acces_soins",
    ),
    (
        "1b",
        "Accès aux soins — soins non programmés (SNP) en ville",
        "Soins non programmés",
        SOCLE,
        6,
        18,
        ACI_2019,
        "acces_soins",
    ),
    (
        "2",
        "Parcours pluriprofessionnels autour du patient",
        "Parcours pluriprofessionnels",
        SOCLE,
        12,
        24,
        ACI_2019,
        "parcours",
    ),
    (
        "3",
        "Actions territoriales de prévention",
        "Prévention",
        SOCLE,
        12,
        24,
        ACI_2019,
        "prevention",
    ),
    (
        "4",
        "Qualité et pertinence des soins",
        "Qualité et pertinence",
        COMPLEMENTAIRE,
        None,
        None,
        ACI_2019,
        "qualite",
    ),
    (
        "5",
        "Accompagnement des professionnels de santé",
        "Accompagnement des professionnels",
        COMPLEMENTAIRE,
        None,
        None,
        ACI_2019,
        "accompagnement",
    ),
    (
        "6",
        "Réponse aux crises sanitaires graves",
        "Crises sanitaires graves",
        SOCLE,
        6,
        18,
        AVENANT_2,
        "crise",
    ),
]


def catalogue_rows():
    rows = enumerate(CATALOGUE, start=1)
    for order, (code, name, short, kind, start, full, regime, funding) in rows:
        yield (
            code,
            {
                "name": name,
                "short_name": short,
                "kind": kind,
                "start_months": start,
                "deployment_months": full,
                "regime": regime,
                "funding_code": funding,
                "order": order,
            },
        )


def catalogue_ensure() -> None:
    for code, defaults in catalogue_rows():
        Mission.objects.update_or_create(code=code, defaults=defaults)
