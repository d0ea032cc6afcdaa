"""Versioned edits: nothing a user types is silently overwritten.

Every record users edit in forms inherits `Versioned` and declares its own
`history = HistoricalRecords()` (django-simple-history keeps who/when/before/after). A save
goes through `save_versioned`, which locks the row, compares the version the user's form was
based on, and refuses a stale one with `EditConflict` (the view answers 409 with the other
person's version and keeps the typed text in the form).
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cpts_portal.lib.numbers import euros, format_number


class Versioned(models.Model):
    version = models.PositiveIntegerField("version", default=1, editable=False)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="modifié par",
    )

    class Meta:
        abstract = True


class EditConflict(Exception):
    """The record changed since the user's form was loaded; `current` is the fresh row."""

    def __init__(self, current: Versioned):
        super().__init__(f"{type(current).__name__} {current.pk} is at version {current.version}")
        self.current = current


def save_versioned(
    instance: Versioned, *, version: int, by, fields: dict[str, Any], reason: str = ""
) -> Versioned:
    """Write `fields` on the row of `instance` if it is still at `version`; return the row.

    Many-to-many values in `fields` are set after the save (and count in the same version).
    """
    model = type(instance)
    m2m_names = {f.name for f in model._meta.many_to_many}
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=instance.pk)
        if current.version != version:
            raise EditConflict(current)
        for name, value in fields.items():
            if name not in m2m_names:
                setattr(current, name, value)
        current.version += 1
        current.updated_by = by
        current._history_user = by
        if reason:
            current._change_reason = reason
        current.save()
        for name in m2m_names & set(fields):
            getattr(current, name).set(fields[name])
    return current


def create_versioned(model: type[Versioned], *, by, **fields) -> Versioned:
    instance = model(**fields)
    instance.updated_by = by
    instance._history_user = by
    instance.save()
    return instance


def upsert_versioned(
    model: type[Versioned], *, key: dict, version: int, by, fields: dict, check=None
) -> Versioned:
    """Create the row `key` names, or update it as `save_versioned` does. `version` 0 means
    the user's form showed no row yet: a row someone created meanwhile is a conflict.
    `check(current)` may refuse the update of an existing row by raising."""
    with transaction.atomic():
        current = model.objects.select_for_update().filter(**key).first()
        if current is None:
            try:
                with transaction.atomic():
                    return create_versioned(model, by=by, **key, **fields)
            except IntegrityError:
                raise EditConflict(model.objects.get(**key)) from None
        if check is not None:
            check(current)
        return save_versioned(current, version=version, by=by, fields=fields)


def delete_versioned(instance: Versioned, *, version: int, by) -> None:
    """Delete the row if it is still at `version` (a row someone just changed is kept)."""
    model = type(instance)
    with transaction.atomic():
        current = model.objects.select_for_update().filter(pk=instance.pk).first()
        if current is None:
            return
        if current.version != version:
            raise EditConflict(current)
        current._history_user = by
        current.delete()


class VersionedFormMixin(forms.Form):
    """Carries the record's version in a hidden field named `version`."""

    # 0: the form shows a record that does not exist yet (see upsert_versioned).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and not self.is_bound:
            self.initial["version"] = instance.version if instance.pk else 0

    def rebase(self, current: Versioned) -> None:
        """After a conflict: keep what the user typed, but base it on the current version, so
        that saving again (after reading the other version) is a deliberate choice."""
        data = self.data.copy()
        data[self.add_prefix("version")] = str(current.version)
        self.data = data


# --- History ------------------------------------------------------------------------------


@dataclass
class Change:
    field: str
    label: str
    old: Any
    new: Any

    @property
    def diff(self) -> SafeString:
        return text_diff(_display(self.old), _display(self.new))


@dataclass
class HistoryEntry:
    at: Any
    by: Any
    kind: str  # "+" created, "~" changed, "-" deleted
    changes: list[Change]
    reason: str = ""

    @property
    def kind_label(self) -> str:
        return {"+": "création", "~": "modification", "-": "suppression"}[self.kind]


def _display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


def with_authors(records, author: str = "history_user") -> list:
    """The historical `records` (a queryset, sliced or not, or any iterable), in their order,
    as a list, each with its `history_user` set: the authors are read with one query by id.
    `author` names another foreign key to the user, for a journal that is not a history
    (`by` of a TerritoryChange).

    Rather than `select_related("history_user")`: joined to a history, the users' table (75 000
    rows at national scale) is read whole by PostgreSQL (a hash join on a sequential scan,
    ≈ 8 ms a page), while `in_bulk` of the few authors goes through the primary key. A record
    without author (history_user_id None) keeps None: history pages show "Système"."""
    records = list(records)
    author_id = f"{author}_id"
    ids = {getattr(record, author_id) for record in records} - {None}
    users = get_user_model().objects.in_bulk(ids) if ids else {}
    for record in records:
        # Cached on the record, its author's id untouched (a missing author reads None).
        user = users.get(getattr(record, author_id))
        getattr(type(record), author).field.set_cached_value(record, user)
    return records


def history_entries(
    records,
    *,
    exclude=("version", "updated_at", "updated_by"),
    names: dict | None = None,
    creation_skips: tuple[str, ...] | None = None,
) -> list[HistoryEntry]:
    """Turn historical records (newest first, authors read by `with_authors`) into entries
    with the fields each one changed, as users read them (labels of choices, French dates and
    numbers, `names[(model, pk)]` for related records). `records` is one object's history.

    With `creation_skips`, a creation lists the fields it filled, but those named."""
    records = list(records)
    entries = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        model = record.instance_type
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, excluded_fields=list(exclude))
            for change in delta.changes:
                field = model._meta.get_field(change.field)
                changes.append(
                    Change(change.field, str(field.verbose_name), change.old, change.new)
                )
        elif record.history_type == "+" and creation_skips is not None:
            changes = _creation_changes(record, model, set(exclude) | set(creation_skips))
        _readable(changes, model, names or {})
        entries.append(
            HistoryEntry(
                at=record.history_date,
                by=record.history_user,
                kind=record.history_type,
                changes=changes,
                reason=record.history_change_reason or "",
            )
        )
    return entries


def _creation_changes(record, model, skipped: set[str]) -> list[Change]:
    changes = []
    for field in model._meta.fields:
        if field.name in skipped or field.primary_key:
            continue
        value = getattr(record, field.attname)
        if value in (None, "", False):
            continue
        changes.append(Change(field.name, str(field.verbose_name), None, value))
    return changes


def _readable(changes: list[Change], model, names: dict) -> None:
    """Raw values to what users read: names of related records, labels of choices, French
    dates and numbers."""
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
            else:
                value = readable_value(value, choices=value_choices(field), money=is_money(field))
            setattr(change, side, value)


def is_money(field) -> bool:
    """An amount in euros: its label says so ("(€)", "montant"), or its name does."""
    verbose = str(getattr(field, "verbose_name", ""))
    return "€" in verbose or "montant" in verbose or field.name in ("amount", "budget")


def value_choices(field) -> list | None:
    """The labels of a field's values: its choices, its array's choices, or those its model
    declares in `value_labels` (codes kept in a JSON list, which has no choices)."""
    base = getattr(field, "base_field", None)
    declared = getattr(field.model, "value_labels", {}).get(field.name)
    return field.flatchoices or (base.flatchoices if base is not None else None) or declared or None


def readable_value(value, *, choices=None, money: bool = False):
    """One value as users read it: a choice's label, a French date (01/03/2027), a number
    with French spacing, an amount in euros (46 000 €; cents only when there are some).
    The one place where history and conflict panels turn raw values into text."""
    if value is None or value == "":
        return value
    if isinstance(value, list | tuple):  # e.g. the missions of a budget (an array field)
        return ", ".join(str(readable_value(v, choices=choices, money=money)) for v in value)
    if choices:
        label = dict(choices).get(value)
        if label is not None:
            return str(label)
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal | float) or (money and isinstance(value, int)):
        decimals = 0 if Decimal(str(value)) == Decimal(str(value)).to_integral() else 2
        return euros(value, decimals) if money else format_number(value, decimals)
    return value


def text_diff(old: str, new: str) -> SafeString:
    """Word-level diff as escaped HTML with <del> and <ins>."""
    if old == new:
        return mark_safe(escape(old))  # noqa: S308 - escaped
    if not old or not new:  # a creation or an erasure: no words to match
        tag, text = ("ins", new) if new else ("del", old)
        return mark_safe(f"<{tag}>{escape(text)}</{tag}>")  # noqa: S308 - escaped
    old_words, new_words = old.split(" "), new.split(" ")
    parts = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(old_words[a1:a2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(' '.join(old_words[a1:a2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(' '.join(new_words[b1:b2]))}</ins>")
    return mark_safe(" ".join(p for p in parts if p))  # noqa: S308 - every part is escaped


def conflict_context(form: forms.BaseForm, current: Versioned) -> dict:
    """What the conflict panel shows: who changed the record, when, and his values of the
    fields of `form` (the user's own text stays in the form), as users read them."""
    values = []
    for name, field in form.fields.items():
        if name == "version" or not hasattr(current, name):
            continue
        value = getattr(current, name)
        label = str(field.label or name)
        try:
            model_field = current._meta.get_field(name)
        except FieldDoesNotExist:
            model_field = None
        if hasattr(value, "all"):
            value = ", ".join(str(v) for v in value.all())
        elif isinstance(value, models.Model):
            value = str(value)
        else:
            choices = (value_choices(model_field) if model_field is not None else None) or _flat(
                getattr(field, "choices", None)
            )
            money = "€" in label or (model_field is not None and is_money(model_field))
            value = readable_value(value, choices=choices, money=money)
        values.append((label, _display(value)))
    return {"by": current.updated_by, "at": current.updated_at, "values": values}


def _flat(choices) -> list:
    """A form field's choices, groups flattened: [(value, label), …]."""
    flat = []
    for value, label in choices or ():
        if isinstance(label, list | tuple):
            flat.extend(label)
        else:
            flat.append((value, label))
    return flat


def conflict_panel(
    form: forms.BaseForm, error: EditConflict, *, shown: forms.BaseForm | None = None
) -> dict:
    """After a save refused with `error`: base `form` on the current version (the user's text
    stays, saving again is a deliberate choice) and return what the conflict panel shows, the
    other person's values of the fields of `shown` (by default `form`). The view answers 409."""
    form.rebase(error.current)
    return conflict_context(shown if shown is not None else form, error.current)
