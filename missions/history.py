"""The history of a fiche-action: the fiche and its rows, newest first, readable."""

from dataclasses import dataclass
from itertools import groupby

from django.db import connection

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
# The historical models, read once: each `Model.history` builds a new manager class
# (simple-history's descriptor), which cost more than some of the page's queries.
FICHE_RECORDS = Fiche.history.model
FICHE_NEEDS_RECORDS = FICHE_RECORDS.needs.model  # one row per (historical fiche, need)
ROW_RECORDS = {model: model.history.model for model, _ in ROW_MODELS}


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
    needs: dict[int, list[int]] = {record.history_id: [] for record in records}
    rows = FICHE_NEEDS_RECORDS.objects.filter(history_id__in=list(needs))
    for history_id, need_id in rows.values_list("history_id", "need_id"):
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


# Each row's `window` newest records, in the database (a rank per row). Written as SQL: the
# ORM's version of a filter on a window function (a subquery it builds and hashes at every
# call) cost more to compile than the query takes to run (issue 19).
RANKED_ROWS = """
SELECT * FROM (
    SELECT h.*, ROW_NUMBER() OVER (
        PARTITION BY h.number ORDER BY h.history_date DESC, h.history_id DESC
    ) AS history_rank
    FROM {table} h WHERE h.fiche_id = %s
) ranked
WHERE history_rank <= %s
ORDER BY number, history_date DESC, history_id DESC
"""


def _row_records(model, fiche_id: int, window: int | None) -> list:
    """The history of a fiche's rows of `model`, by row, each newest first."""
    history = ROW_RECORDS[model]
    if window is None:
        return list(
            history.objects.filter(fiche_id=fiche_id).order_by(
                "number", "-history_date", "-history_id"
            )
        )
    sql = RANKED_ROWS.format(table=connection.ops.quote_name(history._meta.db_table))
    return list(history.objects.raw(sql, [fiche_id, window]))


def fiche_history(fiche: Fiche, *, newest: int | None = None) -> list[FicheHistoryEntry]:
    """Every change of the fiche and of its rows (deleted ones included), newest first.

    With `newest`, the first `newest` entries are exact and the work is bounded by it, not by
    the number of edits: each object's history is read down to its `newest + 1`-th record
    (the record before an entry is what it is compared with), so that more than `newest`
    entries come back when there are older ones."""
    window = None if newest is None else newest + 1
    fiche_records = list(FICHE_RECORDS.objects.filter(id=fiche.pk)[:window])  # newest first
    row_records = [
        (model, label, _row_records(model, fiche.pk, window)) for model, label in ROW_MODELS
    ]

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
