"""Funding pages: the ACI simulator, the budget prévisionnel and the other grants."""

from __future__ import annotations

import datetime as dt
import mimetypes

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cpts_portal.lib.downloads import content_response, file_response
from cpts_portal.lib.fragments import Fragments, render_kept
from cpts_portal.lib.urls import url_maker
from cpts_portal.lib.versioning import EditConflict, conflict_panel, history_entries, with_authors
from geo.population import TIER_UPPER_BOUNDS

from . import access, calculator, exports, services
from .budget import budget_population, budget_view
from .forms import (
    BudgetLineForm,
    BudgetLineUpdateForm,
    BudgetSettingsForm,
    GrantForm,
    GrantUpdateForm,
    SimulationForm,
    VersionOnlyForm,
)
from .models import GENERAL_PART, SOCLE_2019, AciMission, Bareme, Budget, BudgetLine
from .simulation import project_defaults, simulate

# --- Simulator ---------------------------------------------------------------------------


def _user_project(user):
    """The project of the user's own CPTS, if he is a member of one (to prefill)."""
    return access.own_projects(user).first()


def _simulation_context(request, project=None) -> dict:
    baremes = list(Bareme.objects.latest_first())
    if "population" in request.GET:
        form = SimulationForm(request.GET, baremes=baremes)
    else:
        defaults = {
            "missions": [str(m) for m in SOCLE_2019],
            "signature_date": dt.date.today(),
        }
        source = project or _user_project(request.user)
        if source is not None:
            defaults.update({k: v for k, v in project_defaults(source).items() if v})
        if defaults.get("population") is None:
            defaults["population"] = ""
        data = {
            "population": defaults["population"],
            "missions": defaults["missions"],
            "signature_date": defaults["signature_date"].isoformat(),
        }
        if defaults.get("snp_orientation"):
            data["snp_orientation"] = "on"
        if source is not None and defaults.get("signature_date") != dt.date.today():
            # A signed contract keeps the barème in force at its signature.
            data["bareme"] = calculator.get_bareme(on=defaults["signature_date"]).name
        if data["population"] != "":
            form = SimulationForm(data, baremes=baremes)
        else:
            form = SimulationForm(baremes=baremes, initial=defaults)
    result = None
    if form.is_bound and form.is_valid():
        try:
            result = simulate(
                population=form.cleaned_data["population"],
                missions=form.cleaned_data["missions"],
                snp_orientation=form.cleaned_data["snp_orientation"],
                attainment=form.attainment(),
                bareme=form.cleaned_data["bareme"] or None,
                signature_date=form.cleaned_data["signature_date"],
            )
        except calculator.FundingError as exc:
            form.add_error(None, str(exc))
    query = request.GET.urlencode() if "population" in request.GET else _form_query(form)
    return {
        "form": form,
        "result": result,
        "project": project,
        "query": query,
        "tier_bounds": TIER_UPPER_BOUNDS,
        "mission_labels": dict(AciMission.choices),
        "rate_fields": [form[f"taux_{code}"] for code, _ in AciMission.choices],
    }


def _form_query(form) -> str:
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    if form.is_bound:
        for key, value in form.data.items():
            if isinstance(value, list):
                query.setlist(key, value)
            else:
                query[key] = value
    return query.urlencode()


@require_GET
def simulator(request):
    context = _simulation_context(request)
    return render(request, "funding/simulator.html", context)


@require_GET
def project_simulator(request, slug):
    project = access.get_project(request.user, slug)
    context = _simulation_context(request, project)
    # The CPTS's people get the project's PDF from the documents (rendered by Celery).
    context["can_request_pdf"] = access.is_cpts_member(request.user, project)
    return render(request, "funding/simulator.html", context)


def _export_simulation(request):
    context = _simulation_context(request)
    if context["result"] is None:
        messages.error(request, "Complétez la simulation avant de l'exporter.")
        return None, context
    return context["result"], context


@require_GET
def simulator_xlsx(request):
    result, context = _export_simulation(request)
    if result is None:
        return redirect(f"{reverse('funding:simulator')}?{context['query']}")
    content = exports.simulation_xlsx(result, title="Simulation du financement ACI")
    return content_response(content, "simulation-aci.xlsx", exports.XLSX_CONTENT_TYPE)


@require_GET
def simulator_pdf(request):
    result, context = _export_simulation(request)
    if result is None:
        return redirect(f"{reverse('funding:simulator')}?{context['query']}")
    content = exports.render_pdf(
        exports.SIMULATION_PDF_TEMPLATE, exports.simulation_pdf_context(result)
    )
    return content_response(content, "simulation-aci.pdf", "application/pdf")


# --- Budget ------------------------------------------------------------------------------


def _budget(project) -> Budget | None:
    return Budget.objects.filter(project=project).first()


# The empty "add a line" fields of each table, written once per process (they depend only
# on the table's anchor: cpts_portal.lib.fragments); a submitted form is written afresh.
ADD_FIELDS = Fragments(size=200)
# Each table of the budget page as shown, kept per process under what it shows (its rows,
# amounts, the lines' versions, the reader's right to edit): most of the page's time was
# writing them again unchanged.
TABLES = Fragments(size=3000)


def _add_fields(table, form=None) -> SafeString:
    """The fields of the form adding a line to `table` (`form`: the one the user submitted)."""
    if form is not None:
        return render_to_string("funding/_budget_add_fields.html", {"form": form})
    return ADD_FIELDS.get_or_render(
        (table.anchor, get_language()),
        lambda: render_to_string(
            "funding/_budget_add_fields.html",
            {"form": BudgetLineForm(auto_id=f"id_{table.anchor}_%s")},
        ),
    )


def _budget_context(request, project, budget, **extra) -> dict:
    view = None
    can_edit = request.user.has_perm(access.CHANGE, project)
    line_create_url = reverse("funding:line-create", args=[project.slug])
    if budget is not None:
        budget.project = project
        view = budget_view(
            budget,
            lines=list(budget.lines.all()),
            grants=list(project.grants.prefetch_related("documents")),
        )
        line_urls = {
            name.replace("-", "_"): url_maker(f"funding:{name}", project.slug)
            for name in ("line-update", "line-delete", "line-history")
        }
        for table in view.tables:
            table.add_fields = _add_fields(table)
            for row in [*table.expenses, *table.resources]:
                if row.line is not None:
                    row.urls = {name: make(row.line.number) for name, make in line_urls.items()}
    return {
        "project": project,
        "budget": budget,
        "view": view,
        "can_edit": can_edit,
        "line_create_url": line_create_url,
        "active": "budget",
        "page_title": "Budget prévisionnel",
        **extra,
    }


def _line_key(line) -> tuple | None:
    return None if line is None else (line.number, line.version)


def _table_key(table, context) -> tuple:
    """Everything a table of the page shows (funding/_budget_part.html)."""
    rows = tuple(
        (side, row.label, row.category, row.amount, _line_key(row.line))
        for side, rows in (("expense", table.expenses), ("resource", table.resources))
        for row in rows
    )
    return (
        context["project"].slug,  # the URLs of the table's forms are the project's
        context["can_edit"],
        get_language(),
        table.part,
        table.title,
        table.contracted,
        rows,
    )


def _kept_tables(request, context) -> None:
    """Each table of the page written once per content (TABLES), with this request's CSRF
    token in its forms."""
    for table in context["view"].tables:
        table.html = render_kept(
            TABLES,
            _table_key(table, context),
            request,
            "funding/_budget_part.html",
            {key: context[key] for key in ("project", "can_edit", "line_create_url")}
            | {"table": table},
        )


@require_GET
def budget_detail(request, slug):
    project = access.get_project(request.user, slug)
    budget = _budget(project)
    context = _budget_context(request, project, budget)
    if budget is not None:
        _kept_tables(request, context)
    return render(request, "funding/budget.html", context)


@require_POST
def budget_create(request, slug):
    project = access.get_project(request.user, slug, change=True)
    services.budget_create(project=project, by=request.user)
    messages.success(request, "Le budget prévisionnel est créé avec les trois missions socle.")
    return redirect("funding:budget-detail", slug=project.slug)


def _get_budget_or_404(project) -> Budget:
    budget = _budget(project)
    if budget is None:
        raise Http404("Ce projet n'a pas encore de budget prévisionnel.")
    budget.project = project
    return budget


@require_http_methods(["GET", "POST"])
def budget_settings(request, slug):
    project = access.get_project(request.user, slug, change=True)
    budget = _get_budget_or_404(project)
    status, conflict = 200, None
    if request.method == "POST":
        form = BudgetSettingsForm(request.POST, instance=budget)
        if form.is_valid():
            try:
                services.budget_update(
                    budget=budget,
                    version=form.cleaned_data["version"],
                    by=request.user,
                    population=form.cleaned_data["population"],
                    missions=form.cleaned_data["missions"],
                    snp_orientation=form.cleaned_data["snp_orientation"],
                    signature_date=form.cleaned_data["signature_date"],
                )
            except EditConflict as exc:
                status, conflict = 409, conflict_panel(form, exc)
            else:
                messages.success(request, "Les paramètres du budget sont enregistrés.")
                return redirect("funding:budget-detail", slug=project.slug)
        else:
            status = 422
    else:
        form = BudgetSettingsForm(instance=budget)
    population, from_territory = budget_population(budget)
    return render(
        request,
        "funding/budget_settings.html",
        {
            "project": project,
            "budget": budget,
            "form": form,
            "conflict": conflict,
            "from_territory": from_territory,
            "territory_population": population if from_territory else None,
            "active": "budget",
            "page_title": "Paramètres du budget",
        },
        status=status,
    )


def _render_part(request, project, budget, part, *, editing=None, status=200, add_form=None):
    """An htmx answer: the table of `part` (and the global table, out of band)."""
    context = _budget_context(request, project, budget)
    table = context["view"].table(part)
    if add_form is not None:
        table.add_fields = _add_fields(table, add_form)
    context.update(
        {"table": table, "editing": editing, "add_part": part if add_form else None, "oob": True}
    )
    return render(request, "funding/_budget_part.html", context, status=status)


def _valid_part(budget, part: str) -> str:
    known = {GENERAL_PART, *budget.missions} | set(budget.lines.values_list("part", flat=True))
    if part not in known:
        raise Http404("Partie de budget inconnue.")
    return part


@require_http_methods(["GET", "POST"])
def line_create(request, slug):
    project = access.get_project(request.user, slug, change=True)
    budget = _get_budget_or_404(project)
    part = _valid_part(budget, request.POST.get("part", request.GET.get("part", GENERAL_PART)))
    form = BudgetLineForm(request.POST or None, auto_id=f"id_partie-{part or 'generale'}_%s")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.budget_line_create(
                budget=budget, by=request.user, part=part, **form.cleaned_data
            )
            if request.htmx:
                return _render_part(request, project, budget, part)
            messages.success(request, "La ligne est ajoutée.")
            anchor = f"partie-{part or 'generale'}"
            return redirect(f"{reverse('funding:budget-detail', args=[project.slug])}#{anchor}")
        status = 422
        if request.htmx:
            return _render_part(request, project, budget, part, add_form=form, status=422)
    return render(
        request,
        "funding/line_form.html",
        {
            "project": project,
            "form": form,
            "part": part,
            "part_title": budget_view(budget, lines=[], grants=[]).table(part).title,
            "active": "budget",
            "page_title": "Nouvelle ligne",
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def line_update(request, slug, number):
    project = access.get_project(request.user, slug, change=True)
    budget = _get_budget_or_404(project)
    line = access.get_line(budget, number)
    status, conflict = 200, None
    auto_id = f"id_ligne{line.number}_%s"
    if request.method == "POST":
        form = BudgetLineUpdateForm(request.POST, instance=line, auto_id=auto_id)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.budget_line_update(
                    line=line,
                    version=data["version"],
                    by=request.user,
                    category=data["category"],
                    label=data["label"],
                    amount=data["amount"],
                )
            except EditConflict as exc:
                status, conflict = 409, conflict_panel(form, exc)
            else:
                if request.htmx:
                    return _render_part(request, project, budget, line.part)
                messages.success(request, "La ligne est enregistrée.")
                return redirect(
                    f"{reverse('funding:budget-detail', args=[project.slug])}"
                    f"#partie-{line.part or 'generale'}"
                )
        else:
            status = 422
    else:
        form = BudgetLineUpdateForm(instance=line, auto_id=auto_id)
    if request.htmx:
        editing = {"number": line.number, "form": form, "conflict": conflict}
        return _render_part(request, project, budget, line.part, editing=editing, status=status)
    return render(
        request,
        "funding/line_form.html",
        {
            "project": project,
            "form": form,
            "line": line,
            "conflict": conflict,
            "part": line.part,
            "active": "budget",
            "page_title": f"Ligne « {line.label} »",
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def line_delete(request, slug, number):
    project = access.get_project(request.user, slug, change=True)
    budget = _get_budget_or_404(project)
    line = access.get_line(budget, number)
    status, conflict = 200, None
    form = VersionOnlyForm(request.POST or None, initial={"version": line.version})
    if request.method == "POST":
        if form.is_valid():
            try:
                services.budget_line_delete(
                    line=line, version=form.cleaned_data["version"], by=request.user
                )
            except EditConflict as exc:
                status = 409
                conflict = conflict_panel(form, exc, shown=BudgetLineUpdateForm())
            else:
                if request.htmx:
                    return _render_part(request, project, budget, line.part)
                messages.success(request, "La ligne est supprimée.")
                return redirect("funding:budget-detail", slug=project.slug)
        else:
            status = 422
    return render(
        request,
        "funding/line_delete.html",
        {
            "project": project,
            "form": form,
            "line": line,
            "conflict": conflict,
            "active": "budget",
            "page_title": "Supprimer une ligne",
        },
        status=status,
    )


@require_GET
def line_history(request, slug, number):
    project = access.get_project(request.user, slug)
    budget = _get_budget_or_404(project)
    line = access.get_line(budget, number)
    entries = history_entries(with_authors(line.history.all()))
    return render(
        request,
        "funding/history.html",
        {
            "project": project,
            "entries": entries,
            "subject": f"la ligne « {line.label} »",
            "active": "budget",
            "page_title": "Historique",
        },
    )


@require_GET
def budget_history(request, slug):
    project = access.get_project(request.user, slug)
    budget = _get_budget_or_404(project)
    records = list(budget.history.all())
    deleted = list(
        BudgetLine.history.filter(budget_id=budget.pk, history_type="-").order_by("-history_date")
    )
    with_authors(records + deleted)  # the authors of both, in one query
    entries = history_entries(records)
    return render(
        request,
        "funding/history.html",
        {
            "project": project,
            "entries": entries,
            "deleted_lines": deleted,
            "subject": "les paramètres du budget",
            "active": "budget",
            "page_title": "Historique",
        },
    )


@require_GET
def budget_xlsx(request, slug):
    project = access.get_project(request.user, slug)
    budget = _get_budget_or_404(project)
    view = budget_view(budget, lines=list(budget.lines.all()), grants=list(project.grants.all()))
    content = exports.budget_xlsx(view, title=f"Budget prévisionnel — {project.name}")
    filename = f"budget-{slugify(project.slug)}.xlsx"
    return content_response(content, filename, exports.XLSX_CONTENT_TYPE)


# --- Other grants ------------------------------------------------------------------------


def _grant_form_page(request, project, form, *, grant=None, conflict=None, status=200):
    return render(
        request,
        "funding/grant_form.html",
        {
            "project": project,
            "form": form,
            "grant": grant,
            "conflict": conflict,
            "active": "budget",
            "page_title": "Autre financement",
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def grant_create(request, slug):
    project = access.get_project(request.user, slug, change=True)
    form = GrantForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            document = data.pop("document", None)
            services.grant_create(project=project, by=request.user, document=document, **data)
            messages.success(request, "Le financement est enregistré.")
            return redirect(f"{reverse('funding:budget-detail', args=[project.slug])}#financements")
        return _grant_form_page(request, project, form, status=422)
    return _grant_form_page(request, project, form)


@require_http_methods(["GET", "POST"])
def grant_update(request, slug, number):
    project = access.get_project(request.user, slug, change=True)
    grant = access.get_grant(project, number, documents=True)
    if request.method == "POST":
        form = GrantUpdateForm(request.POST, request.FILES, instance=grant)
        if form.is_valid():
            data = dict(form.cleaned_data)
            document = data.pop("document", None)
            version = data.pop("version")
            try:
                services.grant_update(
                    grant=grant, version=version, by=request.user, document=document, **data
                )
            except EditConflict as exc:
                return _grant_form_page(
                    request,
                    project,
                    form,
                    grant=grant,
                    conflict=conflict_panel(form, exc),
                    status=409,
                )
            messages.success(request, "Le financement est enregistré.")
            return redirect(f"{reverse('funding:budget-detail', args=[project.slug])}#financements")
        return _grant_form_page(request, project, form, grant=grant, status=422)
    return _grant_form_page(request, project, GrantUpdateForm(instance=grant), grant=grant)


@require_GET
def grant_document(request, slug, number, document):
    project = access.get_project(request.user, slug)
    grant = access.get_grant(project, number)
    item = access.get_grant_document(grant, document)
    content_type = mimetypes.guess_type(item.name)[0] or "application/octet-stream"
    return file_response(item.file, item.name, content_type)
