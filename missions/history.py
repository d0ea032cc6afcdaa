"""The history of a fiche-action: the fiche and its rows, newest first, readable."""

from dataclasses import dataclass
from itertools import groupby

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from accounts.models import User
from cpts_portal.lib.versioning import Change, HistoryEntry, history_entries
from diagnostics.models import Need

from .models import Fiche, Indicator, Mission, SubAction, WorkingGroupMember

EXCLUDE = ("version", "updated_at", "updated_by")  # history_entries' default
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


def _entries(records, subject, names, exclude=EXCLUDE) -> list[FicheHistoryEntry]:
    skips = tuple(INTERNAL | {"position"})
    return [
        FicheHistoryEntry(subject, entry)
        for entry in history_entries(records, exclude=exclude, names=names, creation_skips=skips)
    ]


def _fiche_entries(records, names) -> list[FicheHistoryEntry]:
    """The fiche's own entries. Its needs (many-to-many) are compared here from one query of
    their historical rows: simple-history's diff_against would read them with two queries per
    record, and the page's queries would grow with the number of edits."""
    entries = _entries(records, "Fiche", names, exclude=(*EXCLUDE, "needs"))
    through = Fiche.history.model.needs.model  # one row per (historical fiche, need)
    needs: dict[int, list[int]] = {record.history_id: [] for record in records}
    for history_id, need_id in through.objects.filter(history_id__in=list(needs)).values_list(
        "history_id", "need_id"
    ):
        needs[history_id].append(need_id)
    label = str(Fiche._meta.get_field("needs").verbose_name)
    for index, record in enumerate(records[:-1]):
        previous = records[index + 1]
        old, new = sorted(needs[previous.history_id]), sorted(needs[record.history_id])
        if record.history_type == "~" and old != new:
            codes = [
                ", ".join(sorted(str(names.get((Need, pk), pk)) for pk in ids))
                for ids in (old, new)
            ]
            entries[index].entry.changes.append(Change("needs", label, *codes))
    return entries


def _row_name(record, names) -> str:
    if hasattr(record, "what"):
        return record.what
    if hasattr(record, "user_id"):
        return names.get((User, record.user_id)) or record.name
    return record.name


def fiche_history(fiche: Fiche, *, newest: int | None = None) -> list[FicheHistoryEntry]:
    """Every change of the fiche and of its rows (deleted ones included), newest first.

    With `newest`, the first `newest` entries are exact and the work is bounded by it, not by
    the number of edits: each object's history is read down to its `newest + 1`-th record
    (the record before an entry is what it is compared with), so that more than `newest`
    entries come back when there are older ones."""
    window = None if newest is None else newest + 1
    fiche_records = list(fiche.history.all()[:window])
    row_records = []
    for model, label in ROW_MODELS:
        records = model.history.filter(fiche_id=fiche.pk)
        if window is not None:
            # Each row's newest records: a rank per row, in the database.
            records = records.annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("number")],
                    order_by=[F("history_date").desc(), F("history_id").desc()],
                )
            ).filter(rank__lte=window)
        records = list(records.order_by("number", "-history_date", "-history_id"))
        row_records.append((model, label, records))

    # The people named (pilots, members) and the authors, in one query: joined to each
    # history, the users' table would be read whole once it is large.
    every_record = fiche_records + [r for _, _, records in row_records for r in records]
    user_ids = {record.history_user_id for record in every_record}
    user_ids.update(record.pilot_id for record in fiche_records)
    for model, _, records in row_records:
        if model is WorkingGroupMember:
            user_ids.update(r.user_id for r in records)
    user_ids.discard(None)
    users = User.objects.in_bulk(user_ids)
    for record in every_record:
        record.history_user = users.get(record.history_user_id)
    names = {(Mission, m.pk): str(m) for m in Mission.objects.all()}
    names |= {(Need, n.pk): n.code for n in Need.objects.filter(project_id=fiche.project_id)}
    names |= {(User, pk): str(user) for pk, user in users.items()}

    entries = _fiche_entries(fiche_records, names)
    for _model, label, records in row_records:
        for number, group in groupby(records, key=lambda r: r.number):
            group = list(group)
            subject = f"{label} n° {number} « {_row_name(group[0], names)[:60]} »"
            entries.extend(_entries(group, subject, names))
    entries.sort(key=lambda e: e.entry.at, reverse=True)
    return entries
