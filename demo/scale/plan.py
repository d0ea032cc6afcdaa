"""What each scale project is, from its index alone: its slug, département, lifecycle state,
size, communes and the dates of its life. No writes here."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F

from cpts_portal.lib.dates import add_months
from geo.models import Commune, Departement
from geo.population import total_population
from projects.models import Project, State

PREFIX = "scale"
FICHES = 25  # fiches-actions per project, on average (each project gets 22 to 28)

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
SUBMITTED = {s for s, path in PATHS.items() if len(path) >= 2}  # the letter was submitted
ANSWERED = {s for s, path in PATHS.items() if len(path) >= 3}  # … and answered
DEPOSITED = {s for s, path in PATHS.items() if len(path) >= 4}  # the projet de santé too
DECIDED = {State.VALIDATED, State.OPPOSED, State.CONTRACTED}

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


def person_name(seed: int) -> tuple[str, str]:
    """A (first name, last name) drawn from `seed`: the same seed, the same person."""
    first = FIRST_NAMES[(seed * 7) % len(FIRST_NAMES)]
    last = LAST_NAMES[(seed * 11 + seed // 7) % len(LAST_NAMES)]
    return first, last


def email_domain(prefix: str = PREFIX) -> str:
    return f"{prefix}.cpts-portal.test"


def project_slug(index: int, prefix: str = PREFIX) -> str:
    return f"{prefix}-{index:04d}"


def scale_projects(prefix: str = PREFIX):
    """The numbered projects of the prefix (`<prefix>-0001`…)."""
    return Project.objects.filter(slug__regex=rf"^{re.escape(prefix)}-[0-9]{{4,}}$")


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


def territory_pool(departements) -> dict[str, list[Commune]]:
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


@dataclass
class Spec:
    """Everything that decides one project, derived from its index alone."""

    index: int
    slug: str
    state: str
    departement: Departement
    fiche_count: int
    communes: list[Commune]

    @property
    def name(self) -> str:
        place = self.communes[0].name if self.communes else self.departement.name
        return f"CPTS {place} ({self.index:04d})"

    @property
    def population(self) -> int:
        return total_population(self.communes)

    @property
    def funded_missions(self) -> list[str]:
        """The ACI missions of its budget: the socle ones, then every other project the
        quality one, every third the support of the professionals."""
        missions = ["acces_soins", "parcours", "prevention"]
        if self.index % 2:
            missions.append("qualite")
        if self.index % 3 == 0:
            missions.append("accompagnement")
        return missions

    @property
    def snp(self) -> bool:
        """Whether its budget funds the unscheduled-care service (one project in four)."""
        return self.index % 4 == 0


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


@dataclass(frozen=True)
class Dates:
    """The dates of a project's life, coherent with its state and spread by its index."""

    letter: dt.date  # the intention letter: submitted, or being written
    received: dt.date  # the deposit of the projet de santé (for the states that have one)
    signature: dt.date | None  # the ACI contract, under contract


def project_dates(spec: Spec, today: dt.date) -> Dates:
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
    if state in DEPOSITED:
        letter = add_months(received, -10)
    elif state == State.REDACTION:
        letter = today - dt.timedelta(days=100 + (i * 11) % 200)
    else:
        letter = today - dt.timedelta(days=5 + i % 40)
    return Dates(letter=letter, received=received, signature=signature)
