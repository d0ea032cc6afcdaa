"""Issue 19: the fiche history page reads the same number of queries whatever the number of
edits of the fiche (its needs, a many-to-many field, included)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostics.models import Need
from missions.models import Fiche
from missions.services import fiche_update

pytestmark = pytest.mark.django_db

SLUG = "pic-saint-loup"


def _edit(fiche, user, needs, count, start=0):
    """`count` saves of the fiche, each changing its text and, every other one, its needs."""
    for index in range(start, start + count):
        fields = {"problems": f"Constat n° {index}"}
        if index % 2:
            fields["needs"] = needs[: 1 + index % len(needs)]
        fiche = fiche_update(fiche=fiche, by=user, version=fiche.version, fields=fields)
    return fiche


def test_the_fiche_history_makes_the_same_queries_with_2_and_200_edits(
    demo, login, django_assert_num_queries
):
    user = demo["users"]["claire.martin"]
    fiche = Fiche.objects.get(project__slug=SLUG, number=1)
    needs = list(Need.objects.filter(project=fiche.project).order_by("number"))
    assert len(needs) >= 2
    url = reverse("missions:fiche-history", args=[SLUG, 1])
    client = login(user)
    fiche = _edit(fiche, user, needs, 2)
    client.get(url)  # warm the caches (content types, session)
    with CaptureQueriesContext(connection) as small:
        first = client.get(url)
    assert first.status_code == 200

    _edit(fiche, user, needs, 198, start=2)
    assert fiche.history.count() >= 200

    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    content = response.content.decode()
    assert response.status_code == 200
    # The needs' changes are still read, with their codes.
    assert "Besoins du diagnostic" in content
    assert f"{needs[0].code}, {needs[1].code}" in content
    assert "199</ins>" in content
