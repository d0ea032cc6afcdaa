"""Documents page: ask for a PDF, follow its rendering, download it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from cpts_portal.lib.downloads import file_response
from funding.simulation import query_params
from projects import access
from projects.models import Document, IntentionLetter

from . import documents

# Documents asked from their own pages (the follow-up's dialogue, the contract), which any
# reader of the project may read.
ASKED_ELSEWHERE = (Document.Kind.ANNUAL_DIALOGUE, Document.Kind.ACI_CONTRACT)


def _kinds_for(user, project) -> list[str]:
    """The documents this user may ask for on this project."""
    grant = access.access_for(user, project)
    kinds = []
    if grant.cpts_role:
        kinds.append(Document.Kind.PROJET_DE_SANTE)
        kinds.append(Document.Kind.FUNDING_SIMULATION)
    if IntentionLetter.objects.filter(project=project).exists():
        kinds.append(Document.Kind.INTENTION_LETTER)
    if project.deposits.exists() and grant.review_roles:
        kinds.append(Document.Kind.AVIS_GRID)
    return kinds


def _visible(user, project, document) -> bool:
    grant = access.access_for(user, project)
    if document.deposit_id is not None:  # what was deposited: the CPTS and its reviewers
        return bool(grant.cpts_role or grant.review_roles or grant.analyst)
    if document.kind in ASKED_ELSEWHERE:
        return grant.any
    return document.kind in _kinds_for(user, project)


@require_GET
def document_list(request, slug):
    project = access.get_project_for_user(request.user, slug)
    kinds = _kinds_for(request.user, project)
    recent = [
        d
        for d in project.documents.select_related("deposit", "requested_by")[:20]
        if _visible(request.user, project, d)
    ]
    for document in recent:
        document.stuck = documents.is_stuck(document)
    return render(
        request,
        "lifecycle/documents.html",
        {
            "project": project,
            "kinds": [(kind, Document.Kind(kind).label) for kind in kinds],
            "documents": recent,
            # The Word export of the working draft (word_views), for its own people.
            "may_export_word": Document.Kind.PROJET_DE_SANTE in kinds,
        },
    )


@require_POST
def document_create(request, slug):
    project = access.get_project_for_user(request.user, slug)
    kind = request.POST.get("kind", "")
    if kind not in _kinds_for(request.user, project):
        raise PermissionDenied("Vous ne pouvez pas demander ce document.")
    params = {}
    if kind == Document.Kind.FUNDING_SIMULATION and request.POST.get("simulation"):
        # The simulation shown on the project's simulator page; without it, the budget's.
        try:
            params = query_params(QueryDict(request.POST["simulation"]))
        except ValueError as error:
            messages.error(request, str(error))
            return redirect("funding:project-simulator", slug)
    document = documents.document_request(
        project=project, kind=kind, by=request.user, params=params
    )
    if document.status == Document.Status.DONE:
        messages.success(
            request, "Les données n'ont pas changé : le document déjà produit est prêt."
        )
    return redirect("lifecycle:document-detail", slug, document.pk)


@require_GET
def document_detail(request, slug, pk):
    project = access.get_project_for_user(request.user, slug)
    document = get_object_or_404(Document, project=project, pk=pk)
    if not _visible(request.user, project, document):
        raise Http404("Document introuvable.")
    template = "lifecycle/document_detail.html"
    if request.htmx:
        template += "#status"
    return render(
        request,
        template,
        {
            "project": project,
            "document": document,
            "stuck": documents.is_stuck(document),
            "may_retry": documents.may_retry(document)
            and _may_ask(request.user, project, document),
            "stale_message": documents.STALE_MESSAGE,
        },
    )


def _may_ask(user, project, document) -> bool:
    """Whoever may ask for this document may relaunch it; a formal act, its addressee (the
    CPTS) and the reviewers (issue 15)."""
    if document.kind in documents.FORMAL_ACTS:
        grant = access.access_for(user, project)
        return bool(grant.cpts_role or grant.review_roles)
    if document.kind in ASKED_ELSEWHERE:
        return access.access_for(user, project).any
    return document.kind in _kinds_for(user, project)


@require_POST
def document_retry(request, slug, pk):
    """Relaunch ("Relancer") a failed or stuck document: it is asked again."""
    project = access.get_project_for_user(request.user, slug)
    document = get_object_or_404(Document, project=project, pk=pk)
    if not _visible(request.user, project, document):
        raise Http404("Document introuvable.")
    if not _may_ask(request.user, project, document):
        raise PermissionDenied("Vous ne pouvez pas demander ce document.")
    if not documents.may_retry(document):
        messages.info(request, "Ce document n'est pas en échec : rien à relancer.")
        return redirect("lifecycle:document-detail", slug, document.pk)
    fresh = documents.document_retry(document=document, by=request.user)
    messages.success(request, "La production du document est relancée.")
    return redirect("lifecycle:document-detail", slug, fresh.pk)


@require_GET
def document_download(request, slug, pk):
    project = access.get_project_for_user(request.user, slug)
    document = get_object_or_404(Document, project=project, pk=pk, status=Document.Status.DONE)
    if not _visible(request.user, project, document):
        raise Http404("Document introuvable.")
    return file_response(document.file, document.filename, "application/pdf")
