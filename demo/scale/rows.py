"""Bulk insertion of the scale rows, with the creation rows of their history."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection

ROWS_PER_INSERT = 1000
# Models whose scale rows get no history: the results, five a year per indicator, are the
# bulk of the data and nothing reads their creation row.
WITHOUT_HISTORY = {"missions.IndicatorResult"}


class Rows:
    """Rows to insert, per model, in dependency order (bulk_create in batches). A model with
    a history gets its creation row there too, as if made through the services (the fiche
    rows take their next number from their history, for one)."""

    def __init__(self, now: dt.datetime):
        self.rows: dict[type, list] = defaultdict(list)
        self.now = now

    def add(self, instance):
        self.rows[type(instance)].append(instance)
        return instance

    def flush(self, *models) -> None:
        for model in models:
            items = self.rows.pop(model, [])
            if items:
                model.objects.bulk_create(items, batch_size=ROWS_PER_INSERT)
                if items[0].pk is None:  # the database must return the new keys
                    raise RuntimeError("seed_scale needs a database returning bulk-inserted keys")
                if has_history(model) and model._meta.label not in WITHOUT_HISTORY:
                    _history_create(model, [item.pk for item in items], self.now)


def _history_create(model, pks: list, now: dt.datetime) -> None:
    """The creation rows ("+") of the history of `model` for rows `pks`, copied by the
    database (as django-simple-history would write them one by one, by the row's author)."""
    history = model.history.model
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in history.tracked_fields)
    names = {f.name for f in model._meta.fields}
    author = quote("updated_by_id") if "updated_by" in names else "NULL"
    table, source = quote(history._meta.db_table), quote(model._meta.db_table)
    for start in range(0, len(pks), ROWS_PER_INSERT):
        chunk = pks[start : start + ROWS_PER_INSERT]
        # Identifiers are the quoted tables and columns of the models; values are parameters.
        sql = (
            f"INSERT INTO {table} ({columns}, history_date, history_change_reason, "  # noqa: S608
            f"history_type, history_user_id) SELECT {columns}, %s, NULL, '+', {author} "
            f"FROM {source} WHERE {quote(model._meta.pk.column)} IN "
            f"({', '.join(['%s'] * len(chunk))})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [now, *chunk])


def has_history(model) -> bool:
    return getattr(model._meta, "simple_history_manager_attribute", None) == "history"
