"""The ACI contract, prepared by the portal once the projet de santé is validated and signed
in the portal by the CPTS, the CPAM and the DD ARS.

Demo: the Uzège – Pont du Gard (Gard) is under review; Thomas Lefèvre coordinates it, Camille
Dupuis reviews it for the DD ARS of the Gard, Laurent Bonnet decides. The demo has no CPAM of
the Gard: the tests extend the CPAM de l'Hérault (Marie Chevalier) to the Gard.
"""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from accounts.models import Organisation
from funding.models import Budget
from geo.models import Departement
from lifecycle import documents
from lifecycle import transitions as lifecycle
from lifecycle.models import ContractSigning, ContractYearBasis
from lifecycle.notifications import recipients
from projects.models import Contract, Document, Project, ProjectEvent

pytestmark = pytest.mark.django_db

UZEGE = "uzege-pont-du-gard"
SIGNERS = {"CPTS": "thomas.lefevre", "CPAM": "marie.chevalier", "ARS": "camille.dupuis"}


def _text(response) -> str:
    return response.content.decode().replace("\u202f", " ").replace("\u00a0", " ")


@pytest.fixture
def gard_cpam(demo):
    Organisation.objects.get(name="CPAM de l'Hérault").departements.add(
        Departement.objects.get(code="30")
    )


def _validate(demo):
    lifecycle.apply(
        project=demo["projects"][UZEGE],
        action="validate",
        by=demo["users"]["laurent.bonnet"],
        confirm_missing_avis=True,
    )


def _sign(login, demo, party, withdraw=False):
    client = login(demo["users"][SIGNERS[party]])
    data = {"party": party, **({"withdraw": "1"} if withdraw else {})}
    return client.post(reverse("lifecycle:contract-sign", args=[UZEGE]), data, follow=True)


def test_nobody_signs_before_the_validation(demo, login, gard_cpam):
    response = _sign(login, demo, "CPTS")

    assert "une fois le projet de santé validé" in _text(response)
    assert not ContractSigning.objects.filter(project__slug=UZEGE, cpts_signed_at__isnull=False)
    page = login(demo["users"]["thomas.lefevre"]).get(reverse("lifecycle:contract", args=[UZEGE]))
    assert page.status_code == 404


def test_the_typed_four_dates_no_longer_record_a_contract(demo, login, gard_cpam):
    _validate(demo)
    client = login(demo["users"]["thomas.lefevre"])

    response = client.post(
        reverse("lifecycle:project-transition", args=[UZEGE]),
        {
            "action": "sign_contract",
            "signature_date": "2026-12-15",
            "cpts_signed_date": "2026-12-01",
            "cpam_signed_date": "2026-12-08",
            "ars_signed_date": "2026-12-15",
        },
        follow=True,
    )

    assert "se signe sur sa page" in _text(response).replace("&#x27;", "'")
    assert not Contract.objects.filter(project__slug=UZEGE).exists()


def test_the_three_parties_sign_and_the_third_signature_records_and_locks_the_contract(
    demo, login, gard_cpam
):
    _validate(demo)
    page = login(demo["users"]["camille.dupuis"]).get(reverse("lifecycle:contract", args=[UZEGE]))
    assert page.status_code == 200
    text = _text(page)
    assert "Article 1 — Les parties" in text and "CPAM de l'Hérault" in text.replace("&#x27;", "'")
    assert "délégation départementale du Gard" in text

    _sign(login, demo, "CPTS")
    _sign(login, demo, "CPTS", withdraw=True)  # withdrawn before the third signature
    assert ContractSigning.objects.get(project__slug=UZEGE).cpts_signed_at is None
    _sign(login, demo, "CPTS")
    _sign(login, demo, "CPAM")
    assert Project.objects.get(slug=UZEGE).state == "VALIDATED"
    last = _sign(login, demo, "ARS")

    assert "Contrat signé par les trois parties" in _text(last)
    project = Project.objects.get(slug=UZEGE)
    assert project.state == "CONTRACTED"
    contract = Contract.objects.get(project=project)
    today = timezone.localdate()
    assert contract.signature_date == today == contract.ars_signed_date
    assert contract.cpts_signed_date == today and contract.cpam_signed_date == today
    # Locked after the third signature: nothing is withdrawn.
    refused = _sign(login, demo, "CPAM", withdraw=True)
    assert "le contrat est clos" in _text(refused)
    assert ContractSigning.objects.get(project=project).is_signed
    # Each party was told of each signature.
    event = ProjectEvent.objects.filter(project=project, action="contract_sign").latest("pk")
    told = {address.split("@")[0] for address in recipients(event)}
    assert {"thomas.lefevre", "marie.chevalier", "camille.dupuis"} <= told


def test_a_party_signs_only_for_itself(demo, login, gard_cpam):
    _validate(demo)
    client = login(demo["users"]["marie.chevalier"])

    response = client.post(reverse("lifecycle:contract-sign", args=[UZEGE]), {"party": "ARS"})

    assert response.status_code == 403


def test_the_parties_agree_a_later_start_before_signing(demo, login, gard_cpam):
    _validate(demo)
    client = login(demo["users"]["thomas.lefevre"])
    url = reverse("lifecycle:contract-start", args=[UZEGE])
    later = timezone.localdate() + dt.timedelta(days=45)

    past = client.post(url, {"agreed_start": "2020-01-01"})
    assert past.status_code == 422 and "postérieure à aujourd" in _text(past)
    assert client.post(url, {"agreed_start": later.isoformat()}).status_code == 302
    for party in SIGNERS:
        _sign(login, demo, party)

    contract = Contract.objects.get(project__slug=UZEGE)
    assert contract.signature_date == later
    assert contract.end_date == later.replace(year=later.year + 5) - dt.timedelta(days=1)


def test_the_start_no_longer_changes_once_a_party_signed(demo, login, gard_cpam):
    _validate(demo)
    _sign(login, demo, "CPAM")
    client = login(demo["users"]["thomas.lefevre"])

    response = client.post(
        reverse("lifecycle:contract-start", args=[UZEGE]),
        {"agreed_start": (timezone.localdate() + dt.timedelta(days=10)).isoformat()},
    )

    assert response.status_code == 422
    assert ContractSigning.objects.get(project__slug=UZEGE).agreed_start is None


def test_the_contract_document_says_the_figures_and_keeps_them(demo, login):
    """The Bassin de Thau's contract, signed: its page and its PDF print the figures kept at
    the start, whatever is edited in the budget afterwards."""
    project = demo["projects"]["bassin-de-thau"]
    client = login(demo["users"]["marie.chevalier"])
    html = documents.render_html(project, Document.Kind.ACI_CONTRACT)

    page = strip_tags(_text(client.get(reverse("lifecycle:contract", args=["bassin-de-thau"]))))
    printed = strip_tags(html).replace("\u202f", " ").replace("\u00a0", " ")

    for text in (
        "126 000 habitants",
        "strate de taille 3",
        "du 02/09/2024 au 01/09/2029",
        "Patients en ALD sans médecin traitant ayant trouvé un médecin",
        "Calendrier des versements",
    ):
        assert text in page
        assert text in printed
    assert ContractYearBasis.objects.get(project=project, year=1).population == 126_000
    budget = Budget.objects.get(project=project)
    budget.population = 60_000  # a later edit of the budget
    budget.save()
    assert documents.render_html(project, Document.Kind.ACI_CONTRACT) == html


def test_the_contract_pdf_is_rendered(demo, login, settings):
    client = login(demo["users"]["marc.olivier"])

    response = client.post(reverse("lifecycle:contract-pdf", args=["bassin-de-thau"]))

    assert response.status_code == 302
    document = Document.objects.get(project__slug="bassin-de-thau", kind="ACI_CONTRACT")
    assert document.filename == "contrat-aci-bassin-de-thau.pdf"
    # The CPAM reads the document the CPTS asked for.
    reader = login(demo["users"]["marie.chevalier"])
    assert reader.get(response["Location"]).status_code == 200


def test_a_contract_signed_on_29_february_ends_on_27_february(demo, login, gard_cpam):
    _validate(demo)
    with time_machine.travel(dt.datetime(2028, 2, 29, 10, tzinfo=dt.UTC), tick=False):
        for party in SIGNERS:
            _sign(login, demo, party)

    contract = Contract.objects.get(project__slug=UZEGE)
    assert contract.signature_date == dt.date(2028, 2, 29)
    assert contract.end_date == dt.date(2033, 2, 27)
