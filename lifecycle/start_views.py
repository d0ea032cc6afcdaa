"""The "Lancer un projet de CPTS" wizard and the first-steps page of a new project."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts import signup
from projects.access import get_project_for_user

from . import start
from .start_forms import StartForm


@require_http_methods(["GET", "POST"])
def project_start(request):
    if not start.may_start(request.user):
        raise PermissionDenied(
            "Les comptes des organismes (ARS, Assurance Maladie, URPS…) ne créent pas de "
            "projet de CPTS."
        )
    form = StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signup.throttle(request, "start", user=request.user)
        except signup.Throttled as error:
            return render(
                request, "accounts/signup_throttled.html", {"text": str(error)}, status=429
            )
        data = form.cleaned_data
        project = start.project_start(
            user=request.user,
            cpts_name=data["cpts_name"],
            departements=data["departements"],
            porteur=data["porteur"],
            association_name=data["association_name"],
            rna=data["rna"],
            build_url=request.build_absolute_uri,
        )
        messages.success(
            request, f"Le projet « {project.name} » est créé : vous en êtes le coordinateur."
        )
        return redirect("start:first-steps", slug=project.slug)
    return render(
        request,
        "lifecycle/start.html",
        {"form": form},
        status=422 if form.is_bound else 200,
    )


@require_GET
def first_steps(request, slug):
    project = get_project_for_user(request.user, slug, perm="projects.change_project")
    return render(request, "lifecycle/start_done.html", {"project": project})
