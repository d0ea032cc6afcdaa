"""The history of a fiche-action: the fiche and its rows, newest first, readable."""

from dataclasses import dataclass
from itertools import groupby

from accounts.models import User
from cpts_portal.lib.versioning import HistoryEntry, history_entries
from diagnostics.models import Need

from .models import Fiche, Indicator, Mission, SubAction, WorkingGroupMember

INTERNAL = {"id", "version", "updated_at", "updated_by", "fiche", "project", "number", "created_at"}
ROW_MODELS = [
    (WorkingGroupMember, "Membre du groupe de travail"),
    (SubAction, "Sous-action"),
    (Indicator, "Indicateur"),
]


@dataclass
class FicheHistoryEntry:
    subject: str
    entry: HistoryEntry


def _entries(records, subject, names) -> list[FicheHistoryEntry]:
    skips = tuple(INTERNAL | {"position"})
    return [
        FicheHistoryEntry(subject, entry)
        for entry in history_entries(records, names=names, creation_skips=skips)
    ]


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

    entries = _entries(fiche_records, "Fiche", names)
    for _model, label, records in row_records:
        for number, group in groupby(records, key=lambda r: r.number):
            group = list(group)
            subject = f"{label} n° {number} « {_row_name(group[0], names)[:60]} »"
            entries.extend(_entries(group, subject, names))
    entries.sort(key=lambda e: e.entry.at, reverse=True)
    return entries
