import datetime as dt

import pytest

from governance import services
from governance.meetings import meeting_check
from governance.models import Association, Attendance, Meeting, Member

pytestmark = pytest.mark.django_db


def _check(meeting):
    attendances = list(meeting.attendances.select_related("member", "proxy_holder"))
    association = Association.objects.get(project=meeting.project)
    return meeting_check(meeting, association=association, attendances=attendances)


def test_demo_annual_assembly_is_regular(demo):
    meeting = Meeting.objects.get(project=demo["projects"]["pic-saint-loup"], number=3)

    check = _check(meeting)

    assert not check.flagged
    assert check.voters == 26 and check.present == 22 and check.represented == 3
    assert check.quorum_reason == (
        "Quorum atteint : 25 membre(s) votant(s) présent(s) ou représenté(s) sur 26 "
        "(22 présent(s), 3 représenté(s)) ; il en faut au moins 7 (un quart)."
    )


def test_a_member_holding_too_many_proxies_is_flagged(demo):
    project = demo["projects"]["pic-saint-loup"]
    meeting = Meeting.objects.get(project=project, number=3)
    roux = Member.objects.get(project=project, last_name="Roux")
    Attendance.objects.filter(meeting=meeting, member__last_name__in=["Vidal", "Cros"]).update(
        status="REPRESENTED", proxy_holder=roux
    )

    check = _check(meeting)

    assert check.flagged and check.quorum_reached
    assert check.proxy_problems == [
        "Julien Roux détient 3 pouvoirs : les statuts en autorisent au plus 2 ; "
        "il n'est pas compté."
    ]
    # Annexe 3: "Chaque membre actif peut bénéficier de deux délégations": the third is not
    # counted (20 present, 5 proxies given, 4 valid).
    assert check.present == 20 and check.represented == 4 and check.invalid_proxies == 1


def test_the_statutes_setting_changes_the_proxy_limit(demo):
    project = demo["projects"]["pic-saint-loup"]
    Association.objects.filter(project=project).update(max_proxies=0)
    meeting = Meeting.objects.get(project=project, number=3)

    check = _check(meeting)

    assert len(check.proxy_problems) == 3
    assert "les statuts en autorisent au plus 0" in check.proxy_problems[0]
    assert check.represented == 0 and check.invalid_proxies == 3


def test_a_meeting_without_quorum_is_flagged(demo):
    project = demo["projects"]["pic-saint-loup"]
    meeting = services.meeting_create(
        project=project,
        by=None,
        fields={
            "body": project.governance_instances.get(kind="AG"),
            "meeting_date": dt.date(2026, 11, 2),
            "title": "AG extraordinaire",
        },
    )
    members = list(Member.objects.filter(project=project).voting()[:7])
    services.attendance_record(
        meeting=meeting,
        entries=[(m, "PRESENT", None) for m in members[:4]]
        + [(members[4], "REPRESENTED", members[0]), (members[5], "REPRESENTED", members[6])],
    )

    check = _check(meeting)

    assert not check.quorum_reached and check.flagged
    # The proxy given to an absent member does not count: 4 present + 1 valid proxy.
    assert check.quorum_reason.startswith("Quorum non atteint : 5 membre(s) votant(s)")
    assert check.quorum_reason.endswith("il en faut au moins 7 (un quart).")
    assert any("n'est pas présent(e)" in p for p in check.proxy_problems)


def test_a_meeting_without_attendance_cannot_reach_quorum(demo):
    meeting = Meeting.objects.get(project=demo["projects"]["pic-saint-loup"], number=4)

    check = _check(meeting)

    assert not check.quorum_reached
    assert "pas encore saisies" in check.quorum_reason


def test_meeting_list_flags_each_meeting_in_constant_queries(
    demo, login, django_assert_max_num_queries
):
    from django.urls import reverse

    project = demo["projects"]["pic-saint-loup"]
    meeting = Meeting.objects.get(project=project, number=3)
    roux = Member.objects.get(project=project, last_name="Roux")
    Attendance.objects.filter(meeting=meeting, member__last_name__in=["Vidal", "Cros"]).update(
        status="REPRESENTED", proxy_holder=roux
    )
    client = login(demo["users"]["claire.martin"])
    url = reverse("governance:meeting-list", args=["pic-saint-loup"])
    client.get(url)

    with django_assert_max_num_queries(15):
        response = client.get(url)

    content = response.content.decode()
    assert content.count("à vérifier") == 1
    assert "Julien Roux détient 3 pouvoirs" in content
    assert content.count("régulière") == 1  # the constitutive AG (the 2025 AG has no attendance)
    assert content.count("présences non saisies") == 2


def test_list_checks_agree_with_the_meeting_page(demo):
    from governance.meetings import checks_for

    project = demo["projects"]["pic-saint-loup"]
    meetings = list(Meeting.objects.filter(project=project).select_related("body"))

    checks = checks_for(meetings, project)

    for meeting in meetings:
        single = _check(meeting)
        assert checks[meeting.pk].quorum_reason == single.quorum_reason
        assert checks[meeting.pk].proxy_problems == single.proxy_problems
