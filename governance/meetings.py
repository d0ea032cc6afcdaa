"""Is a meeting valid? Proxies within the statutes' limit, quorum reached."""

import math
from collections import Counter
from dataclasses import dataclass, field

from .composition import fraction_label
from .models import Association, Attendance, Instance, Mandate, Meeting, Member


@dataclass
class MeetingCheck:
    voters: int  # members entitled to vote at this meeting
    present: int
    represented: int
    required: int
    recorded: bool  # attendance has been entered
    quorum_reason: str
    proxy_problems: list[str] = field(default_factory=list)

    @property
    def quorum_reached(self) -> bool:
        return self.recorded and self.present + self.represented >= self.required

    @property
    def flagged(self) -> bool:
        return not self.quorum_reached or bool(self.proxy_problems)


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


def meeting_check(
    meeting: Meeting,
    *,
    association: Association | None,
    attendances: list[Attendance],
    voters: set[int] | None = None,
) -> MeetingCheck:
    """`attendances` with member and proxy_holder loaded; `voters` (member ids) when known."""
    max_proxies = association.max_proxies if association else 2
    numerator = association.quorum_numerator if association else 1
    denominator = association.quorum_denominator if association else 4
    if voters is None:
        voters = {m.pk for m in voters_for(meeting)}
    present = [a for a in attendances if a.status == Attendance.Status.PRESENT]
    represented = [a for a in attendances if a.status == Attendance.Status.REPRESENTED]
    present_ids = {a.member_id for a in present}

    problems = []
    held = Counter(a.proxy_holder_id for a in represented)
    holders = {a.proxy_holder_id: a.proxy_holder for a in represented}
    for holder_id, count in sorted(held.items(), key=lambda item: holders[item[0]].display_name):
        holder = holders[holder_id]
        if count > max_proxies:
            problems.append(
                f"{holder.display_name} détient {count} pouvoirs : les statuts en autorisent "
                f"au plus {max_proxies}."
            )
        if holder_id not in present_ids:
            problems.append(
                f"{holder.display_name} détient {_proxies(count)} mais n'est pas présent(e)."
            )
        if not holder.votes:
            problems.append(
                f"{holder.display_name} est membre partenaire : il ne peut pas représenter "
                "un membre actif."
            )

    present_voters = sum(1 for a in present if a.member_id in voters)
    represented_voters = sum(1 for a in represented if a.member_id in voters)
    required = math.ceil(len(voters) * numerator / denominator) if voters else 1
    share = fraction_label(numerator, denominator)
    counted = (
        f"{present_voters + represented_voters} membre(s) votant(s) présent(s) ou représenté(s) "
        f"sur {len(voters)} ({present_voters} présent(s), {represented_voters} représenté(s))"
    )
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
    )


def _proxies(count: int) -> str:
    return "un pouvoir" if count == 1 else f"{count} pouvoirs"
