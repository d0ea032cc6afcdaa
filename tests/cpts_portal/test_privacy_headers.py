"""The headers of cpts_portal/middleware.py, through real pages (README, "Security decisions")."""

import pytest
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_logged_in_page_is_never_stored_by_a_cache(login):
    response = login(make_user()).get(reverse("help"))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"


def test_a_public_response_to_an_anonymous_visitor_keeps_its_caching(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from cpts_portal.middleware import PrivacyHeadersMiddleware

    request = rf.get("/")
    request.user = AnonymousUser()
    response = PrivacyHeadersMiddleware(lambda request: HttpResponse("x"))(request)

    assert "Cache-Control" not in response


def test_a_view_s_own_cache_control_is_kept(login, rf):
    from django.http import HttpResponse

    from cpts_portal.middleware import PrivacyHeadersMiddleware

    def view(request):
        response = HttpResponse("x")
        response["Cache-Control"] = "private, max-age=60"
        return response

    request = rf.get("/")
    request.user = make_user()
    response = PrivacyHeadersMiddleware(view)(request)

    assert response["Cache-Control"] == "private, max-age=60"


def test_every_response_refuses_the_browser_features_the_portal_does_not_use(client, login):
    anonymous = client.get(reverse("accounts:login"))
    logged_in = login(make_user()).get(reverse("help"))

    for response in (anonymous, logged_in):
        policy = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
            assert feature in policy
