"""The project's ACI funding simulation as a document: asked from the project's simulator page
(or the documents page), rendered by the Celery task, read back with pypdf."""

import io
import re
from urllib.parse import urlencode

import pypdf
import pytest
from django.urls import reverse

from cpts_portal.lib.numbers import euros, format_number
from funding.budget import budget_population
from funding.models import Budget
from funding.simulation import simulate_params
from projects.models import Document

pytestmark = pytest.mark.django_db

PIC = "pic-saint-loup"
CREATE = reverse("lifecycle:document-create", args=[PIC])
# The guide's example, with a 40 % attainment on prevention and a contract signed in 2025.
QUERY = urlencode(
    {
        "population": "52000",
        "missions": ["acces_soins", "parcours", "prevention"],
        "snp_orientation": "on",
        "taux_prevention": "40",
        "signature_date": "2025-01-31",
    },
    doseq=True,
)


def _text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"[ \u202f\u00a0]+", " ", text)


def _plain(value: str) -> str:
    return re.sub(r"[ \u202f\u00a0]+", " ", value)


def _download(client, document) -> bytes:
    response = client.get(reverse("lifecycle:document-download", args=[PIC, document.pk]))
    content = b"".join(response.streaming_content)
    response.close()
    return content


def test_the_project_simulator_offers_the_pdf_through_the_documents(demo, login):
    client = login(demo["users"]["claire.martin"])

    page = client.get(reverse("funding:project-simulator", args=[PIC]))

    content = page.content.decode()
    assert f'action="{CREATE}"' in content
    assert 'name="kind" value="FUNDING_SIMULATION"' in content
    assert "Télécharger le PDF" in content
    assert reverse("funding:simulator-pdf") not in content


def test_reviewers_keep_the_simulator_pdf_and_may_not_ask_for_the_document(demo, login):
    client = login(demo["users"]["isabelle.moreau"])

    page = client.get(reverse("funding:project-simulator", args=[PIC])).content.decode()
    documents = client.get(reverse("lifecycle:document-list", args=[PIC])).content.decode()
    refused = client.post(CREATE, {"kind": "FUNDING_SIMULATION", "simulation": QUERY})

    assert "Télécharger le PDF" not in page and reverse("funding:simulator-pdf") in page
    assert 'value="FUNDING_SIMULATION"' not in documents
    assert refused.status_code == 403
    assert not Document.objects.filter(kind="FUNDING_SIMULATION").exists()


def test_the_simulation_shown_is_rendered_with_its_payment_schedule(
    demo, login, django_capture_on_commit_callbacks
):
    client = login(demo["users"]["claire.martin"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CREATE, {"kind": "FUNDING_SIMULATION", "simulation": QUERY}, follow=True
        )

    document = Document.objects.get(kind="FUNDING_SIMULATION")
    assert response.status_code == 200 and document.status == "DONE", document.error
    assert document.params["attainment"] == {"prevention": "0.4"}
    assert document.params["signature_date"] == "2025-01-31"
    simulation = simulate_params(document.params)
    content = _download(client, document)  # last: closing the response closes the connection
    metadata = pypdf.PdfReader(io.BytesIO(content)).metadata
    assert metadata.title == "Simulation du financement ACI — CPTS du Pic Saint-Loup"
    text = _text(content)
    assert "Échéancier des versements (contrat signé le 31/01/2025)" in text
    assert simulation.funding.total == 243_000
    assert len(simulation.payments) == 10
    for payment in simulation.payments:
        assert f"{payment.date:%d/%m/%Y}" in text
        assert _plain(euros(payment.amount)) in text
    assert f"Total des versements {_plain(euros(simulation.payments_total))}" in text


def test_the_documents_page_asks_for_the_simulation_of_the_budget(
    demo, login, django_capture_on_commit_callbacks
):
    client = login(demo["users"]["karim.benali"])
    listed = client.get(reverse("lifecycle:document-list", args=[PIC])).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(CREATE, {"kind": "FUNDING_SIMULATION"})
    again = client.post(CREATE, {"kind": "FUNDING_SIMULATION"}, follow=True)

    assert 'value="FUNDING_SIMULATION"' in listed
    document = Document.objects.get(kind="FUNDING_SIMULATION")
    assert document.status == "DONE" and document.params == {}
    assert "les données n&#x27;ont pas changé" in again.content.decode().lower()
    population, _ = budget_population(Budget.objects.get(project__slug=PIC))
    text = _text(_download(client, document))
    assert f"population {_plain(format_number(population))} habitants" in text
    assert "CPTS de taille 2" in text and "Financement annuel : 252 000 €" in text


@pytest.mark.parametrize(
    ("simulation", "message"),
    [
        ("population=-3", "Les paramètres de la simulation ne sont pas valides"),
        ("population=52000&missions=crise&bareme=ACI-2019", "ne finance pas la mission"),
    ],
)
def test_a_simulation_that_makes_no_sense_is_refused_in_french(demo, login, simulation, message):
    client = login(demo["users"]["claire.martin"])

    response = client.post(
        CREATE, {"kind": "FUNDING_SIMULATION", "simulation": simulation}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("funding:project-simulator", args=[PIC])
    assert message in response.content.decode()
    assert not Document.objects.filter(kind="FUNDING_SIMULATION").exists()


def test_the_simulator_pdf_without_a_project_uses_the_same_template(demo, login):
    client = login(demo["users"]["isabelle.moreau"])

    response = client.get(f"{reverse('funding:simulator-pdf')}?{QUERY}")

    metadata = pypdf.PdfReader(io.BytesIO(response.content)).metadata
    assert metadata.title == "Simulation du financement ACI"
    text = _text(response.content)
    assert "Échéancier des versements (contrat signé le 31/01/2025)" in text
    assert "Total des versements 1 215 000 €" in text


def test_the_simulation_pdf_uses_the_fonts_shipped_with_the_portal(demo, login):
    from tests.lifecycle.test_projet_de_sante_pdf import _font_names

    client = login(demo["users"]["isabelle.moreau"])

    response = client.get(f"{reverse('funding:simulator-pdf')}?{QUERY}")

    assert _font_names(pypdf.PdfReader(io.BytesIO(response.content))) <= {
        "Portal-Sans",
        "Portal-Sans-Bold",
    }
