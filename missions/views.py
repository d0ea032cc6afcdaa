"""Pages of the missions and fiches-actions (see README "For developers").

Sections of a fiche and its rows save in place (htmx): 200 with the fresh fragment, 409 with
the other person's version when the form was stale (the user's text kept), 422 with the
errors. Without JavaScript the same forms post and redirect back to the fiche.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import reswap, retarget, trigger_client_event

from cpts_portal.lib.fast_forms import fast_form
from cpts_portal.lib.fragments import Fragments, record_key
from cpts_portal.lib.numbers import format_number
from cpts_portal.lib.urls import url_maker
from cpts_portal.lib.versioning import EditConflict, conflict_context, conflict_panel
from projects.access import get_project_for_user

from . import services
from .access import get_fiche_for_user
from .checks import (
    annotated_fiches,
    bareme_name,
    deposit_gaps,
    required_missions,
    retained_indicators,
)
from .forms import (
    SECTION_FORMS,
    SECTION_TITLES,
    FicheCreateForm,
    FicheDeleteForm,
    IndicatorForm,
    MemberForm,
    SubActionForm,
)
from .history import fiche_history
from .models import Fiche, Indicator, Mission, SubAction, WorkingGroupMember

DETAIL = "missions/fiche_detail.html"
HISTORY_PAGE = 25  # entries of a fiche's history per page
# The edit forms of unchanged rows and sections, written once per process (about 3 KiB each).
FICHE_FORMS = Fragments(size=6000)


@dataclass(frozen=True)
class RowKind:
    key: str  # in URLs
    model: type
    form: type
    title: str
    add_label: str
    empty: str
    new_title: str
    select: tuple = field(default=())


ROW_KINDS = {
    kind.key: kind
    for kind in (
        RowKind(
            "membres",
            WorkingGroupMember,
            MemberForm,
            "Membres du groupe de travail",
            "Ajouter ce membre",
            "Aucun membre pour l'instant.",
            "Nouveau membre du groupe de travail",
            ("user",),
        ),
        RowKind(
            "sous-actions",
            SubAction,
            SubActionForm,
            "Sous-actions et répartition des tâches",
            "Ajouter cette sous-action",
            "Aucune sous-action pour l'instant.",
            "Nouvelle sous-action",
        ),
        RowKind(
            "indicateurs",
            Indicator,
            IndicatorForm,
            "Indicateurs de suivi et de résultat",
            "Ajouter cet indicateur",
            "Aucun indicateur pour l'instant : chaque action en a au moins un.",
            "Nouvel indicateur",
        ),
    )
}
# The page follows the order of the guide's template (Annexe 7).
LAYOUT = [
    "intitule",
    "pilote",
    "membres",
    "constats",
    "sous-actions",
    "indicateurs",
    "planning",
    "moyens",
    "freins",
]


def _row_values(kind: RowKind, row) -> list[tuple[str, str]]:
    values = []
    for name in kind.form._meta.fields:
        model_field = row._meta.get_field(name)
        value = getattr(row, name)
        if value is None and name.startswith("target_year_"):
            continue  # a year without its own target takes the contract target
        if model_field.choices:
            value = getattr(row, f"get_{name}_display")()
        elif isinstance(value, bool):
            value = "oui" if value else ""
        elif isinstance(value, dt.date):
            value = date_format(value, "SHORT_DATE_FORMAT")
        elif isinstance(value, Decimal):
            value = format_number(value, 0 if value == value.to_integral() else 2)
        values.append((str(model_field.verbose_name), "" if value is None else str(value)))
    return values


# --- Building the fiche page -------------------------------------------------------------


class FichePage:
    """What the fiche page (or one of its fragments) needs, loaded in a fixed number of
    queries whatever the size of the project."""

    def __init__(self, request, fiche: Fiche):
        self.request, self.fiche, self.project = request, fiche, fiche.project
        user = request.user
        self.can_edit = rules.has_perm("missions.change_fiche", user, fiche)
        self.can_delete = rules.has_perm("missions.delete_fiche", user, fiche)

    @cached_property
    def members(self):
        return list(services.cpts_members(self.project)) if self.can_edit else []

    @cached_property
    def missions(self):
        return list(Mission.objects.all())

    def url(self, name, *args):
        return reverse(f"missions:{name}", args=[self.project.slug, self.fiche.number, *args])

    # Sections of the fiche itself
    @cached_property
    def needs(self) -> list:
        """The project's active needs (the choices of the "constats" section)."""
        return services.need_choices(self.fiche)

    def section_form(self, key, *, data=None):
        extra = {"needs": self.needs} if key == "constats" else {}
        return SECTION_FORMS[key](
            data, instance=self.fiche, members=self.members, missions=self.missions, **extra
        )

    def _form_html(self, key: tuple, build, form=None):
        """A form as HTML, and the form when it was built here. The form of an unchanged
        record with unchanged choices (`key`) is written once per process
        (cpts_portal.lib.fragments); a form the user submitted is always written afresh."""
        if form is not None:
            return fast_form(form), form
        built = []

        def render():
            built.append(build())
            return fast_form(built[0])

        html = FICHE_FORMS.get_or_render((*key, get_language(), self._choices_key), render)
        return html, (built[0] if built else None)

    def section_form_html(self, key, form=None):
        offered = (
            tuple((m.pk, str(m)) for m in self.missions),
            tuple((n.pk, n.version) for n in self.needs) if key == "constats" else (),
        )
        return self._form_html(
            (record_key(self.fiche), key, offered), lambda: self.section_form(key), form
        )

    def section(self, key, *, form=None, conflict=None, saved=False) -> dict:
        form_html = None
        if self.can_edit:
            form_html, form = self.section_form_html(key, form)
        return {
            "type": "section",
            "key": key,
            "title": SECTION_TITLES[key],
            "form": form if self.can_edit else None,
            "form_html": form_html,
            "values": [] if self.can_edit else self.section_values(key),
            "url": self.url("fiche-section", key),
            "conflict": conflict,
            "saved": saved,
        }

    def section_values(self, key) -> list[tuple]:
        """What a reader (who gets no form) sees of a section: (label, value, style)."""
        values = []
        for name in SECTION_FORMS[key]._meta.fields:
            model_field = Fiche._meta.get_field(name)
            value = getattr(self.fiche, name)
            if model_field.many_to_many:
                value = ", ".join(str(item) for item in value.all()) or "—"
            style = "text" if model_field.get_internal_type() == "TextField" else "plain"
            if name == "budget":
                style = "euros"
            elif model_field.get_internal_type() == "DateField":
                style = "date"
            values.append((str(model_field.verbose_name), value, style))
        return values

    # Rows
    def rows(self, kind: RowKind):
        queryset = kind.model.objects.filter(fiche_id=self.fiche.pk)
        if kind.select:
            queryset = queryset.select_related(*kind.select)
        return list(queryset)

    @cached_property
    def _row_urls(self) -> dict:
        """The rows' URLs (three per row), each pattern reversed once."""
        fixed = (self.project.slug, self.fiche.number)
        return {
            name: url_maker(f"missions:{name}", *fixed, varying=2)
            for name in ("row-update", "row-move", "row-delete")
        }

    @cached_property
    def _choices_key(self) -> tuple:
        """What the rows' forms offer to choose from (the CPTS's people), for their key."""
        return tuple((m.pk, m.get_full_name(), m.email, m.profession) for m in self.members)

    def row_form_html(self, kind: RowKind, row, form=None):
        return self._form_html(
            (record_key(row), kind.key, row.number),
            lambda: kind.form(instance=row, members=self.members, key=row.number),
            form,
        )

    def row(self, kind: RowKind, row, *, form=None, conflict=None, saved=False) -> dict:
        form_html = None
        if self.can_edit:
            form_html, form = self.row_form_html(kind, row, form)
        return {
            "kind": kind,
            "row": row,
            "form": form if self.can_edit else None,
            "form_html": form_html,
            "values": [] if self.can_edit else _row_values(kind, row),
            "url": self._row_urls["row-update"](kind.key, row.number),
            "move_url": self._row_urls["row-move"](kind.key, row.number),
            "delete_url": self._row_urls["row-delete"](kind.key, row.number),
            "conflict": conflict,
            "saved": saved,
        }

    def rows_block(self, kind: RowKind, *, new_form=None, status="", preserve_new=False) -> dict:
        rows = self.rows(kind)
        if self.can_edit and new_form is None:
            new_form = kind.form(members=self.members)
        return {
            "type": "rows",
            "kind": kind,
            "rows": [self.row(kind, r) for r in rows],
            "count": len(rows),
            "new_form": new_form if self.can_edit else None,
            "create_url": self.url("row-create", kind.key),
            "status": status,
            # Moving or deleting a row keeps what is being typed in the new row's form.
            "preserve_new": preserve_new,
        }

    def context(self, *, replace=None) -> dict:
        replace = replace or {}
        blocks = []
        for key in LAYOUT:
            if key in replace:
                blocks.append(replace[key])
            elif key in ROW_KINDS:
                blocks.append(self.rows_block(ROW_KINDS[key]))
            else:
                blocks.append(self.section(key))
        return self.base_context() | {"blocks": blocks}

    def base_context(self) -> dict:
        return {
            "project": self.project,
            "fiche": self.fiche,
            "can_edit": self.can_edit,
            "can_delete": self.can_delete,
            "active": "missions",
            "page_title": f"Fiche-action n° {self.fiche.number}",
        }


def _respond(request, page: FichePage, partial: str, key: str, block: dict, status: int = 200):
    """The fragment for htmx; the whole page (with this block) otherwise."""
    if request.htmx:
        context = page.base_context() | {"block": block}
        return render(request, f"{DETAIL}#{partial}", context, status=status)
    return render(request, DETAIL, page.context(replace={key: block}), status=status)


def _row_fragment(request, page: FichePage, item: dict, status: int):
    return render(
        request, f"{DETAIL}#fiche-row", page.base_context() | {"item": item}, status=status
    )


def _typed_fields(form) -> dict:
    """What the user typed, without the version his form was based on."""
    return {k: v for k, v in form.cleaned_data.items() if k != "version"}


# --- Missions overview --------------------------------------------------------------------


@require_GET
def mission_list(request, slug):
    project = get_project_for_user(request.user, slug)
    missions = list(Mission.objects.all())
    fiches = list(annotated_fiches(project))
    indicators = list(retained_indicators(project))
    retained = defaultdict(list)
    for indicator in indicators:
        retained[indicator.fiche.mission_id].append(indicator)
    required_list = required_missions(project, missions)
    required = {m.pk for m in required_list}
    rows = [
        {
            "mission": mission,
            "required": mission.pk in required,
            "fiches": [f for f in fiches if f.mission_id == mission.pk],
            "funding_indicators": retained.get(mission.pk, []),
        }
        for mission in missions
    ]
    return render(
        request,
        "missions/mission_list.html",
        {
            "project": project,
            "rows": rows,
            "bareme": bareme_name(project),
            "required_codes": ", ".join(m.code for m in required_list),
            "gaps": deposit_gaps(project, fiches=fiches, missions=missions, retained=indicators),
            "can_create": rules.has_perm("missions.add_fiche", request.user, project),
            "active": "missions",
        },
    )


# --- Fiches -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def fiche_create(request, slug):
    project = get_project_for_user(request.user, slug, perm="missions.add_fiche")
    members = list(services.cpts_members(project))
    form = FicheCreateForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        fiche = services.fiche_create(project=project, by=request.user, **form.cleaned_data)
        messages.success(request, f"La fiche-action n° {fiche.number} est créée.")
        return redirect("missions:fiche-detail", slug=project.slug, number=fiche.number)
    return render(
        request,
        "missions/fiche_create.html",
        {"project": project, "form": form, "active": "missions"},
        status=422 if form.is_bound else 200,
    )


@require_GET
def fiche_detail(request, slug, number):
    fiche = get_fiche_for_user(request.user, slug, number)
    return render(request, DETAIL, FichePage(request, fiche).context())


@require_http_methods(["GET", "POST"])
def fiche_section(request, slug, number, section):
    if section not in SECTION_FORMS:
        raise Http404("Section inconnue.")
    fiche = get_fiche_for_user(request.user, slug, number, perm="missions.change_fiche")
    page = FichePage(request, fiche)
    if request.method == "GET":
        return _respond(request, page, "fiche-section", section, page.section(section))
    form = page.section_form(section, data=request.POST)
    status, conflict = 422, None
    if form.is_valid():
        try:
            updated = services.fiche_update(
                fiche=fiche,
                by=request.user,
                version=form.cleaned_data["version"],
                fields=_typed_fields(form),
            )
        except EditConflict as error:
            status, conflict = 409, conflict_panel(form, error)
        else:
            return _section_saved(request, page, section, form, updated)
    block = page.section(section, form=form, conflict=conflict)
    return _respond(request, page, "fiche-section", section, block, status=status)


def _section_saved(request, page: FichePage, section: str, form, updated: Fiche):
    """After a save: back to the fiche without JavaScript, else the fresh section."""
    fiche = page.fiche
    if not request.htmx:
        messages.success(request, "Enregistré.")
        return redirect(f"{page.url('fiche-detail')}#section-{section}")
    updated = Fiche.objects.for_display().get(pk=updated.pk)
    updated.project = fiche.project
    page = FichePage(request, updated)
    response = _respond(request, page, "fiche-section", section, page.section(section, saved=True))
    base = form.cleaned_data["version"]
    if updated.version != base + 1:
        return response  # merged over someone else's save: the other sections stay as they are
    # The page's other sections carry the version this save started from: bring them along
    # (static/js/missions.js), since the only change in between is this one.
    return trigger_client_event(
        response, "fiche-version", {"fiche": fiche.pk, "from": base, "to": updated.version}
    )


@require_http_methods(["GET", "POST"])
def fiche_delete(request, slug, number):
    fiche = get_fiche_for_user(request.user, slug, number, perm="missions.delete_fiche")
    form = FicheDeleteForm(request.POST or None, initial={"version": fiche.version})
    conflict = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.fiche_delete(
                fiche=fiche, by=request.user, version=form.cleaned_data["version"]
            )
        except EditConflict as error:
            status, conflict = 409, conflict_panel(form, error)
        else:
            messages.success(request, f"La fiche-action n° {fiche.number} est supprimée.")
            return redirect("missions:mission-list", slug=fiche.project.slug)
    return render(
        request,
        "missions/fiche_delete.html",
        {
            "project": fiche.project,
            "fiche": fiche,
            "form": form,
            "conflict": conflict,
            "active": "missions",
        },
        status=status,
    )


@require_GET
def fiche_history_view(request, slug, number):
    """The fiche's history, HISTORY_PAGE entries a page, newest first (?page=2: older)."""
    fiche = get_fiche_for_user(request.user, slug, number)
    try:
        page = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page = 1
    entries = fiche_history(fiche, newest=page * HISTORY_PAGE)
    shown = entries[(page - 1) * HISTORY_PAGE : page * HISTORY_PAGE]
    if page > 1 and not shown:
        raise Http404("Cette page de l'historique n'existe pas.")
    return render(
        request,
        "missions/fiche_history.html",
        {
            "project": fiche.project,
            "fiche": fiche,
            "entries": shown,
            "page": page,
            "page_size": HISTORY_PAGE,
            "newer_page": page - 1 if page > 1 else None,
            "older_page": page + 1 if len(entries) > page * HISTORY_PAGE else None,
            "active": "missions",
        },
    )


# --- Rows ---------------------------------------------------------------------------------


def _row_kind(kind: str) -> RowKind:
    try:
        return ROW_KINDS[kind]
    except KeyError:
        raise Http404("Type de ligne inconnu.") from None


def _row_page(request, slug, number, kind, row_number=None):
    row_kind = _row_kind(kind)
    fiche = get_fiche_for_user(request.user, slug, number, perm="missions.change_fiche")
    page = FichePage(request, fiche)
    row = None
    if row_number is not None:
        row = get_object_or_404(row_kind.model, fiche_id=fiche.pk, number=row_number)
        row.fiche = fiche
    return row_kind, page, row


def _rows_response(
    request, page, row_kind, *, new_form=None, status=200, message="", preserve_new=False
):
    block = page.rows_block(row_kind, new_form=new_form, status=message, preserve_new=preserve_new)
    return _respond(request, page, "fiche-rows", row_kind.key, block, status=status)


def _post_only(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


@require_http_methods(["GET", "POST"])
def row_create(request, slug, number, kind):
    row_kind, page, _ = _row_page(request, slug, number, kind)
    if refused := _post_only(request):
        return refused
    form = row_kind.form(request.POST, members=page.members)
    if form.is_valid():
        services.row_create(
            fiche=page.fiche, model=row_kind.model, by=request.user, fields=form.cleaned_data
        )
        if not request.htmx:
            return redirect(f"{page.url('fiche-detail')}#rows-{row_kind.key}")
        return _rows_response(request, page, row_kind, message="Ligne ajoutée.")
    return _rows_response(request, page, row_kind, new_form=form, status=422)


@require_http_methods(["GET", "POST"])
def row_update(request, slug, number, kind, row):
    row_kind, page, instance = _row_page(request, slug, number, kind, row)
    if refused := _post_only(request):
        return refused
    form = row_kind.form(request.POST, instance=instance, members=page.members, key=row)
    status, conflict, saved = 422, None, False
    if form.is_valid():
        try:
            instance = services.row_update(
                row=instance,
                by=request.user,
                version=form.cleaned_data["version"],
                fields=_typed_fields(form),
            )
        except EditConflict as error:
            status, conflict = 409, conflict_panel(form, error)
        else:
            if not request.htmx:
                return redirect(f"{page.url('fiche-detail')}#row-{kind}-{row}")
            instance.fiche = page.fiche
            form, status, saved = None, 200, True
    block = page.row(row_kind, instance, form=form, conflict=conflict, saved=saved)
    if request.htmx:
        return _row_fragment(request, page, block, status)
    replace = {row_kind.key: page.rows_block(row_kind)}
    replace[row_kind.key]["rows"] = [
        block if r["row"].pk == instance.pk else r for r in replace[row_kind.key]["rows"]
    ]
    return render(request, DETAIL, page.context(replace=replace), status=status)


@require_http_methods(["GET", "POST"])
def row_move(request, slug, number, kind, row):
    row_kind, page, instance = _row_page(request, slug, number, kind, row)
    if refused := _post_only(request):
        return refused
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        raise PermissionDenied("Direction inconnue.")
    services.row_move(row=instance, by=request.user, direction=direction)
    if not request.htmx:
        return redirect(f"{page.url('fiche-detail')}#row-{kind}-{row}")
    label = "monté" if direction == "up" else "descendu"
    return _rows_response(
        request, page, row_kind, message=f"Ligne n° {row} : {label}.", preserve_new=True
    )


@require_http_methods(["GET", "POST"])
def row_delete(request, slug, number, kind, row):
    row_kind, page, instance = _row_page(request, slug, number, kind, row)
    if refused := _post_only(request):
        return refused
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = 0
    try:
        services.row_delete(row=instance, by=request.user, version=version)
    except EditConflict as error:
        current = error.current
        current.fiche = page.fiche
        form = row_kind.form(instance=current, members=page.members, key=row)
        block = page.row(row_kind, current, form=form, conflict=conflict_context(form, current))
        if request.htmx:
            response = _row_fragment(request, page, block, 409)
            return reswap(retarget(response, f"#row-{kind}-{row}"), "outerHTML")
        replace = {row_kind.key: page.rows_block(row_kind)}
        return render(request, DETAIL, page.context(replace=replace), status=409)
    if not request.htmx:
        return redirect(f"{page.url('fiche-detail')}#rows-{kind}")
    return _rows_response(
        request, page, row_kind, message=f"Ligne n° {row} supprimée.", preserve_new=True
    )
