"""Writes of the governance app (one service per meaningful change)."""

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from cpts_portal.lib.numbering import next_number
from cpts_portal.lib.versioning import create_versioned, delete_versioned, save_versioned
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
# "L'association est dirigée par un Bureau composé de 6 à 9 membres actifs. Le Bureau comprend
# à minima trois professions de santé différentes et au moins un tiers de médecins." and "le
# Bureau comprend à minima les postes suivants : - Un Président ; - Deux Vice-Présidents ;
# - Un Secrétaire Général ; - Un Trésorier ; - Un Trésorier-adjoint." (an office listed twice
# must be held twice).
DEFAULT_BUREAU_OFFICES = [
    Office.PRESIDENT,
    Office.VICE_PRESIDENT,
    Office.VICE_PRESIDENT,
    Office.SECRETAIRE_GENERAL,
    Office.TRESORIER,
    Office.TRESORIER_ADJOINT,
]
DEFAULT_BUREAU_RULES = {
    "min_members": 6,
    "max_members": 9,
    "active_only": True,
    "min_professions": 3,
    "doctors_numerator": 1,
    "doctors_denominator": 3,
    "doctor_in_presidency": True,
    "required_offices": DEFAULT_BUREAU_OFFICES,
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
            instance = create_versioned(
                Instance, by=by, project=project, kind=kind, name=name, slug=slug, order=order
            )
        if not CompositionRules.objects.filter(body=instance).exists():
            defaults = DEFAULT_BUREAU_RULES if kind == Instance.Kind.BUREAU else {}
            create_versioned(CompositionRules, by=by, body=instance, **defaults)


@transaction.atomic
def instance_create(
    *, project: Project, by, kind: str, name: str, slug: str, role: str = ""
) -> Instance:
    instance = create_versioned(
        Instance, by=by, project=project, kind=kind, name=name, slug=slug, role=role, order=60
    )
    create_versioned(CompositionRules, by=by, body=instance)
    return instance


def instance_update(*, instance: Instance, by, version: int, fields: dict) -> Instance:
    return save_versioned(instance, version=version, by=by, fields=fields)


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
def member_create(*, project: Project, fields: dict, by=None) -> Member:
    return create_versioned(
        Member, by=by, project=project, number=_project_number(Member, project), **fields
    )


def member_update(*, member: Member, by, version: int, fields: dict) -> Member:
    return save_versioned(member, version=version, by=by, fields=fields)


@transaction.atomic
def members_import(*, project: Project, rows: list[dict], by=None) -> int:
    """Create every previewed row, all or nothing (rows come from imports.parse_members), each
    with the creation row of its history."""

    start = _project_number(Member, project)
    members = [
        Member(project=project, number=start + index, updated_by=by, **row_to_fields(row))
        for index, row in enumerate(rows)
    ]
    bulk_create_with_history(members, Member, default_user=by)
    return len(members)


@transaction.atomic
def mandate_create(*, project: Project, instance: Instance, fields: dict, by=None) -> Mandate:
    return create_versioned(
        Mandate,
        by=by,
        project=project,
        body=instance,
        number=_project_number(Mandate, project),
        **fields,
    )


def mandate_update(*, mandate: Mandate, by, version: int, fields: dict) -> Mandate:
    return save_versioned(mandate, version=version, by=by, fields=fields)


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


ATTENDANCE_REASON = "présences enregistrées"


@transaction.atomic
def attendance_record(
    *,
    meeting: Meeting,
    entries: list[tuple[Member, str, Member | None]],
    by=None,
    version: int | None = None,
) -> None:
    """Make the meeting's attendance `entries` (member, status, proxy holder).

    The attendance sheet is one form: its version is the meeting's. The meeting row is locked
    and its version checked (EditConflict when stale), then bumped; each row is created,
    changed or deleted with its own history, unchanged rows are left alone. `version` None
    (seeds, scripts) skips the check."""
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    save_versioned(
        current,
        version=current.version if version is None else version,
        by=by,
        fields={},
        reason=ATTENDANCE_REASON,
    )
    existing = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    for member, status, holder in entries:
        holder = holder if status == Attendance.Status.REPRESENTED else None
        row = existing.pop(member.pk, None)
        if row is None:
            create_versioned(
                Attendance,
                by=by,
                meeting=meeting,
                member=member,
                status=status,
                proxy_holder=holder,
            )
        elif (row.status, row.proxy_holder_id) != (status, holder.pk if holder else None):
            save_versioned(
                row,
                version=row.version,
                by=by,
                fields={"status": status, "proxy_holder": holder},
            )
    for row in existing.values():
        delete_versioned(row, version=row.version, by=by)


def decision_create(*, meeting: Meeting, fields: dict, by=None) -> Deliberation:
    return create_versioned(Deliberation, by=by, meeting=meeting, **fields)


def decision_update(*, decision: Deliberation, by, version: int, fields: dict) -> Deliberation:
    return save_versioned(decision, version=version, by=by, fields=fields)


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
        updated_by=by,
        **fields,
    )
    document._history_user = by
    document.file.save(f"document{checked.extension}", upload, save=False)
    document.save()
    if meeting is not None:
        Meeting.objects.filter(pk=meeting.pk).update(minutes_document=document)
    return document


def document_update(
    *, document: GovernanceDocument, by, version: int, fields: dict
) -> GovernanceDocument:
    """Change a document's description (type, title, version, adoption date); the file
    itself stays as deposited."""
    return save_versioned(document, version=version, by=by, fields=fields)


def partnership_create(*, project: Project, fields: dict, by=None) -> Partnership:
    return create_versioned(Partnership, by=by, project=project, **fields)


def partnership_update(*, partnership: Partnership, by, version: int, fields: dict) -> Partnership:
    return save_versioned(partnership, version=version, by=by, fields=fields)


def indemnity_create(*, project: Project, fields: dict, by=None) -> Indemnity:
    return create_versioned(Indemnity, by=by, project=project, **fields)


def indemnity_update(*, indemnity: Indemnity, by, version: int, fields: dict) -> Indemnity:
    return save_versioned(indemnity, version=version, by=by, fields=fields)
