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


def test_the_history_shows_a_page_of_entries_each_compared_with_its_own_previous_state(demo, login):
    """The pages together are the whole history, in order, and each entry's changes are
    those against the record before it, even when that record is far older (a row edited
    once long ago, then again after many saves of the fiche)."""
    from missions.history import fiche_history
    from missions.models import SubAction
    from missions.services import row_update
    from missions.views import HISTORY_PAGE

    user = demo["users"]["claire.martin"]
    fiche = Fiche.objects.get(project__slug=SLUG, number=1)
    needs = list(Need.objects.filter(project=fiche.project).order_by("number"))
    row = SubAction.objects.filter(fiche=fiche).order_by("number").first()
    row = row_update(row=row, by=user, version=row.version, fields={"what": "Première étape"})
    fiche = _edit(fiche, user, needs, 120)
    row_update(row=row, by=user, version=row.version, fields={"what": "Étape révisée"})
    client = login(user)
    url = reverse("missions:fiche-history", args=[SLUG, 1])

    def _summary(entries):
        return [
            (
                e.subject,
                e.entry.at,
                e.entry.kind,
                [(c.field, c.old, c.new) for c in e.entry.changes],
            )
            for e in entries
        ]

    everything = _summary(fiche_history(fiche))
    pages, page = [], 1
    while True:
        response = client.get(url, {"page": page})
        assert response.status_code == 200
        pages.extend(_summary(response.context["entries"]))
        assert len(response.context["entries"]) <= HISTORY_PAGE
        if response.context["older_page"] is None:
            break
        assert "Modifications plus anciennes" in response.content.decode()
        page = response.context["older_page"]

    assert page == -(-len(everything) // HISTORY_PAGE) >= 3
    assert pages == everything
    newest_row_change = next(s for s in pages if s[0].startswith("Sous-action"))
    assert ("what", "Première étape", "Étape révisée") in newest_row_change[3]
    assert client.get(url, {"page": page + 1}).status_code == 404
    assert client.get(url, {"page": "x"}).status_code == 200
