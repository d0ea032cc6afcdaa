"""Territory builder, overlaps, diagnostic sections and the CSV import."""

import uuid

import rules
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.models import Membership
from cpts_portal.lib.numbers import format_number
from cpts_portal.lib.versioning import EditConflict, conflict_panel, history_entries, with_authors
from geo.models import Commune, Epci

from . import access, charts, csv_import, services
from .forms import (
    ImportForm,
    IndicatorFormSet,
    NeedFormSet,
    SearchForm,
    SectionForm,
    TerritoryChangeForm,
)
from .models import (
    STALE_AFTER_YEARS,
    DiagnosticFigure,
    DiagnosticSection,
    Need,
    Territory,
    TerritoryChange,
)
from .territory import (
    claims_of,
    loaded_communes,
    project_overlaps,
    shared_communes,
    territory_summary,
)

Key = DiagnosticSection.Key
SEARCH_LIMIT = 15
EPCI_LIMIT = 5
COMMUNES_PER_PAGE = 25
CHANGES_ON_PAGE = 8

# --- Territory ------------------------------------------------------------------------------


def _search(project, text: str):
    text = text.strip()
    if len(text) < 2:
        return [], [], set()
    communes = list(
        Commune.objects.search(text)
        .select_related("departement", "epci")
        .order_by("-population", "name")[:SEARCH_LIMIT]
    )
    epcis = []
    if not text.isdigit() and len(text) >= 3:
        epcis = list(
            Epci.objects.filter(name__icontains=text)
            .annotate(commune_count=Count("communes"), population=Sum("communes__population"))
            .order_by("name")[:EPCI_LIMIT]
        )
    present = set(
        Commune.objects.filter(
            territory_memberships__territory__project=project,
            code__in=[c.code for c in communes],
        ).values_list("code", flat=True)
    )
    return communes, epcis, present


def _territory_context(request, project, **extra) -> dict:
    territory = Territory.objects.filter(project=project).first()
    # One read of the communes for the summary and the page of the list (a territory holds
    # tens to a few hundred communes; the summary needs them all).
    communes = loaded_communes(project, territory) if territory else []
    summary = territory_summary(project, communes)
    page = Paginator(communes, COMMUNES_PER_PAGE).get_page(request.GET.get("page"))
    overlaps, overlap_total = (
        # A project not yet sent to the ARS is named only to those who may open it.
        project_overlaps(territory, visible=access.projects_for_user(request.user))
        if territory
        else ([], 0)
    )
    changes = (
        list(
            TerritoryChange.objects.filter(territory=territory).select_related("by")[
                :CHANGES_ON_PAGE
            ]
        )
        if territory
        else []
    )
    return {
        "project": project,
        "territory": territory,
        "summary": summary,
        "page": page,
        "overlaps": overlaps,
        "overlap_total": overlap_total,
        "changes": changes,
        "change_url": reverse("diagnostics:territory-change", args=[project.slug]),
        "can_edit": rules.has_perm("diagnostics.change_territory", request.user, project),
        "can_list_overlaps": any(
            m.is_review_role or m.role == Membership.Role.ANALYST
            for m in request.user.active_memberships
        )
        or request.user.is_superuser,
        **extra,
    }


@require_GET
def territory_detail(request, slug):
    project = access.get_territory_project(request.user, slug)
    can_edit = rules.has_perm("diagnostics.change_territory", request.user, project)
    search_form = SearchForm(request.GET or None)
    results = {}
    if can_edit and search_form.is_valid():
        communes, epcis, present = _search(project, search_form.cleaned_data["q"])
        results = {
            "query": search_form.cleaned_data["q"],
            "communes": communes,
            "epcis": epcis,
            "present": present,
        }
    if request.htmx and request.htmx.target == "search-results":
        return render(
            request,
            "diagnostics/territory.html#search-results",
            {"project": project, "results": results, "can_edit": can_edit},
        )
    context = _territory_context(request, project, search_form=search_form, results=results)
    if request.htmx and request.htmx.target == "territory-communes":
        return render(request, "diagnostics/territory.html#territory-communes", context)
    return render(request, "diagnostics/territory.html", context)


_TERRITORY_ACTIONS = {
    "add_commune": services.territory_add_commune,
    "remove_commune": services.territory_remove_commune,
    "add_epci": services.territory_add_epci,
    "remove_epci": services.territory_remove_epci,
}


def _tier_notice(change: TerritoryChange) -> str:
    if not change.tier_changed:
        return ""
    return (
        f"Attention : avec {format_number(change.population_after)} habitants, le territoire "
        f"passe de la taille {change.tier_before} à la taille {change.tier_after} de l'ACI. "
        "Les montants de financement dépendent de cette taille."
    )


def territory_change(request, slug):
    project = access.get_territory_project(request.user, slug, change=True)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = TerritoryChangeForm(request.POST)
    notice = error = tier_notice = ""
    status = 200
    if not form.is_valid():
        error, status = "Demande incomplète : choisissez une commune ou un EPCI.", 422
    else:
        service = _TERRITORY_ACTIONS[form.cleaned_data["action"]]
        try:
            change = service(project=project, code=form.cleaned_data["code"], by=request.user)
        except services.TerritoryError as exc:
            error, status = str(exc), 422
        else:
            notice = (
                f"{'Ajouté' if change.action == TerritoryChange.Action.ADD else 'Retiré'} : "
                f"{change.subject} ({change.commune_count} commune"
                f"{'s' if change.commune_count > 1 else ''})."
            )
            tier_notice = _tier_notice(change)
    if request.htmx:
        context = _territory_context(
            request, project, notice=notice, error=error, tier_notice=tier_notice
        )
        response = render(
            request, "diagnostics/territory.html#territory-panel", context, status=status
        )
        if status == 200:
            # The search results refresh themselves ("déjà dans le territoire").
            response["HX-Trigger"] = "territory-changed"
        return response
    for level, text in ((messages.SUCCESS, notice), (messages.WARNING, tier_notice)):
        if text:
            messages.add_message(request, level, text)
    if error:
        messages.error(request, error)
    return redirect("diagnostics:territory-detail", slug=project.slug)


@require_GET
def territory_history(request, slug):
    project = access.get_territory_project(request.user, slug)
    changes = TerritoryChange.objects.filter(territory__project=project)
    page = Paginator(changes, 30).get_page(request.GET.get("page"))
    # The authors by id, not joined: at national scale the join reads the users' table whole.
    page.object_list = with_authors(page.object_list, author="by")
    return render(request, "diagnostics/territory_history.html", {"project": project, "page": page})


@require_GET
def overlap_list(request):
    scope = access.overlap_scope(request.user)
    page = Paginator(shared_communes(scope), 25).get_page(request.GET.get("page"))
    communes = list(page.object_list)
    claims = claims_of(communes)
    claimed_ids = {row.territory.project_id for rows in claims.values() for row in rows}
    visible = access.visible_project_ids(request.user, claimed_ids)
    rows = [(commune, claims[commune.code]) for commune in communes]
    return render(
        request,
        "diagnostics/overlap_list.html",
        {"page": page, "rows": rows, "visible": visible},
    )


# --- Diagnostic -----------------------------------------------------------------------------

SECTION_HELP = {
    Key.METHOD: "Qui a piloté le diagnostic, avec quels acteurs (professionnels, usagers, "
    "élus), quelles sources de données, quel calendrier.",
    Key.POPULATION: "Effectifs, tranches d'âge, affections de longue durée (ALD), "
    "Complémentaire santé solidaire (CSS), patients sans médecin traitant…",
    Key.SUPPLY: "Professionnels de santé par profession et par commune, activité, âge des "
    "médecins, structures d'exercice coordonné.",
    Key.CONSUMPTION: "Consommation et production de soins, flux de patientèle vers et hors "
    "du territoire, recours aux urgences.",
    Key.ACTORS: "Les forces vives : acteurs, actions et projets déjà menés, partenariats, "
    "modes de travail et de communication existants.",
    Key.ACCESS: "Problèmes d'accès aux soins et de continuité des parcours constatés.",
    Key.NEEDS: "Un besoin par ligne, avec sa source et sa priorité ; son identifiant (B1, "
    "B2…) ne change jamais : les fiches-actions s'y réfèrent.",
    Key.SWOT: "Forces, faiblesses, attentes et enjeux du territoire.",
    Key.LEADS: "Les priorités retenues au regard des missions de l'ACI, à approfondir en "
    "groupes de travail.",
    Key.PRS: "Projet de santé, partie 3 : en quoi les missions retenues répondent aux "
    "objectifs et parcours prioritaires du Projet régional de santé (l'ARS peut s'opposer au "
    "projet qui ne les respecte pas).",
    Key.USAGERS: "Projet de santé, partie 3 : comment les usagers et leurs représentants "
    "(associations agréées, élus) ont été associés à l'élaboration du projet et le seront à "
    "son fonctionnement.",
    Key.COORDINATION: "Projet de santé, partie 3 : le coordinateur, le groupe pilote, les "
    "pilotes des missions et des groupes de travail, les réunions et la communication entre "
    "les membres.",
}
NO_INDICATORS = {Key.NEEDS, Key.PRS, Key.USAGERS, Key.COORDINATION}


def _section_key(key: str) -> str:
    if key not in Key.values:
        raise Http404("Section inconnue.")
    return key


def _section_item(project, key, section, indicators, needs) -> dict:
    indicators = list(indicators)
    return {
        "key": key,
        "label": Key(key).label,
        "help": SECTION_HELP[key],
        "section": section,
        "indicators": indicators,
        "has_indicators": key not in NO_INDICATORS,
        "needs": needs if key == Key.NEEDS else [],
        "comparison_chart": charts.comparison_chart(indicators),
        "age_chart": charts.age_chart(indicators),
        "is_empty": section is None
        or (not section.text.strip() and not indicators and not (key == Key.NEEDS and needs)),
    }


def _section_items(project, only: str | None = None) -> list[dict]:
    sections = DiagnosticSection.objects.filter(project=project).select_related("updated_by")
    indicators = DiagnosticFigure.objects.filter(section__project=project)
    if only:
        sections, indicators = sections.filter(key=only), indicators.filter(section__key=only)
    by_key = {s.key: s for s in sections}
    by_section: dict[int, list] = {}
    for indicator in indicators:
        by_section.setdefault(indicator.section_id, []).append(indicator)
    needs = []
    if only in (None, Key.NEEDS):
        needs = list(Need.objects.filter(project=project))
    keys = [only] if only else Key.values
    return [
        _section_item(
            project,
            key,
            by_key.get(key),
            by_section.get(by_key[key].pk, []) if key in by_key else [],
            needs,
        )
        for key in keys
    ]


@require_GET
def diagnostic_detail(request, slug):
    project = access.get_diagnostic_project(request.user, slug)
    can_edit = rules.has_perm("diagnostics.change_diagnostic", request.user, project)
    only = request.GET.get("section")
    if request.htmx and only:
        item = _section_items(project, _section_key(only))[0]
        return render(
            request,
            "diagnostics/diagnostic.html#section-card",
            {"project": project, "item": item, "can_edit": can_edit},
        )
    summary = territory_summary(project)
    return render(
        request,
        "diagnostics/diagnostic.html",
        {
            "project": project,
            "items": _section_items(project),
            "summary": summary,
            "can_edit": can_edit,
            "stale_years": STALE_AFTER_YEARS,
        },
    )


def _rows(formset, fields) -> list[services.Row]:
    rows = []
    for form in formset.forms:
        if not form.has_changed() and not form.cleaned_data.get("id"):
            continue
        data = form.cleaned_data
        rows.append(
            services.Row(
                id=data.get("id"),
                values={name: data.get(name) for name in fields},
                delete=bool(data.get("DELETE")),
            )
        )
    return rows


def _initial_indicators(section):
    if section.pk is None:
        return []
    return [{"id": i.pk, **services.vars_of(i)} for i in section.indicators.all()]


def _initial_needs(project):
    return [
        {"id": n.pk, "label": n.label, "source": n.source, "priority": n.priority, "code": n.code}
        for n in Need.objects.filter(project=project, withdrawn=False)
    ]


def section_edit(request, slug, key):
    project = access.get_diagnostic_project(request.user, slug, change=True)
    key = _section_key(key)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.method == "POST":
        section = services.section_get_or_create(project=project, key=key, by=request.user)
    else:
        # A GET writes nothing: a section nobody wrote yet shows empty (at version 1, the
        # version the first POST creates it with before saving the form on it).
        section = DiagnosticSection.objects.filter(project=project, key=key).first()
        section = section or DiagnosticSection(project=project, key=key)
    with_indicators, with_needs = key not in NO_INDICATORS, key == Key.NEEDS
    status, conflict = 200, None
    if request.method == "POST":
        form = SectionForm(request.POST)
        indicators = IndicatorFormSet(request.POST, prefix="ind") if with_indicators else None
        needs = NeedFormSet(request.POST, prefix="need") if with_needs else None
        formsets_valid = all(f.is_valid() for f in (indicators, needs) if f is not None)
        if form.is_valid() and formsets_valid:
            try:
                services.section_save(
                    section=section,
                    version=form.cleaned_data["version"],
                    by=request.user,
                    text=form.cleaned_data["text"],
                    indicators=_rows(indicators, services.INDICATOR_FIELDS) if indicators else None,
                    needs=_rows(needs, services.NEED_FIELDS) if needs else None,
                )
            except EditConflict as exc:
                conflict = conflict_panel(form, exc)
                if exc.current.indicators_text:
                    conflict["values"].append(
                        ("Besoins" if with_needs else "Indicateurs", exc.current.indicators_text)
                    )
                status = 409
            else:
                if request.htmx:
                    item = _section_items(project, key)[0]
                    return render(
                        request,
                        "diagnostics/diagnostic.html#section-card",
                        {"project": project, "item": item, "can_edit": True, "saved": True},
                    )
                messages.success(request, f"Section « {Key(key).label} » enregistrée.")
                return redirect(
                    reverse("diagnostics:diagnostic-detail", args=[project.slug]) + f"#{key}"
                )
        else:
            status = 422
    else:
        form = SectionForm(initial={"text": section.text, "version": section.version})
        indicators = (
            IndicatorFormSet(initial=_initial_indicators(section), prefix="ind")
            if with_indicators
            else None
        )
        needs = NeedFormSet(initial=_initial_needs(project), prefix="need") if with_needs else None
    codes = {str(n["id"]): n["code"] for n in _initial_needs(project)} if with_needs else {}
    context = {
        "project": project,
        "key": key,
        "label": Key(key).label,
        "help": SECTION_HELP[key],
        "section": section,
        "form": form,
        "indicators": indicators,
        "needs": needs,
        "need_rows": [(f, codes.get(str(f["id"].value() or ""), "")) for f in needs.forms]
        if needs
        else [],
        "conflict": conflict,
    }
    template = "diagnostics/section_form.html"
    if request.htmx:
        template += "#section-form"
    return render(request, template, context, status=status)


@require_GET
def section_history(request, slug, key):
    project = access.get_diagnostic_project(request.user, slug)
    key = _section_key(key)
    section = DiagnosticSection.objects.filter(project=project, key=key).first()
    entries = []
    if section:
        entries = history_entries(with_authors(section.history.all()[:100]))
    return render(
        request,
        "diagnostics/section_history.html",
        {"project": project, "label": Key(key).label, "key": key, "entries": entries},
    )


# --- CSV import -----------------------------------------------------------------------------

SESSION_KEY = "diagnostics-import-{}"


def indicator_import(request, slug):
    project = access.get_diagnostic_project(request.user, slug, change=True)
    session_key = SESSION_KEY.format(project.pk)
    if request.method == "POST" and request.POST.get("confirm"):
        pending = request.session.get(session_key)
        if not pending or pending["token"] != request.POST["confirm"]:
            messages.error(
                request, "Cet aperçu n'est plus disponible : chargez à nouveau le fichier."
            )
            return redirect("diagnostics:indicator-import", slug=project.slug)
        section = services.section_get_or_create(
            project=project, key=pending["section"], by=request.user
        )
        services.indicators_import(
            section=section, rows=pending["rows"], by=request.user, filename=pending["filename"]
        )
        del request.session[session_key]
        messages.success(
            request,
            f"{len(pending['rows'])} indicateurs importés dans la section "
            f"« {Key(pending['section']).label} ».",
        )
        return redirect(
            reverse("diagnostics:diagnostic-detail", args=[project.slug]) + f"#{pending['section']}"
        )
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"project": project, "form": form}
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                parsed = csv_import.parse(upload.read())
            except csv_import.CsvError as exc:
                context["file_error"] = str(exc)
            else:
                context["parsed"] = parsed
                if parsed.is_valid:
                    key = form.cleaned_data["section"]
                    section = DiagnosticSection.objects.filter(project=project, key=key).first()
                    rows = [row.values for row in parsed.rows]
                    matches = services.import_matches(section, rows) if section else []
                    total = (section.indicators.count() if section else 0) + sum(
                        1 for m in matches or [None] * len(rows) if not m
                    )
                    if total > IndicatorFormSet.max_num:
                        # The section's table is edited as a formset of max_num rows at most.
                        context["file_error"] = (
                            f"Après l'import, la section compterait {total} indicateurs : "
                            f"{IndicatorFormSet.max_num} au plus. Découpez le fichier ou "
                            "choisissez une autre section."
                        )
                        request.session.pop(session_key, None)
                        return render(request, "diagnostics/import.html", context, status=422)
                    token = uuid.uuid4().hex
                    request.session[session_key] = {
                        "token": token,
                        "section": key,
                        "rows": rows,
                        "filename": upload.name[:100],
                    }
                    context.update(
                        token=token,
                        section_label=Key(key).label,
                        replaced=sum(1 for m in matches if m),
                    )
                    status = 200
                else:
                    request.session.pop(session_key, None)
    return render(request, "diagnostics/import.html", context, status=status)
