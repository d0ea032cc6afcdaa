"""The header of the ARS's avis grid, filled from the project (issue 17, item 4).

Guide, Annexe 9: "Le territoire : • NOMBRE DE COMMUNES : • NOMBRE D'HABITANTS : • NOMBRE DE
PROFESSIONNELS ENGAGES DANS LA CPTS : • NOMBRE D'ENGAGEMENTS A VENIR : Description des besoins
identifiés :". The 3-level judgement scale is the portal's own choice, said on the grid and on
/aide/.
"""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from diagnostics.models import Need
from diagnostics.territory import territory_summary
from governance.models import Member
from lifecycle.documents import render_html
from projects.models import Document
from tests.governance.factories import make_member

pytestmark = pytest.mark.django_db

UZEGE = "uzege-pont-du-gard"


def _plain(content: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", content)))


def _expected(project):
    deposit = project.current_deposit()
    on = getattr(deposit, "received_date", None) or dt.date.today()
    summary = territory_summary(project)
    members = Member.objects.filter(project=project)
    return {
        "communes": summary.commune_count,
        "population": summary.population,
        "professionals": members.current(on).filter(kind="PERSON").count(),
        "on": on,
    }


def _number(value: int) -> str:
    return f"{value:,}".replace(",", " ")  # _plain made the narrow no-break space a space


def test_review_page_and_pdf_show_the_annex_9_header(demo, login):
    project = demo["projects"][UZEGE]
    expected = _expected(project)
    # Two professionals whose membership starts after the reception: engagements to come.
    later = expected["on"] + dt.timedelta(days=30)
    make_member(project, last_name="Futur", adhesion_date=later)
    make_member(project, last_name="Prochain", adhesion_date=later)
    needs = list(Need.objects.active().filter(project=project))
    assert needs

    page = login(demo["users"]["camille.dupuis"]).get(
        reverse("lifecycle:review-detail", args=[UZEGE])
    )
    assert page.status_code == 200
    pdf_html = render_html(project, Document.Kind.AVIS_GRID)

    for content in (page.content.decode(), pdf_html):
        text = _plain(content)
        assert f"Nombre de communes {_number(expected['communes'])}" in text
        assert f"Nombre d'habitants {_number(expected['population'])}" in text
        assert f"Nombre de professionnels engagés dans la CPTS {expected['professionals']}" in text
        assert "Nombre d'engagements à venir 2" in text
        assert "Description des besoins identifiés" in text
        for need in needs:
            assert f"{need.code} — {html.unescape(need.label)}" in text
        assert (
            "Échelle d'appréciation (choisie par le portail, le guide n'en fixe pas) : "
            "« satisfaisant », « à améliorer », « insuffisant »."
        ) in text


def test_help_page_declares_the_portal_choices(client):
    text = _plain(client.get(reverse("help")).content.decode())

    assert "échelle à trois niveaux" in text
    assert "un quart des membres votants présents ou représentés ( choisi par le portail )" in (
        text
    )
    assert "quorum de la moitié des membres votants et majorité des deux tiers" in text
    assert "deux Vice-Présidents ; un Secrétaire Général ; un Trésorier ; un Trésorier-adjoint" in (
        text
    )
    assert "exigée pour le dépôt" in text
