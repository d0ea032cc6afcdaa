"""The 2019 ACI barème (domain.md §6, guide Annexe 1): annual amounts at 100 % attainment.

Installed by the data migration and restored by the demo seed; later barèmes are entered by
an administrator from the official text (admin), never added here as constants.
"""

import datetime as dt

NAME = "ACI-2019"
# Signature of the Accord conventionnel interprofessionnel en faveur des CPTS.
EFFECTIVE_DATE = dt.date(2019, 6, 20)
SOURCE = "ACI du 20 juin 2019 (arrêté du 21 août 2019), Annexe 1 du guide URPS ML Occitanie"

# The socle missions (guide, "FOCUS - Planifier le déploiement des missions socles et
# optionnelles": "En souscrivant au contrat, les communautés professionnelles territoriales de
# santé s'engagent à mettre en place les trois missions socles"). The crisis mission is not
# in this barème: the guide (May 2021) calls it a sixth mission "susceptible d'être assurée
# par les CPTS" ("conditions et détails à venir").
SOCLE = ["acces_soins", "parcours", "prevention"]

# component, mission, amounts for tiers 1 to 4
LINES = [
    ("FUNCTIONING", "", (50_000, 60_000, 75_000, 90_000)),
    ("FIXED", "acces_soins", (15_000, 17_500, 25_000, 30_000)),
    ("VARIABLE", "acces_soins", (15_000, 17_500, 25_000, 30_000)),
    ("SNP_COMPENSATION", "acces_soins", (10_000, 12_000, 15_000, 20_000)),
    ("SNP_ORIENTATION", "acces_soins", (35_000, 45_000, 55_000, 70_000)),
    ("FIXED", "parcours", (25_000, 35_000, 45_000, 50_000)),
    ("VARIABLE", "parcours", (25_000, 35_000, 45_000, 50_000)),
    ("FIXED", "prevention", (10_000, 15_000, 17_500, 20_000)),
    ("VARIABLE", "prevention", (10_000, 15_000, 17_500, 20_000)),
    ("FIXED", "qualite", (7_500, 10_000, 15_000, 20_000)),
    ("VARIABLE", "qualite", (7_500, 10_000, 15_000, 20_000)),
    ("FIXED", "accompagnement", (5_000, 7_500, 10_000, 15_000)),
    ("VARIABLE", "accompagnement", (5_000, 7_500, 10_000, 15_000)),
]


def install(bareme_model, line_model) -> None:
    """Create or restore the barème (works with the historical models of a migration)."""
    defaults = {"effective_date": EFFECTIVE_DATE, "source": SOURCE}
    if any(f.name == "socle_missions" for f in bareme_model._meta.get_fields()):
        defaults["socle_missions"] = SOCLE  # the field came with the migration funding 0002
    bareme, _ = bareme_model.objects.update_or_create(name=NAME, defaults=defaults)
    for component, mission, amounts in LINES:
        line_model.objects.update_or_create(
            bareme=bareme,
            component=component,
            mission=mission,
            defaults={f"amount_tier{tier}": amount for tier, amount in enumerate(amounts, 1)},
        )
