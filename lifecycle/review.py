"""The avis grid of the ARS (guide, Annexe 9) and the figures it shows."""

import datetime as dt
import difflib
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst

from cpts_portal.lib import outbox
from cpts_portal.lib.versioning import is_money, readable_value, save_versioned, value_choices
from projects.deadlines import deposit_clock
from projects.models import Avis, Deposit, Document, Project, ProjectEvent, ReviewComment

from . import documents
from .notifications import notify_event_task


def avis_progress(deposit) -> dict:
    """How many avis of the deposit are in, and which bodies are missing."""
    avis = list(deposit.avis.all())
    missing = [a.get_body_display() for a in avis if not a.is_submitted]
    return {"total": len(avis), "submitted": len(avis) - len(missing), "missing": missing}


def submitted_counts(deposits) -> dict[int, int]:
    """Submitted avis per deposit id, in one query."""
    rows = (
        deposits.model.objects.filter(pk__in=[d.pk for d in deposits])
        .annotate(n=Count("avis", filter=Q(avis__submitted_at__isnull=False)))
        .values_list("pk", "n")
    )
    return dict(rows)


# --- Services -----------------------------------------------------------------------------


class AvisLocked(Exception):
    """A rendered avis cannot be edited: reopen it first (a new revision)."""


class ReviewClosed(Exception):
    """The deposit is decided (validation, opposition, or réputé validé) or replaced by a later
    deposit: its avis, grid answers and exchanges are on the record and cannot change."""

    message = (
        "La décision est prise sur ce dépôt : les avis et les échanges sont figés et ne "
        "peuvent plus être modifiés."
    )


def review_closed(deposit, *, today=None) -> bool:
    """Whether the avis of `deposit` are final: a decision, a tacit validation (the clock's
    one source, projects.deadlines), or a later deposit (a new round)."""
    if deposit_clock(deposit, today=today).decided:
        return True
    return Deposit.objects.filter(project_id=deposit.project_id, number__gt=deposit.number).exists()


def _lock_open_review(deposit):
    """Inside a transaction: lock the project row (the decision locks it too, so an avis and
    a decision never cross) and refuse if the review is closed."""
    Project.objects.select_for_update().filter(pk=deposit.project_id).first()
    fresh = Deposit.objects.select_related("decision").get(pk=deposit.pk)
    if review_closed(fresh):
        raise ReviewClosed(ReviewClosed.message)


def avis_save(
    *, avis, version: int, answers: dict, overall: str, motivation: str, by, submit=False
):
    fields = {"answers": answers, "overall": overall, "motivation": motivation}
    if submit:
        fields.update(submitted_at=timezone.now(), submitted_by=by)
    with transaction.atomic():
        _lock_open_review(avis.deposit)
        if Avis.objects.filter(pk=avis.pk, submitted_at__isnull=False).exists():
            raise AvisLocked()
        return save_versioned(
            avis, version=version, by=by, fields=fields, reason="avis rendu" if submit else ""
        )


def avis_reopen(*, avis, version: int, by):
    """Unlock a rendered avis for a new revision; the rendered one stays in the history."""
    with transaction.atomic():
        _lock_open_review(avis.deposit)
        return save_versioned(
            avis,
            version=version,
            by=by,
            fields={"submitted_at": None, "submitted_by": None, "revision": avis.revision + 1},
            reason=f"réouverture pour la révision {avis.revision + 1}",
        )


def comment_add(*, deposit, text: str, by):
    with transaction.atomic():
        _lock_open_review(deposit)
        return ReviewComment.objects.create(deposit=deposit, text=text, author=by)


# --- Reception date -----------------------------------------------------------------------

RECEPTION_DAYS_BEFORE_DEPOSIT = 30


class ReceptionRefused(Exception):
    """The reception date cannot be recorded; the message says why, in French."""


def reception_date_set(*, deposit, received, by, today=None):
    """A DD ARS reviewer records the day the ARS received the file (by default the day of the
    online deposit). The clock runs from it, unless missing pieces have restarted it since.
    Portal's rule: not in the future, not more than 30 days before the online deposit, and
    only while the review is open. Writes a public timeline event."""
    today = today or timezone.localdate()
    deposited_on = min(timezone.localdate(deposit.deposited_at), deposit.received_date)
    if received is None:
        raise ReceptionRefused("Indiquez la date de réception (JJ/MM/AAAA).")
    if received > today:
        raise ReceptionRefused("La date de réception ne peut pas être dans le futur.")
    earliest = deposited_on - dt.timedelta(days=RECEPTION_DAYS_BEFORE_DEPOSIT)
    if received < earliest:
        raise ReceptionRefused(
            f"La date de réception ne peut pas précéder de plus de "
            f"{RECEPTION_DAYS_BEFORE_DEPOSIT} jours le dépôt en ligne "
            f"(le {deposited_on:%d/%m/%Y})."
        )
    with transaction.atomic():
        try:
            _lock_open_review(deposit)
        except ReviewClosed:
            raise ReceptionRefused(
                "La décision est prise sur ce dépôt : la date de réception ne peut plus changer."
            ) from None
        deposit = Deposit.objects.select_for_update().get(pk=deposit.pk)
        before = deposit.received_date
        if received == before:
            return deposit
        fields = ["received_date"]
        if deposit.clock_start_date == before:  # no restart since: the clock follows
            deposit.clock_start_date = received
            fields.append("clock_start_date")
        deposit.received_date = received
        deposit.save(update_fields=fields)
        event = ProjectEvent.objects.create(
            project_id=deposit.project_id,
            action="record_reception",
            label=f"Dossier reçu par l'ARS le {received:%d/%m/%Y} (dépôt n°{deposit.number})",
            actor=by,
            comment=f"Date de réception corrigée : {before:%d/%m/%Y} → {received:%d/%m/%Y}.",
            public=True,
        )
        outbox.enqueue(notify_event_task, event_id=event.pk)
        # Issue 15: a new acknowledgement of receipt, with the corrected dates.
        documents.act_produce(deposit=deposit, kind=Document.Kind.ACK_RECEIPT, by=by)
    return deposit


# --- The deposited file and what changed since ------------------------------------------

# Bookkeeping fields that change with every save: not a change of content.
IGNORED_FIELDS = {"version", "updated_at", "updated_by", "created_at", "created_by", "modified"}
TITLE_FIELDS = ("title", "name", "label", "full_name", "last_name", "code", "kind")


def _title(model, row: dict) -> str:
    fields = row["fields"]
    for name in TITLE_FIELDS:
        if fields.get(name):
            return str(fields[name])[:120]
    kind = capfirst(str(model._meta.verbose_name)) if model is not None else ""
    return f"{kind} n°{row['pk']}".strip()


def _model(key: str):
    try:
        return apps.get_model(key)
    except LookupError:  # a model removed since the deposit keeps its key
        return None


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # a field removed since the deposit keeps its name
        return None


def _label(model, name: str) -> str:
    field = _field(model, name)
    return str(field.verbose_name) if field is not None else name


def _shown(name: str, field) -> bool:
    """A field worth a line: not bookkeeping (even a field removed since the deposit, `field`
    None), not the link to the project itself (every record of the snapshot has it)."""
    return name not in IGNORED_FIELDS and getattr(field, "related_model", None) is not Project


def _name_of(obj) -> str:
    """A related record as users name it: a person by his full name, a record by its title."""
    if hasattr(obj, "get_full_name"):
        return obj.get_full_name() or getattr(obj, "email", "") or f"n°{obj.pk}"
    for name in TITLE_FIELDS:
        value = getattr(obj, name, None)
        if value and isinstance(value, str):
            return value[:120]
    return str(obj)


def _related_names(frozen: dict, live: dict) -> dict:
    """{(model, str(pk)): name} of every record a snapshot's relation points to. The records
    of the snapshots name themselves (even those deleted since); the others are read with one
    query per related model, whatever the number of values."""
    names, wanted = {}, {}
    for content in (frozen, live):
        for key, rows in content.items():
            model = _model(key) if key != "project" else None
            if model is None:
                continue
            for row in rows:
                names.setdefault((model, str(row["pk"])), _title(model, row))
                for name, value in row["fields"].items():
                    field = _field(model, name)
                    if field is None or not field.is_relation or not _shown(name, field):
                        continue
                    values = value if field.many_to_many else [value]
                    wanted.setdefault(field.related_model, set()).update(
                        str(v) for v in values or () if v not in (None, "")
                    )
    for model, pks in wanted.items():
        missing = [pk for pk in pks if (model, pk) not in names]
        if missing:
            for obj in model._default_manager.filter(pk__in=missing):
                names[(model, str(obj.pk))] = _name_of(obj)
    return names


def _typed(field, value):
    """A snapshot's JSON value back to its Python type, from the model's field."""
    try:
        if isinstance(field, models.DateTimeField):
            return parse_datetime(value) or value
        if isinstance(field, models.DateField):
            return dt.date.fromisoformat(value)
        if isinstance(field, models.DecimalField):
            return Decimal(str(value))
    except (TypeError, ValueError, ArithmeticError):
        pass
    return value


def _text(readable) -> str:
    """What readable_value gives (cpts_portal.lib.versioning: "oui"/"non", a list joined by
    commas, a French date...) as the page prints it: "—" for nothing."""
    return str(readable) or "—"


def _show(field, value, names: dict) -> str:
    """A snapshot's value as users read it: the title or name of a related record, a choice's
    label, a French date, an amount in euros, "oui"/"non" (cpts_portal.lib.versioning)."""
    if value is None or value == "" or value == []:
        return "—"
    if field is None:  # a field removed since the deposit: its value as stored
        return _text(readable_value(value))
    if field.many_to_many:
        model = field.related_model
        return ", ".join(names.get((model, str(pk)), f"n°{pk}") for pk in value)
    if field.is_relation:
        return names.get((field.related_model, str(value)), f"n°{value}")
    choices = value_choices(field)
    return _text(readable_value(_typed(field, value), choices=choices, money=is_money(field)))


def _changes(model, before: dict, after: dict, names: dict) -> list[dict]:
    rows = []
    for name in sorted(set(before) | set(after)):
        field = _field(model, name)
        if not _shown(name, field) or before.get(name) == after.get(name):
            continue
        old, new = _show(field, before.get(name), names), _show(field, after.get(name), names)
        diff = ""
        if "\n" in old + new or len(old) + len(new) > 160:
            diff = "\n".join(
                difflib.unified_diff(
                    old.splitlines(), new.splitlines(), "déposé", "actuel", lineterm="", n=1
                )
            )
        rows.append({"label": _label(model, name), "before": old, "after": new, "diff": diff})
    return rows


def _fields(model, fields: dict, names: dict) -> list[dict]:
    shown = []
    for name, value in fields.items():
        field = _field(model, name)
        if not _shown(name, field) or value in (None, "", []):
            continue
        shown.append({"label": _label(model, name), "value": _show(field, value, names)})
    return shown


def changes_summary(counts: dict) -> str:
    """ "1 élément modifié", "3 éléments : 1 modifié, 1 ajouté et 1 supprimé" (zero parts
    left out, French agreement)."""
    parts = [
        (counts[state], word)
        for state, word in (("changed", "modifié"), ("added", "ajouté"), ("removed", "supprimé"))
        if counts.get(state)
    ]
    if not parts:
        return ""
    if len(parts) == 1:
        n, word = parts[0]
        plural = "s" if n > 1 else ""
        return f"{n} élément{plural} {word}{plural}"
    words = [f"{n} {word}{'s' if n > 1 else ''}" for n, word in parts]
    total = sum(n for n, _ in parts)
    return f"{total} éléments : {', '.join(words[:-1])} et {words[-1]}"


def snapshot_diff(frozen: dict, live: dict) -> dict:
    """The deposited content (`frozen`, Deposit.snapshot) beside the live one (`live`, from
    lifecycle.transitions.snapshot): per model, each record with its state ("same",
    "changed", "removed", "added") and its changed fields, as users read them."""
    sections, counts = [], {"changed": 0, "removed": 0, "added": 0}
    names = _related_names(frozen, live)
    for key in sorted(set(frozen) | set(live)):
        if key == "project":
            continue
        model = _model(key)
        label = str(model._meta.verbose_name_plural) if model else key
        old = {row["pk"]: row for row in frozen.get(key, [])}
        new = {row["pk"]: row for row in live.get(key, [])}
        records = []
        for pk in sorted(set(old) | set(new), key=str):
            if pk in old and pk in new:
                changes = _changes(model, old[pk]["fields"], new[pk]["fields"], names)
                state = "changed" if changes else "same"
            else:
                changes, state = [], "removed" if pk in old else "added"
            if state != "same":
                counts[state] += 1
            row = old.get(pk) or new[pk]
            records.append(
                {
                    "pk": pk,
                    "title": _title(model, row),
                    "state": state,
                    "changes": changes,
                    "fields": _fields(model, row["fields"], names) if state != "added" else [],
                }
            )
        if records:
            sections.append({"key": key, "label": label.capitalize(), "records": records})
    return {
        "sections": sections,
        "counts": counts,
        "summary": changes_summary(counts),
        "changed": any(counts.values()),
    }
