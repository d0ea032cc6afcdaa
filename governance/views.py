"""Governance pages: association, members, instances and rules, meetings, documents."""

import csv
import io
from functools import partial

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from cpts_portal.lib.downloads import content_response, file_response
from cpts_portal.lib.versioning import EditConflict, conflict_panel, history_entries, with_authors

from . import access, services
from .checks import deposit_gaps
from .composition import composition_check
from .deadlines import deadlines
from .exports import members_csv, members_xlsx
from .forms import (
    AssociationForm,
    DecisionEditForm,
    DecisionForm,
    DocumentEditForm,
    DocumentForm,
    ImportForm,
    IndemnityEditForm,
    IndemnityForm,
    InformationSystemForm,
    InstanceEditForm,
    InstanceForm,
    MandateEditForm,
    MandateForm,
    MeetingEditForm,
    MeetingForm,
    MemberEditForm,
    MemberForm,
    MinutesForm,
    PartnershipEditForm,
    PartnershipForm,
    RulesForm,
)
from .imports import COLUMNS, parse_members
from .indemnities import yearly_totals
from .meetings import checks_for, decision_outcome, meeting_check, voters_for
from .models import (
    INFORMATION_SYSTEM_FIELDS,
    Association,
    Attendance,
    CompositionRules,
    GovernanceDocument,
    Indemnity,
    InformationSystem,
    Instance,
    Majority,
    Mandate,
    Meeting,
    Member,
    Partnership,
)

PAGE_SIZE = 50
IMPORT_SESSION_KEY = "governance-import-{}"


def _read(request, slug):
    return access.get_project(request.user, slug)


def _write(request, slug):
    return access.get_project(request.user, slug, change=True)


TABS = [
    ("member", "members"),
    ("bureau", "bureau"),
    ("instance", "bureau"),
    ("rules", "bureau"),
    ("mandate", "bureau"),
    ("meeting", "meetings"),
    ("decision", "meetings"),
    ("minutes", "meetings"),
    ("partnership", "partnerships"),
    ("indemnity", "indemnities"),
    ("information-system", "information-system"),
]


def _tab(request) -> str:
    name = request.resolver_match.url_name if request.resolver_match else ""
    return next((tab for prefix, tab in TABS if name.startswith(prefix)), "association")


def _context(request, project, page_title, **extra):
    return {
        "tab": _tab(request),
        "project": project,
        "page_title": page_title,
        "active": "governance",
        "can_edit": rules.has_perm(access.CHANGE, request.user, project),
        "can_see_private": rules.has_perm(access.PRIVATE, request.user, project),
        **extra,
    }


def _private_refused(request, project, what: str):
    """403 that says why: contact details and indemnities stay inside the CPTS."""
    return render(
        request,
        "governance/forbidden.html",
        _context(request, project, "Accès refusé", what=what),
        status=403,
    )


def _form_page(request, project, *, title, form, back, status=200, conflict=None, **extra):
    return render(
        request,
        "governance/form.html",
        _context(request, project, title, form=form, back=back, conflict=conflict, **extra),
        status=status,
    )


def _versioned_edit(request, project, *, form, title, back, save, success, fields=None, **extra):
    """The page of a versioned text: GET shows `form`; POST validates it (422), calls
    `save(fields=..., version=...)` with the form's fields (or `fields(form)`) and answers 409
    with the other person's version on a stale one (the user's text kept), else redirects to
    `back`. `extra` goes to the page (a history link, for one)."""
    page = partial(_form_page, request, project, title=title, form=form, back=back, **extra)
    if request.method == "GET":
        return page()
    if not form.is_valid():
        return page(status=422)
    if fields is None:
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
    else:
        values = fields(form)
    try:
        save(fields=values, version=form.cleaned_data["version"])
    except EditConflict as error:
        return page(status=409, conflict=conflict_panel(form, error))
    messages.success(request, success)
    return redirect(back)


def _history_page(request, project, *, title, record, back):
    """The history of a versioned record (who changed what, when, word diff)."""
    entries = history_entries(with_authors(record.history.all()))
    return render(
        request,
        "governance/history.html",
        _context(request, project, title, entries=entries, back=back),
    )


def _association(project):
    return Association.objects.filter(project=project).first()


# --- Overview and association -------------------------------------------------------------


@require_GET
def overview(request, slug):
    project = _read(request, slug)
    instances = Instance.objects.filter(project=project).annotate(
        seats=Count("mandates", filter=Q(mandates__in=Mandate.objects.current()))
    )
    documents = GovernanceDocument.objects.filter(project=project).select_related("uploaded_by")
    context = _context(
        request,
        project,
        "Gouvernance",
        association=_association(project),
        instances=instances,
        documents=documents,
        members=Member.objects.filter(project=project)
        .current()
        .aggregate(
            total=Count("pk"), active=Count("pk", filter=Q(category=Member.Category.ACTIVE))
        ),
        deadlines=deadlines(project),
        gaps=deposit_gaps(project),
    )
    return render(request, "governance/overview.html", context)


@require_http_methods(["GET", "POST"])
def association_edit(request, slug):
    project = _write(request, slug)
    association = _association(project)
    back = reverse("governance:overview", args=[slug])
    title = "L'association" if association else "Enregistrer l'association"
    form = AssociationForm(
        request.POST if request.method == "POST" else None,
        instance=association,
        initial={} if association else {"name": project.organisation.name},
        creating=not association,
    )
    return _versioned_edit(
        request,
        project,
        form=form,
        title=title,
        back=back,
        save=partial(services.association_save, project=project, by=request.user),
        success="L'association est enregistrée.",
    )


@require_GET
def association_history(request, slug):
    project = _read(request, slug)
    return _history_page(
        request,
        project,
        title="Historique de l'association",
        record=get_object_or_404(Association, project=project),
        back=reverse("governance:overview", args=[slug]),
    )


# --- Information system -------------------------------------------------------------------


def _information_system(project):
    return InformationSystem.objects.filter(project=project).select_related("updated_by").first()


@require_GET
def information_system(request, slug):
    project = _read(request, slug)
    record = _information_system(project)
    rows = [
        (InformationSystem._meta.get_field(name).verbose_name, name, getattr(record, name, ""))
        for name in INFORMATION_SYSTEM_FIELDS
    ]
    return render(
        request,
        "governance/information_system.html",
        _context(request, project, "Système d'information", record=record, rows=rows),
    )


@require_http_methods(["GET", "POST"])
def information_system_edit(request, slug):
    project = _write(request, slug)
    record = _information_system(project)
    return _versioned_edit(
        request,
        project,
        form=InformationSystemForm(
            request.POST if request.method == "POST" else None,
            instance=record,
            creating=record is None,
        ),
        title="Système d'information",
        back=reverse("governance:information-system", args=[slug]),
        save=partial(services.information_system_save, project=project, by=request.user),
        success="Le système d'information est enregistré.",
    )


@require_GET
def information_system_history(request, slug):
    project = _read(request, slug)
    return _history_page(
        request,
        project,
        title="Historique du système d'information",
        record=get_object_or_404(InformationSystem, project=project),
        back=reverse("governance:information-system", args=[slug]),
    )


# --- Members ------------------------------------------------------------------------------


def _members(project, request):
    members = Member.objects.filter(project=project).select_related("commune")
    category = request.GET.get("qualite", "")
    if category in Member.Category.values:
        members = members.filter(category=category)
    if request.GET.get("anciens") != "1":
        members = members.current()
    return members, category


@require_GET
def member_list(request, slug):
    project = _read(request, slug)
    members, category = _members(project, request)
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = _context(
        request,
        project,
        "Membres",
        page=page,
        query=query.urlencode(),
        category=category,
        categories=Member.Category.choices,
        show_former=request.GET.get("anciens") == "1",
        can_export=rules.has_perm(access.EXPORT_CONTACTS, request.user, project),
    )
    return render(request, "governance/member_list.html", context)


@require_http_methods(["GET", "POST"])
def member_create(request, slug):
    project = _write(request, slug)
    back = reverse("governance:member-list", args=[slug])
    form = MemberForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            member = services.member_create(
                project=project, fields=form.member_fields(), by=request.user
            )
            messages.success(request, f"{member.display_name} est ajouté(e) aux membres.")
            return redirect(back)
        return _form_page(
            request, project, title="Ajouter un membre", form=form, back=back, status=422
        )
    return _form_page(request, project, title="Ajouter un membre", form=form, back=back)


@require_http_methods(["GET", "POST"])
def member_edit(request, slug, number):
    project = _write(request, slug)
    member = access.get_member(project, number)
    return _versioned_edit(
        request,
        project,
        form=MemberEditForm(request.POST or None, instance=member),
        title=f"Modifier — {member.display_name}",
        back=reverse("governance:member-list", args=[slug]),
        save=partial(services.member_update, member=member, by=request.user),
        fields=MemberEditForm.member_fields,
        success="Le membre est mis à jour.",
        history_url=reverse("governance:member-history", args=[slug, number]),
    )


@require_GET
def member_history(request, slug, number):
    project = _read(request, slug)
    if not rules.has_perm(access.PRIVATE, request.user, project):
        # The history shows contact details (e-mail, telephone, RPPS) as they changed.
        return _private_refused(
            request, project, "l'historique des membres et de leurs coordonnées"
        )
    member = access.get_member(project, number)
    return _history_page(
        request,
        project,
        title=f"Historique — {member.display_name}",
        record=member,
        back=reverse("governance:member-edit", args=[slug, number])
        if rules.has_perm(access.CHANGE, request.user, project)
        else reverse("governance:member-list", args=[slug]),
    )


@require_http_methods(["GET", "POST"])
def member_import(request, slug):
    project = _write(request, slug)
    key = IMPORT_SESSION_KEY.format(project.pk)
    context = _context(request, project, "Importer des membres", columns=COLUMNS)
    if request.method == "POST" and request.POST.get("action") == "confirm":
        rows = request.session.pop(key, None)
        if not rows:
            messages.error(request, "Aucun aperçu en attente : chargez de nouveau le fichier.")
            return redirect("governance:member-import", slug=slug)
        count = services.members_import(project=project, rows=rows, by=request.user)
        messages.success(request, f"{count} membres importés.")
        return redirect("governance:member-list", slug=slug)
    if request.method == "POST" and request.POST.get("action") == "cancel":
        request.session.pop(key, None)
        return redirect("governance:member-import", slug=slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    context["form"] = form
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "governance/member_import.html", context, status=422)
        preview = parse_members(form.cleaned_data["file"].read(), project=project)
        context["preview"] = preview
        if not preview.ok:
            request.session.pop(key, None)
            return render(request, "governance/member_import.html", context, status=422)
        request.session[key] = preview.rows
    else:
        context["pending"] = request.session.get(key)
    return render(request, "governance/member_import.html", context)


@require_GET
def member_export(request, slug):
    project = _read(request, slug)
    if not rules.has_perm(access.PRIVATE, request.user, project):
        return _private_refused(request, project, "l'export des membres et de leurs coordonnées")
    if not rules.has_perm(access.EXPORT_CONTACTS, request.user, project):
        # The whole list of contacts leaving the portal in one file: the officers only.
        return render(
            request,
            "governance/forbidden.html",
            _context(
                request,
                project,
                "Accès refusé",
                reason="L'export des membres et de leurs coordonnées est réservé aux "
                "coordinateurs et aux membres du bureau de la CPTS.",
            ),
            status=403,
        )
    members = list(Member.objects.filter(project=project).select_related("commune"))
    if request.GET.get("format") == "csv":
        return content_response(
            members_csv(members), f"membres-{project.slug}.csv", "text/csv; charset=utf-8"
        )
    return content_response(
        members_xlsx(members),
        f"membres-{project.slug}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@require_GET
def member_template(request, slug):
    project = _write(request, slug)
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerow([label for _, label, _ in COLUMNS])
    return content_response(
        "\ufeff" + buffer.getvalue(),
        f"modele-membres-{project.slug}.csv",
        "text/csv; charset=utf-8",
    )


# --- Instances, rules, mandates -----------------------------------------------------------


def _instance_page(request, project, instance):
    mandates = list(
        Mandate.objects.filter(body=instance)
        .select_related("member", "member__commune")
        .order_by("office", "member__last_name")
    )
    current_ids = set(Mandate.objects.current().filter(body=instance).values_list("pk", flat=True))
    current = [m for m in mandates if m.pk in current_ids]
    rank = {
        value: index for index, (value, _) in enumerate(Mandate._meta.get_field("office").choices)
    }
    current.sort(key=lambda m: (rank[m.office], m.member.last_name))
    rules_obj = getattr(instance, "rules", None)
    results = composition_check(rules_obj, current) if not instance.is_assembly else []
    meetings = Meeting.objects.filter(body=instance)[:10]
    context = _context(
        request,
        project,
        instance.name,
        instance=instance,
        current=current,
        past=[m for m in mandates if m.pk not in current_ids],
        rules=rules_obj,
        results=results,
        broken=sum(1 for r in results if not r.ok),
        meetings=meetings,
    )
    return render(request, "governance/instance_detail.html", context)


@require_GET
def bureau(request, slug):
    project = _read(request, slug)
    instance = (
        Instance.objects.filter(project=project, kind=Instance.Kind.BUREAU)
        .select_related("rules")
        .first()
    )
    if instance is None:
        return render(
            request,
            "governance/no_bureau.html",
            _context(request, project, "Bureau"),
        )
    return _instance_page(request, project, instance)


@require_GET
def instance_detail(request, slug, instance):
    project = _read(request, slug)
    return _instance_page(request, project, access.get_instance(project, instance))


@require_http_methods(["GET", "POST"])
def instance_create(request, slug):
    project = _write(request, slug)
    back = reverse("governance:overview", args=[slug])
    form = InstanceForm(request.POST or None, project=project)
    if request.method == "POST":
        if form.is_valid():
            instance = services.instance_create(
                project=project, by=request.user, **form.cleaned_data
            )
            return redirect("governance:instance-detail", slug=slug, instance=instance.slug)
        return _form_page(
            request, project, title="Ajouter une instance", form=form, back=back, status=422
        )
    return _form_page(request, project, title="Ajouter une instance", form=form, back=back)


@require_http_methods(["GET", "POST"])
def instance_edit(request, slug, instance):
    project = _write(request, slug)
    instance = access.get_instance(project, instance)
    return _versioned_edit(
        request,
        project,
        form=InstanceEditForm(request.POST or None, instance=instance),
        title=f"Modifier — {instance.name}",
        back=reverse("governance:instance-detail", args=[slug, instance.slug]),
        save=partial(services.instance_update, instance=instance, by=request.user),
        success="L'instance est mise à jour.",
    )


@require_http_methods(["GET", "POST"])
def rules_edit(request, slug, instance):
    project = _write(request, slug)
    instance = access.get_instance(project, instance)
    rules_obj = get_object_or_404(CompositionRules, body=instance)
    back = reverse("governance:instance-detail", args=[slug, instance.slug])
    title = f"Règles de composition — {instance.name}"
    return _versioned_edit(
        request,
        project,
        form=RulesForm(request.POST or None, instance=rules_obj),
        title=title,
        back=back,
        save=partial(services.rules_save, rules=rules_obj, by=request.user),
        success="Les règles de composition sont enregistrées.",
    )


@require_GET
def rules_history(request, slug, instance):
    project = _read(request, slug)
    instance = access.get_instance(project, instance)
    return _history_page(
        request,
        project,
        title=f"Historique des règles — {instance.name}",
        record=get_object_or_404(CompositionRules, body=instance),
        back=reverse("governance:instance-detail", args=[slug, instance.slug]),
    )


@require_http_methods(["GET", "POST"])
def mandate_create(request, slug, instance):
    project = _write(request, slug)
    instance = access.get_instance(project, instance)
    if instance.is_assembly:
        raise Http404("L'assemblée générale réunit tous les membres : elle n'a pas de mandats.")
    back = reverse("governance:instance-detail", args=[slug, instance.slug])
    title = f"Nouveau mandat — {instance.name}"
    form = MandateForm(request.POST or None, project=project)
    if request.method == "POST":
        if form.is_valid():
            services.mandate_create(
                project=project, instance=instance, fields=form.cleaned_data, by=request.user
            )
            messages.success(request, "Le mandat est enregistré.")
            return redirect(back)
        return _form_page(request, project, title=title, form=form, back=back, status=422)
    return _form_page(request, project, title=title, form=form, back=back)


@require_http_methods(["GET", "POST"])
def mandate_edit(request, slug, number):
    project = _write(request, slug)
    mandate = access.get_mandate(project, number)
    return _versioned_edit(
        request,
        project,
        form=MandateEditForm(request.POST or None, instance=mandate, project=project),
        title=f"Mandat — {mandate.member.display_name}",
        back=reverse("governance:instance-detail", args=[slug, mandate.body.slug]),
        save=partial(services.mandate_update, mandate=mandate, by=request.user),
        success="Le mandat est mis à jour.",
    )


# --- Meetings -----------------------------------------------------------------------------


@require_GET
def meeting_list(request, slug):
    project = _read(request, slug)
    meetings = Meeting.objects.filter(project=project).select_related("body")
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    checks = checks_for(list(page), project)
    rows = [(meeting, checks[meeting.pk]) for meeting in page]
    return render(
        request,
        "governance/meeting_list.html",
        _context(request, project, "Réunions", page=page, rows=rows),
    )


@require_http_methods(["GET", "POST"])
def meeting_create(request, slug):
    project = _write(request, slug)
    back = reverse("governance:meeting-list", args=[slug])
    form = MeetingForm(request.POST or None, project=project)
    if request.method == "POST":
        if form.is_valid():
            meeting = services.meeting_create(
                project=project, by=request.user, fields=form.cleaned_data
            )
            return redirect("governance:meeting-detail", slug=slug, number=meeting.number)
        return _form_page(
            request, project, title="Nouvelle réunion", form=form, back=back, status=422
        )
    return _form_page(request, project, title="Nouvelle réunion", form=form, back=back)


@require_http_methods(["GET", "POST"])
def meeting_edit(request, slug, number):
    project = _write(request, slug)
    meeting = access.get_meeting(project, number)
    back = reverse("governance:meeting-detail", args=[slug, number])
    title = f"Modifier — {meeting.title}"
    return _versioned_edit(
        request,
        project,
        form=MeetingEditForm(request.POST or None, instance=meeting, project=project),
        title=title,
        back=back,
        save=partial(services.meeting_update, meeting=meeting, by=request.user),
        success="La réunion est mise à jour.",
    )


@require_GET
def meeting_detail(request, slug, number):
    project = _read(request, slug)
    meeting = access.get_meeting(project, number)
    attendances = _attendances(meeting)
    check = meeting_check(meeting, association=_association(project), attendances=attendances)
    decisions = [(d, decision_outcome(d, check)) for d in meeting.decisions.all()]
    context = _context(
        request,
        project,
        meeting.title,
        meeting=meeting,
        attendances=attendances,
        check=check,
        decisions=decisions,
        majority=Majority(check.majority).label,
    )
    return render(request, "governance/meeting_detail.html", context)


@require_http_methods(["GET", "POST"])
def meeting_attendance(request, slug, number):
    project = _write(request, slug)
    meeting = access.get_meeting(project, number)
    people = list(
        Member.objects.filter(project=project)
        .current(meeting.meeting_date)
        .order_by("last_name", "first_name", "structure_name")
    )
    voters = {m.pk for m in voters_for(meeting)}
    existing = {a.member_id: a for a in meeting.attendances.all()}
    by_pk = {m.pk: m for m in people}
    errors = []
    conflict = None
    version = meeting.version
    if request.method == "POST":
        version = _int(request.POST.get("version"))
        if version is None:
            errors.append("Le formulaire est incomplet : rechargez la page.")
        entries = []
        for member in people:
            status = request.POST.get(f"status-{member.pk}", "")
            if status not in Attendance.Status.values:
                continue
            holder = None
            if status == Attendance.Status.REPRESENTED:
                holder = by_pk.get(_int(request.POST.get(f"holder-{member.pk}")))
                if holder is None or holder.pk == member.pk:
                    errors.append(f"{member.display_name} : choisissez à qui le pouvoir est donné.")
                    continue
            entries.append((member, status, holder))
        if not errors:
            try:
                services.attendance_record(
                    meeting=meeting, entries=entries, by=request.user, version=version
                )
            except EditConflict as error:
                conflict = _attendance_conflict(error.current)
                version = error.current.version
                existing = {a.member_id: a for a in error.current.attendances.all()}
            else:
                messages.success(request, "Les présences sont enregistrées.")
                return redirect("governance:meeting-detail", slug=slug, number=number)
    rows = [
        {
            "member": m,
            "votes": m.pk in voters,
            "status": request.POST.get(f"status-{m.pk}")
            or (existing[m.pk].status if m.pk in existing else ""),
            "holder": _int(request.POST.get(f"holder-{m.pk}"))
            or (existing[m.pk].proxy_holder_id if m.pk in existing else None),
        }
        for m in people
    ]
    context = _context(
        request,
        project,
        f"Présences — {meeting.title}",
        meeting=meeting,
        rows=rows,
        people=people,
        statuses=Attendance.Status.choices,
        errors=errors,
        conflict=conflict,
        version=version,
    )
    status = 409 if conflict else 422 if errors else 200
    return render(request, "governance/meeting_attendance.html", context, status=status)


def _attendance_conflict(meeting: Meeting) -> dict:
    """The conflict panel of the attendance sheet: who saved the meeting last, when, and the
    attendance it now holds (the user's choices stay in the form)."""
    rows = meeting.attendances.select_related("member", "proxy_holder")
    values = [
        (
            row.member.display_name,
            row.get_status_display()
            + (f" (pouvoir à {row.proxy_holder.display_name})" if row.proxy_holder else ""),
        )
        for row in rows
    ]
    return {"by": meeting.updated_by, "at": meeting.updated_at, "values": values}


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _attendances(meeting: Meeting) -> list[Attendance]:
    return list(Attendance.objects.filter(meeting=meeting).select_related("member", "proxy_holder"))


def _votes_limit(project, meeting: Meeting) -> dict:
    """The DecisionForm's bound on the votes: the meeting's votants (see MeetingCheck)."""
    check = meeting_check(
        meeting, association=_association(project), attendances=_attendances(meeting)
    )
    return {"max_votes": check.max_votes, "recorded": check.recorded}


@require_http_methods(["GET", "POST"])
def decision_create(request, slug, number):
    project = _write(request, slug)
    meeting = access.get_meeting(project, number)
    back = reverse("governance:meeting-detail", args=[slug, number])
    form = DecisionForm(request.POST or None, **_votes_limit(project, meeting))
    title = f"Nouvelle décision — {meeting.title}"
    if request.method == "POST":
        if form.is_valid():
            services.decision_create(meeting=meeting, fields=form.cleaned_data, by=request.user)
            return redirect(back)
        return _form_page(request, project, title=title, form=form, back=back, status=422)
    return _form_page(request, project, title=title, form=form, back=back)


@require_http_methods(["GET", "POST"])
def decision_edit(request, slug, number, decision):
    project = _write(request, slug)
    meeting = access.get_meeting(project, number)
    decision = get_object_or_404(meeting.decisions, pk=decision)
    return _versioned_edit(
        request,
        project,
        form=DecisionEditForm(
            request.POST or None, instance=decision, **_votes_limit(project, meeting)
        ),
        title=f"Modifier une décision — {meeting.title}",
        back=reverse("governance:meeting-detail", args=[slug, number]),
        save=partial(services.decision_update, decision=decision, by=request.user),
        success="La décision est mise à jour.",
    )


@require_http_methods(["GET", "POST"])
def minutes_edit(request, slug, number):
    project = _write(request, slug)
    meeting = access.get_meeting(project, number)
    back = reverse("governance:meeting-detail", args=[slug, number])
    title = f"Compte rendu — {meeting.title}"
    return _versioned_edit(
        request,
        project,
        form=MinutesForm(request.POST or None, instance=meeting),
        title=title,
        back=back,
        save=partial(services.minutes_save, meeting=meeting, by=request.user),
        success="Le compte rendu est enregistré.",
    )


@require_GET
def minutes_history(request, slug, number):
    project = _read(request, slug)
    meeting = access.get_meeting(project, number)
    return _history_page(
        request,
        project,
        title=f"Historique du compte rendu — {meeting.title}",
        record=meeting,
        back=reverse("governance:meeting-detail", args=[slug, number]),
    )


# --- Documents ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def document_upload(request, slug):
    project = _write(request, slug)
    back = reverse("governance:overview", args=[slug])
    form = DocumentForm(request.POST or None, request.FILES or None)
    meeting = None
    meeting_number = _int(request.GET.get("reunion"))
    if meeting_number:
        meeting = access.get_meeting(project, meeting_number)
        form.initial.setdefault("kind", GovernanceDocument.Kind.MINUTES)
    if request.method == "POST":
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in DocumentForm.Meta.fields}
            document = services.document_create(
                project=project,
                by=request.user,
                upload=form.cleaned_data["upload"],
                checked=form.checked,
                fields=fields,
                meeting=meeting,
            )
            messages.success(request, f"« {document.title} » est déposé.")
            if meeting:
                return redirect("governance:meeting-detail", slug=slug, number=meeting.number)
            return redirect(back)
        return _form_page(
            request,
            project,
            title="Déposer un document",
            form=form,
            back=back,
            status=422,
            multipart=True,
        )
    return _form_page(
        request, project, title="Déposer un document", form=form, back=back, multipart=True
    )


@require_http_methods(["GET", "POST"])
def document_edit(request, slug, number):
    project = _write(request, slug)
    document = access.get_document(project, number)
    return _versioned_edit(
        request,
        project,
        form=DocumentEditForm(request.POST or None, instance=document),
        title=f"Modifier — {document.title}",
        back=reverse("governance:overview", args=[slug]),
        save=partial(services.document_update, document=document, by=request.user),
        success="La description du document est mise à jour.",
    )


@require_GET
def document_download(request, slug, number):
    project = _read(request, slug)
    document = access.get_document(project, number)
    return file_response(
        document.file,
        document.original_name,
        document.content_type,
        inline=request.GET.get("afficher") == "1",
    )


# --- Partnerships and indemnities ---------------------------------------------------------


@require_http_methods(["GET", "POST"])
def partnership_list(request, slug):
    project = _read(request, slug)
    can_edit = rules.has_perm(access.CHANGE, request.user, project)
    form = PartnershipForm(request.POST or None, project=project) if can_edit else None
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Votre rôle ne permet pas de modifier la gouvernance.")
        if form.is_valid():
            services.partnership_create(project=project, fields=form.cleaned_data, by=request.user)
            messages.success(request, "Le partenariat est enregistré.")
            return redirect("governance:partnership-list", slug=slug)
        status = 422
    partnerships = Partnership.objects.filter(project=project).select_related("document")
    return render(
        request,
        "governance/partnership_list.html",
        _context(request, project, "Partenariats", partnerships=partnerships, form=form),
        status=status,
    )


@require_http_methods(["GET", "POST"])
def indemnity_list(request, slug):
    project = _read(request, slug)
    if not rules.has_perm(access.PRIVATE, request.user, project):
        return _private_refused(request, project, "les indemnités versées aux membres")
    can_edit = rules.has_perm(access.CHANGE, request.user, project)
    form = IndemnityForm(request.POST or None, project=project) if can_edit else None
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Votre rôle ne permet pas de modifier la gouvernance.")
        if form.is_valid():
            services.indemnity_create(project=project, fields=form.cleaned_data, by=request.user)
            messages.success(request, "L'indemnité est enregistrée.")
            return redirect("governance:indemnity-list", slug=slug)
        status = 422
    indemnities = Indemnity.objects.filter(project=project).select_related("member")
    page = Paginator(indemnities, PAGE_SIZE).get_page(request.GET.get("page"))
    totals = yearly_totals(project)
    return render(
        request,
        "governance/indemnity_list.html",
        _context(
            request,
            project,
            "Indemnités",
            page=page,
            totals=totals,
            over=[t for t in totals if t.over],
            form=form,
        ),
        status=status,
    )


@require_http_methods(["GET", "POST"])
def partnership_edit(request, slug, pk):
    project = _write(request, slug)
    partnership = access.get_partnership(project, pk)
    return _versioned_edit(
        request,
        project,
        form=PartnershipEditForm(request.POST or None, instance=partnership, project=project),
        title=f"Modifier — {partnership.partner}",
        back=reverse("governance:partnership-list", args=[slug]),
        save=partial(services.partnership_update, partnership=partnership, by=request.user),
        success="Le partenariat est mis à jour.",
    )


@require_http_methods(["GET", "POST"])
def indemnity_edit(request, slug, pk):
    project = _write(request, slug)
    indemnity = access.get_indemnity(project, pk)
    return _versioned_edit(
        request,
        project,
        form=IndemnityEditForm(request.POST or None, instance=indemnity, project=project),
        title=f"Modifier une indemnité — {indemnity.member.display_name}",
        back=reverse("governance:indemnity-list", args=[slug]),
        save=partial(services.indemnity_update, indemnity=indemnity, by=request.user),
        success="L'indemnité est mise à jour.",
    )
