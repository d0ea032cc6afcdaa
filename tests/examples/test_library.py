"""The library of examples (issue 18, item 3): an example per mission in the portal's words,
"Partir de cet exemple" makes a versioned fiche; validated CPTS share fiches opt-in, named or
not, searchable by mission, size and keyword."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from examples import services
from examples.catalogue import EXAMPLES
from examples.models import SharedFiche
from missions.models import Fiche, Indicator, Mission, SubAction

pytestmark = pytest.mark.django_db

PIC = "pic-saint-loup"
THAU = "bassin-de-thau"


def _library(client, **params):
    return client.get(reverse("examples:library", args=[PIC]), params)


def test_every_mission_has_an_example_with_baselines_and_targets(db):
    codes = set(Mission.objects.values_list("code", flat=True))

    assert codes <= {e.mission_code for e in EXAMPLES}
    for example in EXAMPLES:
        assert example.objectives and example.sub_actions and example.indicators
        results = [i for i in example.indicators if i.kind == "RESULT"]
        assert results and all(i.baseline is not None and i.target for i in results)


def test_library_lists_the_examples_and_filters_them(demo, login, client):
    login(demo["users"]["claire.martin"])

    everything = _library(client).content.decode()
    mission_3 = _library(client, mission="3").content.decode()
    keyword = _library(client, q="urgences").content.decode()

    assert all(escape(example.title) in everything for example in EXAMPLES)
    assert "Prévenir le surpoids" in mission_3 and "médecin traitant aux" not in mission_3
    assert "Orienter chaque demande de soins non programmés" in keyword
    assert "Prévenir le surpoids" not in keyword


def test_start_from_an_example_makes_a_prefilled_versioned_fiche(demo, login, client):
    login(demo["users"]["claire.martin"])
    project = demo["projects"][PIC]
    example = next(e for e in EXAMPLES if e.key == "medecin-traitant-patients-fragiles")
    page = client.get(reverse("examples:example-detail", args=[PIC, example.key]))
    assert "Partir de cet exemple" in page.content.decode()
    assert "6,5" in page.content.decode()  # French numbers

    response = client.post(reverse("examples:example-start", args=[PIC, example.key]))

    fiche = Fiche.objects.get(project=project, title=example.title)
    assert response.status_code == 302
    assert response.url == reverse("missions:fiche-detail", args=[PIC, fiche.number])
    assert fiche.mission.code == "1a"
    assert fiche.objectives == example.objectives
    assert fiche.version == 1 and fiche.history.count() == 1
    assert fiche.history.first().history_user == demo["users"]["claire.martin"]
    assert list(
        SubAction.objects.filter(fiche=fiche).order_by("position").values_list("what", flat=True)
    ) == list(example.sub_actions)
    indicators = list(Indicator.objects.filter(fiche=fiche).order_by("position"))
    assert [(i.name, i.baseline, i.target) for i in indicators] == [
        (i.name, i.baseline, i.target) for i in example.indicators
    ]
    assert indicators[0].baseline == Decimal("6.5") and indicators[0].history.count() == 1
    # It is a fiche like any other: its page opens and edits.
    assert client.get(response.url).status_code == 200


def _thau_fiche(demo):
    return demo["projects"][THAU].fiches.order_by("number").first()


def test_a_validated_cpts_shares_a_fiche_without_its_people(demo, login, client):
    fiche = _thau_fiche(demo)
    login(demo["users"]["lucie.bernard"])
    assert client.get(reverse("examples:sharing", args=[THAU])).status_code == 200

    response = client.post(reverse("examples:share-fiche", args=[THAU, fiche.number]), {})

    assert response.status_code == 302
    shared = SharedFiche.objects.get(fiche=fiche)
    assert not shared.show_cpts and shared.cpts_name == ""
    login(demo["users"]["claire.martin"])
    listing = _library(client, mission=fiche.mission.code).content.decode()
    assert escape(fiche.title) in listing
    assert "CPTS non nommée" in listing
    detail = client.get(reverse("examples:shared-detail", args=[PIC, shared.pk])).content.decode()
    assert "Bassin de Thau" not in detail
    if fiche.pilot_id:
        assert fiche.pilot.last_name not in detail
    for member in fiche.members.exclude(name=""):
        assert member.name not in detail

    # Named, when the CPTS chooses so.
    login(demo["users"]["lucie.bernard"])
    client.post(reverse("examples:share-fiche", args=[THAU, fiche.number]), {"show_cpts": "1"})
    login(demo["users"]["claire.martin"])
    assert escape(demo["projects"][THAU].organisation.name) in _library(client).content.decode()

    # Another CPTS starts from it.
    started = client.post(reverse("examples:shared-start", args=[PIC, shared.pk]))
    copy = Fiche.objects.get(project=demo["projects"][PIC], title=fiche.title)
    assert started.status_code == 302
    assert copy.pilot_id is None and copy.objectives == fiche.objectives
    assert Indicator.objects.filter(fiche=copy).count() == fiche.indicators.count()

    # Withdrawn: gone from the library.
    login(demo["users"]["lucie.bernard"])
    client.post(reverse("examples:share-fiche", args=[THAU, fiche.number]), {"action": "retirer"})
    assert not SharedFiche.objects.filter(fiche=fiche).exists()


def test_shared_fiches_are_searched_by_size_and_keyword(demo, login, client):
    fiche = _thau_fiche(demo)
    shared = services.share(fiche=fiche, by=demo["users"]["lucie.bernard"], show_cpts=True)
    login(demo["users"]["claire.martin"])
    word = fiche.title.split()[-1]

    same_size = _library(client, taille=str(shared.size_tier or 1)).content.decode()
    other_size = _library(client, taille="4" if shared.size_tier != 4 else "1").content.decode()
    by_word = _library(client, q=word).content.decode()
    no_word = _library(client, q="zzzintrouvable").content.decode()

    if shared.size_tier:
        assert escape(fiche.title) in same_size
    assert escape(fiche.title) not in other_size
    assert escape(fiche.title) in by_word
    assert escape(fiche.title) not in no_word
    assert "Aucune fiche partagée ne correspond" in no_word


def test_a_cpts_whose_project_is_not_validated_cannot_share(demo, login, client):
    fiche = demo["projects"][PIC].fiches.order_by("number").first()
    login(demo["users"]["claire.martin"])

    page = client.get(reverse("examples:sharing", args=[PIC])).content.decode()
    response = client.post(reverse("examples:share-fiche", args=[PIC, fiche.number]), {})

    assert "Le partage s'ouvre quand le projet de santé est validé" in page
    assert response.status_code == 403
    assert not SharedFiche.objects.exists()


def test_library_queries_do_not_grow_with_shared_fiches(
    demo, login, client, django_assert_max_num_queries
):
    login(demo["users"]["claire.martin"])
    fiches = list(demo["projects"][THAU].fiches.order_by("number"))
    services.share(fiche=fiches[0], by=None, show_cpts=True)
    with django_assert_max_num_queries(50) as small:
        _library(client)
    for fiche in fiches[1:]:
        services.share(fiche=fiche, by=None, show_cpts=False)
    assert len(fiches) > 2

    with django_assert_max_num_queries(len(small.captured_queries)):
        _library(client)
