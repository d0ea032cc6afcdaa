"""The history of a fiche-action: the fiche and its rows, newest first, readable."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from django.utils.formats import date_format

from accounts.models import User
from cpts_portal.lib.versioning import Change, HistoryEntry, history_entries
from cpts_portal.templatetags.portal import format_number
from diagnostics.models import Need

from .models import Fiche, Indicator, Mission, SubAction, WorkingGroupMember

INTERNAL = {"id", "version", "updated_at", "updated_by", "fiche", "project", "number"}
INTERNAL |= {"created_at"}
ROW_MODELS = [
    (WorkingGroupMember, "Membre du groupe de travail"),
    (SubAction, "Sous-action"),
    (Indicator, "Indicateur"),
]


@dataclass
class FicheHistoryEntry:
    subject: str
    entry: HistoryEntry


def _creation_changes(record, model) -> list[Change]:
    changes = []
    for field in model._meta.fields:
        if field.name in INTERNAL or field.name == "position":
            continue
        value = getattr(record, field.attname)
        if value in (None, "", False):
            continue
        changes.append(Change(field.name, str(field.verbose_name), None, value))
    return changes


def _readable(changes: list[Change], model, names: dict) -> None:
    """Raw values to what users read: names for people and missions, labels for choices,
    French dates."""
    for change in changes:
        field = model._meta.get_field(change.field)
        for side in ("old", "new"):
            value = getattr(change, side)
            if value is None:
                continue
            if field.many_to_many:
                # simple-history gives the through rows: [{"fiche": 1, "need": 3}, …]
                target = field.m2m_reverse_field_name()
                value = ", ".join(
                    sorted(
                        str(names.get((field.related_model, row[target]), row[target]))
                        for row in value
                    )
                )
            elif field.is_relation:
                value = names.get((field.related_model, value), value)
            elif field.choices:
                value = dict(field.flatchoices).get(value, value)
            elif isinstance(value, dt.date):
                value = date_format(value, "SHORT_DATE_FORMAT")
            elif isinstance(value, Decimal):
                value = format_number(value, 0 if value == value.to_integral() else 2)
            setattr(change, side, value)


def _entries(records, model, subject, names) -> list[FicheHistoryEntry]:
    records = list(records)
    out = []
    for record, entry in zip(records, history_entries(records), strict=True):
        if entry.kind == "+":
            entry.changes = _creation_changes(record, model)
        _readable(entry.changes, model, names)
        out.append(FicheHistoryEntry(subject, entry))
    return out


def _row_name(record, names) -> str:
    if hasattr(record, "what"):
        return record.what
    if hasattr(record, "user_id"):
        return names.get((User, record.user_id)) or record.name
    return record.name


def fiche_history(fiche: Fiche) -> list[FicheHistoryEntry]:
    """Every change of the fiche and of its rows (deleted ones included), newest first."""
    fiche_records = list(fiche.history.select_related("history_user"))
    row_records = []
    for model, label in ROW_MODELS:
        records = list(
            model.history.filter(fiche_id=fiche.pk)
            .select_related("history_user")
            .order_by("number", "-history_date", "-history_id")
        )
        row_records.append((model, label, records))

    user_ids = set()
    for record in fiche_records:
        user_ids.add(record.pilot_id)
    for model, _, records in row_records:
        if model is WorkingGroupMember:
            user_ids.update(r.user_id for r in records)
    user_ids.discard(None)
    names = {(Mission, m.pk): str(m) for m in Mission.objects.all()}
    names |= {(Need, n.pk): n.code for n in Need.objects.filter(project_id=fiche.project_id)}
    names |= {(User, u.pk): str(u) for u in User.objects.filter(pk__in=user_ids)}

    entries = _entries(fiche_records, Fiche, "Fiche", names)
    for model, label, records in row_records:
        for number, group in groupby(records, key=lambda r: r.number):
            group = list(group)
            subject = f"{label} n° {number} « {_row_name(group[0], names)[:60]} »"
            entries.extend(_entries(group, model, subject, names))
    entries.sort(key=lambda e: e.entry.at, reverse=True)
    return entries
