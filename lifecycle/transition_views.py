"""Views of the lifecycle: actions, the intention letter, the review and its avis grid."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cpts_portal.lib.versioning import EditConflict, conflict_panel, save_versioned
from projects import access
from projects.deadlines import deadline_warning, opposition_deadline, tacit_validation_date
from projects.models import AvisBody, IntentionLetter, State

from . import review
from . import transitions as lifecycle
from .forms import AvisForm, IntentionLetterForm, ReviewCommentForm


@require_POST
def project_transition(request, slug):
    project = access.get_project_for_user(request.user, slug)
    action = request.POST.get("action", "")
    state = lifecycle.effective_state(project)
    transition = lifecycle.TRANSITIONS.get((state, action))
    if transition is None:
        messages.error(request, "Cette action n'est pas possible à cette étape du projet.")
        return redirect("lifecycle:project-detail", slug)
    if not transition.who(access.access_for(request.user, project)):
        raise PermissionDenied("Votre rôle ne permet pas cette action.")
    try:  # a form's text field: NUL characters (which PostgreSQL refuses) are an error
        comment = forms.CharField(required=False, strip=False).clean(
            request.POST.get("comment", "")
        )
    except forms.ValidationError as error:
        for message in error.messages:
            messages.error(request, f"Commentaire : {message}")
        return HttpResponseRedirect(_back_to(request, slug))
    dates = {
        name: _date(request.POST.get(name, ""))
        for name in transition.fields
        if name.endswith("_date")
    }
    try:
        lifecycle.apply(
            project=project,
            action=action,
            by=request.user,
            comment=comment,
            confirm_missing_avis=request.POST.get("confirm_missing_avis") == "on",
            ground_prs=request.POST.get("ground_prs") == "on",
            ground_territory=request.POST.get("ground_territory") == "on",
            **dates,
        )
    except lifecycle.TransitionError as error:
        for reason in error.reasons:
            messages.error(request, reason)
    else:
        messages.success(request, f"C'est fait : {transition.event.lower()}.")
    return HttpResponseRedirect(_back_to(request, slug))


def _back_to(request, slug) -> str:
    """The portal page the form was on (`next`), else the project: never another site."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return f"/projets/{slug}/"


def _date(value: str):
    """A date typed as 23/11/2026 or sent by a date input (2026-11-23); None if unreadable."""
    try:
        return forms.DateField().clean(value) if value else None
    except forms.ValidationError:
        return None


INTENTION_EDITABLE = {State.INTENTION_DRAFT, State.INTENTION_REWORK}


def intention_letter(request, slug):
    project = access.get_project_for_user(request.user, slug)
    letter = IntentionLetter.objects.filter(project=project).first()
    if letter is None:
        raise Http404("La lettre d'intention n'est pas commencée.")
    grant = access.access_for(request.user, project)
    can_edit = grant.cpts_role == "COORDINATOR" and project.state in INTENTION_EDITABLE
    form = IntentionLetterForm(request.POST or None, instance=letter)
    conflict, status = None, 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("La lettre ne peut pas être modifiée par vous à cette étape.")
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                save_versioned(
                    letter, version=form.cleaned_data["version"], by=request.user, fields=data
                )
            except EditConflict as error:
                status, conflict = 409, conflict_panel(form, error)
            else:
                messages.success(request, "Lettre d'intention enregistrée.")
                return redirect("lifecycle:intention-letter", slug)
        else:
            status = 422
    answers = letter.answers.select_related("by").order_by("-round", "at")
    return render(
        request,
        "lifecycle/intention_letter.html",
        {
            "project": project,
            "letter": letter,
            "form": form,
            "can_edit": can_edit,
            "conflict": conflict,
            "answers": answers,
            "gaps": lifecycle.intention_gaps(project),
            "actions": lifecycle.allowed_actions(project, request.user),
        },
        status=status,
    )


def review_detail(request, slug):
    project, deposit, grant = access.get_review_for_user(request.user, slug)
    comment_form = ReviewCommentForm(request.POST or None)
    if request.method == "POST":
        if not grant.review_roles:
            raise PermissionDenied("Seuls les instructeurs échangent ici.")
        if comment_form.is_valid():
            review.comment_add(
                deposit=deposit, text=comment_form.cleaned_data["text"], by=request.user
            )
            return redirect("lifecycle:review-detail", slug)
    order = list(AvisBody.values)
    avis = sorted(deposit.avis.all(), key=lambda a: order.index(a.body))
    return render(
        request,
        "lifecycle/review_detail.html",
        {
            "project": project,
            "deposit": deposit,
            "grant": grant,
            "avis": avis,
            "progress": review.avis_progress(deposit),
            "clock": lifecycle_clock(project, deposit),
            "comments": deposit.comments.select_related("author") if grant.review_roles else [],
            "comment_form": comment_form,
            "decision": getattr(deposit, "decision", None),
            "actions": lifecycle.allowed_actions(project, request.user),
        },
        status=422 if comment_form.is_bound and comment_form.errors else 200,
    )


def avis_detail(request, slug, body):
    project, deposit, grant = access.get_review_for_user(request.user, slug)
    if body not in AvisBody.values:
        raise Http404("Organisme inconnu.")
    avis = deposit.avis.get(body=body)
    can_edit = body in grant.review_kinds
    form = AvisForm(request.POST or None, instance=avis)
    conflict, status = None, 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Seul cet organisme rend son avis.")
        operation = request.POST.get("operation", "save")
        try:
            if operation == "reopen":
                review.avis_reopen(
                    avis=avis, version=int(request.POST.get("version", 0)), by=request.user
                )
                messages.success(
                    request,
                    "Avis rouvert : une nouvelle révision commence, "
                    "l'avis rendu reste dans l'historique.",
                )
                return redirect("lifecycle:avis-detail", slug, body)
            if form.is_valid() and (operation != "submit" or form.check_complete()):
                review.avis_save(
                    avis=avis,
                    version=form.cleaned_data["version"],
                    answers=form.answers(),
                    overall=form.cleaned_data["overall"],
                    motivation=form.cleaned_data["motivation"],
                    by=request.user,
                    submit=operation == "submit",
                )
                messages.success(
                    request, "Avis rendu." if operation == "submit" else "Brouillon enregistré."
                )
                return redirect("lifecycle:avis-detail", slug, body)
            status = 422
        except review.AvisLocked:
            messages.error(request, "Cet avis est rendu : rouvrez-le pour le modifier.")
            return redirect("lifecycle:avis-detail", slug, body)
        except EditConflict as error:
            status, conflict = 409, conflict_panel(form, error)
            if not hasattr(form, "cleaned_data"):
                conflict = None  # a reopening: the user typed nothing to compare
    history = avis.history.select_related("history_user").order_by("-history_date")[:20]
    return render(
        request,
        "lifecycle/avis_detail.html",
        {
            "project": project,
            "deposit": deposit,
            "avis": avis,
            "form": form,
            "can_edit": can_edit and not avis.is_submitted,
            "can_reopen": can_edit and avis.is_submitted,
            "conflict": conflict,
            "rows": review.answer_rows(avis),
            "history": history,
        },
        status=status,
    )


def lifecycle_clock(project, deposit) -> dict | None:
    """The legal clock of a deposit, for the pages: dates, days left, warning, colour."""

    if deposit is None:
        return None
    deadline = opposition_deadline(deposit.clock_start_date)
    today = timezone.localdate()
    days_left = (deadline - today).days
    return {
        "received": deposit.received_date,
        "start": deposit.clock_start_date,
        "deadline": deadline,
        "tacit": tacit_validation_date(deposit.clock_start_date),
        "days_left": days_left,
        "suspended": deposit.is_incomplete,
        "level": "danger" if days_left < 7 else "warning" if days_left < 15 else "success",
        "warning": deadline_warning(deadline),
        "passed": today > deadline,
        "today": today,
    }
