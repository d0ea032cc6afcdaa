import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from governance import services
from governance.models import Association, CompositionRules, Indemnity, Meeting, Member
from tests.governance.factories import bureau_of, give_mandate, make_member

pytestmark = pytest.mark.django_db

PIC = "pic-saint-loup"


def _association_data(association, **overrides):
    data = {
        "name": association.name,
        "rna": association.rna,
        "declaration_date": "2024-09-16",
        "seat": association.seat,
        "purpose": association.purpose,
        "max_proxies": 2,
        "quorum_numerator": 1,
        "quorum_denominator": 4,
        "version": association.version,
    }
    data.update(overrides)
    return data


def test_association_refuses_a_malformed_rna_in_french(demo, login):
    association = Association.objects.get(project__slug=PIC)
    client = login(demo["users"]["claire.martin"])

    response = client.post(
        reverse("governance:association-edit", args=[PIC]),
        _association_data(association, rna="343021587"),
    )

    assert response.status_code == 422
    assert (
        "Le numéro RNA commence par la lettre W suivie de 9 chiffres" in response.content.decode()
    )


def test_a_coordinator_records_the_association_of_a_new_cpts(demo, login):
    client = login(demo["users"]["nadia.mercier"])

    response = client.post(
        reverse("governance:association-edit", args=["lodevois-larzac"]),
        {
            "name": "Association CPTS Lodévois et Larzac",
            "rna": "w341002233",
            "declaration_date": "2026-10-01",
            "seat": "Lodève",
            "max_proxies": 2,
            "quorum_numerator": 1,
            "quorum_denominator": 3,
        },
    )

    assert response.status_code == 302
    association = Association.objects.get(project__slug="lodevois-larzac")
    assert association.rna == "W341002233"
    kinds = set(association.project.governance_instances.values_list("kind", flat=True))
    assert kinds == {"AG", "CA", "BUREAU"}
    rules = CompositionRules.objects.get(body__project=association.project, body__kind="BUREAU")
    assert (rules.min_members, rules.max_members, rules.doctors_denominator) == (6, 9, 3)


def test_a_stale_association_edit_gets_409_and_keeps_the_text(demo, login):
    association = Association.objects.get(project__slug=PIC)
    stale = association.version
    services.association_save(
        project=association.project,
        by=demo["users"]["sophie.garnier"],
        fields={"seat": "Nouveau siège, Les Matelles"},
        version=stale,
    )
    client = login(demo["users"]["claire.martin"])

    response = client.post(
        reverse("governance:association-edit", args=[PIC]),
        _association_data(association, seat="Mon siège à moi", version=stale),
    )

    content = response.content.decode()
    assert response.status_code == 409
    assert "Nouveau siège, Les Matelles" in content and "Mon siège à moi" in content
    assert Association.objects.get(pk=association.pk).seat == "Nouveau siège, Les Matelles"


def test_association_history_lists_the_changes(demo, login):
    association = Association.objects.get(project__slug=PIC)
    services.association_save(
        project=association.project,
        by=demo["users"]["claire.martin"],
        fields={"seat": "Mairie de Saint-Mathieu-de-Tréviers"},
        version=association.version,
    )

    response = login(demo["users"]["isabelle.moreau"]).get(
        reverse("governance:association-history", args=[PIC])
    )

    content = response.content.decode()
    assert "Claire Martin</strong>\n      — modification" in content
    assert "<ins>Mairie</ins>" in content


def test_bureau_page_shows_rules_met_and_a_broken_rule_with_its_reason(demo, login):
    project = demo["projects"][PIC]
    client = login(demo["users"]["julien.roux"])
    url = reverse("governance:bureau", args=[PIC])

    before = client.get(url).content.decode()
    give_mandate(project, make_member(project, last_name="Bertrand", profession="INFIRMIER"))
    give_mandate(project, make_member(project, last_name="Cosse", profession="INFIRMIER"))
    after = client.get(url).content.decode()

    assert "toutes respectées" in before
    assert "toutes respectées" in after and "3 médecins sur 9 membres" in after
    give_mandate(project, make_member(project, last_name="Dalle", profession="INFIRMIER"))
    broken = client.get(url).content.decode()
    assert "2 règles non respectées" in broken
    assert "L&#x27;instance compte 10 membres : il en faut au plus 9." in broken
    assert (
        "3 médecins sur 10 membres, soit moins d&#x27;un tiers : il en faut au moins 4." in broken
    )


def test_rules_edit_is_versioned(demo, login):
    rules = CompositionRules.objects.get(body=bureau_of(demo["projects"][PIC]))
    client = login(demo["users"]["sophie.garnier"])
    url = reverse("governance:rules-edit", args=[PIC, "bureau"])
    data = {
        "min_members": 5,
        "max_members": 12,
        "min_professions": 3,
        "doctors_numerator": 1,
        "doctors_denominator": 3,
        "doctor_in_presidency": "on",
        "active_only": "on",
        "required_offices": ["PRESIDENT", "TRESORIER", "SECRETAIRE"],
        "version": rules.version,
    }

    saved = client.post(url, data)
    conflict = client.post(url, {**data, "max_members": 15})

    assert saved.status_code == 302
    assert conflict.status_code == 409
    rules.refresh_from_db()
    assert (rules.min_members, rules.max_members, rules.version) == (5, 12, rules.version)
    history = client.get(reverse("governance:rules-history", args=[PIC, "bureau"]))
    assert "modification" in history.content.decode()


def test_rules_with_a_minimum_above_the_maximum_are_refused(demo, login):
    rules = CompositionRules.objects.get(body=bureau_of(demo["projects"][PIC]))
    client = login(demo["users"]["claire.martin"])

    response = client.post(
        reverse("governance:rules-edit", args=[PIC, "bureau"]),
        {"min_members": 9, "max_members": 6, "version": rules.version},
    )

    assert response.status_code == 422
    assert "Le maximum est inférieur au minimum." in response.content.decode()


def test_meeting_page_flags_too_many_proxies(demo, login):
    project = demo["projects"][PIC]
    meeting = Meeting.objects.get(project=project, number=3)
    roux = Member.objects.get(project=project, last_name="Roux")
    meeting.attendances.filter(member__last_name__in=["Vidal", "Cros"]).update(
        status="REPRESENTED", proxy_holder=roux
    )

    response = login(demo["users"]["karim.benali"]).get(
        reverse("governance:meeting-detail", args=[PIC, 3])
    )

    content = response.content.decode()
    assert "à vérifier" in content
    assert (
        "Julien Roux détient 3 pouvoirs : les statuts en autorisent au plus 2 ; "
        "il n&#x27;est pas compté." in content
    )


def test_attendance_form_records_presence_and_proxies(demo, login):
    project = demo["projects"][PIC]
    meeting = Meeting.objects.get(project=project, number=4)
    bureau = list(Member.objects.filter(project=project, mandates__body__kind="BUREAU").distinct())
    data = {f"status-{m.pk}": "PRESENT" for m in bureau[:3]}
    data[f"status-{bureau[3].pk}"] = "REPRESENTED"
    data[f"holder-{bureau[3].pk}"] = str(bureau[0].pk)
    data["version"] = meeting.version
    client = login(demo["users"]["claire.martin"])

    response = client.post(reverse("governance:meeting-attendance", args=[PIC, 4]), data)

    assert response.status_code == 302
    assert meeting.attendances.count() == 4
    page = client.get(reverse("governance:meeting-detail", args=[PIC, 4])).content.decode()
    assert "Quorum atteint : 4 membre(s) votant(s) présent(s) ou représenté(s) sur 7" in page


def test_minutes_are_written_in_the_portal_with_history_and_conflicts(demo, login):
    meeting = Meeting.objects.get(project__slug=PIC, number=4)
    client = login(demo["users"]["sophie.garnier"])
    url = reverse("governance:minutes-edit", args=[PIC, 4])

    first = client.post(url, {"minutes": "Le bureau valide le dépôt.", "version": meeting.version})
    stale = client.post(url, {"minutes": "Autre texte", "version": meeting.version})

    assert first.status_code == 302
    assert stale.status_code == 409
    assert "Le bureau valide le dépôt." in stale.content.decode()
    history = client.get(reverse("governance:minutes-history", args=[PIC, 4])).content.decode()
    assert "Sophie Garnier" in history and "Le bureau valide le dépôt." in history


def test_decision_records_its_votes(demo, login):
    client = login(demo["users"]["claire.martin"])

    client.post(
        reverse("governance:decision-create", args=[PIC, 4]),
        {
            "text": "Recruter une coordinatrice.",
            "votes_for": 5,
            "votes_against": 1,
            "abstentions": 1,
        },
    )

    page = client.get(reverse("governance:meeting-detail", args=[PIC, 4])).content.decode()
    assert "Recruter une coordinatrice." in page
    assert "Pour 5, contre 1" in page and "adoptée" in page


def test_reviewers_read_members_without_their_contact_details(demo, login):
    client = login(demo["users"]["isabelle.moreau"])

    members = client.get(reverse("governance:member-list", args=[PIC])).content.decode()
    export = client.get(reverse("governance:member-export", args=[PIC]))

    assert "Julien Roux" in members
    assert "julien.roux@exemple-sante.fr" not in members
    assert "réservées aux membres de la CPTS" in members
    assert export.status_code == 403
    assert "réservées aux membres de la CPTS" in export.content.decode()


def test_cpts_members_see_contact_details_but_only_officers_export_them(demo, login):
    client = login(demo["users"]["karim.benali"])
    members = client.get(reverse("governance:member-list", args=[PIC])).content.decode()
    assert "julien.roux@exemple-sante.fr" in members
    assert "Exporter (CSV)" not in members
    for user in ("karim.benali", "julien.roux"):  # a member, a pilot
        client = login(demo["users"][user])
        for export_format in ("csv", "xlsx"):
            refused = client.get(
                reverse("governance:member-export", args=[PIC]), {"format": export_format}
            )
            assert refused.status_code == 403
            assert "réservé aux coordinateurs et aux membres du bureau" in refused.content.decode()

    client = login(demo["users"]["sophie.garnier"])  # a bureau member
    members = client.get(reverse("governance:member-list", args=[PIC])).content.decode()
    assert "Exporter (CSV)" in members
    csv_export = client.get(reverse("governance:member-export", args=[PIC]), {"format": "csv"})
    xlsx_export = client.get(reverse("governance:member-export", args=[PIC]))

    assert "julien.roux@exemple-sante.fr" in members
    text = csv_export.content.decode("utf-8-sig")
    assert text.startswith("nom;prénom;profession")
    assert (
        "Roux;Julien;médecin généraliste;10003456781;;;;34276;julien.roux@exemple-sante.fr" in text
    )
    assert xlsx_export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert xlsx_export.content[:2] == b"PK"


def test_indemnities_over_the_pass_are_flagged(demo, login):
    project = demo["projects"][PIC]
    roux = Member.objects.get(project=project, last_name="Roux")
    Indemnity.objects.create(
        project=project,
        member=roux,
        amount=Decimal("45660.01"),
        paid_date=dt.date(2026, 9, 30),
        purpose="Coordination",
    )

    response = login(demo["users"]["claire.martin"]).get(
        reverse("governance:indemnity-list", args=[PIC])
    )

    content = response.content.decode()
    assert "Plafond dépassé" in content
    assert "Julien Roux a reçu 48\u202f060,01\u00a0€ en 2026, au-delà du PASS 2026" in content


def test_indemnities_are_refused_to_reviewers_with_the_reason(demo, login):
    response = login(demo["users"]["helene.rousseau"]).get(
        reverse("governance:indemnity-list", args=[PIC])
    )

    assert response.status_code == 403
    assert "les indemnités versées aux membres" in response.content.decode()


def test_pilots_and_members_read_but_do_not_write(demo, login):
    client = login(demo["users"]["julien.roux"])

    page = client.get(reverse("governance:bureau", args=[PIC])).content.decode()
    post = client.post(
        reverse("governance:partnership-list", args=[PIC]), {"partner": "X", "purpose": "Y"}
    )

    assert "Modifier les règles" not in page
    assert post.status_code == 403


# --- Queries do not grow with the data ------------------------------------------------------


def _grow(project, count):
    Member.objects.bulk_create(
        Member(
            project=project,
            number=1000 + index,
            last_name=f"Membre{index}",
            first_name="Test",
            profession="INFIRMIER",
            commune_id="34276",
            adhesion_date=dt.date(2024, 1, 1),
        )
        for index in range(count)
    )
    for member in Member.objects.filter(project=project, number__gte=1000)[: count // 2]:
        give_mandate(project, member)


@pytest.mark.parametrize("name", ["governance:member-list", "governance:bureau"])
def test_pages_make_the_same_number_of_queries_with_10_and_300_members(
    demo, login, django_assert_num_queries, name
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    project = demo["projects"]["lodevois-larzac"]
    services.association_save(project=project, by=None, fields={"name": "CPTS Lodévois"})
    client = login(demo["users"]["nadia.mercier"])
    url = reverse(name, args=["lodevois-larzac"])
    _grow(project, 10)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    Member.objects.filter(project=project).delete()
    _grow(project, 300)

    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)

    assert response.status_code == 200


def test_member_form_validates_rpps_and_commune_in_french(demo, login):
    client = login(demo["users"]["claire.martin"])
    url = reverse("governance:member-create", args=[PIC])
    data = {
        "kind": "PERSON",
        "last_name": "Teulade",
        "first_name": "Inès",
        "profession": "ORTHOPHONISTE",
        "rpps": "1234",
        "commune_code": "99999",
        "category": "ACTIVE",
        "fee_status": "PAID",
    }

    refused = client.post(url, data)
    saved = client.post(url, {**data, "rpps": "10123456789", "commune_code": "34153"})

    content = refused.content.decode()
    assert refused.status_code == 422
    assert "Le numéro RPPS compte exactement 11 chiffres." in content
    assert "Aucune commune n&#x27;a le code INSEE « 99999 »." in content
    assert saved.status_code == 302
    member = Member.objects.get(project__slug=PIC, last_name="Teulade")
    assert member.number == 31 and member.commune.name == "Les Matelles"


def test_a_commission_gets_its_page_and_empty_rules(demo, login):
    client = login(demo["users"]["sophie.garnier"])

    response = client.post(
        reverse("governance:instance-create", args=[PIC]),
        {"kind": "COMMISSION", "name": "Commission soins non programmés", "slug": "commission-snp"},
    )
    page = client.get(reverse("governance:instance-detail", args=[PIC, "commission-snp"]))
    duplicate = client.post(
        reverse("governance:instance-create", args=[PIC]),
        {"kind": "COLLEGE", "name": "Autre", "slug": "commission-snp"},
    )

    assert response.status_code == 302
    assert "Aucune règle de composition n'est fixée" in page.content.decode()
    assert duplicate.status_code == 422


def test_the_general_assembly_has_no_mandates(demo, login):
    response = login(demo["users"]["claire.martin"]).get(
        reverse("governance:mandate-create", args=[PIC, "assemblee-generale"])
    )

    assert response.status_code == 404


def test_partnerships_and_indemnities_are_recorded(demo, login):
    client = login(demo["users"]["claire.martin"])
    roux = Member.objects.get(project__slug=PIC, last_name="Roux")

    partnership = client.post(
        reverse("governance:partnership-list", args=[PIC]),
        {"partner": "Mairie des Matelles", "purpose": "Prévention", "document": ""},
    )
    indemnity = client.post(
        reverse("governance:indemnity-list", args=[PIC]),
        {"member": roux.pk, "amount": "300", "paid_date": "2026-11-02", "purpose": "Réunion"},
    )

    assert partnership.status_code == 302 and indemnity.status_code == 302
    assert (
        "Mairie des Matelles"
        in client.get(reverse("governance:partnership-list", args=[PIC])).content.decode()
    )
    assert Indemnity.objects.filter(member=roux).count() == 3


def test_meeting_agenda_is_edited_with_a_version(demo, login):
    meeting = Meeting.objects.get(project__slug=PIC, number=4)
    client = login(demo["users"]["claire.martin"])
    url = reverse("governance:meeting-edit", args=[PIC, 4])
    data = {
        "body": meeting.body_id,
        "meeting_date": "2026-10-08",
        "title": meeting.title,
        "agenda": "1. Dépôt du projet de santé\n2. Recrutement\n3. Questions diverses",
        "version": meeting.version,
    }

    saved = client.post(url, data)
    stale = client.post(url, {**data, "agenda": "Autre"})

    assert saved.status_code == 302 and stale.status_code == 409
    meeting.refresh_from_db()
    assert meeting.agenda.endswith("3. Questions diverses") and meeting.version == 2
