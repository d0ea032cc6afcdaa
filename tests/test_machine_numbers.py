"""Numbers that machines read (ids in attributes, form field names) are never printed with
the French thousands separator: `4 316` in `data-fiche` or `name="status-1 204"` breaks the
page's script and the attendance form once a database has more than 999 rows."""

import re

import pytest
from django.urls import reverse

from governance.models import Member
from missions.models import Fiche
from tests.governance.factories import make_member

pytestmark = pytest.mark.django_db
GROUPED = re.compile(r"\d[\u202f\u00a0 ]\d{3}")


def test_a_fiche_with_a_large_id_keeps_its_id_whole_for_the_page_script(demo, login):
    first = Fiche.objects.filter(project__slug="pic-saint-loup").get(number=1)
    Fiche.objects.create(
        id=123456, project=first.project, number=99, mission=first.mission, title="Millième"
    )
    client = login(demo["users"]["claire.martin"])

    page = client.get(reverse("missions:fiche-detail", args=["pic-saint-loup", 99]))

    assert 'data-fiche="123456"' in page.content.decode()


def test_the_attendance_form_names_members_with_large_ids_whole(demo, login):
    project = demo["projects"]["pic-saint-loup"]
    member = make_member(project, last_name="Millième")
    Member.objects.filter(pk=member.pk).update(id=45678)
    client = login(demo["users"]["claire.martin"])

    page = client.get(reverse("governance:meeting-attendance", args=["pic-saint-loup", 3]))

    html = page.content.decode()
    assert 'name="status-45678"' in html
    attributes = re.findall(r'(?:name|id|for|value)="([^"]*)"', html)
    assert not [value for value in attributes if GROUPED.search(value)]
