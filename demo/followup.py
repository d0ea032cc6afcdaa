"""Demo: a CPTS under contract for two years (the Bassin de Thau), so that the yearly
follow-up can be seen: fiches with result indicators, two years of results, the first
dialogue de gestion signed by the three parties, the second one prepared and late, and the
payments made. Idempotent, like the rest of the demo."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from lifecycle.followup import committed_amount
from projects.models import (
    AnnualDialogue,
    Avis,
    AvisBody,
    Contract,
    ContractPayment,
    Decision,
    Deposit,
    ProjectEvent,
)

SLUG = "bassin-de-thau"
SIGNED = dt.date(2024, 9, 2)
RECEIVED = dt.date(2024, 3, 4)

# mission code, fiche title, result indicator, unit, baseline, target, year 1, year 2
FICHES = [
    (
        "1a",
        "Trouver un médecin traitant aux patients en ALD qui n'en ont pas",
        "Patients en ALD sans médecin traitant ayant trouvé un médecin",
        "patients",
        "0",
        "400",
        "240",
        "352",
    ),
    (
        "1b",
        "Organiser des créneaux de soins non programmés dans les cabinets",
        "Créneaux de soins non programmés ouverts par semaine",
        "créneaux",
        "20",
        "120",
        "75",
        "120",
    ),
    (
        "2",
        "Parcours de la personne âgée fragile à domicile",
        "Patients âgés suivis dans le parcours",
        "patients",
        "0",
        "150",
        "60",
        "117",
    ),
    (
        "3",
        "Dépistage du cancer colorectal en pharmacie et au cabinet",
        "Taux de participation au dépistage du cancer colorectal",
        "%",
        "28",
        "38",
        "31",
        "35",
    ),
]


def seed(seeded: dict) -> None:
    from funding.calculator import payment_schedule
    from funding.data import aci_2019
    from funding.models import Bareme, BaremeLine, Budget
    from missions.models import Fiche, Indicator, IndicatorResult, Mission

    users, project = seeded["users"], seeded["projects"][SLUG]
    coordinator, president = users["lucie.bernard"], users["marc.olivier"]
    ars, decider = users["isabelle.moreau"], users["philippe.girard"]
    cpam = users["marie.chevalier"]
    aci_2019.install(Bareme, BaremeLine)

    deposit, created = Deposit.objects.get_or_create(
        project=project,
        number=1,
        defaults={
            "received_date": RECEIVED,
            "clock_start_date": RECEIVED,
            "deposited_by": coordinator,
        },
    )
    if created:
        Avis.objects.bulk_create(Avis(deposit=deposit, body=body) for body in AvisBody.values)
    Decision.objects.get_or_create(
        deposit=deposit,
        defaults={
            "kind": Decision.Kind.VALIDATION,
            "motivation": "Projet de santé cohérent avec le PRS Occitanie.",
            "vigilance": "Associer davantage les infirmiers libéraux de Frontignan.",
            "decided_by": decider,
        },
    )
    bareme = Bareme.objects.filter(effective_date__lte=SIGNED).latest("effective_date")
    Contract.objects.update_or_create(
        project=project,
        defaults={
            "signature_date": SIGNED,
            "bareme": bareme.name,
            "cpts_signed_date": SIGNED - dt.timedelta(days=5),
            "cpam_signed_date": SIGNED - dt.timedelta(days=2),
            "ars_signed_date": SIGNED,
            "recorded_by": coordinator,
        },
    )
    budget = Budget.objects.filter(project=project).first() or Budget(project=project)
    budget.population, budget.missions = 126_000, ["acces_soins", "parcours", "prevention"]
    budget.snp_orientation, budget.updated_by = False, coordinator
    budget.save()
    Contract.objects.filter(project=project).update(annual_amount=committed_amount(project, SIGNED))

    missions = {m.code: m for m in Mission.objects.all()}
    for number, (code, title, name, unit, base, target, year1, year2) in enumerate(FICHES, 1):
        fiche = Fiche.objects.filter(project=project, number=number).first()
        if fiche is None:
            fiche = Fiche(project=project, number=number)
        fiche.mission, fiche.title, fiche.pilot = missions[code], title, coordinator
        fiche.objectives = f"- {name} : de {base} à {target} {unit}"
        fiche.start_date, fiche.end_date = SIGNED + dt.timedelta(days=90), dt.date(2029, 9, 1)
        fiche.updated_by = coordinator
        fiche.save()
        indicator = fiche.indicators.filter(number=1).first() or Indicator(
            fiche=fiche, number=1, position=1
        )
        indicator.name, indicator.kind, indicator.unit = name, Indicator.Kind.RESULT, unit
        indicator.baseline, indicator.target = Decimal(base), Decimal(target)
        indicator.source, indicator.frequency = "Données CPAM et registre de la CPTS", "annuelle"
        indicator.drives_funding = code != "1b"  # one per funded mission (1a and 1b share one)
        indicator.updated_by = coordinator
        indicator.save()
        for year, value in ((1, year1), (2, year2)):
            IndicatorResult.objects.update_or_create(
                indicator=indicator,
                year=year,
                defaults={
                    "value": Decimal(value),
                    "measured_on": SIGNED.replace(year=SIGNED.year + year) - dt.timedelta(days=20),
                    "comment": "Extraction CPAM (tableau de bord de la CPTS)",
                    "updated_by": coordinator,
                },
            )

    signed_at = timezone.make_aware(dt.datetime(2025, 10, 14, 16, 0))
    AnnualDialogue.objects.update_or_create(
        project=project,
        year=1,
        defaults={
            "meeting_date": dt.date(2025, 10, 14),
            "attainment": {"acces_soins": "60", "parcours": "40", "prevention": "30"},
            "minutes": "Première année : les actions ont démarré dans les délais.\n\n"
            "- Accès aux soins : 240 patients en ALD ont trouvé un médecin traitant.\n"
            "- Parcours : la montée en charge est plus lente que prévu.\n"
            "- Prévention : le dépistage progresse en pharmacie.",
            "cpts_signed_by": president,
            "cpts_signed_at": signed_at,
            "cpam_signed_by": cpam,
            "cpam_signed_at": signed_at,
            "ars_signed_by": ars,
            "ars_signed_at": signed_at,
            "updated_by": coordinator,
        },
    )
    AnnualDialogue.objects.update_or_create(
        project=project,
        year=2,
        defaults={
            "meeting_date": dt.date(2026, 12, 8),
            "attainment": {},
            "minutes": "",
            "updated_by": coordinator,
        },
    )
    # What the CPAM paid: the schedule of the contract with the rates of the first dialogue.
    schedule = payment_schedule(
        signature_date=SIGNED,
        population=budget.population,
        missions=budget.missions,
        attainment={"acces_soins": 0.6, "parcours": 0.4, "prevention": 0.3},
        years=2,
    )
    amounts = {(p.year, p.kind): p.amount for p in schedule}
    payments = [
        (1, "start", SIGNED + dt.timedelta(days=30), "Versement à la signature"),
        (1, "balance", dt.date(2025, 10, 31), "Solde de l'année 1"),
        (2, "start", dt.date(2025, 10, 31), "Avance de l'année 2"),
    ]
    for year, kind, paid_on, reference in payments:
        ContractPayment.objects.update_or_create(
            project=project,
            year=year,
            kind=kind,
            defaults={
                "paid_on": paid_on,
                "amount": amounts[(year, kind)],
                "reference": reference,
                "recorded_by": cpam,
            },
        )
    if not project.events.exists():
        for action, label, user in [
            ("deposit", "Projet de santé déposé auprès de la DD ARS", coordinator),
            ("validate", "Projet de santé validé par l'ARS", decider),
            ("sign_contract", "Contrat ACI signé", coordinator),
            ("dialogue_closed", "Dialogue de gestion de l'année 1 signé par les 3 parties", ars),
        ]:
            ProjectEvent.objects.create(project=project, action=action, label=label, actor=user)
