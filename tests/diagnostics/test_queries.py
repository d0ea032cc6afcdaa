"""The territory and diagnostic pages run as many queries for 10 communes as for 1 000."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostics import services
from diagnostics.models import TerritoryCommune
from geo.models import Commune
from tests.factories import make_project

pytestmark = pytest.mark.django_db


def _fill(project, codes, by):
    territory = services.territory_get_or_create(project=project, by=by)
    TerritoryCommune.objects.filter(territory=territory).delete()
    TerritoryCommune.objects.bulk_create(
        [TerritoryCommune(territory=territory, commune_id=code) for code in codes]
    )


@pytest.mark.parametrize(
    "url_name", ["diagnostics:territory-detail", "diagnostics:diagnostic-detail"]
)
def test_pages_queries_do_not_grow_with_the_communes(
    project, coordinator, login, django_assert_num_queries, url_name
):
    codes = list(
        Commune.objects.filter(kind="COMMUNE")
        .order_by("code")
        .values_list("code", flat=True)[:1000]
    )
    assert len(codes) == 1000
    other = make_project(departements=("34",))
    _fill(other, codes[:5] + codes[-5:], by=coordinator)  # overlaps in both cases
    client = login(coordinator)
    url = reverse(url_name, args=[project.slug])
    _fill(project, codes[:5] + codes[-5:], by=coordinator)
    client.get(url)  # warm the caches (content types, sessions)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200

    _fill(project, codes, by=coordinator)

    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["summary"].commune_count == 1000


def test_overlap_list_queries_do_not_grow(demo, login, django_assert_num_queries):
    client = login(demo["users"]["isabelle.moreau"])
    pic = demo["projects"]["pic-saint-loup"]
    url = reverse("diagnostics:overlap-list")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    codes = list(
        Commune.objects.filter(departement_id="34", kind="COMMUNE").values_list("code", flat=True)
    )
    for _ in range(3):
        other = make_project(departements=("34",))
        _fill(other, codes[:40], by=None)
    _fill(pic, codes[:40], by=None)

    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.context["page"].paginator.count == 40


def test_the_territory_page_makes_the_same_queries_with_and_without_overlaps(
    project, coordinator, login, django_assert_num_queries
):
    codes = list(
        Commune.objects.filter(departement_id="34", kind="COMMUNE")
        .order_by("code")
        .values_list("code", flat=True)[:20]
    )
    _fill(project, codes[:10], by=coordinator)
    client = login(coordinator)
    url = reverse("diagnostics:territory-detail", args=[project.slug])
    client.get(url)  # warm the caches (content types, sessions)
    with CaptureQueriesContext(connection) as alone:
        assert client.get(url).context["overlap_total"] == 0

    _fill(make_project(departements=("34",)), codes[5:15], by=coordinator)

    with django_assert_num_queries(len(alone.captured_queries)):
        response = client.get(url)
    assert response.context["overlap_total"] == 5
    assert "un autre projet de CPTS (non transmis)" in response.content.decode()
