"""Issue 19, item 2: a document is a function of its content. The projet de santé (with its
diagnostic charts) gives the same HTML and the same PDF in two processes, and asking it twice
without a change renders it once."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from cpts_portal.lib import pdf
from diagnostics import charts
from diagnostics.models import DiagnosticFigure
from lifecycle import documents
from projects.models import Document

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SLUG = "pic-saint-loup"  # its diagnostic has comparison and age charts


def _database_url() -> str:
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.mark.postgres
def test_the_projet_de_sante_is_the_same_file_from_two_processes(demo, tmp_path, settings):
    # The demo data is committed in the test database: each process reads it on its own.
    # Its uploaded files (the statuts merged as an annex) are in this test run's media folder.
    env = dict(
        os.environ,
        DATABASE_URL=_database_url(),
        DJANGO_DEBUG="false",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
    )
    outputs = []
    for run in ("a", "b"):
        pdf_path, html_path = tmp_path / f"{run}.pdf", tmp_path / f"{run}.html"
        done = subprocess.run(
            [sys.executable, "manage.py", "export_projet_de_sante", SLUG, str(pdf_path)]
            + ["--html", str(html_path)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr.decode()[-3000:]
        outputs.append((html_path.read_bytes(), pdf_path.read_bytes()))

    (html_a, pdf_a), (html_b, pdf_b) = outputs
    assert re.search(rb'id="chart-title-[0-9a-f]{12}"', html_a), "the charts are in the document"
    assert html_a == html_b
    assert pdf_a == pdf_b
    # And in this process (its own static files settings), two renders with other charts
    # drawn in between are the same.
    project = demo["projects"][SLUG]
    first = documents.render_html(project, Document.Kind.PROJET_DE_SANTE)
    charts.age_chart(list(DiagnosticFigure.objects.filter(section__project=project)))
    assert documents.render_html(project, Document.Kind.PROJET_DE_SANTE) == first


def test_two_charts_of_one_page_have_different_ids_and_a_chart_keeps_its_own():
    first = charts.chart_id("Population par tranche d'âge", "0-14 ans : 18 %")
    assert first == charts.chart_id("Population par tranche d'âge", "0-14 ans : 18 %")
    assert first != charts.chart_id("Population par tranche d'âge", "0-14 ans : 19 %")


def test_the_projet_de_sante_asked_twice_without_a_change_is_rendered_once(
    demo, login, monkeypatch, django_capture_on_commit_callbacks
):
    renders = []

    def counting_render(html, **kwargs):  # kwargs: the merged annexes (inserts)
        renders.append(html)
        return b"%PDF-1.7\n%test\n", 1

    monkeypatch.setattr(pdf, "render", counting_render)
    client = login(demo["users"]["claire.martin"])
    url = reverse("lifecycle:document-create", args=[SLUG])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"kind": Document.Kind.PROJET_DE_SANTE})
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, {"kind": Document.Kind.PROJET_DE_SANTE}, follow=True)

    assert len(renders) == 1
    assert "chart-title-" in renders[0]
    assert Document.objects.filter(project__slug=SLUG, kind="PROJET_DE_SANTE").count() == 1
    assert "les données n&#x27;ont pas changé" in again.content.decode().lower()
