import pytest

from governance.composition import composition_check
from governance.models import Mandate, Member
from tests.governance.factories import bureau_of, end_mandates, give_mandate, make_member

pytestmark = pytest.mark.django_db


def _check(project):
    bureau = bureau_of(project)
    mandates = list(Mandate.objects.current().filter(body=bureau).select_related("member"))
    return {r.label: r for r in composition_check(bureau.rules, mandates)}


def test_demo_bureau_meets_the_guide_rules(demo):
    results = _check(demo["projects"]["pic-saint-loup"])

    assert len(results) == 6
    assert all(r.ok for r in results.values()), [r.reason for r in results.values()]
    assert results["Entre 6 et 9 membres"].reason == "L'instance compte 7 membres."
    assert "3 médecins sur 7 membres" in results["Au moins un tiers de médecins"].reason


def test_too_few_members_and_doctors_are_explained_with_the_numbers(demo):
    project = demo["projects"]["pic-saint-loup"]
    end_mandates(project, "Pagès", "Delmas")

    results = _check(project)

    size = results["Entre 6 et 9 membres"]
    assert not size.ok
    assert size.reason == "L'instance compte 5 membres : il en faut au moins 6."
    doctors = results["Au moins un tiers de médecins"]
    assert not doctors.ok
    assert doctors.reason == (
        "1 médecin sur 5 membres, soit moins d'un tiers : il en faut au moins 2."
    )
    offices = results[
        "Fonctions obligatoires : président, 2 × vice-président, secrétaire général, trésorier, "
        "trésorier adjoint"
    ]
    assert not offices.ok and offices.reason == "Fonction(s) non pourvue(s) : trésorier."


def test_no_doctor_among_president_and_vice_presidents(demo):
    project = demo["projects"]["pic-saint-loup"]
    end_mandates(project, "Roux")
    give_mandate(
        project, Member.objects.get(project=project, last_name="Vergnes"), office="PRESIDENT"
    )

    rule = _check(project)["Un médecin parmi le président et les vice-présidents"]

    assert not rule.ok
    assert rule.reason.startswith("Aucun médecin parmi ")
    assert "Mathieu Vergnes (président, infirmier)" in rule.reason


def test_a_partner_member_may_not_sit_on_the_bureau(demo):
    project = demo["projects"]["pic-saint-loup"]
    ehpad = Member.objects.get(project=project, structure_name="EHPAD Les Jardins du Pic")
    give_mandate(project, ehpad)

    rule = _check(project)["Uniquement des membres actifs"]

    assert not rule.ok
    assert "EHPAD Les Jardins du Pic" in rule.reason


def test_too_many_members_and_too_few_professions(demo):
    project = demo["projects"]["lodevois-larzac"]
    from governance import services

    services.association_save(project=project, by=None, fields={"name": "CPTS Lodévois"})
    for index in range(10):
        give_mandate(project, make_member(project, last_name=f"Infirmier{index}"))

    results = _check(project)

    assert results["Entre 6 et 9 membres"].reason == (
        "L'instance compte 10 membres : il en faut au plus 9."
    )
    professions = results["Au moins 3 professions de santé différentes"]
    assert not professions.ok
    assert professions.reason == ("1 profession représentée (infirmier) : il en faut au moins 3.")


def test_an_instance_without_rules_has_nothing_to_check():
    assert composition_check(None, []) == []
