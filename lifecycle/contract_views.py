"""Pages of the ACI contract: the document prepared by the portal, the three signatures, the
start the parties agree, its PDF."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from projects import access
from projects.models import Document

from . import contract, contract_document, documents, followup
from .followup_forms import DATE_WIDGET


class StartForm(forms.Form):
    agreed_start = forms.DateField(
        label="Date de début convenue (facultatif)",
        required=False,
        widget=DATE_WIDGET,
        help_text="Vide : le contrat commence le jour de la dernière des trois signatures.",
    )


def _project(request, slug):
    project = access.get_project_for_user(request.user, slug)
    if not contract.is_ready(project):
        raise Http404("Le contrat ACI se prépare une fois le projet de santé validé.")
    return project


def _render(request, project, *, start_form=None, status=200):
    data = contract_document.contract_data(project)
    parties = followup.parties_of(access.access_for(request.user, project))
    signing = data["signing"]
    locked = bool(signing and signing.is_locked) or data["contract"] is not None
    if start_form is None and parties and not locked:
        start_form = StartForm(initial={"agreed_start": signing.agreed_start if signing else None})
    return render(
        request,
        "lifecycle/contract/detail.html",
        {
            "project": project,
            "active": "contract",
            "parties_signing": parties,
            "start_form": start_form if parties and not locked else None,
            **data,
        },
        status=status,
    )


@require_GET
def contract_detail(request, slug):
    return _render(request, _project(request, slug))


@require_POST
def contract_start(request, slug):
    project = _project(request, slug)
    if not followup.parties_of(access.access_for(request.user, project)):
        raise PermissionDenied("Seules les trois parties conviennent de la date de début.")
    form = StartForm(request.POST)
    if not form.is_valid():
        return _render(request, project, start_form=form, status=422)
    try:
        contract.start_agree(
            project=project, agreed_start=form.cleaned_data["agreed_start"], by=request.user
        )
    except followup.FollowUpError as error:
        form.add_error("agreed_start", str(error))
        return _render(request, project, start_form=form, status=422)
    messages.success(request, "Date de début du contrat enregistrée.")
    return redirect("lifecycle:contract", slug)


@require_POST
def contract_sign(request, slug):
    project = access.get_project_for_user(request.user, slug)
    party = request.POST.get("party", "")
    if party not in followup.parties_of(access.access_for(request.user, project)):
        raise PermissionDenied("Vous ne signez pas pour cette partie.")
    withdraw = request.POST.get("withdraw") == "1"
    try:
        signing = contract.contract_sign(
            project=project, party=party, by=request.user, withdraw=withdraw
        )
    except followup.FollowUpError as error:
        messages.error(request, str(error))
    else:
        if withdraw:
            messages.success(request, "Signature retirée.")
        elif signing.is_signed:
            messages.success(request, "Contrat signé par les trois parties : il est enregistré.")
        else:
            messages.success(request, "Contrat signé.")
    return redirect("lifecycle:contract", slug)


@require_POST
def contract_pdf(request, slug):
    """The contract as a PDF, rendered by the documents' Celery task."""
    project = _project(request, slug)
    document = documents.document_request(
        project=project, kind=Document.Kind.ACI_CONTRACT, by=request.user
    )
    return redirect("lifecycle:document-detail", slug, document.pk)
