"""The projet de santé calls socle the missions the barème in force makes socle, as the deposit
checks and the missions page do (guide: "les trois missions socles"; the crisis mission is
"une sixième mission susceptible d'être assurée par les CPTS [...] (conditions et détails à
venir)")."""

import re

import pytest

from lifecycle import documents
from missions.models import Fiche
from projects.models import Document

pytestmark = pytest.mark.django_db


def _mission_line(html: str, code: str) -> str:
    found = re.search(rf'id="mission-{code}".*?<p class="muted">(.*?)</p>', html, re.S)
    assert found, f"mission {code} is printed"
    return found.group(1)


def test_under_aci_2019_the_crisis_mission_is_not_printed_as_socle(demo):
    project = demo["projects"]["pic-saint-loup"]
    assert not Fiche.objects.filter(project=project, mission__code="6").exists()

    html = documents.render_html(project, Document.Kind.PROJET_DE_SANTE)

    assert 'id="mission-6"' not in html  # neither required nor written: not in the document
    assert "socle" in _mission_line(html, "2")
