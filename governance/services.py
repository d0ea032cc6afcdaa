"""Writes of the governance app (one service per meaningful change)."""

from django.db import transaction

from cpts_portal.lib.numbering import next_number
from cpts_portal.lib.versioning import create_versioned, save_versioned
from projects.models import Project

from .imports import row_to_fields
from .models import (
    Association,
    Attendance,
    CompositionRules,
    Deliberation,
    GovernanceDocument,
    Indemnity,
    InformationSystem,
    Instance,
    Mandate,
    Meeting,
    Member,
    Office,
    Partnership,
)

# The guide's example (Annexe 3): what a new Bureau starts with; each CPTS edits its own.
DEFAULT_BUREAU_RULES = {
    "min_members": 6,
    "max_members": 9,
    "active_only": True,
    "min_professions": 3,
    "doctors_numerator": 1,
    "doctors_denominator": 3,
    "doctor_in_presidency": True,
    "required_offices": [Office.PRESIDENT, Office.TRESORIER, Office.SECRETAIRE],
}
STATUTORY_INSTANCES = [
    # kind, name, slug, order
    (Instance.Kind.AG, "Assemblée générale", "assemblee-generale", 10),
    (Instance.Kind.CA, "Conseil d'administration", "conseil-administration", 20),
    (Instance.Kind.BUREAU, "Bureau", "bureau", 30),
]


def _project_number(model, project: Project) -> int:
    """The next per-project sequence number; call inside a transaction (the project row is
    locked so that two concurrent creations cannot take the same number)."""
    Project.objects.select_for_update().filter(pk=project.pk).first()
    return next_number(model.objects.filter(project=project))


# --- Association --------------------------------------------------------------------------


@transaction.atomic
def association_save(
    *, project: Project, by, fields: dict, version: int | None = None
) -> Association:
    """Create the association (and its statutory instances) or update it (versioned)."""
    association = Association.objects.filter(project=project).first()
    if association is None:
        association = create_versioned(Association, by=by, project=project, **fields)
        instances_ensure(project=project, by=by)
        return association
    return save_versioned(association, version=version or 0, by=by, fields=fields)


@transaction.atomic
def instances_ensure(*, project: Project, by=None) -> None:
    """The AG, the CA and the Bureau exist; the Bureau has the guide's rules by default."""
    for kind, name, slug, order in STATUTORY_INSTANCES:
        instance = Instance.objects.filter(project=project, kind=kind).first()
        if instance is None:
            instance = Instance.objects.create(
                project=project, kind=kind, name=name, slug=slug, order=order
            )
        if not CompositionRules.objects.filter(body=instance).exists():
            defaults = DEFAULT_BUREAU_RULES if kind == Instance.Kind.BUREAU else {}
            create_versioned(CompositionRules, by=by, body=instance, **defaults)


@transaction.atomic
def instance_create(
    *, project: Project, by, kind: str, name: str, slug: str, role: str = ""
) -> Instance:
    instance = Instance.objects.create(
        project=project, kind=kind, name=name, slug=slug, role=role, order=60
    )
    create_versioned(CompositionRules, by=by, body=instance)
    return instance


def rules_save(*, rules: CompositionRules, by, version: int, fields: dict) -> CompositionRules:
    return save_versioned(rules, version=version, by=by, fields=fields)


# --- Information system -------------------------------------------------------------------


@transaction.atomic
def information_system_save(
    *, project: Project, by, fields: dict, version: int | None = None
) -> InformationSystem:
    """Create the project's information system on its first save, else update it (versioned).

    The project row is locked first: of two first saves at once, the second finds the row the
    first created and, its form holding no version, gets the conflict instead of an error."""
    Project.objects.select_for_update().filter(pk=project.pk).first()
    current = InformationSystem.objects.filter(project=project).first()
    if current is None:
        return create_versioned(InformationSystem, by=by, project=project, **fields)
    return save_versioned(current, version=version or 0, by=by, fields=fields)


# --- Members and mandates -----------------------------------------------------------------


@transaction.atomic
def member_create(*, project: Project, fields: dict) -> Member:
    return Member.objects.create(project=project, number=_project_number(Member, project), **fields)


def member_update(*, member: Member, fields: dict) -> Member:
    for name, value in fields.items():
        setattr(member, name, value)
    member.save()
    return member


@transaction.atomic
def members_import(*, project: Project, rows: list[dict]) -> int:
    """Create every previewed row, all or nothing (rows come from imports.parse_members)."""

    start = _project_number(Member, project)
    members = [
        Member(project=project, number=start + index, **row_to_fields(row))
        for index, row in enumerate(rows)
    ]
    Member.objects.bulk_create(members)
    return len(members)


@transaction.atomic
def mandate_create(*, project: Project, instance: Instance, fields: dict) -> Mandate:
    return Mandate.objects.create(
        project=project, body=instance, number=_project_number(Mandate, project), **fields
    )


def mandate_update(*, mandate: Mandate, fields: dict) -> Mandate:
    for name, value in fields.items():
        setattr(mandate, name, value)
    mandate.save()
    return mandate


# --- Meetings ------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(*, project: Project, by, fields: dict) -> Meeting:
    return create_versioned(
        Meeting, by=by, project=project, number=_project_number(Meeting, project), **fields
    )


def meeting_update(*, meeting: Meeting, by, version: int, fields: dict) -> Meeting:
    return save_versioned(meeting, version=version, by=by, fields=fields)


def minutes_save(*, meeting: Meeting, by, version: int, fields: dict) -> Meeting:
    return save_versioned(meeting, version=version, by=by, fields=fields)


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, entries: list[tuple[Member, str, Member | None]]
) -> None:
    """Replace the meeting's attendance with `entries` (member, status, proxy holder)."""
    meeting.attendances.all().delete()
    Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting,
            member=member,
            status=status,
            proxy_holder=holder if status == Attendance.Status.REPRESENTED else None,
        )
        for member, status, holder in entries
    )


def decision_create(*, meeting: Meeting, fields: dict) -> Deliberation:
    return Deliberation.objects.create(meeting=meeting, **fields)


# --- Documents, partnerships, indemnities --------------------------------------------------


@transaction.atomic
def document_create(
    *, project: Project, by, upload, checked, fields: dict, meeting: Meeting | None = None
) -> GovernanceDocument:
    """Store an upload already checked by cpts_portal.lib.uploads.check_upload (`checked`); the
    minutes of `meeting` when given."""
    document = GovernanceDocument(
        project=project,
        number=_project_number(GovernanceDocument, project),
        original_name=upload.name[:200],
        content_type=checked.content_type,
        size=upload.size,
        uploaded_by=by,
        **fields,
    )
    document.file.save(f"document{checked.extension}", upload, save=False)
    document.save()
    if meeting is not None:
        Meeting.objects.filter(pk=meeting.pk).update(minutes_document=document)
    return document


def partnership_create(*, project: Project, fields: dict) -> Partnership:
    return Partnership.objects.create(project=project, **fields)


def indemnity_create(*, project: Project, fields: dict) -> Indemnity:
    return Indemnity.objects.create(project=project, **fields)
