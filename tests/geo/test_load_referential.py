"""The referential loader: `manage.py load_referential` and geo.services.

tests/conftest.py may already have loaded some départements into the test database, so
these tests compare the database before and after a load rather than assume it empty.
"""

import gzip
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from geo.models import Commune, Departement, Epci, Region
from geo.population import overlapping_levels, total_population
from geo.services import REFERENTIAL_PATH, referential_is_loaded, referential_load

MARSEILLE = "13055"
MONTPELLIER = "34172"


@pytest.fixture(scope="module")
def referential_data():
    with gzip.open(REFERENTIAL_PATH, "rt", encoding="utf-8") as f:
        return json.load(f)


def file_communes(referential_data, *departements):
    return {row[0]: row for row in referential_data["communes"] if row[3] in departements}


def load(*departements):
    out = StringIO()
    call_command("load_referential", "--departements", *departements, stdout=out)
    return out.getvalue()


def snapshot():
    return {
        "regions": list(Region.objects.order_by("code").values_list()),
        "departements": list(Departement.objects.order_by("code").values_list()),
        "epcis": list(Epci.objects.order_by("code").values_list()),
        "communes": list(Commune.objects.order_by("code").values_list()),
    }


def test_referential_file_fits_the_models(referential_data):
    max_length = {
        (model, name): model._meta.get_field(name).max_length
        for model, names in [
            (Region, ["code", "name"]),
            (Departement, ["code", "name"]),
            (Epci, ["code", "name", "kind"]),
            (Commune, ["code", "name", "postal_codes"]),
        ]
        for name in names
    }

    too_long = [
        (model.__name__, name, row[index])
        for key, model, names in [
            ("regions", Region, ["code", "name"]),
            ("departements", Departement, ["code", "name"]),
            ("epcis", Epci, ["code", "name", "kind"]),
            ("communes", Commune, ["code", "name", None, None, None, None, "postal_codes"]),
        ]
        for row in referential_data[key]
        for index, name in enumerate(names)
        if name and len(row[index]) > max_length[model, name]
    ]

    assert too_long == []
    assert referential_data["source"]["package"] == "@etalab/decoupage-administratif"


@pytest.mark.django_db
def test_load_referential_loads_the_communes_of_the_given_departements(referential_data):
    expected = file_communes(referential_data, "34", "13", "48")
    expected_epcis = {row[4] for row in expected.values() if row[4]}
    communes_before = set(Commune.objects.values_list("code", flat=True))
    epcis_before = set(Epci.objects.values_list("code", flat=True))

    output = load("34", "13", "48")

    assert Commune.objects.filter(departement="34").count() == len(
        file_communes(referential_data, "34")
    )
    assert Commune.objects.filter(departement="13").count() == len(
        file_communes(referential_data, "13")
    )
    assert Commune.objects.filter(departement="48").count() == len(
        file_communes(referential_data, "48")
    )
    assert set(Commune.objects.values_list("code", flat=True)) == communes_before | set(expected)
    assert set(Epci.objects.values_list("code", flat=True)) == epcis_before | expected_epcis
    assert Region.objects.count() == len(referential_data["regions"])
    assert Departement.objects.count() == len(referential_data["departements"])
    assert output.startswith(f"Loaded {sum(r[2] == 'COMMUNE' for r in expected.values())} ")


@pytest.mark.django_db
def test_load_referential_loads_known_communes_and_arrondissements():
    load("34", "13")

    montpellier = Commune.objects.select_related("departement__region").get(code=MONTPELLIER)
    marseille = Commune.objects.get(code=MARSEILLE)
    arrondissements = Commune.objects.filter(parent=marseille)

    assert montpellier.name == "Montpellier"
    assert "34000" in montpellier.postal_code_list
    assert montpellier.kind == Commune.Kind.COMMUNE
    assert montpellier.parent is None
    assert montpellier.departement.region.name == "Occitanie"
    assert montpellier.epci is not None
    assert marseille.kind == Commune.Kind.COMMUNE
    assert sorted(arrondissements.values_list("code", flat=True)) == [
        str(code) for code in range(13201, 13217)
    ]
    assert set(arrondissements.values_list("kind", flat=True)) == {Commune.Kind.ARRONDISSEMENT}
    assert set(arrondissements.values_list("epci", flat=True)) == {marseille.epci_id}
    assert set(arrondissements.values_list("departement", flat=True)) == {"13"}


@pytest.mark.django_db
def test_load_referential_is_idempotent(referential_data):
    population = file_communes(referential_data, "34")[MONTPELLIER][7]
    load("34", "13")
    first = snapshot()
    Commune.objects.filter(code=MONTPELLIER).update(population=1, postal_codes="")

    output = load("34", "13")

    assert snapshot() == first
    assert Commune.objects.get(code=MONTPELLIER).population == population
    assert "communes: 0 created, 1 updated" in output
    assert "arrondissements: 0 created, 0 updated, 16 unchanged" in output


@pytest.mark.django_db
def test_load_referential_updates_rows_changed_in_the_file(referential_data, tmp_path):
    load("34")
    changed = dict(referential_data)
    changed["communes"] = [
        [row[0], "Montpellier-Renamed", *row[2:]] if row[0] == MONTPELLIER else row
        for row in referential_data["communes"]
    ]
    path = tmp_path / "referential.json.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        json.dump(changed, f)
    count = Commune.objects.count()

    result = referential_load(path=path, departements=["34"])

    assert Commune.objects.get(code=MONTPELLIER).name == "Montpellier-Renamed"
    assert Commune.objects.count() == count
    assert result["communes"]["updated"] == 1
    assert result["communes"]["created"] == 0


@pytest.mark.django_db
def test_load_referential_rejects_an_unknown_departement():
    before = snapshot()

    with pytest.raises(CommandError, match="unknown departement"):
        load("48", "99")

    assert snapshot() == before


@pytest.mark.django_db
def test_referential_is_loaded_after_a_load():
    # The demo's territories point to communes (protected): start from an empty database.
    from diagnostics.models import TerritoryCommune

    TerritoryCommune.objects.all().delete()
    Commune.objects.filter(kind=Commune.Kind.ARRONDISSEMENT).delete()
    Commune.objects.all().delete()
    assert not referential_is_loaded()

    load("48")

    assert referential_is_loaded()


@pytest.mark.django_db
def test_total_population_counts_marseille_once():
    load("13")
    marseille = Commune.objects.get(code=MARSEILLE)
    first_arrondissement = Commune.objects.get(code="13201")
    aix = Commune.objects.get(code="13001")

    total = total_population([marseille, first_arrondissement, aix])

    assert total == marseille.population + aix.population
    assert total_population([first_arrondissement, aix]) == (
        first_arrondissement.population + aix.population
    )
    assert overlapping_levels([marseille, first_arrondissement, aix]) == [
        (marseille, first_arrondissement)
    ]


@pytest.mark.django_db
def test_commune_search_finds_by_name_code_prefix_and_postal_code():
    load("34", "13")

    by_name = set(Commune.objects.search("montpel").values_list("code", flat=True))
    by_code = Commune.objects.search("3417")
    by_postal_code = set(Commune.objects.search("34000").values_list("code", flat=True))
    arrondissement = set(Commune.objects.search("13001").values_list("code", flat=True))

    assert MONTPELLIER in by_name
    assert MONTPELLIER in {c.code for c in by_code}
    assert all(c.code.startswith("3417") or "3417" in c.postal_codes for c in by_code)
    assert by_postal_code == {MONTPELLIER}
    assert {"13201", MARSEILLE, "13001"} <= arrondissement
    assert not Commune.objects.search("   ").exists()
