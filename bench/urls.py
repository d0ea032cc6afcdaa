"""The benchmark's URLconf: the portal's, plus the floor page (the base layout alone).

The floor exists only here, never in the product's URLs: it measures what every page pays
before its own content (session, user, memberships, navigation, the base template).
"""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path
from django.views.decorators.http import require_GET

FLOOR_PATH = "bench/plancher/"
_FLOOR = engines["django"].from_string('{% extends "base.html" %}')


@require_GET
def floor(request):
    return HttpResponse(_FLOOR.render({}, request))


urlpatterns = [
    path(FLOOR_PATH, floor, name="bench-floor"),
    path("", include("cpts_portal.urls")),
]
