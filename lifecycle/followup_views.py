"""Pages of the yearly follow-up of the ACI contract: the five years, and each year's
dialogue de gestion (results, agreed rates, variable funding, payments, minutes, sign-off)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cpts_portal.lib.versioning import EditConflict, conflict_panel
from projects import access
from projects.models import Contract, Document

from . import documents, followup
from .followup_forms import FactForm
from .forms import DialogueForm, PaymentForm

TEMPLATE = "lifecycle/dialogue.html"


def _overview(request, project, *, fact_form=None, status=200):
    data = followup.follow_up(project)
    grant = access.access_for(request.user, project)
    rows = followup.fact_rows(project, data["contract"]) if data["contract"] else []
    for row in rows:
        row.can_declare = row.fact is None and followup.may_declare(grant, row.kind)
    return render(
        request,
        "lifecycle/followup.html",
        {
            "project": project,
            "active": "followup",
            "fact_rows": rows,
            "fact_form": fact_form,
            **data,
        },
        status=status,
    )


@require_GET
def followup_overview(request, slug):
    project = access.get_project_for_user(request.user, slug)
    return _overview(request, project)


@require_POST
def fact_create(request, slug):
    """The CPTS declares a mission started or fully deployed; a party records an indicator
    review held. Each closes its deadline on the dashboard."""
    project = access.get_project_for_user(request.user, slug)
    contract = Contract.objects.filter(project=project).first()
    if contract is None:
        raise Http404("Le contrat ACI n'est pas encore signé.")
    grant = access.access_for(request.user, project)
    kind = request.POST.get("kind", "")
    if not followup.may_declare(grant, kind):
        raise PermissionDenied("La CPTS déclare ses missions ; les parties, les revues.")
    refs = [(row.kind, row.ref) for row in followup.fact_rows(project, contract)]
    form = FactForm(request.POST, refs=refs)
    if not form.is_valid():
        return _overview(request, project, fact_form=form, status=422)
    fact = followup.fact_record(project=project, by=request.user, **form.cleaned_data)
    messages.success(request, f"{fact.get_kind_display().capitalize()} enregistré.")
    return redirect("lifecycle:followup", slug)


@require_POST
def dialogue_basis(request, slug, year):
    """The dialogue of `year` adopts the budget's current figures from that year on."""
    project = access.get_project_for_user(request.user, slug)
    contract = _contract_and_year(project, year)
    if not followup.may_prepare(access.access_for(request.user, project)):
        raise PermissionDenied("Seuls la CPTS, la CPAM et l'ARS préparent le dialogue.")
    try:
        followup.basis_adopt(project=project, contract=contract, year=year, by=request.user)
    except followup.FollowUpError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"Les chiffres actuels du budget s'appliquent à partir de l'année {year}."
        )
    return redirect("lifecycle:dialogue", slug, year)


def _contract_and_year(project, year: int) -> Contract:
    if year not in followup.YEARS:
        raise Http404("Le contrat ACI dure cinq ans.")
    contract = Contract.objects.filter(project=project).first()
    if contract is None:
        raise Http404("Le contrat ACI n'est pas encore signé.")
    return contract


def _initial(view) -> dict:
    dialogue = view.dialogue
    initial = {"version": dialogue.version if dialogue else 0}
    if dialogue:
        initial.update(meeting_date=dialogue.meeting_date, minutes=dialogue.minutes)
    for mission in view.missions:
        rate = mission["agreed"] if mission["agreed"] is not None else mission["measured"]
        if rate is not None:
            percent = f"{rate * 100:.2f}".rstrip("0").rstrip(".")
            initial[f"rate_{mission['code']}"] = percent.replace(".", ",")
    return initial


def _render(request, project, contract, view, *, form=None, payment_form=None, status=200, **extra):
    grant = access.access_for(request.user, project)
    locked = bool(view.dialogue and view.dialogue.is_locked)
    can_prepare = followup.may_prepare(grant) and not locked
    if form is None and can_prepare:
        form = DialogueForm(initial=_initial(view), missions=view.missions)
    if payment_form is None and followup.may_record_payment(grant):
        payment_form = PaymentForm()
    return render(
        request,
        TEMPLATE,
        {
            "project": project,
            "contract": contract,
            "year": view,
            "form": form if can_prepare else None,
            "payment_form": payment_form,
            "parties": followup.parties_of(grant),
            "can_adopt": can_prepare,
            "active": "followup",
            **extra,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def dialogue_detail(request, slug, year):
    project = access.get_project_for_user(request.user, slug)
    contract = _contract_and_year(project, year)
    view = followup.dialogue_view(project, contract, year)
    if request.method == "GET":
        return _render(request, project, contract, view)
    if not followup.may_prepare(access.access_for(request.user, project)):
        raise PermissionDenied("Seuls la CPTS, la CPAM et l'ARS préparent le dialogue.")
    form = DialogueForm(request.POST, missions=view.missions)
    if not form.is_valid():
        return _render(request, project, contract, view, form=form, status=422)
    try:
        followup.dialogue_save(
            project=project,
            year=year,
            by=request.user,
            version=form.cleaned_data["version"],
            fields=form.values(),
        )
    except EditConflict as error:
        conflict = conflict_panel(form, error)
        return _render(request, project, contract, view, form=form, status=409, conflict=conflict)
    except followup.FollowUpError as error:
        messages.error(request, str(error))
        return redirect("lifecycle:dialogue", slug, year)
    messages.success(request, f"Dialogue de gestion de l'année {year} enregistré.")
    return redirect("lifecycle:dialogue", slug, year)


@require_POST
def dialogue_sign(request, slug, year):
    project = access.get_project_for_user(request.user, slug)
    _contract_and_year(project, year)
    party = request.POST.get("party", "")
    if party not in followup.parties_of(access.access_for(request.user, project)):
        raise PermissionDenied("Vous ne signez pas pour cette partie.")
    withdraw = request.POST.get("withdraw") == "1"
    try:
        followup.dialogue_sign(
            project=project, year=year, party=party, by=request.user, withdraw=withdraw
        )
    except followup.FollowUpError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Signature retirée." if withdraw else "Dialogue signé.")
    return redirect("lifecycle:dialogue", slug, year)


@require_POST
def payment_create(request, slug, year):
    project = access.get_project_for_user(request.user, slug)
    contract = _contract_and_year(project, year)
    if not followup.may_record_payment(access.access_for(request.user, project)):
        raise PermissionDenied("Les versements sont enregistrés par la CPAM.")
    form = PaymentForm(request.POST)
    if not form.is_valid():
        view = followup.dialogue_view(project, contract, year)
        return _render(request, project, contract, view, payment_form=form, status=422)
    followup.payment_record(project=project, year=year, by=request.user, **form.cleaned_data)
    messages.success(request, "Versement enregistré.")
    return redirect("lifecycle:dialogue", slug, year)


@require_POST
def dialogue_report(request, slug, year):
    """The dialogue's report as a PDF, rendered by the documents' Celery task."""
    project = access.get_project_for_user(request.user, slug)
    _contract_and_year(project, year)
    document = documents.document_request(
        project=project, kind=Document.Kind.ANNUAL_DIALOGUE, by=request.user, params={"year": year}
    )
    return redirect("lifecycle:document-detail", slug, document.pk)
