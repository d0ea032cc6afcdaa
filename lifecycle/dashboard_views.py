from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from cpts_portal.lib.downloads import content_response
from projects import access
from projects.models import CalendarFeed

from . import dashboard


@require_GET
def deadlines_dashboard(request, slug):
    project = access.get_project_for_user(request.user, slug, perm="projects.view_team")
    rows = dashboard.classify(dashboard.project_deadlines(project))
    feed = CalendarFeed.objects.filter(user=request.user, project=project).exists()
    # The clear token exists only in the session, from its issue to this page's next display.
    token = request.session.pop(_issued_token_key(project), None) if feed else None
    return render(
        request,
        "lifecycle/deadlines.html",
        {
            "project": project,
            "rows": rows,
            "late": sum(1 for r in rows if r["status"] == "late"),
            "feed": feed,
            "feed_url": request.build_absolute_uri(f"/calendrier/{token}.ics") if token else "",
        },
    )


def _issued_token_key(project) -> str:
    return f"calendar_feed_token:{project.pk}"


@require_POST
def calendar_feed_manage(request, slug):
    project = access.get_project_for_user(request.user, slug, perm="projects.view_team")
    operation = request.POST.get("operation")
    if operation == "revoke":
        dashboard.feed_revoke(user=request.user, project=project)
        messages.success(request, "Le lien du calendrier est révoqué : il ne fonctionne plus.")
    else:
        request.session[_issued_token_key(project)] = dashboard.feed_issue(
            user=request.user, project=project
        )
        messages.success(
            request,
            "Votre lien d'abonnement au calendrier est prêt. Copiez-le maintenant : "
            "il ne sera plus affiché (le portail n'en garde qu'une empreinte).",
        )
    return redirect("lifecycle:deadlines", slug)


@login_not_required
@require_GET
def calendar_feed(request, token):
    feed = dashboard.feed_lookup(token)
    if feed is None or not feed.user.is_active:
        raise Http404("Calendrier introuvable.")
    # The feed follows the user's access: removed from the CPTS, the feed stops.
    try:
        project = access.get_project_for_user(
            feed.user, feed.project.slug, perm="projects.view_team"
        )
    except (Http404, PermissionDenied):  # the feed is gone either way
        raise Http404("Calendrier introuvable.") from None
    body = dashboard.ical(
        project, dashboard.project_deadlines(project), base_url=settings.PORTAL_URL
    )
    return content_response(
        body, f"echeances-{project.slug}.ics", "text/calendar; charset=utf-8", inline=True
    )
