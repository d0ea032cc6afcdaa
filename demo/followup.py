"""Demo: a CPTS under contract for two years (the Bassin de Thau), so that the yearly
follow-up can be seen: fiches with result indicators, two years of results, the first
dialogue de gestion signed by the three parties, the second one prepared and late, and the
payments made. Idempotent, like the rest of the demo."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from funding.calculator import payment_schedule
from funding.data import aci_2019
from funding.models import Bareme, BaremeLine, Budget
from lifecycle.followup import basis_freeze, committed_amount
from lifecycle.models import ContractFact
from missions.models import Indicator, IndicatorResult, Mission
from projects.models import AnnualDialogue, Contract, ContractPayment, Decision

from .common import deposit_ensure, timeline_ensure
from .missions import FicheSpec, IndicatorSpec, seed_fiche

SLUG = "bassin-de-thau"
SIGNED = dt.date(2024, 9, 2)
RECEIVED = dt.date(2024, 3, 4)
COORDINATOR = "lucie.bernard"


@dataclass(frozen=True)
class FollowedFiche:
    """A fiche under contract: its one result indicator and its results of years 1 and 2."""

    mission: str
    title: str
    indicator: str
    unit: str
    baseline: str
    target: str
    results: tuple[str, str]


FICHES = [
    FollowedFiche(
        mission="1a",
        title="Trouver un médecin traitant aux patients en ALD qui n'en ont pas",
        indicator="Patients en ALD sans médecin traitant ayant trouvé un médecin",
        unit="patients",
        baseline="0",
        target="400",
        results=("240", "352"),
    ),
    FollowedFiche(
        mission="1b",
        title="Organiser des créneaux de soins non programmés dans les cabinets",
        indicator="Créneaux de soins non programmés ouverts par semaine",
        unit="créneaux",
        baseline="20",
        target="120",
        results=("75", "120"),
    ),
    FollowedFiche(
        mission="2",
        title="Parcours de la personne âgée fragile à domicile",
        indicator="Patients âgés suivis dans le parcours",
        unit="patients",
        baseline="0",
        target="150",
        results=("60", "117"),
    ),
    FollowedFiche(
        mission="3",
        title="Dépistage du cancer colorectal en pharmacie et au cabinet",
        indicator="Taux de participation au dépistage du cancer colorectal",
        unit="%",
        baseline="28",
        target="38",
        results=("31", "35"),
    ),
]
# The rates of attainment retained by the first dialogue de gestion, per funded mission.
ATTAINMENT_YEAR_1 = {"acces_soins": "60", "parcours": "40", "prevention": "30"}
# What the CPAM paid: (contract year, kind, paid on, reference).
PAYMENTS = [
    (1, "start", SIGNED + dt.timedelta(days=30), "Versement à la signature"),
    (1, "balance", dt.date(2025, 10, 31), "Solde de l'année 1"),
    (2, "start", dt.date(2025, 10, 31), "Avance de l'année 2"),
]


def _fiche_spec(fiche: FollowedFiche) -> FicheSpec:
    return FicheSpec(
        mission=fiche.mission,
        title=fiche.title,
        pilot=COORDINATOR,
        objectives=f"- {fiche.indicator} : de {fiche.baseline} à {fiche.target} {fiche.unit}",
        start_date=SIGNED + dt.timedelta(days=90),
        end_date=dt.date(2029, 9, 1),
        indicators=[
            IndicatorSpec(
                name=fiche.indicator,
                kind=Indicator.Kind.RESULT,
                baseline=fiche.baseline,
                target=fiche.target,
                unit=fiche.unit,
                source="Données CPAM et registre de la CPTS",
                frequency="annuelle",
                # Each mission's result indicator is retained (guide: "Indicateur(s) de
                # résultats retenu(s) par la CPTS (=base de calcul du financement variable
                # de la mission)"); 1a and 1b, one funding line, are measured together.
                drives_funding=True,
            )
        ],
    )


def _seed_contract(project, coordinator, decider) -> Budget:
    """The deposit, its validation, the contract, and the budget whose funding it commits."""
    deposit, _ = deposit_ensure(project, received=RECEIVED, by=coordinator)
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
    # The figures of the contract's years, kept from the signature (lifecycle.followup).
    basis_freeze(project, Contract.objects.get(project=project), by=coordinator)
    return budget


# What the CPTS declared (lifecycle.models.ContractFact): (kind, mission code or half-year,
# date, note). The full deployment of the parcours mission is not declared: it is late.
FACTS = [
    ("mission_start", "1a", dt.date(2024, 12, 2), "Cellule d'orientation des patients ouverte."),
    ("mission_start", "1b", dt.date(2024, 12, 2), "Premiers créneaux SNP dans 6 cabinets."),
    ("mission_start", "2", dt.date(2025, 6, 16), "Premier comité du parcours personne âgée."),
    ("mission_start", "3", dt.date(2025, 3, 3), "Campagne de dépistage lancée en pharmacie."),
    ("mission_deployment", "1a", dt.date(2026, 2, 27), "Tout le territoire est couvert."),
    ("mission_deployment", "1b", dt.date(2026, 2, 27), "Créneaux SNP dans 18 cabinets."),
    ("mission_deployment", "3", dt.date(2026, 6, 30), "Dépistage proposé dans 24 officines."),
    ("indicator_review", "1", dt.date(2025, 3, 10), "Revue à mi-année : rythme conforme."),
    ("indicator_review", "3", dt.date(2026, 3, 9), "Revue à mi-année : parcours en retard."),
]


def _seed_facts(project, coordinator) -> None:
    for kind, ref, day, note in FACTS:
        ContractFact.objects.update_or_create(
            project=project,
            kind=kind,
            ref=ref,
            defaults={"happened_on": day, "note": note, "recorded_by": coordinator},
        )


def _seed_fiches(project, users: dict, coordinator) -> None:
    """The fiches, each with its result indicator and the results of the two years."""
    missions = {m.code: m for m in Mission.objects.all()}
    for number, followed in enumerate(FICHES, 1):
        fiche = seed_fiche(
            project, number, _fiche_spec(followed), missions=missions, users=users, by=coordinator
        )
        indicator = fiche.indicators.get(number=1)
        for year, value in enumerate(followed.results, start=1):
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


def _seed_dialogues(project, coordinator, *, president, cpam, ars) -> None:
    """The first dialogue de gestion, signed by the three parties; the second, prepared."""
    signed_at = timezone.make_aware(dt.datetime(2025, 10, 14, 16, 0))
    AnnualDialogue.objects.update_or_create(
        project=project,
        year=1,
        defaults={
            "meeting_date": dt.date(2025, 10, 14),
            "attainment": ATTAINMENT_YEAR_1,
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


def _seed_payments(project, budget: Budget, cpam) -> None:
    """What the CPAM paid: the schedule of the contract at the rates of the first dialogue."""
    schedule = payment_schedule(
        signature_date=SIGNED,
        population=budget.population,
        missions=budget.missions,
        attainment={code: int(rate) / 100 for code, rate in ATTAINMENT_YEAR_1.items()},
        years=2,
    )
    amounts = {(p.year, p.kind): p.amount for p in schedule}
    for year, kind, paid_on, reference in PAYMENTS:
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


def seed(seeded: dict) -> None:
    users, project = seeded["users"], seeded["projects"][SLUG]
    coordinator, president = users[COORDINATOR], users["marc.olivier"]
    ars, decider = users["isabelle.moreau"], users["philippe.girard"]
    cpam = users["marie.chevalier"]
    aci_2019.install(Bareme, BaremeLine)

    budget = _seed_contract(project, coordinator, decider)
    _seed_fiches(project, users, coordinator)
    _seed_dialogues(project, coordinator, president=president, cpam=cpam, ars=ars)
    _seed_payments(project, budget, cpam)
    _seed_facts(project, coordinator)
    timeline_ensure(
        project,
        [
            ("deposit", "Projet de santé déposé auprès de la DD ARS", coordinator),
            ("validate", "Projet de santé validé par l'ARS", decider),
            ("sign_contract", "Contrat ACI signé", coordinator),
            ("dialogue_closed", "Dialogue de gestion de l'année 1 signé par les 3 parties", ars),
        ],
    )
