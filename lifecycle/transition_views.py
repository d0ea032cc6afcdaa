"""Views of the lifecycle: actions, the intention letter, the review and its avis grid."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from cpts_portal.lib.downloads import file_response
from cpts_portal.lib.uploads import check_upload
from cpts_portal.lib.versioning import EditConflict, conflict_panel, save_versioned, with_authors
from projects import access
from projects.deadlines import deposit_clock
from projects.models import (
    AvisBody,
    Deposit,
    Document,
    IntentionLetter,
    MissingPieceFile,
    State,
)

from . import avis_questions, document_data, review
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
    if "files" in transition.fields:
        files, refused = _checked_files(request.FILES.getlist("files"))
        if refused:
            for message in refused:
                messages.error(request, message)
            return HttpResponseRedirect(_back_to(request, slug))
        dates["files"] = files
    try:
        lifecycle.apply(
            project=project,
            action=action,
            by=request.user,
            comment=comment,
            confirm_missing_avis=request.POST.get("confirm_missing_avis") == "on",
            confirm_deposit=request.POST.get("confirm_deposit") == "on",
            ground_prs=request.POST.get("ground_prs") == "on",
            ground_territory=request.POST.get("ground_territory") == "on",
            **dates,
        )
    except lifecycle.TransitionError as error:
        for reason in error.reasons:
            messages.error(request, reason)
    else:
        # The label recorded (it may say more than the transition's), acronyms kept.
        event = project.events.order_by("-pk").only("label").first()
        label = event.label if event else transition.event
        messages.success(request, f"C'est fait : {label[:1].lower()}{label[1:]}.")
        if action == "deposit":  # the PDF is rendered by the worker: its page shows progress
            document = (
                Document.objects.filter(
                    deposit__project=project, kind=Document.Kind.PROJET_DE_SANTE
                )
                .order_by("-pk")
                .first()
            )
            if document is not None:
                return redirect("lifecycle:document-detail", slug, document.pk)
    return HttpResponseRedirect(_back_to(request, slug))


def _checked_files(uploads) -> tuple[list, list[str]]:
    """(upload, checked) pairs of the uploads cpts_portal.lib.uploads accepts, and a French
    message for each one it refuses."""
    files, refused = [], []
    for upload in uploads:
        try:
            files.append((upload, check_upload(upload)))
        except forms.ValidationError as error:
            refused += [f"Fichier « {upload.name} » : {message}" for message in error.messages]
    return files, refused


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
    closed = review.review_closed(deposit)
    status = 200
    if request.method == "POST":
        if not grant.review_roles:
            raise PermissionDenied("Seuls les instructeurs échangent ici.")
        if closed:
            messages.error(request, review.ReviewClosed.message)
            status = 409
        elif comment_form.is_valid():
            try:
                review.comment_add(
                    deposit=deposit, text=comment_form.cleaned_data["text"], by=request.user
                )
            except review.ReviewClosed as error:
                messages.error(request, str(error))
                status, closed = 409, True
            else:
                return redirect("lifecycle:review-detail", slug)
        else:
            status = 422
    return _render_review(
        request, project, deposit, grant, status=status, comment_form=comment_form, closed=closed
    )


@require_POST
def reception_date(request, slug):
    """A DD ARS reviewer records the day the ARS received the file (lifecycle.review)."""
    project, deposit, grant = access.get_review_for_user(request.user, slug)
    if not lifecycle._ars_reviewer(grant):
        raise PermissionDenied("Seuls les instructeurs de la DD ARS fixent la date de réception.")
    received = _date(request.POST.get("received_date", ""))
    try:
        if received is None and request.POST.get("received_date"):
            raise review.ReceptionRefused("Date illisible : écrivez-la JJ/MM/AAAA.")
        review.reception_date_set(deposit=deposit, received=received, by=request.user)
    except review.ReceptionRefused as error:
        closed = review.review_closed(deposit)
        return _render_review(
            request,
            project,
            deposit,
            grant,
            status=409 if closed else 422,
            comment_form=ReviewCommentForm(),
            closed=closed,
            reception_error=str(error),
            reception_value=request.POST.get("received_date", ""),
        )
    messages.success(request, "Date de réception enregistrée : le délai court à partir d'elle.")
    return redirect("lifecycle:review-detail", slug)


@require_GET
def deposit_round(request, slug, number):
    """One deposit (round) of the projet de santé: the content frozen at the deposit, what
    changed since (marker and diff against the live content), its avis and its decision.
    Reviewers in scope read every round; the CPTS a round once it is decided (its avis
    rendered, never the internal exchanges)."""
    project = access.get_project_for_user(request.user, slug)
    grant = access.access_for(request.user, project)
    deposit = get_object_or_404(
        Deposit.objects.select_related("decision", "deposited_by"), project=project, number=number
    )
    closed = review.review_closed(deposit)
    if not grant.review_roles and not closed:
        raise Http404("Page introuvable.")
    order = list(AvisBody.values)
    avis = sorted(deposit.avis.all(), key=lambda a: order.index(a.body))
    return render(
        request,
        "lifecycle/review_round.html",
        {
            "project": project,
            "deposit": deposit,
            "grant": grant,
            "clock": deposit_clock(deposit),
            "rounds": project.deposits.order_by("number").only("pk", "number", "received_date"),
            "avis": avis,
            "decision": getattr(deposit, "decision", None),
            "comments": deposit.comments.select_related("author") if grant.review_roles else [],
            "diff": review.snapshot_diff(deposit.snapshot, lifecycle.snapshot(project)),
            "documents": deposit.documents.all(),
        },
    )


@require_GET
def missing_piece_file(request, slug, pk):
    """A piece the CPTS sent: its own people and the reviewers in scope read it."""
    project = access.get_project_for_user(request.user, slug)
    grant = access.access_for(request.user, project)
    if not (grant.cpts_role or grant.review_roles):
        raise Http404("Pièce introuvable.")
    piece = get_object_or_404(MissingPieceFile, pk=pk, request__deposit__project=project)
    return file_response(piece.file, piece.original_name, piece.content_type)


def _render_review(request, project, deposit, grant, *, status, comment_form, closed, **extra):
    order = list(AvisBody.values)
    avis = sorted(deposit.avis.all(), key=lambda a: order.index(a.body))
    return render(
        request,
        "lifecycle/review_detail.html",
        {
            **extra,
            "can_set_reception": lifecycle._ars_reviewer(grant) and not closed,
            "previous_rounds": range(1, deposit.number),
            "piece_requests": deposit.piece_requests.prefetch_related("files"),
            "project": project,
            "deposit": deposit,
            "grant": grant,
            "avis": avis,
            "progress": review.avis_progress(deposit),
            "header": document_data.avis_grid_header(project, deposit),
            "clock": lifecycle_clock(project, deposit),
            "comments": deposit.comments.select_related("author") if grant.review_roles else [],
            "comment_form": comment_form,
            "closed": closed,
            "decision": getattr(deposit, "decision", None),
            "actions": lifecycle.allowed_actions(project, request.user),
        },
        status=status,
    )


def avis_detail(request, slug, body):
    project, deposit, grant = access.get_review_for_user(request.user, slug)
    if body not in AvisBody.values:
        raise Http404("Organisme inconnu.")
    avis = deposit.avis.get(body=body)
    can_edit = body in grant.review_kinds
    closed = review.review_closed(deposit)
    form = AvisForm(request.POST or None, instance=avis)
    conflict, status, refused = None, 200, ""
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Seul cet organisme rend son avis.")
        operation = request.POST.get("operation", "save")
        try:
            if closed:
                raise review.ReviewClosed(review.ReviewClosed.message)
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
        except review.ReviewClosed as error:
            messages.error(request, str(error))
            # What was typed is shown back (not saved) beside the avis on the record.
            refused = request.POST.get("motivation", "")
            avis.refresh_from_db()
            status, closed = 409, True
        except EditConflict as error:
            status, conflict = 409, conflict_panel(form, error)
            if not hasattr(form, "cleaned_data"):
                conflict = None  # a reopening: the user typed nothing to compare
    history = with_authors(avis.history.order_by("-history_date")[:20])
    return render(
        request,
        "lifecycle/avis_detail.html",
        {
            "project": project,
            "deposit": deposit,
            "avis": avis,
            "form": form,
            "can_edit": can_edit and not avis.is_submitted and not closed,
            "can_reopen": can_edit and avis.is_submitted and not closed,
            "closed": closed,
            "refused": refused,
            # From the decision on, the CPTS reads the avis each body rendered, never a draft.
            "show_content": bool(grant.review_roles) or avis.is_submitted,
            "conflict": conflict,
            "rows": avis_questions.answer_rows(avis),
            "history": history,
        },
        status=status,
    )


def lifecycle_clock(project, deposit):
    """The legal clock of a deposit, for the pages (projects.deadlines.deposit_clock: the one
    source the queue, the dashboards, the iCalendar feed and the reminders read as well)."""

    if deposit is None:
        return None
    return deposit_clock(deposit)
