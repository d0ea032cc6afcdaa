"""Is a meeting valid, and what did it decide? Valid proxies, quorum, votes and majority.

The guide's example statutes (Annexe 3) fix the proxies: "Chaque personne physique en sa
qualité de membre actif peut déléguer à un autre membre actif de l'Association – par voie de
mandat écrit – la faculté de la représenter [...]. Chaque membre actif peut bénéficier de deux
délégations (mandat écrit ou pouvoir) en vue de représenter un autre membre actif lors des
délibérations et votes en Assemblée Générale Ordinaire et/ ou Extraordinaire." and the votes:
"Chaque membre actif bénéficie d'une seule voix". Only a valid proxy counts, towards the
quorum as towards the votes. The guide leaves quorum and majority to the statutes ("En termes
de majorité, les statuts associatifs permettent une totale souplesse [...]"): the defaults
the portal chose are listed on /aide/ (templates/help/_governance_rules.html).
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field

from .composition import fraction_label
from .models import (
    Association,
    Attendance,
    Deliberation,
    Instance,
    Majority,
    Mandate,
    Meeting,
    Member,
)

# The portal's defaults when a project has no association yet (see /aide/).
DEFAULT_MAX_PROXIES = 2  # Annexe 3: "Chaque membre actif peut bénéficier de deux délégations"
DEFAULT_QUORUM = (1, 4)
DEFAULT_EXTRAORDINARY_QUORUM = (1, 2)


@dataclass
class MeetingCheck:
    voters: int  # members entitled to vote at this meeting
    present: int  # entitled members present
    represented: int  # entitled members represented by a valid proxy
    required: int
    recorded: bool  # attendance has been entered
    quorum_reason: str
    proxy_problems: list[str] = field(default_factory=list)
    invalid_proxies: int = 0  # proxies recorded but not counted
    majority: str = Majority.SIMPLE
    extraordinary: bool = False

    @property
    def votes(self) -> int:
        """The votes that may be cast: one per member present or validly represented."""
        return self.present + self.represented

    @property
    def quorum_reached(self) -> bool:
        return self.recorded and self.votes >= self.required

    @property
    def flagged(self) -> bool:
        return not self.quorum_reached or bool(self.proxy_problems)

    @property
    def max_votes(self) -> int:
        """At most this many "pour" + "contre" + abstentions: the votants once attendance is
        entered, every entitled member before."""
        return self.votes if self.recorded else self.voters


def voters_for(meeting: Meeting) -> list[Member]:
    """Who votes: every active member for the AG, the active members holding a mandate in
    the instance otherwise."""
    on = meeting.meeting_date
    if meeting.body.kind == Instance.Kind.AG:
        return list(Member.objects.voting(on).filter(project_id=meeting.project_id))
    member_ids = Mandate.objects.current(on).filter(body=meeting.body).values("member_id")
    return list(Member.objects.voting(on).filter(pk__in=member_ids))


def checks_for(meetings: list[Meeting], project) -> dict[int, MeetingCheck]:
    """The check of each meeting of a page, in 4 queries whatever the number of meetings."""
    if not meetings:
        return {}
    association = Association.objects.filter(project=project).first()
    attendances: dict[int, list[Attendance]] = {m.pk: [] for m in meetings}
    rows = Attendance.objects.filter(meeting__in=meetings).select_related("member", "proxy_holder")
    for attendance in rows:
        attendances[attendance.meeting_id].append(attendance)
    members = list(
        Member.objects.filter(project=project, category=Member.Category.ACTIVE).values(
            "pk", "adhesion_date", "leaving_date"
        )
    )
    mandates = list(
        Mandate.objects.filter(body__in={m.body_id for m in meetings}).values(
            "body_id", "member_id", "start_date", "end_date"
        )
    )

    def voters(meeting: Meeting) -> set[int]:
        on = meeting.meeting_date
        active = {
            m["pk"]
            for m in members
            if (m["adhesion_date"] is None or m["adhesion_date"] <= on)
            and (m["leaving_date"] is None or m["leaving_date"] > on)
        }
        if meeting.body.kind == Instance.Kind.AG:
            return active
        seated = {
            m["member_id"]
            for m in mandates
            if m["body_id"] == meeting.body_id
            and m["start_date"] <= on
            and (m["end_date"] is None or m["end_date"] >= on)
        }
        return active & seated

    return {
        m.pk: meeting_check(
            m, association=association, attendances=attendances[m.pk], voters=voters(m)
        )
        for m in meetings
    }


def rules_of(meeting: Meeting, association: Association | None) -> tuple[int, int, str]:
    """The quorum fraction and the majority of `meeting`: the extraordinary AG's own, else the
    ordinary ones (which the CA, the Bureau and the other instances follow too)."""
    if meeting.is_extraordinary:
        if association is None:
            return (*DEFAULT_EXTRAORDINARY_QUORUM, Majority.TWO_THIRDS)
        return (
            association.extraordinary_quorum_numerator,
            association.extraordinary_quorum_denominator,
            association.extraordinary_majority,
        )
    if association is None:
        return (*DEFAULT_QUORUM, Majority.SIMPLE)
    return association.quorum_numerator, association.quorum_denominator, association.majority


def valid_proxies(
    attendances: list[Attendance], *, voters: set[int], max_proxies: int
) -> tuple[list[Attendance], list[str]]:
    """The proxies that count, and why the others do not.

    A proxy counts when it goes from an entitled member who is absent (status "représenté")
    to an entitled member who is present, within the statutes' limit per holder; beyond the
    limit, a holder's proxies count in the alphabetical order of the members represented
    (the portal's choice, see /aide/)."""
    present_ids = {a.member_id for a in attendances if a.status == Attendance.Status.PRESENT}
    represented = sorted(
        (a for a in attendances if a.status == Attendance.Status.REPRESENTED),
        key=lambda a: (a.member.display_name, a.member_id),
    )
    by_holder: dict[int, list[Attendance]] = defaultdict(list)
    for attendance in represented:
        by_holder[attendance.proxy_holder_id].append(attendance)
    valid, problems = [], []
    for holder_id, given in sorted(
        by_holder.items(), key=lambda item: item[1][0].proxy_holder.display_name
    ):
        holder = given[0].proxy_holder
        count = len(given)
        if holder_id not in present_ids:
            problems.append(
                f"{holder.display_name} détient {_proxies(count)} mais n'est pas présent(e) : "
                f"{_not_counted(count)}."
            )
            continue
        if not holder.votes:
            problems.append(
                f"{holder.display_name} est membre partenaire : il ne peut pas représenter "
                f"un membre actif ({_not_counted(count)})."
            )
            continue
        if holder_id not in voters:
            problems.append(
                f"{holder.display_name} ne vote pas dans cette instance : "
                f"{_not_counted(count)}."
            )
            continue
        if count > max_proxies:
            problems.append(
                f"{holder.display_name} détient {count} pouvoirs : les statuts en autorisent "
                f"au plus {max_proxies} ; {_not_counted(count - max_proxies)}."
            )
        valid.extend(given[:max_proxies])
    return valid, problems


def meeting_check(
    meeting: Meeting,
    *,
    association: Association | None,
    attendances: list[Attendance],
    voters: set[int] | None = None,
) -> MeetingCheck:
    """`attendances` with member and proxy_holder loaded; `voters` (member ids) when known."""
    max_proxies = association.max_proxies if association else DEFAULT_MAX_PROXIES
    numerator, denominator, majority = rules_of(meeting, association)
    if voters is None:
        voters = {m.pk for m in voters_for(meeting)}
    present_voters = sum(
        1 for a in attendances if a.status == Attendance.Status.PRESENT and a.member_id in voters
    )
    valid, problems = valid_proxies(attendances, voters=voters, max_proxies=max_proxies)
    represented_voters = sum(1 for a in valid if a.member_id in voters)
    given = sum(
        1
        for a in attendances
        if a.status == Attendance.Status.REPRESENTED and a.member_id in voters
    )
    invalid = given - represented_voters
    required = math.ceil(len(voters) * numerator / denominator) if voters else 1
    share = fraction_label(numerator, denominator)
    counted = (
        f"{present_voters + represented_voters} membre(s) votant(s) présent(s) ou représenté(s) "
        f"sur {len(voters)} ({present_voters} présent(s), {represented_voters} représenté(s))"
    )
    if invalid:
        counted += f", {_proxies(invalid)} non valable(s) non compté(s)"
    if not attendances:
        reason = "Les présences ne sont pas encore saisies : le quorum ne peut pas être vérifié."
    elif present_voters + represented_voters >= required:
        reason = f"Quorum atteint : {counted} ; il en faut au moins {required} ({share})."
    else:
        reason = f"Quorum non atteint : {counted} ; il en faut au moins {required} ({share})."
    return MeetingCheck(
        voters=len(voters),
        present=present_voters,
        represented=represented_voters,
        required=required,
        recorded=bool(attendances),
        quorum_reason=reason,
        proxy_problems=problems,
        invalid_proxies=invalid,
        majority=majority,
        extraordinary=meeting.is_extraordinary,
    )


@dataclass(frozen=True)
class Outcome:
    adopted: bool
    label: str  # "adoptée", "rejetée", "non valable"
    reason: str


def decision_outcome(decision: Deliberation, check: MeetingCheck) -> Outcome:
    """Is `decision` adopted, by the majority its meeting requires?

    Simple majority: more "pour" than "contre". Absolute: more "pour" than half the votants
    (members present or validly represented). Two thirds: at least two thirds of the votants.
    Before attendance is entered the votants are the votes cast."""
    cast = decision.votes_cast
    if cast > check.max_votes:
        return Outcome(
            False,
            "non valable",
            f"{cast} voix exprimées pour {check.max_votes} votant(s) : chaque membre actif "
            "n'a qu'une voix.",
        )
    if check.recorded and not check.quorum_reached:
        return Outcome(False, "non valable", "Le quorum n'est pas atteint.")
    votants = check.votes if check.recorded else cast
    label = Majority(check.majority).label
    if check.majority == Majority.ABSOLUTE:
        adopted = decision.votes_for * 2 > votants
    elif check.majority == Majority.TWO_THIRDS:
        adopted = votants > 0 and decision.votes_for * 3 >= votants * 2
    else:
        adopted = decision.votes_for > decision.votes_against
    return Outcome(adopted, "adoptée" if adopted else "rejetée", f"Règle : {label}.")


def _proxies(count: int) -> str:
    return "un pouvoir" if count == 1 else f"{count} pouvoirs"


def _not_counted(count: int) -> str:
    return "il n'est pas compté" if count == 1 else f"{count} ne sont pas comptés"
