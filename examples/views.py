"""The library of example fiches-actions, seen from a project (to start a fiche in it)."""

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from missions.models import Fiche, Indicator, Mission

from . import services
from .access import get_library_project, get_shared_for_user, may_share, shared_fiches
from .catalogue import BY_KEY, EXAMPLES

SHOWN = 60
SIZE_TIERS = [
    ("1", "taille 1 : moins de 40 000 habitants"),
    ("2", "taille 2 : de 40 000 à 80 000 habitants"),
    ("3", "taille 3 : de 80 000 à 175 000 habitants"),
    ("4", "taille 4 : plus de 175 000 habitants"),
]
FIELD_LABELS = [
    (name, str(Fiche._meta.get_field(name).verbose_name).capitalize())
    for name in services.FICHE_FIELDS
]
KIND_LABELS = dict(Indicator.Kind.choices)


def _can_start(request, project) -> bool:
    return rules.has_perm("missions.add_fiche", request.user, project)


@require_GET
def library(request, slug):
    project = get_library_project(request.user, slug)
    missions = list(Mission.objects.all())
    codes = {m.code: m for m in missions}
    mission = codes.get(request.GET.get("mission", ""))
    tier = request.GET.get("taille", "")
    tier = tier if tier in dict(SIZE_TIERS) else ""
    query = request.GET.get("q", "").strip()[:100]
    words = query.lower().split()

    examples = [
        (example, codes.get(example.mission_code))
        for example in EXAMPLES
        if (mission is None or example.mission_code == mission.code)
        and all(word in example.search_text() for word in words)
    ]
    shared = shared_fiches(request.user).order_by("mission__order", "-updated_at")
    if mission is not None:
        shared = shared.filter(mission=mission)
    if tier:
        shared = shared.filter(size_tier=int(tier))
    for word in words:
        shared = shared.filter(search_text__contains=word)
    shared = list(shared[: SHOWN + 1])
    return render(
        request,
        "examples/library.html",
        {
            "project": project,
            "missions": missions,
            "mission": mission,
            "tier": tier,
            "tiers": SIZE_TIERS,
            "query": query,
            "examples": examples,
            "shared": shared[:SHOWN],
            "more": len(shared) > SHOWN,
            "filtered": bool(mission or tier or query),
            "can_share": may_share(project)
            and rules.has_perm("projects.change_project", request.user, project),
        },
    )


def _content_view(content: dict) -> dict:
    fields = content.get("fields", {})
    return {
        "fields": [(label, fields.get(name, "")) for name, label in FIELD_LABELS],
        "sub_actions": content.get("sub_actions", []),
        "indicators": [
            {**i, "kind_label": KIND_LABELS.get(i.get("kind"), "")}
            for i in content.get("indicators", [])
        ],
    }


def _example(key: str):
    example = BY_KEY.get(key)
    if example is None:
        raise Http404("Exemple introuvable.")
    return example


@require_GET
def example_detail(request, slug, key):
    project = get_library_project(request.user, slug)
    example = _example(key)
    return render(
        request,
        "examples/detail.html",
        {
            "project": project,
            "title": example.title,
            "mission": Mission.objects.filter(code=example.mission_code).first(),
            "origin": "Exemple du portail, rédigé d'après les exemples du guide",
            "content": _content_view(services.example_content(example)),
            "can_start": _can_start(request, project),
            "start_url_name": "examples:example-start",
            "start_arg": example.key,
        },
    )


@require_GET
def shared_detail(request, slug, pk):
    project = get_library_project(request.user, slug)
    shared = get_shared_for_user(request.user, pk)
    return render(
        request,
        "examples/detail.html",
        {
            "project": project,
            "title": shared.title,
            "mission": shared.mission,
            "origin": f"Partagée par {shared.cpts_name}"
            if shared.show_cpts
            else "Partagée par une CPTS dont le projet de santé est validé",
            "shared": shared,
            "content": _content_view(shared.content),
            "can_start": _can_start(request, project),
            "start_url_name": "examples:shared-start",
            "start_arg": shared.pk,
        },
    )


def _started(request, project, fiche):
    messages.success(
        request,
        f"Fiche-action n°{fiche.number} créée à partir de l'exemple : adaptez-la à votre "
        "territoire (pilote, valeurs de départ et cibles de votre diagnostic).",
    )
    return redirect("missions:fiche-detail", slug=project.slug, number=fiche.number)


@require_POST
def example_start(request, slug, key):
    project = get_library_project(request.user, slug, perm="missions.add_fiche")
    example = _example(key)
    mission = Mission.objects.filter(code=example.mission_code).first()
    if mission is None:
        raise Http404("Mission introuvable.")
    fiche = services.start_from(
        project=project,
        by=request.user,
        mission=mission,
        title=example.title,
        content=services.example_content(example),
    )
    return _started(request, project, fiche)


@require_POST
def shared_start(request, slug, pk):
    project = get_library_project(request.user, slug, perm="missions.add_fiche")
    shared = get_shared_for_user(request.user, pk)
    fiche = services.start_from(
        project=project,
        by=request.user,
        mission=shared.mission,
        title=shared.title,
        content=shared.content,
    )
    return _started(request, project, fiche)


@require_GET
def sharing(request, slug):
    project = get_library_project(request.user, slug, perm="projects.change_project")
    fiches = list(project.fiches.select_related("mission", "library_share").order_by("number"))
    return render(
        request,
        "examples/sharing.html",
        {"project": project, "fiches": fiches, "may_share": may_share(project)},
    )


@require_POST
def share_fiche(request, slug, number):
    project = get_library_project(request.user, slug, perm="projects.change_project")
    fiche = project.fiches.filter(number=number).select_related("mission").first()
    if fiche is None:
        raise Http404("Fiche-action introuvable.")
    fiche.project = project
    if request.POST.get("action") == "retirer":
        services.unshare(fiche=fiche)
        messages.success(request, f"La fiche n°{fiche.number} n'est plus dans la bibliothèque.")
        return redirect("examples:sharing", slug=project.slug)
    try:
        services.share(fiche=fiche, by=request.user, show_cpts=bool(request.POST.get("show_cpts")))
    except services.ShareRefused as refused:
        raise PermissionDenied(str(refused)) from None
    messages.success(
        request,
        f"La fiche n°{fiche.number} est dans la bibliothèque"
        + (
            f", au nom de {project.organisation.name}."
            if request.POST.get("show_cpts")
            else ", sans le nom de la CPTS."
        ),
    )
    return redirect("examples:sharing", slug=project.slug)
