"""Every governance record is versioned and keeps its history (issue 20, item 3).

Two people load the same edit form; both save. The first save wins, the second is refused
with 409: the conflict panel shows the first person's values in French, the second person's
text stays in the form, nothing is overwritten; the history holds the accepted save and who
made it.
"""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from governance import services
from governance.models import (
    Attendance,
    Deliberation,
    GovernanceDocument,
    Indemnity,
    Instance,
    Mandate,
    Meeting,
    Member,
    Partnership,
)

pytestmark = pytest.mark.django_db

PIC = "pic-saint-loup"
VERSION = re.compile(r'name="version" value="(\d+)"')


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _form_version(client, url) -> str:
    """Load the edit form as a browser would and read the version it carries."""
    page = client.get(url)
    assert page.status_code == 200
    found = VERSION.findall(page.content.decode())
    assert len(found) == 1, "the form carries one hidden version"
    return found[0]


def _both_save(demo, url, first: dict, second: dict):
    """Claire (coordinator) and Sophie (bureau) load the form; Claire saves, then Sophie."""
    claire = _client(demo["users"]["claire.martin"])
    sophie = _client(demo["users"]["sophie.garnier"])
    claire_version = _form_version(claire, url)
    sophie_version = _form_version(sophie, url)
    assert claire_version == sophie_version
    won = claire.post(url, {**first, "version": claire_version})
    lost = sophie.post(url, {**second, "version": sophie_version})
    assert won.status_code == 302, won.content.decode()[:2000]
    assert lost.status_code == 409
    page = lost.content.decode()
    assert "Modification refusée : quelqu'un a enregistré ce contenu" in page
    assert "Claire Martin" in page  # who saved
    # The form is rebased on the current version: saving again is a deliberate choice.
    assert VERSION.findall(page) == [str(int(claire_version) + 1)]
    return page


def _panel(page: str) -> str:
    return page.split('class="alert alert-warning conflict"', 1)[1].split("</details>", 1)[0]


def _history_users(record) -> list[str]:
    return [
        h.history_user.email if h.history_user else None
        for h in record.history.select_related("history_user").order_by("-history_id")
    ]


def test_a_stale_member_edit_gets_409_with_the_other_values_and_nothing_overwritten(demo, login):
    member = Member.objects.get(project__slug=PIC, last_name="Roux")
    url = reverse("governance:member-edit", args=[PIC, member.number])
    data = {
        "kind": "PERSON",
        "last_name": "Roux",
        "first_name": member.first_name,
        "profession": member.profession,
        "rpps": member.rpps,
        "email": member.email,
        "phone": member.phone,
        "category": member.category,
        "adhesion_date": member.adhesion_date.isoformat(),
        "fee_status": member.fee_status,
        "commune_code": member.commune_id or "",
    }

    page = _both_save(
        demo,
        url,
        {**data, "phone": "04 67 00 00 01", "fee_status": "EXEMPT"},
        {**data, "phone": "04 67 99 99 99", "leaving_date": "2026-12-31"},
    )

    panel = _panel(page)
    assert "04 67 00 00 01" in panel and "exonéré" in panel  # the choice's French label
    assert "04 67 99 99 99" in page  # the loser's text is kept in the form
    member.refresh_from_db()
    assert (member.phone, member.fee_status, member.leaving_date) == (
        "04 67 00 00 01",
        "EXEMPT",
        None,
    )
    assert member.version == 2 and member.updated_by == demo["users"]["claire.martin"]
    assert member.history.count() == 2  # the demo's creation, Claire's save
    assert _history_users(member)[0] == demo["users"]["claire.martin"].email


def test_a_member_history_page_shows_who_changed_what(demo, login):
    member = Member.objects.get(project__slug=PIC, last_name="Roux")
    services.member_update(
        member=member,
        by=demo["users"]["sophie.garnier"],
        version=member.version,
        fields={"phone": "0467121212"},
    )
    client = login(demo["users"]["claire.martin"])

    edit = client.get(reverse("governance:member-edit", args=[PIC, member.number]))
    history = client.get(reverse("governance:member-history", args=[PIC, member.number]))

    assert reverse("governance:member-history", args=[PIC, member.number]) in edit.content.decode()
    page = history.content.decode()
    assert history.status_code == 200
    assert "Sophie Garnier" in page and "modification" in page
    assert "<dt>Téléphone</dt>" in page and "<ins>0467121212</ins>" in page  # word diff


def test_a_stale_mandate_edit_gets_409(demo, login):
    mandate = Mandate.objects.filter(project__slug=PIC, end_date__isnull=True).first()
    url = reverse("governance:mandate-edit", args=[PIC, mandate.number])
    data = {
        "member": mandate.member_id,
        "office": mandate.office,
        "start_date": mandate.start_date.isoformat(),
    }

    page = _both_save(
        demo, url, {**data, "end_date": "2027-06-30"}, {**data, "end_date": "2028-01-31"}
    )

    assert "30/06/2027" in _panel(page)  # French date
    mandate.refresh_from_db()
    assert mandate.end_date == dt.date(2027, 6, 30) and mandate.version == 2
    assert _history_users(mandate)[0] == demo["users"]["claire.martin"].email


def test_a_stale_instance_edit_gets_409(demo, login):
    instance = Instance.objects.get(project__slug=PIC, kind="BUREAU")
    url = reverse("governance:instance-edit", args=[PIC, instance.slug])

    page = _both_save(
        demo,
        url,
        {"name": "Bureau", "role": "Prépare les décisions du conseil."},
        {"name": "Bureau", "role": "Gère les affaires courantes."},
    )

    assert "Prépare les décisions du conseil." in _panel(page)
    assert "Gère les affaires courantes." in page
    instance.refresh_from_db()
    assert instance.role == "Prépare les décisions du conseil." and instance.version == 2
    assert _history_users(instance)[0] == demo["users"]["claire.martin"].email


def test_a_stale_partnership_edit_gets_409(demo, login):
    partnership = Partnership.objects.filter(project__slug=PIC).first()
    url = reverse("governance:partnership-edit", args=[PIC, partnership.pk])
    data = {
        "partner": partnership.partner,
        "start_date": partnership.start_date.isoformat() if partnership.start_date else "",
        "end_date": "",
        "document": partnership.document_id or "",
    }

    page = _both_save(
        demo,
        url,
        {**data, "purpose": "Parcours des personnes âgées."},
        {**data, "purpose": "Prévention des chutes."},
    )

    assert "Parcours des personnes âgées." in _panel(page)
    partnership.refresh_from_db()
    assert partnership.purpose == "Parcours des personnes âgées." and partnership.version == 2
    assert _history_users(partnership)[0] == demo["users"]["claire.martin"].email


def test_a_stale_indemnity_edit_gets_409(demo, login):
    indemnity = Indemnity.objects.filter(project__slug=PIC).first()
    url = reverse("governance:indemnity-edit", args=[PIC, indemnity.pk])
    data = {
        "member": indemnity.member_id,
        "paid_date": indemnity.paid_date.isoformat(),
        "purpose": indemnity.purpose,
    }

    page = _both_save(demo, url, {**data, "amount": "450"}, {**data, "amount": "999"})

    assert "450" in _panel(page)
    indemnity.refresh_from_db()
    assert indemnity.amount == 450 and indemnity.version == 2
    assert _history_users(indemnity)[0] == demo["users"]["claire.martin"].email


def test_a_stale_decision_edit_gets_409(demo, login):
    decision = Deliberation.objects.filter(meeting__project__slug=PIC, meeting__number=3).first()
    url = reverse("governance:decision-edit", args=[PIC, 3, decision.pk])
    data = {"text": decision.text, "votes_against": 0, "abstentions": 0}

    page = _both_save(demo, url, {**data, "votes_for": 7}, {**data, "votes_for": 2})

    assert "<dt>Pour</dt><dd><p>7</p></dd>" in _panel(page).replace("\n", "")
    decision.refresh_from_db()
    assert decision.votes_for == 7 and decision.version == 2
    assert _history_users(decision)[0] == demo["users"]["claire.martin"].email


def test_a_stale_document_description_edit_gets_409(demo, login):
    document = GovernanceDocument.objects.get(project__slug=PIC, number=1)
    url = reverse("governance:document-edit", args=[PIC, 1])
    data = {
        "kind": document.kind,
        "title": document.title,
        "adopted_date": document.adopted_date.isoformat() if document.adopted_date else "",
    }
    file_name = document.file.name

    page = _both_save(
        demo, url, {**data, "version_label": "v3 (2026)"}, {**data, "version_label": "v4"}
    )

    panel = _panel(page)
    assert "v3 (2026)" in panel and "statuts" in panel
    document.refresh_from_db()
    assert document.version_label == "v3 (2026)" and document.version == 2
    assert document.file.name == file_name  # the deposited file stays
    assert _history_users(document)[0] == demo["users"]["claire.martin"].email


def test_a_stale_attendance_sheet_gets_409_and_keeps_the_first_one(demo, login):
    project = demo["projects"][PIC]
    meeting = Meeting.objects.get(project=project, number=4)
    bureau = list(Member.objects.filter(project=project, mandates__body__kind="BUREAU").distinct())
    url = reverse("governance:meeting-attendance", args=[PIC, 4])
    first = {f"status-{m.pk}": "PRESENT" for m in bureau[:4]}
    second = {f"status-{m.pk}": "ABSENT" for m in bureau[:4]}

    page = _both_save(demo, url, first, second)

    panel = _panel(page)
    assert f"<dt>{bureau[0].display_name}</dt><dd><p>présent</p></dd>" in panel.replace("\n", "")
    # Sophie's choices stay selected in her form.
    assert re.search(rf'name="status-{bureau[0].pk}".*?value="ABSENT" selected', page, re.S)
    statuses = set(Attendance.objects.filter(meeting=meeting).values_list("status", flat=True))
    assert statuses == {"PRESENT"}
    meeting.refresh_from_db()
    assert meeting.updated_by == demo["users"]["claire.martin"]
    row = Attendance.objects.get(meeting=meeting, member=bureau[0])
    assert _history_users(row) == [demo["users"]["claire.martin"].email]


def test_attendance_rows_keep_their_history_when_changed_and_removed(demo):
    project = demo["projects"][PIC]
    meeting = Meeting.objects.get(project=project, number=4)
    a, b = Member.objects.filter(project=project).voting()[:2]
    claire, sophie = demo["users"]["claire.martin"], demo["users"]["sophie.garnier"]

    services.attendance_record(
        meeting=meeting,
        entries=[(a, "PRESENT", None), (b, "PRESENT", None)],
        by=claire,
        version=meeting.version,
    )
    meeting.refresh_from_db()
    row = Attendance.objects.get(meeting=meeting, member=b)
    services.attendance_record(
        meeting=meeting, entries=[(b, "REPRESENTED", a)], by=sophie, version=meeting.version
    )

    history = list(row.history.order_by("history_id").values_list("history_type", "status"))
    assert history == [("+", "PRESENT"), ("~", "REPRESENTED")]
    removed = Attendance.history.filter(member_id=a.pk, meeting_id=meeting.pk)
    assert list(removed.order_by("history_id").values_list("history_type", flat=True)) == [
        "+",
        "-",
    ]
    assert removed.order_by("-history_id").first().history_user == sophie


def test_creations_write_their_history_with_the_user(demo, login):
    client = login(demo["users"]["claire.martin"])

    client.post(
        reverse("governance:member-create", args=[PIC]),
        {
            "kind": "PERSON",
            "last_name": "Nouvel",
            "first_name": "Anne",
            "profession": "INFIRMIER",
            "category": "ACTIVE",
            "fee_status": "DUE",
        },
    )

    member = Member.objects.get(project__slug=PIC, last_name="Nouvel")
    assert member.version == 1
    assert list(member.history.values_list("history_type", "history_user__email")) == [
        ("+", demo["users"]["claire.martin"].email)
    ]


def test_the_admin_shows_the_history_of_governance_records_but_does_not_edit_them(demo, login):
    member = Member.objects.get(project__slug=PIC, last_name="Roux")
    services.member_update(
        member=member,
        by=demo["users"]["sophie.garnier"],
        version=member.version,
        fields={"phone": "0467343434"},
    )
    client = login(demo["users"]["admin"])

    history = client.get(reverse("admin:governance_member_history", args=[member.pk]))
    change = client.post(
        reverse("admin:governance_member_change", args=[member.pk]), {"phone": "0"}
    )

    assert history.status_code == 200 and "Sophie Garnier" in history.content.decode()
    assert change.status_code == 403
    member.refresh_from_db()
    assert member.phone == "0467343434" and member.version == 2
