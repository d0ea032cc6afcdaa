"""Every write of the app: fiches-actions and their rows, versioned (nothing typed is lost)."""

from typing import Any

from django.db import transaction

from accounts.models import Membership, User
from cpts_portal.lib.numbering import next_number
from cpts_portal.lib.versioning import (
    EditConflict,
    create_versioned,
    delete_versioned,
    save_versioned,
)
from diagnostics.models import Need
from projects.models import Project

from .models import Fiche, FicheRow, Mission


def need_choices(fiche: Fiche) -> list[Need]:
    """The needs a fiche may answer (the project's active ones). The fiche's own are read
    only by a form that is built (its checked boxes): an unchanged fiche's form is written
    once per process (missions.views.FichePage)."""
    return list(Need.objects.active().filter(project_id=fiche.project_id))


def cpts_members(project: Project):
    """The people of the project's CPTS (pilot and working-group choices)."""
    return (
        User.objects.filter(
            memberships__organisation_id=project.organisation_id,
            memberships__role__in=Membership.CPTS_ROLES,
            is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
        # What a choice shows (missions.forms); nothing of the account's secrets.
        .only("id", "first_name", "last_name", "email", "profession")
    )


def _lock_project(project: Project) -> None:
    # Serialises the per-project sequence of the fiches.
    Project.objects.select_for_update().filter(pk=project.pk).first()


def _lock_fiche(fiche_id: int) -> None:
    # Serialises the per-fiche sequence and positions of its rows.
    Fiche.objects.select_for_update().filter(pk=fiche_id).first()


# --- Fiches ------------------------------------------------------------------------------


@transaction.atomic
def fiche_create(
    *, project: Project, by: User, mission: Mission, title: str, **fields: Any
) -> Fiche:
    _lock_project(project)
    # Numbers are never reused, even after a deletion: a shared link never points elsewhere.
    number = next_number(Fiche.history.filter(project_id=project.pk))
    return create_versioned(
        Fiche, by=by, project=project, number=number, mission=mission, title=title, **fields
    )


@transaction.atomic
def fiche_update(*, fiche: Fiche, by: User, version: int, fields: dict[str, Any]) -> Fiche:
    try:
        updated = save_versioned(fiche, version=version, by=by, fields=fields)
    except EditConflict as conflict:
        if not _untouched_since(conflict.current, version, fields):
            raise
        # Someone saved another part of the fiche meanwhile: nothing of his is overwritten.
        updated = save_versioned(fiche, version=conflict.current.version, by=by, fields=fields)
    updated.project = fiche.project
    return updated


def _untouched_since(current: Fiche, version: int, fields: dict[str, Any]) -> bool:
    """Whether none of `fields` changed between `version` (what the user's form was based on)
    and `current`: then his save overwrites nobody's text (one fiche, several sections)."""
    base = current.history.filter(version=version).order_by("-history_id").first()
    if base is None:
        return False
    for name in fields:
        model_field = Fiche._meta.get_field(name)
        if model_field.many_to_many:
            return False  # not compared: a stale save of the needs is refused, never lost
        attname = model_field.attname
        if getattr(base, attname) != getattr(current, attname):
            return False
    return True


def fiche_delete(*, fiche: Fiche, by: User, version: int) -> None:
    delete_versioned(fiche, version=version, by=by)


# --- Rows: sub-actions, indicators, working-group members -------------------------------


def _rows(fiche: Fiche, model: type[FicheRow]):
    return model.objects.filter(fiche_id=fiche.pk)


@transaction.atomic
def row_create(
    *, fiche: Fiche, model: type[FicheRow], by: User, fields: dict[str, Any]
) -> FicheRow:
    _lock_fiche(fiche.pk)
    return create_versioned(
        model,
        by=by,
        fiche=fiche,
        # Numbers are never reused (history counts the deleted rows); positions may be.
        number=next_number(model.history.filter(fiche_id=fiche.pk)),
        position=next_number(_rows(fiche, model), "position"),
        **fields,
    )


@transaction.atomic
def row_update(*, row: FicheRow, by: User, version: int, fields: dict[str, Any]) -> FicheRow:
    return save_versioned(row, version=version, by=by, fields=fields)


def row_delete(*, row: FicheRow, by: User, version: int) -> None:
    delete_versioned(row, version=version, by=by)


@transaction.atomic
def row_move(*, row: FicheRow, by: User, direction: str) -> None:
    """Swap the row with its neighbour above ("up") or below ("down").

    The order is not typed content: moving keeps the rows' versions (a neighbour's open
    edit form stays valid) but is recorded in their history."""
    model = type(row)
    _lock_fiche(row.fiche_id)
    siblings = list(model.objects.filter(fiche_id=row.fiche_id).order_by("position", "number"))
    index = next((i for i, r in enumerate(siblings) if r.pk == row.pk), None)
    if index is None:
        return
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(siblings):
        return
    siblings[index], siblings[target] = siblings[target], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        if sibling.position != position:
            sibling.position = position
            sibling._history_user = by
            sibling._change_reason = "ordre modifié"
            sibling.save(update_fields=["position"])
