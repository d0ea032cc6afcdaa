"""Votes that count right, through the meeting pages (issue 17, item 5).

The guide's example statutes (Annexe 3): "Chaque membre actif peut bénéficier de deux
délégations (mandat écrit ou pouvoir) en vue de représenter un autre membre actif lors des
délibérations et votes en Assemblée Générale Ordinaire et/ ou Extraordinaire." and "Chaque
membre actif bénéficie d'une seule voix lors des décisions collectives relevant de la
compétence de l'Assemblée Générale Ordinaire et/ ou Extraordinaire."
"""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from governance.meetings import voters_for
from governance.models import Association, CompositionRules, Deliberation, Meeting, Member
from tests.governance.factories import make_member

pytestmark = pytest.mark.django_db

PIC = "pic-saint-loup"


def _new_meeting(client, project, *, assembly_kind="ORDINARY", title="AG de printemps"):
    response = client.post(
        reverse("governance:meeting-create", args=[PIC]),
        {
            "body": project.governance_instances.get(kind="AG").pk,
            "meeting_date": "2026-11-02",
            "assembly_kind": assembly_kind,
            "title": title,
        },
    )
    assert response.status_code == 302
    return Meeting.objects.get(project=project, title=title)


def _attendance(client, meeting, entries):
    """entries: member -> "PRESENT" / "ABSENT" / holder Member (a proxy)."""
    data = {"version": meeting.version}
    for member, value in entries.items():
        if isinstance(value, Member):
            data[f"status-{member.pk}"] = "REPRESENTED"
            data[f"holder-{member.pk}"] = value.pk
        else:
            data[f"status-{member.pk}"] = value
    url = reverse("governance:meeting-attendance", args=[PIC, meeting.number])
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def _detail(client, meeting) -> str:
    url = reverse("governance:meeting-detail", args=[PIC, meeting.number])
    return re.sub(r"\s+", " ", html.unescape(client.get(url).content.decode()))


def _decide(client, meeting, votes_for, votes_against=0, abstentions=0):
    url = reverse("governance:decision-create", args=[PIC, meeting.number])
    return client.post(
        url,
        {
            "text": "Approbation des comptes",
            "votes_for": votes_for,
            "votes_against": votes_against,
            "abstentions": abstentions,
        },
    )


@pytest.fixture
def pic(demo, login):
    project = demo["projects"][PIC]
    client = login(demo["users"]["claire.martin"])
    members = list(
        Member.objects.filter(project=project)
        .voting(dt.date(2026, 11, 2))
        .order_by("last_name", "first_name")
    )
    return project, client, members


def test_invalid_proxies_do_not_count_towards_the_quorum(pic):
    """Issue example: "7 votants" with 3 of 5 proxies invalid. Two members present, five
    proxies: three to one holder (the statutes allow two), one to an absent member, one to a
    partner member (Annexe 3: "La qualité de membre partenaire ne confère pas le droit de
    vote"). Four votants, not seven: the quorum (7 of 26) is not reached."""
    project, client, m = pic
    partner = make_member(project, last_name="Zorn", category=Member.Category.PARTNER)
    meeting = _new_meeting(client, project)
    _attendance(
        client,
        meeting,
        {
            m[0]: "PRESENT",
            m[1]: "PRESENT",
            m[2]: m[0],
            m[3]: m[0],
            m[4]: m[0],
            m[5]: m[6],
            m[6]: "ABSENT",
            m[7]: partner,
            partner: "PRESENT",
        },
    )
    voters = len(voters_for(meeting))
    required = -(-voters // 4)

    content = _detail(client, meeting)

    assert (
        f"Quorum non atteint : 4 membre(s) votant(s) présent(s) ou représenté(s) sur {voters} "
        f"(2 présent(s), 2 représenté(s)), 3 pouvoirs non valable(s) non compté(s) ; il en "
        f"faut au moins {required} (un quart)."
    ) in content
    assert (
        f"{m[0].display_name} détient 3 pouvoirs : les statuts en autorisent au plus 2 ; "
        "il n'est pas compté."
    ) in content
    assert f"{m[6].display_name} détient un pouvoir mais n'est pas présent(e)" in content
    assert "Zorn est membre partenaire" in content


def test_votes_beyond_the_votants_are_refused_in_french(pic):
    """Issue example: 12 "pour" with 5 voters present. "Chaque membre actif bénéficie d'une
    seule voix": the form refuses it on the field, nothing is recorded."""
    project, client, m = pic
    meeting = _new_meeting(client, project)
    _attendance(client, meeting, {member: "PRESENT" for member in m[:5]})

    response = _decide(client, meeting, 12)

    assert response.status_code == 422
    content = re.sub(r"\s+", " ", html.unescape(response.content.decode()))
    assert (
        "Pour, contre et abstentions totalisent 12 voix : la réunion ne compte que 5 votant(s) "
        "présent(s) ou représenté(s), et chaque membre n'a qu'une voix."
    ) in content
    assert 'aria-invalid="true"' in content or "is-invalid" in content
    assert not Deliberation.objects.filter(meeting=meeting).exists()

    assert _decide(client, meeting, 3, 1, 1).status_code == 302


def test_a_valid_proxy_adds_a_vote(pic):
    """A proxy from an absent member to a present one counts: 5 present + 1 proxy = 6 votes."""
    project, client, m = pic
    meeting = _new_meeting(client, project)
    _attendance(client, meeting, {**{member: "PRESENT" for member in m[:5]}, m[5]: m[0]})

    assert _decide(client, meeting, 7).status_code == 422
    assert _decide(client, meeting, 6).status_code == 302


def test_decision_without_quorum_is_not_valid(pic):
    project, client, m = pic
    meeting = _new_meeting(client, project)
    _attendance(client, meeting, {member: "PRESENT" for member in m[:5]})
    _decide(client, meeting, 4, 1)

    content = _detail(client, meeting)

    assert "<strong>non valable</strong> : Le quorum n'est pas atteint." in content


def test_extraordinary_assembly_has_its_own_quorum_and_majority(pic):
    """Guide: "Les majorités peuvent être différentes en fonction de l'importance des décisions
    collectives devant être prises en Assemblée Générale." and "il est souvent préconisé de
    pondérer les droits de vote en fonction de la qualité des membres (AGO/AGE)". The portal's
    defaults: ordinary AG 1/4 and simple majority, extraordinary AG 1/2 and two thirds."""
    project, client, m = pic
    voters = len(voters_for(_new_meeting(client, project, title="AG ordinaire")))
    ordinary = Meeting.objects.get(project=project, title="AG ordinaire")
    extraordinary = _new_meeting(
        client, project, assembly_kind="EXTRAORDINARY", title="AG extraordinaire"
    )
    present = voters // 2 + 1  # above half: both quorums reached
    for meeting in (ordinary, extraordinary):
        _attendance(client, meeting, {member: "PRESENT" for member in m[:present]})
        # 9 "pour" of 14 votants: a simple majority, less than two thirds.
        assert _decide(client, meeting, 9, present - 9).status_code == 302

    assert "<strong>adoptée</strong>" in _detail(client, ordinary)
    content = _detail(client, extraordinary)
    assert "Assemblée générale extraordinaire" in content
    assert f"il en faut au moins {-(-voters // 2)} (la moitié)" in content
    assert "<strong>rejetée</strong>" in content
    assert "qualifiée des deux tiers des votants" in content
    Association.objects.filter(project=project).update(extraordinary_majority="SIMPLE")
    assert "<strong>adoptée</strong>" in _detail(client, extraordinary)

    # Eight present: a quarter of the members, not half of them.
    for meeting in (ordinary, extraordinary):
        meeting.refresh_from_db()
        _attendance(client, meeting, {member: "PRESENT" for member in m[:8]})
    assert "Quorum atteint : 8 membre(s)" in _detail(client, ordinary)
    assert "Quorum non atteint : 8 membre(s)" in _detail(client, extraordinary)


def test_association_page_sets_the_extraordinary_rules(pic):
    project, client, _ = pic
    association = Association.objects.get(project=project)
    data = {
        "name": association.name,
        "rna": association.rna,
        "declaration_date": "2024-09-16",
        "seat": association.seat,
        "purpose": association.purpose,
        "max_proxies": 2,
        "quorum_numerator": 1,
        "quorum_denominator": 4,
        "majority": "ABSOLUTE",
        "extraordinary_quorum_numerator": 3,
        "extraordinary_quorum_denominator": 2,
        "extraordinary_majority": "TWO_THIRDS",
        "version": association.version,
    }
    url = reverse("governance:association-edit", args=[PIC])

    response = client.post(url, data)
    assert response.status_code == 422
    assert "Le quorum ne peut pas dépasser la totalité des membres." in response.content.decode()

    data["extraordinary_quorum_numerator"] = 2
    data["extraordinary_quorum_denominator"] = 3
    assert client.post(url, data).status_code == 302
    association.refresh_from_db()
    assert (association.majority, association.extraordinary_quorum_numerator) == ("ABSOLUTE", 2)


def test_a_new_bureau_starts_with_the_example_statutes_offices(demo, login):
    """Annexe 3: "le Bureau comprend à minima les postes suivants : - Un Président ; - Deux
    Vice-Présidents ; - Un Secrétaire Général ; - Un Trésorier ; - Un Trésorier-adjoint.\" """
    client = login(demo["users"]["nadia.mercier"])
    response = client.post(
        reverse("governance:association-edit", args=["lodevois-larzac"]),
        {
            "name": "Association CPTS Lodévois et Larzac",
            "rna": "W341002233",
            "max_proxies": 2,
            "quorum_numerator": 1,
            "quorum_denominator": 4,
        },
    )
    assert response.status_code == 302
    rules = CompositionRules.objects.get(body__project__slug="lodevois-larzac", body__kind="BUREAU")
    assert sorted(rules.required_offices) == sorted(
        [
            "PRESIDENT",
            "VICE_PRESIDENT",
            "VICE_PRESIDENT",
            "SECRETAIRE_GENERAL",
            "TRESORIER",
            "TRESORIER_ADJOINT",
        ]
    )
    page = client.get(reverse("governance:instance-detail", args=["lodevois-larzac", "bureau"]))
    content = page.content.decode()
    assert (
        "Fonctions obligatoires : président, 2 × vice-président, secrétaire général, trésorier, "
        "trésorier adjoint"
    ) in content
    assert "Fonction(s) non pourvue(s) : président, 2 × vice-président" in content
