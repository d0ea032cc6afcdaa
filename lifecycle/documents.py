"""The documents of a project (flow layer): HTML from templates, PDF by a Celery task.

A document is identified by the SHA-256 of the HTML it is rendered from: asking again while
the data has not changed serves the same file. The projet de santé deposited with the ARS is
kept unchanged, with its hash, whatever is edited afterwards.
"""

import datetime as dt
import hashlib

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from cpts_portal.lib import outbox, pdf
from projects.models import Document, Project

from . import act_data, contract_document, document_data
from .notifications import notify_act_task

TEMPLATES = {
    Document.Kind.PROJET_DE_SANTE: "documents/projet_de_sante.html",
    Document.Kind.INTENTION_LETTER: "documents/intention_letter.html",
    Document.Kind.AVIS_GRID: "documents/avis_grid.html",
    Document.Kind.ANNUAL_DIALOGUE: "documents/annual_dialogue.html",
    # The simulator's own print template: its synchronous PDF and this document look alike.
    Document.Kind.FUNDING_SIMULATION: "funding/simulation_pdf.html",
    Document.Kind.ACI_CONTRACT: "documents/aci_contract.html",
    Document.Kind.ACK_RECEIPT: "documents/ack_receipt.html",
    Document.Kind.MISSING_PIECES: "documents/missing_pieces.html",
    Document.Kind.DECISION_LETTER: "documents/decision_letter.html",
    Document.Kind.TACIT_ATTESTATION: "documents/tacit_attestation.html",
}


def document_context(project: Project, kind: str, params: dict | None = None) -> dict:
    """What the document's template prints. `params` (Document.params) say which one, e.g.
    {"year": 2} for the report of the second yearly dialogue."""

    builder = {
        Document.Kind.PROJET_DE_SANTE: document_data.projet_de_sante,
        Document.Kind.INTENTION_LETTER: document_data.intention_letter,
        Document.Kind.AVIS_GRID: document_data.avis_grid,
        Document.Kind.ANNUAL_DIALOGUE: document_data.annual_dialogue,
        Document.Kind.FUNDING_SIMULATION: document_data.funding_simulation,
        Document.Kind.ACI_CONTRACT: contract_document.contract_data,
        Document.Kind.ACK_RECEIPT: act_data.ack_receipt,
        Document.Kind.MISSING_PIECES: act_data.missing_pieces,
        Document.Kind.DECISION_LETTER: act_data.decision_letter,
        Document.Kind.TACIT_ATTESTATION: act_data.tacit_attestation,
    }[kind]
    data = builder(project, **params) if params else builder(project)
    return {"project": project, **data}


def render_html(project: Project, kind: str, params: dict | None = None) -> str:
    return render_to_string(TEMPLATES[kind], document_context(project, kind, params))


def render_pdf(project: Project, kind: str, html: str) -> tuple[bytes, int]:
    """The PDF of `html`; the projet de santé with its uploaded annexes' pages merged in
    (their hashes are in `html`: a changed annex is a new document)."""
    inserts = (
        document_data.annex_inserts(project, html) if kind == Document.Kind.PROJET_DE_SANTE else {}
    )
    return pdf.render(html, inserts=inserts)


def _hash(html: str) -> str:
    return hashlib.sha256(html.encode()).hexdigest()


WAITING = (Document.Status.PENDING, Document.Status.RUNNING)
STALE_MESSAGE = (
    "La génération n'a pas abouti dans le délai prévu (service de production des PDF "
    "indisponible ou interrompu). Relancez-la."
)


def stale_before():
    """Documents asked before this moment and still waiting or rendering are stuck."""
    return timezone.now() - dt.timedelta(minutes=settings.DOCUMENT_STALE_MINUTES)


def is_stuck(document: Document) -> bool:
    """Waiting or rendering for longer than the limit: shown as failed, with "Relancer"."""
    return document.status in WAITING and document.requested_at < stale_before()


def may_retry(document: Document) -> bool:
    return document.status == Document.Status.FAILED or is_stuck(document)


def document_request(*, project: Project, kind: str, by, params: dict | None = None) -> Document:
    """The document of the current data: an existing one, or a new render queued (through the
    outbox: written with the document, sent when the broker answers). Never a failed or stuck
    one."""
    params = params or {}
    content_hash = _hash(render_html(project, kind, params))
    existing = (
        Document.objects.filter(
            project=project, kind=kind, params=params, content_hash=content_hash
        )
        .exclude(status=Document.Status.FAILED)
        .exclude(status__in=WAITING, requested_at__lt=stale_before())
        .order_by("-requested_at")
        .first()
    )
    if existing is not None:
        return existing
    with transaction.atomic():
        document = Document.objects.create(
            project=project, kind=kind, params=params, content_hash=content_hash, requested_by=by
        )
        outbox.enqueue(render_document_task, document_id=document.pk)
    return document


@transaction.atomic
def document_retry(*, document: Document, by) -> Document:
    """Relaunch ("Relancer"): the failed or stuck document is given up (marked failed) and
    asked again."""
    stuck = Document.objects.select_for_update().get(pk=document.pk)
    if stuck.deposit_id is not None:
        # The deposited PDF: rendered again from the HTML frozen at the deposit, same record.
        stuck.status, stuck.error, stuck.requested_at = Document.Status.PENDING, "", timezone.now()
        stuck.save(update_fields=["status", "error", "requested_at"])
        outbox.enqueue(render_document_task, document_id=stuck.pk)
        return stuck
    if stuck.status in WAITING:
        stuck.status = Document.Status.FAILED
        stuck.error = STALE_MESSAGE
        stuck.finished_at = timezone.now()
        stuck.save(update_fields=["status", "error", "finished_at"])
    return document_request(project=stuck.project, kind=stuck.kind, by=by, params=stuck.params)


def fail_stale_documents(**kwargs) -> int:
    """At each outbox dispatch: documents stuck past the limit are marked failed, with the
    reason in French; the user relaunches them. (A killed worker's render comes back before
    the limit: the broker redelivers it after its visibility timeout.)"""
    return Document.objects.filter(status__in=WAITING, requested_at__lt=stale_before()).update(
        status=Document.Status.FAILED, error=STALE_MESSAGE, finished_at=timezone.now()
    )


# Each outbox dispatch (beat, the command `dispatch_outbox`) also repairs the stuck documents.
outbox.dispatching.connect(fail_stale_documents, dispatch_uid="lifecycle.fail_stale_documents")


def document_render(*, document: Document) -> Document:
    """Render the document now (called by the task); a failure is recorded with its reason.
    A document already rendered is left as it is (a task delivered twice)."""
    if document.status == Document.Status.DONE:
        return document
    Document.objects.filter(pk=document.pk).update(status=Document.Status.RUNNING)
    try:
        # A deposited document prints the HTML frozen at the deposit.
        html = document.source_html or render_html(document.project, document.kind, document.params)
        content, pages = render_pdf(document.project, document.kind, html)
    except Exception as error:  # noqa: BLE001 - any failure must reach the user, not vanish
        document.status = Document.Status.FAILED
        document.error = f"{type(error).__name__} : {error}"
        document.finished_at = timezone.now()
        document.save(update_fields=["status", "error", "finished_at"])
        return document
    document.content_hash = _hash(html)
    document.file.save(document.filename, ContentFile(content), save=False)
    document.file_hash = hashlib.sha256(content).hexdigest()
    document.pages = pages
    document.status = Document.Status.DONE
    document.error = ""  # a late success (after a redelivery) replaces a time-out
    document.finished_at = timezone.now()
    document.save()
    return document


def document_freeze_for_deposit(*, project: Project, deposit, by) -> Document:
    """Freeze the projet de santé's HTML now, in the deposit's transaction (it prints exactly
    what the snapshot holds), and queue its PDF for the worker (issue 15: the deposit answers
    at once; the document's page shows the progress). The PDF stays attached to the deposit,
    with its hash, whatever comes after."""
    html = render_html(project, Document.Kind.PROJET_DE_SANTE)
    document = Document.objects.create(
        project=project,
        kind=Document.Kind.PROJET_DE_SANTE,
        content_hash=_hash(html),
        source_html=html,
        requested_by=by,
        deposit=deposit,
    )
    outbox.enqueue(render_document_task, document_id=document.pk)
    return document


FORMAL_ACTS = (
    Document.Kind.ACK_RECEIPT,
    Document.Kind.MISSING_PIECES,
    Document.Kind.DECISION_LETTER,
    Document.Kind.TACIT_ATTESTATION,
)


def act_produce(*, deposit, kind: str, by, on=None, notify: bool = True, **extra) -> Document:
    """A formal act of the review (issue 15), at its event, in the event's transaction: its
    HTML frozen now (it states the facts of this moment), its PDF rendered by the worker and
    its e-mail sent to the CPTS and the CPAM, both through the outbox. The same act asked
    again with nothing changed is the document already produced (no second e-mail).
    `notify=False`: an act of the past put on the record (the demo's), announced to nobody."""
    on = on or timezone.localdate()
    project = deposit.project
    params = {"deposit": deposit.number, "date": on.isoformat(), **extra}
    html = render_html(project, kind, params)
    content_hash = _hash(html)
    existing = (
        Document.objects.filter(
            project=project, kind=kind, params=params, content_hash=content_hash
        )
        .exclude(status=Document.Status.FAILED)
        .first()
    )
    if existing is not None:
        return existing
    document = Document.objects.create(
        project=project,
        kind=kind,
        params=params,
        content_hash=content_hash,
        source_html=html,
        requested_by=by,
        deposit=deposit,
    )
    outbox.enqueue(render_document_task, document_id=document.pk)
    if notify:
        outbox.enqueue(notify_act_task, document_id=document.pk)
    return document


@shared_task(name="lifecycle.render_document")
def render_document_task(*, document_id: int, outbox_id: int | None = None, **kwargs) -> int:
    """Idempotent: a document already rendered is not rendered again."""
    document = Document.objects.select_related("project__organisation").get(pk=document_id)
    document = document_render(document=document)
    outbox.mark_delivered(outbox_id)
    return document.pk
