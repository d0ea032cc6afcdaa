"""National-scale data: N CPTS projects spread over every département and lifecycle state.

`python manage.py seed_scale --cpts N` (and the benchmark, `make bench`) call `seed_scale`.
Each project is realistic in size and coherent with its state, as demo/seed.py builds
them by hand: its association (organisation, five accounts), a territory of communes of its
département, a diagnostic, an intention letter and the answers, the deposit with its avis and
the decision, the ACI contract with its dialogues and payments, about 25 fiches-actions (sub-
actions, working group, 5 indicators each, and one result per indicator and contract year
under a contract), about 50 members of the association with its instances, mandates and
meetings, and a balanced budget with its lines.

Reviewer bodies are created once per département (DD ARS with a reviewer and a decider, CPAM)
and per region (ARS siège with an analyst, Inter URPS), plus one national analyst.

Everything is written with `bulk_create` in batches, a fixed number of queries per batch of
projects, so that 1 500 projects take a few minutes on PostgreSQL. The data carries no
history rows (django-simple-history records edits made through the services, not this
import). Projects are named by a deterministic slug (`<prefix>-0001`…): running again with
the same or a larger N only adds the missing ones; `reset` removes every record of the prefix
first. Each batch is one transaction: an interrupted run leaves whole projects only.

This module belongs to the flow layer: it reads and writes across every app.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import PROTECT, F, ForeignKey
from django.db.models.signals import m2m_changed, post_delete, pre_delete
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from cpts_portal.lib.dates import add_months
from geo import services as geo_services
from geo.models import Commune, Departement, Region
from lifecycle.transitions import TRANSITIONS
from projects.models import (
    STAGE_OF_STATE,
    AnnualDialogue,
    Avis,
    AvisBody,
    Contract,
    ContractPayment,
    Decision,
    Deposit,
    IntentionAnswer,
    IntentionLetter,
    Project,
    ProjectEvent,
    State,
)

PREFIX = "scale"
FICHES = 25  # fiches-actions per project, on average (each project gets 22 to 28)
INDICATORS_PER_FICHE = 5
SUB_ACTIONS_PER_FICHE = 3
PERSONS, STRUCTURES = 46, 4  # members of the association: about 50
PROJECTS_PER_TRANSACTION = 25
# Models whose scale rows get no history: the results, five a year per indicator, are the
# bulk of the data and nothing reads their creation row.
WITHOUT_HISTORY = {"missions.IndicatorResult"}
ROWS_PER_INSERT = 1000

Kind = Organisation.Kind
Scope = Organisation.Scope
Role = Membership.Role

# The states in the order projects take them: the first eleven are all different (a small N
# still covers every state), then the rest leans to what France looks like (most CPTS under
# contract, many writing their projet de santé).
STATE_CYCLE = [
    State.CONTRACTED,
    State.REDACTION,
    State.DEPOSITED,
    State.INITIATIVE,
    State.INTENTION_SUBMITTED,
    State.VALIDATED,
    State.INTENTION_DRAFT,
    State.INCOMPLETE,
    State.TACITLY_VALIDATED,
    State.INTENTION_REWORK,
    State.OPPOSED,
    State.CONTRACTED,
    State.CONTRACTED,
    State.REDACTION,
    State.CONTRACTED,
    State.DEPOSITED,
    State.CONTRACTED,
    State.REDACTION,
    State.CONTRACTED,
    State.CONTRACTED,
]

# The lifecycle actions that brought a project to each state: (from state, action).
_START = [
    (State.INITIATIVE, "start_intention"),
    (State.INTENTION_DRAFT, "submit_intention"),
]
_INTENTION_OK = [*_START, (State.INTENTION_SUBMITTED, "validate_intention")]
_DEPOSIT = [*_INTENTION_OK, (State.REDACTION, "deposit")]
PATHS = {
    State.INITIATIVE: [],
    State.INTENTION_DRAFT: _START[:1],
    State.INTENTION_SUBMITTED: _START,
    State.INTENTION_REWORK: [*_START, (State.INTENTION_SUBMITTED, "rework_intention")],
    State.REDACTION: _INTENTION_OK,
    State.DEPOSITED: _DEPOSIT,
    State.INCOMPLETE: [*_DEPOSIT, (State.DEPOSITED, "declare_incomplete")],
    State.VALIDATED: [*_DEPOSIT, (State.DEPOSITED, "validate")],
    State.TACITLY_VALIDATED: [*_DEPOSIT, (State.DEPOSITED, "record_tacit_validation")],
    State.OPPOSED: [*_DEPOSIT, (State.DEPOSITED, "oppose")],
    State.CONTRACTED: [
        *_DEPOSIT,
        (State.DEPOSITED, "validate"),
        (State.VALIDATED, "sign_contract"),
    ],
}
_SUBMITTED = {s for s, path in PATHS.items() if len(path) >= 2}
_DEPOSITED = {s for s, path in PATHS.items() if len(path) >= 4}
_DECIDED = {State.VALIDATED, State.OPPOSED, State.CONTRACTED}
# Who took each lifecycle action (the coordinator when not listed).
ACTOR_OF_ACTION = {
    "validate_intention": "reviewer",
    "rework_intention": "reviewer",
    "declare_incomplete": "reviewer",
    "validate": "decider",
    "oppose": "decider",
}

FIRST_NAMES = [
    "Camille", "Julien", "Sophie", "Karim", "Nadia", "Thomas", "Émilie", "Henri", "Claire",
    "Laurent", "Isabelle", "Philippe", "Marie", "Pierre", "Hélène", "Nicolas", "Céline",
    "Mathieu", "Aurélie", "Olivier", "Sandrine", "Damien", "Valérie", "Sébastien", "Agnès",
    "Romain", "Patricia", "François", "Yannick", "Mélanie", "Lucie", "Antoine", "Manon", "Hugo",
    "Léa", "Bruno", "Chloé", "Didier", "Inès", "Xavier", "Anne", "Fabien", "Marion", "Jérôme",
    "Élodie", "Guillaume", "Nathalie", "Thierry", "Sylvie", "Marc",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent",
    "Fournier", "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert", "Bonnet",
    "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin",
    "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu", "Clément",
    "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson", "Sanchez",
    "Noël", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Gautier", "Roger", "Roche",
]  # fmt: skip


def _person(seed: int) -> tuple[str, str]:
    return FIRST_NAMES[(seed * 7) % len(FIRST_NAMES)], LAST_NAMES[
        (seed * 11 + seed // 7) % len(LAST_NAMES)
    ]


def email_domain(prefix: str = PREFIX) -> str:
    return f"{prefix}.cpts-portal.test"


def project_slug(index: int, prefix: str = PREFIX) -> str:
    return f"{prefix}-{index:04d}"


def _slug_regex(prefix: str) -> str:
    return rf"^{re.escape(prefix)}-[0-9]{{4,}}$"


def scale_projects(prefix: str = PREFIX):
    """The numbered projects of the prefix (`<prefix>-0001`…)."""
    return Project.objects.filter(slug__regex=_slug_regex(prefix))


def scale_departements():
    """The 101 départements (not the overseas collectivités, whose region is themselves) that
    have communes in the referential, by code."""
    with_communes = Commune.objects.values("departement_id")
    return list(
        Departement.objects.exclude(region_id=F("code"))
        .filter(code__in=with_communes)
        .select_related("region")
        .order_by("code")
    )


# --- Reviewer bodies ----------------------------------------------------------------------


def _body_slug(prefix: str, kind: str, code: str) -> str:
    return f"{prefix}-{kind}-{code.lower()}"


def review_accounts(project: Project, *, prefix: str = PREFIX) -> dict[str, User]:
    """The accounts of the scale data that see `project` in their role: its coordinator,
    bureau member and pilot, the DD ARS reviewer and decider of its (first) département,
    the analyst of its region and the national analyst. For the benchmark and the tests."""
    domain = email_domain(prefix)
    departement = project.departements.order_by("code").select_related("region").first()
    code = departement.code.lower() if departement else ""
    region = departement.region_id if departement else ""
    emails = {
        "coordinator": f"coordination.{project.slug}@{domain}",
        "bureau": f"bureau.{project.slug}@{domain}",
        "pilot": f"pilote1.{project.slug}@{domain}",
        "reviewer": f"instructeur.ars-dd-{code}@{domain}",
        "decider": f"decideur.ars-dd-{code}@{domain}",
        "analyst_region": f"analyste.ars-{region}@{domain}",
        "analyst_national": f"analyste.national@{domain}",
    }
    users = User.objects.in_bulk(list(emails.values()), field_name="email")
    return {role: users[email] for role, email in emails.items() if email in users}


def _ensure_review_bodies(prefix: str, departements, password_hash: str) -> dict:
    """One DD ARS (reviewer, decider) and one CPAM (reviewer) per département, one ARS siège
    (analyst) and one Inter URPS (reviewer) per region, one national analyst. Idempotent."""
    domain = email_domain(prefix)
    regions = {d.region_id: d.region for d in departements}
    wanted = []  # (slug, name, kind, scope, region, départements, [(local part, role)])
    for d in departements:
        code = d.code.lower()
        wanted.append(
            (
                _body_slug(prefix, "ars-dd", d.code),
                f"ARS {d.region.name} — délégation départementale {d.name} ({d.code})",
                Kind.ARS_DD,
                Scope.DEPARTEMENTS,
                d.region,
                [d],
                [
                    (f"instructeur.ars-dd-{code}", Role.REVIEWER),
                    (f"decideur.ars-dd-{code}", Role.DECIDER),
                ],
            )
        )
        wanted.append(
            (
                _body_slug(prefix, "cpam", d.code),
                f"CPAM {d.name} ({d.code})",
                Kind.CPAM,
                Scope.DEPARTEMENTS,
                None,
                [d],
                [(f"instructeur.cpam-{code}", Role.REVIEWER)],
            )
        )
    for code, region in sorted(regions.items()):
        wanted.append(
            (
                _body_slug(prefix, "ars", code),
                f"ARS {region.name} — siège",
                Kind.ARS_SIEGE,
                Scope.REGION,
                region,
                [],
                [(f"analyste.ars-{code.lower()}", Role.ANALYST)],
            )
        )
        wanted.append(
            (
                _body_slug(prefix, "urps", code),
                f"Inter URPS {region.name}",
                Kind.URPS,
                Scope.REGION,
                region,
                [],
                [(f"instructeur.urps-{code.lower()}", Role.REVIEWER)],
            )
        )
    wanted.append(
        (
            f"{prefix}-national",
            "Observatoire national des CPTS",
            Kind.OTHER,
            Scope.NATIONAL,
            None,
            [],
            [("analyste.national", Role.ANALYST)],
        )
    )
    Organisation.objects.bulk_create(
        [
            Organisation(slug=slug, name=name, kind=kind, scope=scope, region=region)
            for slug, name, kind, scope, region, _, _ in wanted
        ],
        ignore_conflicts=True,
        batch_size=ROWS_PER_INSERT,
    )
    organisations = Organisation.objects.in_bulk([w[0] for w in wanted], field_name="slug")
    through = Organisation.departements.through
    through.objects.bulk_create(
        [
            through(organisation_id=organisations[slug].pk, departement_id=d.code)
            for slug, *_, scoped, _ in wanted
            for d in scoped
        ],
        ignore_conflicts=True,
        batch_size=ROWS_PER_INSERT,
    )
    people = [
        (f"{local}@{domain}", slug, role, n)
        for n, (slug, *_, staff) in enumerate(wanted)
        for local, role in staff
    ]
    User.objects.bulk_create(
        [
            User(
                email=email,
                first_name=first,
                last_name=last,
                profession="Chargé(e) de mission" if role != Role.DECIDER else "Délégué(e)",
                password=password_hash,
            )
            for email, _, role, n in people
            for first, last in [_person(1000 + n * 3 + len(role))]
        ],
        ignore_conflicts=True,
        batch_size=ROWS_PER_INSERT,
    )
    users = User.objects.in_bulk([p[0] for p in people], field_name="email")
    Membership.objects.bulk_create(
        [
            Membership(
                user=users[email],
                organisation=organisations[slug],
                role=role,
                is_manager=role != Role.DECIDER,
            )
            for email, slug, role, _ in people
        ],
        ignore_conflicts=True,
        batch_size=ROWS_PER_INSERT,
    )
    by_departement = {}
    for d in departements:
        code = d.code.lower()
        by_departement[d.code] = {
            "reviewer": users[f"instructeur.ars-dd-{code}@{domain}"],
            "decider": users[f"decideur.ars-dd-{code}@{domain}"],
            "cpam": users[f"instructeur.cpam-{code}@{domain}"],
            "urps": users[f"instructeur.urps-{d.region_id.lower()}@{domain}"],
        }
    return {"organisations": len(organisations), "users": len(users), "by": by_departement}


# --- What each project is -----------------------------------------------------------------


@dataclass
class Spec:
    """Everything that decides one project, derived from its index alone."""

    index: int
    slug: str
    state: str
    departement: Departement
    fiche_count: int
    communes: list[Commune] = field(default_factory=list)

    @property
    def population(self) -> int:
        from geo.population import total_population

        return total_population(self.communes)


def _territory_pool(departements) -> dict[str, list[Commune]]:
    """The communes a territory is drawn from, per département (one query): every commune
    but the three cities divided into arrondissements, which are drawn by arrondissement."""
    pools: dict[str, list[Commune]] = defaultdict(list)
    codes = [d.code for d in departements]
    divided = set(
        Commune.objects.filter(kind=Commune.Kind.ARRONDISSEMENT).values_list("parent_id", flat=True)
    )
    for commune in (
        Commune.objects.filter(departement_id__in=codes)
        .only("code", "name", "parent_id", "population", "departement_id")
        .order_by("code")
    ):
        if commune.code not in divided:
            pools[commune.departement_id].append(commune)
    return pools


def make_spec(
    index: int,
    departements: list[Departement],
    pools: dict[str, list[Commune]],
    *,
    prefix: str = PREFIX,
    slug: str | None = None,
    state: str | None = None,
    fiches: int | None = None,
) -> Spec:
    """Project number `index` (1-based): its département, state, size and communes."""
    departement = departements[(index - 1) % len(departements)]
    rank = (index - 1) // len(departements)  # how many scale projects came before in it
    pool = pools[departement.code]
    size = min(len(pool), 8 + (index * 7) % 18)
    start = (rank * 17) % len(pool)
    communes = [pool[(start + k) % len(pool)] for k in range(size)]
    return Spec(
        index=index,
        slug=slug or project_slug(index, prefix),
        state=state or STATE_CYCLE[(index - 1) % len(STATE_CYCLE)],
        departement=departement,
        fiche_count=fiches if fiches is not None else FICHES - 3 + (index * 5) % 7,
        communes=communes,
    )


# --- Fiche content ------------------------------------------------------------------------

CRISIS_FICHE = {
    "mission": "6",
    "title": "Plan de réponse de la CPTS aux crises sanitaires graves",
    "problems": "Lors des dernières crises (épidémie, canicule), les professionnels du "
    "territoire ne disposaient ni d'un annuaire à jour ni d'une organisation partagée.",
    "objectives": "- Écrire le plan de crise de la CPTS et le mettre à jour chaque année\n"
    "- Tenir à jour l'annuaire des professionnels mobilisables",
    "target_public": "Professionnels de santé et population du territoire.",
    "milestones": "Plan écrit à 6 mois, exercice annuel, mise à jour après chaque crise.",
    "means_logistic": "Cellule de crise dans les locaux de la CPTS.",
    "means_digital": "Annuaire partagé et liste de diffusion par SMS.",
    "means_human": "Un référent crise et son suppléant.",
    "resources_available": "Plan ORSAN de l'ARS ; cellule départementale de crise.",
    "obstacles": "Disponibilité des professionnels pendant une crise.",
    "levers": "Exercice annuel avec la préfecture.",
    "budget": Decimal("5000"),
}
SUB_ACTIONS = [
    "Constituer le groupe de travail et fixer le calendrier",
    "Écrire le protocole de l'action avec les partenaires",
    "Informer les professionnels et les patients concernés",
    "Suivre les indicateurs et présenter le bilan en assemblée générale",
    "Former les professionnels volontaires",
]
FOLLOW_UP = [
    ("Nombre de professionnels engagés dans l'action", "0", "40", "professionnels"),
    ("Nombre de réunions du groupe de travail", "0", "6", "réunions"),
    ("Nombre de patients concernés", "0", "500", "patients"),
    ("Part des professionnels informés", "10", "90", "%"),
    ("Nombre de communes couvertes", "2", "20", "communes"),
    ("Satisfaction des professionnels (sur 10)", "5", "8", "points"),
]
NEEDS = [
    ("Trouver un médecin traitant pour les patients fragiles", "Assurance Maladie, Rézone CPTS"),
    ("Organiser les soins non programmés en journée", "Enquête auprès des professionnels"),
    ("Coordonner la sortie d'hospitalisation des personnes âgées", "Centre hospitalier"),
    ("Améliorer le dépistage des cancers", "Centre régional de coordination des dépistages"),
    ("Accueillir et installer de jeunes professionnels", "Ordres professionnels, URPS"),
]
PROFESSIONS = [
    "MEDECIN_GENERALISTE", "PHARMACIEN", "INFIRMIER", "KINESITHERAPEUTE", "MEDECIN_GENERALISTE",
    "SAGE_FEMME", "MEDECIN_SPECIALISTE", "INFIRMIER", "CHIRURGIEN_DENTISTE", "ORTHOPHONISTE",
    "MEDECIN_GENERALISTE", "INFIRMIER", "PHARMACIEN", "PODOLOGUE", "PSYCHOLOGUE", "DIETETICIEN",
]  # fmt: skip
STRUCTURES_KINDS = [
    ("Centre hospitalier de {place}", "HOSPITAL"),
    ("EHPAD de {place}", "EHPAD"),
    ("Maison de santé pluriprofessionnelle de {place}", "MSP"),
    ("SSIAD de {place}", "SSIAD"),
]
AVIS_QUESTIONS = ("missions", "diagnostic", "declinaison", "prs", "territoire")
SATISFACTORY = {"judgement": "SATISFAISANT", "comment": ""}
# Fiches per mission in each round of 25 (see _mission_sequence).
MISSION_WEIGHTS = {"1a": 5, "1b": 4, "2": 5, "3": 4, "4": 3, "5": 2, "6": 2}
# The expense lines of each budget table: (category, label, share of the part's resources);
# the last line takes what the others leave.
EXPENSE_SHARES = [
    ("INDEMNITES", "Temps des professionnels", Decimal("0.4")),
    ("SALAIRES", "Coordination et secrétariat", Decimal("0.35")),
    ("MATERIEL", "Outils numériques et supports", Decimal("0.15")),
    ("HONORAIRES", "Honoraires et formations", None),
]
# The deliberations of the ordinary general assembly: (text, for, against, abstentions).
AG_DELIBERATIONS = [
    ("Approbation des comptes et quitus au trésorier.", 30, 0, 2),
    ("Adoption du budget prévisionnel.", 29, 1, 2),
]
BUREAU = ["PRESIDENT", "VICE_PRESIDENT", "SECRETAIRE", "TRESORIER", "MEMBRE", "MEMBRE", "MEMBRE"]


def _fiche_templates() -> dict[str, dict]:
    from demo.missions import PIC

    templates = {data["mission"]: data for data in PIC}
    templates["6"] = CRISIS_FICHE
    return templates


def _mission_sequence(codes: list[str], weights: dict[str, int], count: int) -> list[str]:
    """`count` mission codes in round-robin order (every mission comes once before any comes
    twice), each at most its weight per round of 25."""
    order, left = [], dict(weights)
    while len(order) < count:
        progressed = False
        for code in codes:
            if left.get(code, 0) > 0:
                order.append(code)
                left[code] -= 1
                progressed = True
        if not progressed:
            left = dict(weights)
    return order[:count]


# --- Building a batch of projects ---------------------------------------------------------


class _Rows:
    """Rows to insert, per model, in dependency order (bulk_create in batches). A model with
    a history gets its creation row there too, as if made through the services (the fiche
    rows take their next number from their history, for one)."""

    def __init__(self, now: dt.datetime):
        self.rows: dict[type, list] = defaultdict(list)
        self.now = now

    def add(self, instance):
        self.rows[type(instance)].append(instance)
        return instance

    def flush(self, *models) -> None:
        for model in models:
            items = self.rows.pop(model, [])
            if items:
                model.objects.bulk_create(items, batch_size=ROWS_PER_INSERT)
                if items[0].pk is None:  # the database must return the new keys
                    raise RuntimeError("seed_scale needs a database returning bulk-inserted keys")
                if _has_history(model) and model._meta.label not in WITHOUT_HISTORY:
                    _history_create(model, [item.pk for item in items], self.now)


def _history_create(model, pks: list, now: dt.datetime) -> None:
    """The creation rows ("+") of the history of `model` for rows `pks`, copied by the
    database (as django-simple-history would write them one by one, by the row's author)."""
    history = model.history.model
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in history.tracked_fields)
    names = {f.name for f in model._meta.fields}
    author = quote("updated_by_id") if "updated_by" in names else "NULL"
    table, source = quote(history._meta.db_table), quote(model._meta.db_table)
    for start in range(0, len(pks), ROWS_PER_INSERT):
        chunk = pks[start : start + ROWS_PER_INSERT]
        # Identifiers are the quoted tables and columns of the models; values are parameters.
        sql = (
            f"INSERT INTO {table} ({columns}, history_date, history_change_reason, "  # noqa: S608
            f"history_type, history_user_id) SELECT {columns}, %s, NULL, '+', {author} "
            f"FROM {source} WHERE {quote(model._meta.pk.column)} IN "
            f"({', '.join(['%s'] * len(chunk))})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [now, *chunk])


def _has_history(model) -> bool:
    return getattr(model._meta, "simple_history_manager_attribute", None) == "history"


@dataclass
class _Context:
    prefix: str
    today: dt.date
    now: dt.datetime
    password_hash: str
    reviewers: dict
    missions: dict
    templates: dict
    funding: _Funding
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def _aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _dates(spec: Spec, today: dt.date) -> dict:
    """The dates of the project's life, coherent with its state and spread by its index."""
    i = spec.index
    state = spec.state
    signature = None
    if state == State.CONTRACTED:
        # Year 5 of the contract is running: five years of results exist (the last provisional).
        signature = today - dt.timedelta(days=4 * 365 + 30 + (i * 13) % 300)
        received = add_months(signature, -5)
    elif state == State.DEPOSITED:
        received = today - dt.timedelta(days=(i * 3) % 50)  # the review is running
    elif state == State.INCOMPLETE:
        received = today - dt.timedelta(days=20 + i % 30)
    elif state == State.TACITLY_VALIDATED:
        received = today - dt.timedelta(days=70 + i % 60)  # two months passed, no opposition
    else:
        received = today - dt.timedelta(days=90 + (i * 7) % 120)
    if state in _DEPOSITED:
        letter = add_months(received, -10)
    elif state == State.REDACTION:
        letter = today - dt.timedelta(days=100 + (i * 11) % 200)
    else:
        letter = today - dt.timedelta(days=5 + i % 40)
    return {
        "letter": letter,
        "received": received,
        "decided": received + dt.timedelta(days=40),
        "signature": signature,
    }


class _Funding:
    """The ACI funding of a year per (barème, size tier, missions, SNP service): computed once
    for every project that shares them. The barème is the one in force at the signature."""

    def __init__(self):
        from funding.models import Bareme

        self.baremes = list(Bareme.objects.order_by("-effective_date"))
        self.cache = {}

    def bareme_on(self, day: dt.date | None) -> str:
        for bareme in self.baremes:
            if day is None or bareme.effective_date <= day:
                return bareme.name
        return self.baremes[-1].name if self.baremes else ""

    def __call__(self, population: int, missions: list[str], snp: bool, on: dt.date | None):
        from funding import calculator

        bareme = self.bareme_on(on)
        key = (bareme, calculator.size_tier(population), tuple(missions), snp)
        if key not in self.cache:
            self.cache[key] = calculator.annual_funding(
                population=population, missions=missions, snp_orientation=snp, bareme=bareme
            )
        return self.cache[key]


def _build_batch(specs: list[Spec], ctx: _Context) -> None:
    from diagnostics.models import DiagnosticFigure as Figure
    from diagnostics.models import (
        DiagnosticSection,
        Need,
        Territory,
        TerritoryChange,
        TerritoryCommune,
    )
    from funding.calculator import size_tier
    from funding.models import Budget, BudgetLine, Grant, Side
    from governance.models import (
        Association,
        Attendance,
        CompositionRules,
        Instance,
        Mandate,
        Meeting,
        Member,
        Partnership,
    )
    from governance.services import DEFAULT_BUREAU_RULES, STATUTORY_INSTANCES
    from missions.models import Fiche, Indicator, IndicatorResult, SubAction, WorkingGroupMember

    rows = _Rows(ctx.now)
    domain = email_domain(ctx.prefix)
    today = ctx.today

    # The associations, their accounts and the projects.
    organisations, users, projects = {}, {}, {}
    for spec in specs:
        place = spec.communes[0].name if spec.communes else spec.departement.name
        spec.name = f"CPTS {place} ({spec.index:04d})"
        organisations[spec.slug] = rows.add(
            Organisation(
                slug=f"cpts-{spec.slug}",
                name=f"Association {spec.name}",
                kind=Kind.CPTS,
                scope=Scope.DEPARTEMENTS,
            )
        )
        staff = {}
        for k, (local, role, profession) in enumerate(
            [
                ("coordination", Role.COORDINATOR, "Coordinateur(rice) de CPTS"),
                ("bureau", Role.BUREAU, "Médecin généraliste"),
                ("pilote1", Role.PILOT, "Infirmier(e)"),
                ("pilote2", Role.PILOT, "Pharmacien(ne)"),
                ("membre", Role.MEMBER, "Masseur-kinésithérapeute"),
            ]
        ):
            first, last = _person(spec.index * 5 + k)
            staff[local] = (
                rows.add(
                    User(
                        email=f"{local}.{spec.slug}@{domain}",
                        first_name=first,
                        last_name=last,
                        profession=profession,
                        password=ctx.password_hash,
                    )
                ),
                role,
            )
        users[spec.slug] = staff
    rows.flush(Organisation, User)
    for spec in specs:
        for user, role in users[spec.slug].values():
            rows.add(
                Membership(
                    user=user,
                    organisation=organisations[spec.slug],
                    role=role,
                    is_manager=role == Role.COORDINATOR,
                )
            )
        spec.dates = _dates(spec, today)
        projects[spec.slug] = rows.add(
            Project(
                organisation=organisations[spec.slug],
                name=spec.name,
                slug=spec.slug,
                state=spec.state,
                stage=STAGE_OF_STATE[spec.state],
                submitted_at=_aware(spec.dates["letter"]) if spec.state in _SUBMITTED else None,
            )
        )
    rows.flush(Membership, Project)

    # Territory and diagnostic.
    through = Project.departements.through
    for spec in specs:
        project = projects[spec.slug]
        coordinator = users[spec.slug]["coordination"][0]
        for code in sorted({c.departement_id for c in spec.communes}):
            rows.add(through(project_id=project.pk, departement_id=code))
        population = spec.population
        spec.funded_missions = ["acces_soins", "parcours", "prevention"]
        if spec.index % 2:
            spec.funded_missions.append("qualite")
        if spec.index % 3 == 0:
            spec.funded_missions.append("accompagnement")
        spec.snp = spec.index % 4 == 0
        spec.funding = ctx.funding(
            population, spec.funded_missions, spec.snp, spec.dates["signature"]
        )
        spec.territory = rows.add(
            Territory(
                project=project,
                population=population,
                tier=size_tier(population),
                updated_by=coordinator,
            )
        )
        spec.sections = [
            rows.add(
                DiagnosticSection(
                    project=project,
                    key=key,
                    text=f"{label} du territoire de la {spec.name} ({spec.departement.name}) : "
                    "constats partagés par les professionnels lors des soirées d'échanges et "
                    "données de l'Assurance Maladie et de l'INSEE.",
                    updated_by=coordinator,
                )
            )
            for key, label in DiagnosticSection.Key.choices
        ]
        spec.needs = [
            rows.add(
                Need(
                    project=project,
                    number=n,
                    label=label,
                    source=source,
                    priority=("HIGH", "MEDIUM", "LOW")[n % 3],
                    updated_by=coordinator,
                )
            )
            for n, (label, source) in enumerate(NEEDS, start=1)
        ]
    rows.flush(through, Territory, DiagnosticSection, Need)
    for spec in specs:
        coordinator = users[spec.slug]["coordination"][0]
        for commune in spec.communes:
            rows.add(
                TerritoryCommune(
                    territory=spec.territory, commune_id=commune.code, added_by=coordinator
                )
            )
        rows.add(
            TerritoryChange(
                territory=spec.territory,
                action=TerritoryChange.Action.ADD,
                subject=f"{len(spec.communes)} communes de {spec.departement.name}",
                commune_codes=" ".join(c.code for c in spec.communes),
                commune_count=len(spec.communes),
                population_after=spec.territory.population,
                tier_after=spec.territory.tier,
                by=coordinator,
            )
        )
        population = spec.sections[1]  # DiagnosticSection.Key.POPULATION
        seed = spec.index
        for position, (label, value, unit, comparison) in enumerate(
            [
                ("Population municipale", spec.territory.population, "habitants", None),
                ("75 ans et plus", 8 + seed % 7, "%", 10),
                ("Patients en affection de longue durée (ALD)", 15 + seed % 8, "%", 19),
                ("Patients de 17 ans et plus sans médecin traitant", 6 + seed % 9, "%", 11),
                ("Densité de médecins généralistes", 6 + seed % 5, "pour 10 000 hab.", 9),
            ]
        ):
            rows.add(
                Figure(
                    section=population,
                    label=label,
                    value=Decimal(value),
                    unit=unit,
                    year=today.year - 2,
                    source="INSEE ; Assurance Maladie, Rézone CPTS",
                    comparison_value=None if comparison is None else Decimal(comparison),
                    comparison_label="" if comparison is None else spec.departement.name,
                    position=position,
                )
            )
    rows.flush(TerritoryCommune, TerritoryChange, Figure)

    # Lifecycle: intention letter, deposit, avis, decision, contract, timeline.
    for spec in specs:
        project, state, dates = projects[spec.slug], spec.state, spec.dates
        coordinator = users[spec.slug]["coordination"][0]
        reviewers = ctx.reviewers[spec.departement.code]
        if state != State.INITIATIVE:
            submitted = state in _SUBMITTED
            spec.letter = rows.add(
                IntentionLetter(
                    project=project,
                    porteur=f"Association {spec.name} (loi 1901), siège à {spec.communes[0].name}.",
                    territory=f"{len(spec.communes)} communes de {spec.departement.name}, "
                    f"{spec.territory.population} habitants.",
                    diagnostic="Population vieillissante, départs en retraite de médecins "
                    "généralistes, recours fréquents aux urgences.",
                    actors="Professionnels de santé libéraux, maisons de santé, EHPAD, SSIAD.",
                    coordination="Une maison de santé et des groupes de pairs.",
                    missions="Les missions socles puis l'accompagnement des professionnels.",
                    calendar="Projet de santé dans l'année qui suit la validation de la lettre.",
                    engineering_budget=Decimal(30000),
                    round=1 if submitted else 0,
                    submitted_at=_aware(dates["letter"]) if submitted else None,
                    updated_by=coordinator,
                )
            )
        if state in _DEPOSITED:
            received = dates["received"]
            spec.deposit = rows.add(
                Deposit(
                    project=project,
                    number=1,
                    received_date=received,
                    clock_start_date=received,
                    is_incomplete=state == State.INCOMPLETE,
                    missing_pieces="Statuts signés ; convention avec le centre hospitalier."
                    if state == State.INCOMPLETE
                    else "",
                    snapshot={"project": {"name": spec.name, "slug": spec.slug}},
                    deposited_by=coordinator,
                )
            )
        if dates["signature"]:
            signature = dates["signature"]
            rows.add(
                Contract(
                    project=project,
                    signature_date=signature,
                    bareme=ctx.funding.bareme_on(signature),
                    cpts_signed_date=signature - dt.timedelta(days=6),
                    cpam_signed_date=signature - dt.timedelta(days=3),
                    ars_signed_date=signature,
                    annual_amount=spec.funding.total,  # the funding committed at the signature
                    recorded_by=coordinator,
                )
            )
        actors = {
            "coordinator": coordinator,
            "reviewer": reviewers["reviewer"],
            "decider": reviewers["decider"],
        }
        for from_state, action in PATHS[state]:
            transition = TRANSITIONS[(from_state, action)]
            who = ACTOR_OF_ACTION.get(action, "coordinator")
            to = (
                transition.to
                if not callable(transition.to)
                else (State.INTENTION_REWORK if action == "rework_intention" else State.REDACTION)
            )
            rows.add(
                ProjectEvent(
                    project=project,
                    action=action,
                    label=transition.event,
                    from_state=from_state,
                    to_state=to,
                    actor=None if action == "record_tacit_validation" else actors[who],
                    comment="Dépôt n°1" if action == "record_tacit_validation" else "",
                    public=transition.public,
                )
            )
    rows.flush(IntentionLetter, Deposit, Contract, ProjectEvent)
    for spec in specs:
        state, dates = spec.state, spec.dates
        reviewers = ctx.reviewers[spec.departement.code]
        if len(PATHS[state]) >= 3:  # the letter was answered
            rework = state == State.INTENTION_REWORK
            for body, by in ((Kind.ARS_DD, reviewers["reviewer"]), (Kind.CPAM, reviewers["cpam"])):
                rows.add(
                    IntentionAnswer(
                        letter=spec.letter,
                        round=1,
                        body=body,
                        answer=IntentionAnswer.Answer.REWORK
                        if rework and body == Kind.ARS_DD
                        else IntentionAnswer.Answer.VALIDATED,
                        comment="Préciser le territoire et associer les infirmiers libéraux."
                        if body == Kind.ARS_DD
                        else "",
                        by=by,
                    )
                )
        if state in _DEPOSITED:
            submitted_bodies = (
                set(AvisBody.values)
                if state in _DECIDED or state == State.TACITLY_VALIDATED
                else set(AvisBody.values[: spec.index % 4])
            )
            author = {
                AvisBody.ARS_DD: reviewers["reviewer"],
                AvisBody.CPAM: reviewers["cpam"],
                AvisBody.URPS: reviewers["urps"],
            }
            for body in AvisBody.values:
                done = body in submitted_bodies
                by = author.get(body)
                rows.add(
                    Avis(
                        deposit=spec.deposit,
                        body=body,
                        answers={key: dict(SATISFACTORY) for key in AVIS_QUESTIONS} if done else {},
                        overall=Avis.Overall.FAVORABLE if done else "",
                        motivation="Projet cohérent avec le diagnostic." if done else "",
                        submitted_at=_aware(dates["received"] + dt.timedelta(days=30))
                        if done
                        else None,
                        submitted_by=by if done else None,
                        updated_by=by,
                    )
                )
            if state in _DECIDED:
                opposed = state == State.OPPOSED
                rows.add(
                    Decision(
                        deposit=spec.deposit,
                        kind=Decision.Kind.OPPOSITION if opposed else Decision.Kind.VALIDATION,
                        ground_territory=opposed,
                        motivation="Le territoire recouvre celui d'une CPTS déjà validée."
                        if opposed
                        else "",
                        vigilance="" if opposed else "Suivre le déploiement de la mission 2.",
                        decided_by=reviewers["decider"],
                    )
                )
    rows.flush(IntentionAnswer, Avis, Decision)

    # Missions: fiches, then their rows, then the results of each contract year.
    codes = list(ctx.missions)
    for spec in specs:
        project = projects[spec.slug]
        staff = users[spec.slug]
        base = spec.dates["signature"] or today + dt.timedelta(days=180)
        spec.fiches = []
        for number, code in enumerate(
            _mission_sequence(codes, MISSION_WEIGHTS, spec.fiche_count), start=1
        ):
            template = ctx.templates.get(code) or CRISIS_FICHE
            pilot = staff["pilote1" if number % 2 else "pilote2"][0]
            start = base + dt.timedelta(days=30 * (number % 12))
            fiche = rows.add(
                Fiche(
                    project=project,
                    number=number,
                    mission=ctx.missions[code],
                    title=template["title"]
                    + (
                        "" if number <= len(codes) else f" — volet {(number - 1) // len(codes) + 1}"
                    ),
                    pilot=pilot if number % 3 else None,
                    pilot_name="" if number % 3 else f"Dr {' '.join(_person(spec.index + number))}",
                    pilot_profession="" if number % 3 else "Médecin généraliste",
                    problems=template["problems"],
                    objectives=template["objectives"],
                    target_public=template["target_public"],
                    start_date=start,
                    milestones=template["milestones"],
                    end_date=start + dt.timedelta(days=540),
                    means_logistic=template["means_logistic"],
                    means_digital=template["means_digital"],
                    means_human=template["means_human"],
                    resources_available=template["resources_available"],
                    obstacles=template["obstacles"],
                    levers=template["levers"],
                    budget=template["budget"],
                    updated_by=staff["coordination"][0],
                )
            )
            spec.fiches.append(fiche)
    rows.flush(Fiche)
    needs_through = Fiche.needs.through
    for spec in specs:
        staff = users[spec.slug]
        coordinator = staff["coordination"][0]
        funded = set()
        spec.indicators = []
        for fiche in spec.fiches:
            template = ctx.templates.get(fiche.mission.code) or CRISIS_FICHE
            rows.add(needs_through(fiche_id=fiche.pk, need_id=spec.needs[fiche.number % 5].pk))
            for position in range(1, SUB_ACTIONS_PER_FICHE + 1):
                what = SUB_ACTIONS[(fiche.number + position) % len(SUB_ACTIONS)]
                rows.add(
                    SubAction(
                        fiche=fiche,
                        number=position,
                        position=position,
                        what=what,
                        who="Pilote de l'action" if position % 2 else "Secrétariat de la CPTS",
                        start_date=fiche.start_date + dt.timedelta(days=60 * (position - 1)),
                        end_date=fiche.start_date + dt.timedelta(days=60 * position),
                        status=(
                            SubAction.Status.DONE,
                            SubAction.Status.ONGOING,
                            SubAction.Status.PLANNED,
                        )[position - 1]
                        if spec.dates["signature"]
                        else SubAction.Status.PLANNED,
                        updated_by=coordinator,
                    )
                )
            for position, user in ((1, staff["membre"][0]), (2, None)):
                first, last = _person(spec.index * 31 + fiche.number * 2 + position)
                rows.add(
                    WorkingGroupMember(
                        fiche=fiche,
                        number=position,
                        position=position,
                        user=user,
                        name="" if user else f"{first} {last}",
                        profession="" if user else "Infirmier(e) libéral(e)",
                        contact="" if user else f"Cabinet de {spec.communes[0].name}",
                        updated_by=coordinator,
                    )
                )
            # The first indicator: the template's result indicator, else a generic one.
            result = next(
                (i[:7] for i in template.get("indicators", []) if i[1] == Indicator.Kind.RESULT),
                None,
            ) or (
                "Taux d'atteinte de l'objectif",
                Indicator.Kind.RESULT,
                "0",
                "100",
                "%",
                "Tableau de bord",
                "annuelle",
            )
            for position in range(1, INDICATORS_PER_FICHE + 1):
                if position == 1:
                    name, kind, baseline, target, unit, source, frequency = result
                    drives = fiche.mission.funding_code not in funded and fiche.mission.code != "6"
                    funded.add(fiche.mission.funding_code)
                else:
                    name, baseline, target, unit = FOLLOW_UP[
                        (fiche.number + position) % len(FOLLOW_UP)
                    ]
                    kind, source, frequency = (
                        Indicator.Kind.FOLLOW_UP,
                        "Tableau de suivi de la CPTS",
                        "trimestrielle",
                    )
                    drives = False
                indicator = rows.add(
                    Indicator(
                        fiche=fiche,
                        number=position,
                        position=position,
                        name=name,
                        kind=kind,
                        baseline=None if baseline is None else Decimal(baseline),
                        target=None if target is None else Decimal(target),
                        unit=unit,
                        source=source,
                        frequency=frequency,
                        drives_funding=drives,
                        updated_by=coordinator,
                    )
                )
                spec.indicators.append(indicator)
    rows.flush(needs_through, SubAction, WorkingGroupMember, Indicator)
    for spec in specs:
        signature = spec.dates["signature"]
        if not signature:
            continue
        coordinator = users[spec.slug]["coordination"][0]
        for indicator in spec.indicators:
            baseline = indicator.baseline or Decimal(0)
            target = indicator.target if indicator.target is not None else Decimal(100)
            for year in range(1, IndicatorResult.YEARS + 1):
                progress = Decimal(min(year * (60 + spec.index % 40), 100 * IndicatorResult.YEARS))
                value = baseline + (target - baseline) * progress / (100 * IndicatorResult.YEARS)
                rows.add(
                    IndicatorResult(
                        indicator=indicator,
                        year=year,
                        value=value.quantize(Decimal("0.01")),
                        measured_on=min(
                            add_months(signature, 12 * year) - dt.timedelta(days=10), today
                        ),
                        comment="Tableau de bord CPTS de l'Assurance Maladie.",
                        updated_by=coordinator,
                    )
                )
        ctx.counts["results"] += len(spec.indicators) * IndicatorResult.YEARS
    rows.flush(IndicatorResult)

    # Governance: association, instances and rules, members, mandates, meetings.
    for spec in specs:
        project = projects[spec.slug]
        coordinator = users[spec.slug]["coordination"][0]
        place = spec.communes[0].name
        declared = spec.dates["letter"] - dt.timedelta(days=120)
        rows.add(
            Association(
                project=project,
                name=f"Association {spec.name}",
                rna=f"W{spec.index:09d}",
                declaration_date=declared,
                seat=f"Maison de santé, 1 place de la Mairie, {place}",
                purpose="Rassembler les professionnels de santé du territoire pour améliorer "
                "l'accès aux soins, organiser des parcours et mener des actions de prévention.",
                updated_by=coordinator,
            )
        )
        spec.instances = {
            kind: rows.add(Instance(project=project, kind=kind, name=name, slug=slug, order=order))
            for kind, name, slug, order in STATUTORY_INSTANCES
        }
        spec.members = []
        communes = spec.communes
        for n in range(1, PERSONS + STRUCTURES + 1):
            if n <= PERSONS:
                first, last = _person(spec.index * 53 + n)
                member = Member(
                    kind=Member.Kind.PERSON,
                    first_name=first,
                    last_name=last,
                    profession=PROFESSIONS[(n - 1) % len(PROFESSIONS)],
                    rpps=f"1{spec.index:05d}{n:05d}",
                    email=f"membre{n}.{spec.slug}@{domain}",
                    category=Member.Category.ACTIVE,
                    fee_status=Member.Fee.DUE if n % 9 == 0 else Member.Fee.PAID,
                )
            else:
                name, structure_kind = STRUCTURES_KINDS[n - PERSONS - 1]
                member = Member(
                    kind=Member.Kind.STRUCTURE,
                    structure_name=name.format(place=communes[(n - PERSONS) % len(communes)].name),
                    structure_kind=structure_kind,
                    representative=" ".join(_person(spec.index + n)),
                    category=Member.Category.PARTNER,
                    fee_status=Member.Fee.EXEMPT,
                )
            member.project = project
            member.number = n
            member.commune_id = communes[n % len(communes)].code
            member.adhesion_date = declared + dt.timedelta(days=n % 60)
            spec.members.append(rows.add(member))
    rows.flush(Association, Instance, Member)
    for spec in specs:
        project = projects[spec.slug]
        coordinator = users[spec.slug]["coordination"][0]
        bureau, ca, ag = (spec.instances[k] for k in ("BUREAU", "CA", "AG"))
        rows.add(CompositionRules(body=bureau, updated_by=coordinator, **DEFAULT_BUREAU_RULES))
        rows.add(CompositionRules(body=ca, updated_by=coordinator))
        rows.add(CompositionRules(body=ag, updated_by=coordinator))
        start = spec.members[0].adhesion_date
        mandates = [(bureau, spec.members[k], office) for k, office in enumerate(BUREAU)]
        mandates += [(ca, spec.members[k], office) for k, office in enumerate(BUREAU)]
        mandates += [(ca, spec.members[k], "MEMBRE") for k in range(len(BUREAU), len(BUREAU) + 5)]
        for number, (body, member, office) in enumerate(mandates, start=1):
            rows.add(
                Mandate(
                    project=project,
                    number=number,
                    body=body,
                    member=member,
                    office=office,
                    start_date=start,
                )
            )
        last_ag = today - dt.timedelta(days=30 + (spec.index * 17) % 300)
        spec.meetings = [
            rows.add(
                Meeting(
                    project=project,
                    number=number,
                    body=body,
                    meeting_date=day,
                    title=title,
                    agenda="1. Rapport moral\n2. Approbation des comptes\n3. Budget prévisionnel",
                    minutes=minutes,
                    updated_by=coordinator,
                )
            )
            for number, (body, day, title, minutes) in enumerate(
                [
                    (ag, start, "Assemblée générale constitutive", "Statuts adoptés ; bureau élu."),
                    (
                        ag,
                        last_ag,
                        f"Assemblée générale ordinaire {last_ag.year}",
                        "Comptes approuvés.",
                    ),
                    (
                        bureau,
                        today - dt.timedelta(days=10 + spec.index % 20),
                        "Réunion de bureau",
                        "",
                    ),
                ],
                start=1,
            )
        ]
        for partner, purpose in (
            (
                spec.members[-4].structure_name,
                "Sorties d'hospitalisation et accès au médecin traitant.",
            ),
            (spec.members[-3].structure_name, "Accès au médecin traitant des résidents."),
        ):
            rows.add(
                Partnership(project=project, partner=partner, purpose=purpose, start_date=start)
            )
    rows.flush(CompositionRules, Mandate, Meeting, Partnership)
    for spec in specs:
        annual = spec.meetings[1]
        for text, votes_for, votes_against, abstentions in AG_DELIBERATIONS:
            rows.add(
                Decision(
                    meeting=annual,
                    text=text,
                    votes_for=votes_for,
                    votes_against=votes_against,
                    abstentions=abstentions,
                )
            )
        for member in spec.members[:PERSONS]:
            absent = member.number % 10 == 0
            rows.add(
                Attendance(
                    meeting=annual,
                    member=member,
                    status=Attendance.Status.ABSENT if absent else Attendance.Status.PRESENT,
                )
            )
    rows.flush(Decision, Attendance)

    # Funding: a balanced budget per part, a grant, and under a contract its dialogues and
    # payments.
    for spec in specs:
        project = projects[spec.slug]
        coordinator = users[spec.slug]["coordination"][0]
        missions, snp = spec.funded_missions, spec.snp
        population = spec.territory.population
        signature = spec.dates["signature"]
        spec.budget = rows.add(
            Budget(
                project=project,
                population=population,
                missions=missions,
                snp_orientation=snp,
                signature_date=signature,
                updated_by=coordinator,
            )
        )
        if spec.state not in (State.INITIATIVE, State.INTENTION_DRAFT):
            rows.add(
                Grant(
                    project=project,
                    number=1,
                    kind=Grant.Kind.FIR_INGENIERIE,
                    funder=f"ARS {spec.departement.region.name} (FIR)",
                    title="Ingénierie de projet après la lettre d'intention",
                    amount=Decimal(30000),
                    status=Grant.Status.VERSEE
                    if spec.state not in (State.INTENTION_SUBMITTED, State.INTENTION_REWORK)
                    else Grant.Status.DEMANDEE,
                    requested_date=spec.dates["letter"],
                    updated_by=coordinator,
                )
            )
        if signature:
            years_done = 4
            for year in range(1, years_done + 1):
                rows.add(
                    AnnualDialogue(
                        project=project,
                        year=year,
                        meeting_date=add_months(signature, 12 * year) + dt.timedelta(days=20),
                        attainment={code: str(70 + (spec.index + year) % 30) for code in missions},
                        minutes="Indicateurs de l'année présentés ; taux d'atteinte retenus.",
                        cpts_signed_by=coordinator,
                        cpts_signed_at=_aware(
                            add_months(signature, 12 * year) + dt.timedelta(days=25)
                        ),
                        updated_by=coordinator,
                    )
                )
            funding = spec.funding
            start_amount = funding.functioning_total + funding.mission_fixed_total * Decimal("0.75")
            balance = funding.mission_fixed_total * Decimal(
                "0.25"
            ) + funding.variable_total * Decimal("0.8")
            for year in range(1, 6):
                payments = [
                    (
                        ContractPayment.Kind.START,
                        add_months(signature, 12 * (year - 1)) + dt.timedelta(days=15),
                        start_amount,
                        "A",
                    )
                ]
                if year <= years_done:
                    payments.append(
                        (
                            ContractPayment.Kind.BALANCE,
                            add_months(signature, 12 * year + 2) - dt.timedelta(days=5),
                            balance,
                            "S",
                        )
                    )
                for kind, paid_on, amount, suffix in payments:
                    rows.add(
                        ContractPayment(
                            project=project,
                            year=year,
                            kind=kind,
                            paid_on=paid_on,
                            amount=amount.quantize(Decimal("0.01")),
                            reference=f"ACI-{spec.index:04d}-{year}-{suffix}",
                            recorded_by=coordinator,
                        )
                    )
    rows.flush(Budget, Grant, AnnualDialogue, ContractPayment)
    for spec in specs:
        coordinator = users[spec.slug]["coordination"][0]
        number = 0
        for part, amount in _budget_parts(spec.funding, spec.budget.missions):
            spent = Decimal(0)
            for category, label, share in EXPENSE_SHARES:
                value = amount - spent if share is None else (amount * share).quantize(Decimal(1))
                spent += value
                number += 1
                rows.add(
                    BudgetLine(
                        budget=spec.budget,
                        number=number,
                        part=part,
                        side=Side.EXPENSE,
                        category=category,
                        label=label,
                        amount=value,
                        updated_by=coordinator,
                    )
                )
    rows.flush(BudgetLine)

    ctx.counts["projects"] += len(specs)
    ctx.counts["fiches"] += sum(len(s.fiches) for s in specs)
    ctx.counts["indicators"] += sum(len(s.indicators) for s in specs)
    ctx.counts["members"] += sum(len(s.members) for s in specs)


def _budget_parts(funding, missions: list[str]) -> list[tuple[str, Decimal]]:
    """(part, ACI resources of the part): the expenses of each table match them."""
    totals = defaultdict(Decimal)
    for line in funding.lines:
        totals[line.mission or ""] += line.amount
    return [(part, totals[part]) for part in ["", *missions] if totals[part] > 0]


# --- Entry points -------------------------------------------------------------------------


@contextmanager
def _without_delete_signals():
    """Deleting scale data must not write history rows (it has none) nor load every object
    one by one for the signals: with no receiver, Django deletes in bulk."""
    saved = []
    for signal in (pre_delete, post_delete, m2m_changed):
        with signal.lock:
            saved.append((signal, signal.receivers))
            signal.receivers = []
            signal.sender_receivers_cache.clear()
    try:
        yield
    finally:
        for signal, receivers in saved:
            with signal.lock:
                signal.receivers = receivers
                signal.sender_receivers_cache.clear()


def _project_path(model, depth: int = 0) -> str | None:
    """The lookup from `model` to its project through foreign keys ('fiche__project')."""
    keys = [f for f in model._meta.fields if isinstance(f, ForeignKey)]
    for key in keys:
        if key.related_model is Project:
            return key.name
    if depth >= 3:
        return None
    for key in keys:
        related = key.related_model
        if related is not model and related._meta.app_label not in ("accounts", "geo", "auth"):
            inner = _project_path(related, depth + 1)
            if inner:
                return f"{key.name}__{inner}"
    return None


def scale_reset(prefix: str = PREFIX, *, log: Callable[[str], None] = lambda text: None) -> int:
    """Remove every project, organisation and account of the prefix. Returns the number of
    projects removed."""
    from django.apps import apps

    projects = Project.objects.filter(slug__regex=rf"^{re.escape(prefix)}-")
    count = projects.count()
    with transaction.atomic(), _without_delete_signals():
        # History rows hold no foreign key to their record: remove those of the prefix first.
        for model in apps.get_models():
            path = _project_path(model) if _has_history(model) else None
            if path:
                originals = model.objects.filter(**{f"{path}__in": projects})
                model.history.filter(
                    **{f"{model._meta.pk.attname}__in": originals.values("pk")}
                ).delete()
        # Records that protect another record of the same project go first (a meeting its
        # instance, an indemnity its member, a deposited document its deposit).
        for model in apps.get_models():
            path = _project_path(model)
            if path and any(
                key.remote_field.on_delete is PROTECT and _project_path(key.related_model)
                for key in model._meta.fields
                if isinstance(key, ForeignKey)
            ):
                model.objects.filter(**{f"{path}__in": projects}).delete()
        projects.delete()
        Organisation.objects.filter(slug__startswith=f"cpts-{prefix}-").delete()
        Organisation.objects.filter(slug__startswith=f"{prefix}-").delete()
        User.objects.filter(email__endswith=f"@{email_domain(prefix)}").delete()
    log(f"{count} projects of prefix {prefix!r} removed")
    return count


def _prepare(prefix: str, password: str | None):
    """Referential, catalogue and barème present; the reviewer bodies; what every batch uses."""
    from funding.data import aci_2019
    from funding.models import Bareme, BaremeLine
    from missions.catalogue import catalogue_ensure
    from missions.models import Mission

    if not geo_services.referential_is_loaded():
        geo_services.referential_load()
    catalogue_ensure()
    aci_2019.install(Bareme, BaremeLine)
    departements = scale_departements()
    if not departements:
        raise RuntimeError("no département with communes: run `manage.py load_referential`")
    password_hash = make_password(password or settings.DEMO_PASSWORD)
    with transaction.atomic():
        bodies = _ensure_review_bodies(prefix, departements, password_hash)
    now = timezone.now()
    ctx = _Context(
        prefix=prefix,
        today=timezone.localdate(),
        now=now,
        password_hash=password_hash,
        reviewers=bodies["by"],
        missions={m.code: m for m in Mission.objects.order_by("order")},
        templates=_fiche_templates(),
        funding=_Funding(),
    )
    return departements, _territory_pool(departements), ctx


def seed_scale(
    count: int,
    *,
    prefix: str = PREFIX,
    reset: bool = False,
    password: str | None = None,
    log: Callable[[str], None] = lambda text: None,
) -> dict:
    """Make projects `<prefix>-0001` to `<prefix>-<count>` exist (adding only the missing
    ones). Returns what was created: {"created", "total", "projects", "fiches", …}."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,30}", prefix):
        raise ValueError("the prefix is a short lowercase slug")
    if reset:
        scale_reset(prefix, log=log)
    departements, pools, ctx = _prepare(prefix, password)
    existing = set(scale_projects(prefix).values_list("slug", flat=True))
    missing = [i for i in range(1, count + 1) if project_slug(i, prefix) not in existing]
    log(
        f"{len(existing)} projects of prefix {prefix!r} present, {len(missing)} to create "
        f"over {len(departements)} départements"
    )
    for start in range(0, len(missing), PROJECTS_PER_TRANSACTION):
        chunk = missing[start : start + PROJECTS_PER_TRANSACTION]
        specs = [make_spec(i, departements, pools, prefix=prefix) for i in chunk]
        with transaction.atomic():
            _build_batch(specs, ctx)
        log(f"  {start + len(chunk)}/{len(missing)} created (up to {specs[-1].slug})")
    if missing:
        _analyze()
    return {
        "created": len(missing),
        "total": scale_projects(prefix).count(),
        **dict(ctx.counts),
    }


def seed_project(
    slug: str,
    *,
    index: int = 1,
    fiches: int = FICHES,
    state: str = State.CONTRACTED,
    prefix: str = PREFIX,
    password: str | None = None,
) -> Project:
    """One project with exactly `fiches` fiches-actions (e.g. the 40 of the PDF benchmark),
    shaped like project number `index`; created once, found again afterwards."""
    project = Project.objects.filter(slug=slug).first()
    if project is not None:
        return project
    departements, pools, ctx = _prepare(prefix, password)
    spec = make_spec(
        index, departements, pools, prefix=prefix, slug=slug, state=state, fiches=fiches
    )
    with transaction.atomic():
        _build_batch([spec], ctx)
    _analyze()
    return Project.objects.get(slug=slug)


def _analyze() -> None:
    """Refresh PostgreSQL's statistics after a bulk load: until autovacuum gets to the new
    rows, the planner takes the tables for small and scans them whole (the missions overview
    at 1 500 CPTS took 2.8 times longer before this)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def describe(prefix: str = PREFIX) -> dict:
    """How the scale projects spread: per state and per département (for the command's
    summary and the tests)."""
    from django.db.models import Count

    queryset = scale_projects(prefix)
    states = dict(queryset.values_list("state").annotate(n=Count("pk")).order_by())
    departements = (
        Project.departements.through.objects.filter(project__in=queryset)
        .values("departement_id")
        .distinct()
        .count()
    )
    regions = Region.objects.filter(departements__projects__in=queryset).distinct().count()
    return {"states": states, "departements": departements, "regions": regions}
