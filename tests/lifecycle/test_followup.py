"""The yearly follow-up of the ACI contract, through its pages: indicator results, the
dialogue de gestion (rates, variable funding, minutes, sign-off), payments, its PDF report.

Demo (demo/followup.py): the Bassin de Thau signed its contract on 02/09/2024; its
fiche 1 (mission 1a) has a result indicator retained for the variable funding, baseline 0,
target 400, results 240 (year 1) and 352 (year 2); the year-1 dialogue is signed by the three
parties, the year-2 one is prepared (meeting date set) and not signed.
"""

import io
import re
from collections import Counter
from decimal import Decimal

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from missions.models import Fiche, Indicator, IndicatorResult
from projects.models import AnnualDialogue, ContractPayment, Document, ProjectEvent

pytestmark = pytest.mark.django_db

THAU = "bassin-de-thau"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _result_url(year, fiche=1, indicator=1):
    return reverse("missions:result-edit", args=[THAU, fiche, indicator, year])


def _text(response) -> str:
    return response.content.decode().replace("\u202f", " ").replace("\u00a0", " ")


# --- Indicator results ------------------------------------------------------------------------


def test_the_pilot_records_a_result_with_its_evidence_and_everyone_reads_it(demo, login):
    client = login(demo["users"]["lucie.bernard"])

    response = client.post(
        _result_url(3),
        {
            "version": "0",
            "value": "380,5",
            "measured_on": "2027-08-20",
            "comment": "",
            "evidence": SimpleUploadedFile("extraction.pdf", PDF),
        },
    )

    assert response.status_code == 302
    result = IndicatorResult.objects.get(indicator__fiche__project__slug=THAU, year=3)
    assert result.value == Decimal("380.5") and result.version == 1
    assert result.history.count() == 1 and result.history.first().history_user.email.startswith(
        "lucie.bernard"
    )
    reader = login(demo["users"]["isabelle.moreau"])  # the DD ARS of the Hérault
    page = _text(reader.get(reverse("missions:fiche-results", args=[THAU, 1])))
    assert "380,5" in page and "atteinte 95 %" in page  # (380.5 - 0) / 400
    assert "atteinte 88 %" in page  # year 2: 352 / 400
    download = reader.get(reverse("missions:result-evidence", args=[THAU, 1, 1, 3]))
    assert b"".join(download.streaming_content) == PDF
    assert 'filename="extraction.pdf"' in download["Content-Disposition"]


def test_a_result_needs_a_source_and_a_real_document(demo, login):
    client = login(demo["users"]["lucie.bernard"])

    response = client.post(
        _result_url(3),
        {
            "version": "0",
            "value": "beaucoup",
            "measured_on": "2027-08-20",
            "comment": "",
            "evidence": SimpleUploadedFile("preuve.pdf", b"<html>pas un PDF</html>"),
        },
    )

    assert response.status_code == 422
    form = response.context["form"]
    assert "Saisissez un nombre." in form.errors["value"]
    assert "n'est pas un document" in form.errors["evidence"][0]
    assert not IndicatorResult.objects.filter(year=3, indicator__fiche__project__slug=THAU)


def test_a_result_saved_meanwhile_is_shown_and_the_typed_value_kept(demo, login):
    client = login(demo["users"]["lucie.bernard"])
    result = IndicatorResult.objects.get(
        indicator__fiche__project__slug=THAU, indicator__fiche__number=1, year=2
    )
    data = {"version": str(result.version), "value": "360", "measured_on": "2026-08-13"}
    client.post(_result_url(2), {**data, "comment": "Recompté par la CPAM"})

    response = client.post(_result_url(2), {**data, "value": "999", "comment": "Ma version"})

    assert response.status_code == 409
    assert "Modification refusée" in response.content.decode()
    assert response.context["form"]["value"].value() == "999"  # nothing typed is lost
    result.refresh_from_db()
    assert result.value == Decimal("360") and result.comment == "Recompté par la CPAM"


def test_a_first_result_recorded_twice_at_once_is_a_conflict(demo, login):
    client = login(demo["users"]["lucie.bernard"])
    data = {"version": "0", "value": "390", "measured_on": "2027-08-01", "comment": "Premier"}
    assert client.post(_result_url(3), data).status_code == 302

    response = client.post(_result_url(3), {**data, "value": "10", "comment": "Second"})

    assert response.status_code == 409
    assert IndicatorResult.objects.get(year=3, indicator__fiche__project__slug=THAU).value == 390


# --- The dialogue de gestion --------------------------------------------------------------------


def _dialogue_url(year=2, name="lifecycle:dialogue"):
    return reverse(name, args=[THAU, year])


def test_the_dialogue_shows_the_measured_rates_and_the_variable_funding_due(demo, login):
    client = login(demo["users"]["marie.chevalier"])  # the CPAM of the Hérault

    response = client.get(_dialogue_url(2))

    missions = {m["code"]: m for m in response.context["year"].missions}
    # Access to care: the mean of its retained indicators, equal weights (guide: "Indicateur(s)
    # de résultats retenu(s)"): 1a 352 / 400 = 0.88 and 1b (120 - 20) / (120 - 20) = 1.
    assert missions["acces_soins"]["measured"] == Decimal("0.94")
    assert missions["parcours"]["measured"] == Decimal("0.78")  # 117 / 150
    assert missions["prevention"]["measured"] == Decimal("0.7")  # (35 - 28) / (38 - 28)
    # Nothing agreed yet: the measured rate gives the estimate of the variable part.
    access = missions["acces_soins"]
    assert access["agreed"] is None
    assert access["variable_due"] == (access["variable_base"] * Decimal("0.94")).quantize(
        Decimal("0.01")
    )
    assert response.context["form"]["rate_acces_soins"].value() == "94"


def test_the_parties_prepare_then_sign_and_the_signed_dialogue_is_locked(demo, login):
    users = demo["users"]
    dialogue = AnnualDialogue.objects.get(project__slug=THAU, year=2)
    client = login(users["lucie.bernard"])
    response = client.post(
        _dialogue_url(2),
        {
            "version": str(dialogue.version),
            "meeting_date": "2026-12-08",
            "minutes": "Objectifs atteints en prévention.",
            "rate_acces_soins": "90",
            "rate_parcours": "75,5",
            "rate_prevention": "",
        },
    )
    assert response.status_code == 302
    dialogue.refresh_from_db()
    assert dialogue.attainment == {"acces_soins": "90", "parcours": "75.5"}
    page = client.get(_dialogue_url(2))
    missions = {m["code"]: m for m in page.context["year"].missions}
    assert missions["parcours"]["variable_due"] == (
        missions["parcours"]["variable_base"] * Decimal("0.755")
    ).quantize(Decimal("0.01"))

    for user, party in (("marc.olivier", "CPTS"), ("marie.chevalier", "CPAM")):
        login(users[user]).post(_dialogue_url(2, "lifecycle:dialogue-sign"), {"party": party})
    # Signed by two parties: the content no longer changes.
    client = login(users["isabelle.moreau"])
    refused = client.post(
        _dialogue_url(2),
        {"version": str(dialogue.version + 2), "meeting_date": "2026-12-09", "minutes": "Autre"},
        follow=True,
    )
    assert "ne peut plus être modifié" in refused.content.decode()
    assert "form" not in refused.context or refused.context["form"] is None
    client.post(_dialogue_url(2, "lifecycle:dialogue-sign"), {"party": "ARS"})

    dialogue.refresh_from_db()
    assert dialogue.is_signed and dialogue.minutes == "Objectifs atteints en prévention."
    assert dialogue.ars_signed_by == users["isabelle.moreau"]
    labels = list(ProjectEvent.objects.filter(project__slug=THAU).values_list("label", flat=True))
    assert "Dialogue de gestion de l'année 2 : signé pour la CPAM" in labels
    assert "Dialogue de gestion de l'année 2 signé par les trois parties" in labels
    withdraw = login(users["marie.chevalier"]).post(
        _dialogue_url(2, "lifecycle:dialogue-sign"), {"party": "CPAM", "withdraw": "1"}, follow=True
    )
    assert "le dialogue est clos" in withdraw.content.decode()
    deadlines = login(users["marc.olivier"]).get(reverse("lifecycle:deadlines", args=[THAU]))
    dialogue_rows = [
        r for r in deadlines.context["rows"] if r["deadline"].kind == "annual_dialogue"
    ]
    assert [r["status"] for r in dialogue_rows][:3] == ["done", "done", "upcoming"]


def test_a_party_signs_only_for_itself(demo, login):
    client = login(demo["users"]["isabelle.moreau"])  # DD ARS

    response = client.post(_dialogue_url(2, "lifecycle:dialogue-sign"), {"party": "CPAM"})

    assert response.status_code == 403
    assert AnnualDialogue.objects.get(project__slug=THAU, year=2).cpam_signed_at is None


def test_a_stale_dialogue_shows_the_other_version_and_keeps_the_typed_minutes(demo, login):
    dialogue = AnnualDialogue.objects.get(project__slug=THAU, year=2)
    base = {"version": str(dialogue.version), "meeting_date": "2026-12-08"}
    login(demo["users"]["marie.chevalier"]).post(_dialogue_url(2), {**base, "minutes": "CPAM"})

    response = login(demo["users"]["lucie.bernard"]).post(
        _dialogue_url(2), {**base, "minutes": "Le texte de la CPTS"}
    )

    assert response.status_code == 409
    assert response.context["form"]["minutes"].value() == "Le texte de la CPTS"
    assert response.context["conflict"]["by"] == demo["users"]["marie.chevalier"]
    dialogue.refresh_from_db()
    assert dialogue.minutes == "CPAM"


def test_the_cpam_records_a_payment_and_bad_amounts_are_explained(demo, login):
    client = login(demo["users"]["marie.chevalier"])
    url = _dialogue_url(2, "lifecycle:payment-create")

    bad = client.post(url, {"kind": "balance", "paid_on": "2026-11-02", "amount": "beaucoup"})
    good = client.post(
        url, {"kind": "balance", "paid_on": "2026-11-02", "amount": "96 475,00", "reference": "V2"}
    )

    assert bad.status_code == 422
    assert "Saisissez un montant en euros" in bad.context["payment_form"].errors["amount"][0]
    assert good.status_code == 302
    payment = ContractPayment.objects.get(project__slug=THAU, year=2, kind="balance")
    assert payment.amount == Decimal("96475") and payment.recorded_by.email.startswith("marie")
    overview = login(demo["users"]["marc.olivier"]).get(reverse("lifecycle:followup", args=[THAU]))
    year2 = overview.context["years"][1]
    assert year2.paid == sum(p.amount for p in ContractPayment.objects.filter(year=2))
    assert ProjectEvent.objects.filter(project__slug=THAU, action="payment").exists()


def test_the_administrator_reads_the_payments_but_records_none_unless_at_the_cpam(demo, login):
    from accounts.models import Membership

    admin = next(u for u in demo["users"].values() if u.is_superuser)
    client = login(admin)
    url = _dialogue_url(2, "lifecycle:payment-create")
    payment = {"kind": "balance", "paid_on": "2026-11-02", "amount": "1 000,00", "reference": "A"}

    page = client.get(_dialogue_url(2, "lifecycle:dialogue"))
    refused = client.post(url, payment)

    assert page.status_code == 200 and page.context.get("payment_form") is None
    assert refused.status_code == 403
    assert not ContractPayment.objects.filter(reference="A").exists()
    Membership.objects.create(
        user=admin, organisation=demo["organisations"]["cpam-34"], role="REVIEWER"
    )
    admin.refresh_from_db()
    assert login(admin).post(url, payment).status_code == 302
    assert ContractPayment.objects.filter(reference="A", recorded_by=admin).exists()


def test_the_dialogue_report_is_a_pdf_with_the_agreed_rates(
    demo, login, django_capture_on_commit_callbacks
):
    client = login(demo["users"]["marc.olivier"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_dialogue_url(1, "lifecycle:dialogue-report"))

    document = Document.objects.get(kind="ANNUAL_DIALOGUE")
    assert response.url == reverse("lifecycle:document-detail", args=[THAU, document.pk])
    assert document.status == "DONE" and document.params == {"year": 1}
    download = client.get(reverse("lifecycle:document-download", args=[THAU, document.pk]))
    assert (
        'filename="dialogue-de-gestion-annee-1-bassin-de-thau.pdf"'
        in download["Content-Disposition"]
    )
    reader = pypdf.PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Dialogue de gestion annuel — année 1" in reader.pages[0].extract_text()  # no blank page
    assert "60 %" in text.replace("\u202f", " ").replace("\u00a0", " ")  # access to care
    assert "signé par Marie Chevalier" in text


# --- Speed ----------------------------------------------------------------------------------


def _more_fiches(project, count):
    from missions.models import Mission

    mission = Mission.objects.get(code="2")
    start = Fiche.objects.filter(project=project).count()
    fiches = Fiche.objects.bulk_create(
        Fiche(project=project, number=start + i + 1, mission=mission, title=f"Fiche {i}")
        for i in range(count)
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(fiche=f, number=1, position=1, name="Patients", kind="RESULT", target=100)
        for f in fiches
    )
    IndicatorResult.objects.bulk_create(
        IndicatorResult(indicator=i, year=year, value=50, measured_on="2026-08-01")
        for i in indicators
        for year in (1, 2)
    )


@pytest.mark.parametrize(
    ("url", "user"),
    [
        (f"/projets/{THAU}/suivi/", "marc.olivier"),
        (f"/projets/{THAU}/suivi/annee-2/", "marie.chevalier"),
        (f"/projets/{THAU}/fiches/1/resultats/", "lucie.bernard"),
        (f"/projets/{THAU}/echeances/", "marc.olivier"),
        (f"/projets/{THAU}/contrat/", "marie.chevalier"),
    ],
)
def test_follow_up_queries_do_not_grow_with_the_fiches(
    demo, login, django_assert_num_queries, url, user
):
    client = login(demo["users"][user])
    project = demo["projects"][THAU]
    _more_fiches(project, 2)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200

    _more_fiches(project, 60)

    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def _statement(sql: str) -> str:
    """The statement with its literal values replaced by '?', to count repeats."""
    return re.sub(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b", "?", sql)


@pytest.mark.parametrize(
    ("url", "user", "most"),
    [
        (f"/projets/{THAU}/suivi/", "marc.olivier", 15),
        (f"/projets/{THAU}/echeances/", "marc.olivier", 18),
    ],
)
def test_the_five_contract_years_are_read_once_per_page(demo, login, url, user, most):
    """The indicators and their results, the barème and its lines, the contract, its facts:
    each read once for the five years (issue 19), not once per year."""
    client = login(demo["users"][user])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200

    statements = Counter(_statement(query["sql"]) for query in captured.captured_queries)
    assert [sql for sql, count in statements.items() if count > 1] == []
    assert len(captured.captured_queries) <= most


def test_the_overview_estimates_each_year_as_its_year_page(demo, login):
    """The follow-up reads the five years' results at once: each year's estimate is still the
    year page's (a decreasing indicator, a year target, a weight, a year without a result)."""
    project = demo["projects"][THAU]
    fiche = Fiche.objects.filter(project=project, mission__code="2").first()
    decreasing = Indicator.objects.create(
        fiche=fiche,
        number=90,
        position=90,
        name="Passages aux urgences évitables",
        kind="RESULT",
        drives_funding=True,
        baseline=200,
        target=100,
        target_year_3=150,
        weight=2,
    )
    IndicatorResult.objects.bulk_create(
        IndicatorResult(indicator=decreasing, year=year, value=value, measured_on="2026-08-01")
        for year, value in ((1, 190), (2, 160), (3, 170), (4, 90))
    )
    client = login(demo["users"]["marie.chevalier"])

    years = client.get(reverse("lifecycle:followup", args=[THAU])).context["years"]

    estimated = set()
    for number, overview in enumerate(years, start=1):
        page = client.get(reverse("lifecycle:dialogue", args=[THAU, number])).context["year"]
        assert overview.funding.lines == page.funding.lines, number
        assert overview.expected == page.expected and overview.unknown == page.unknown
        estimated |= {line.rate for line in page.funding.lines if line.is_variable}
    assert len(estimated) > 2  # measured rates, not only 100 %


def test_a_contract_without_a_deposit_on_the_portal_still_has_its_deadlines(demo, login):
    """A CPTS taken on already under contract (no deposit made through the portal): its
    deadlines page reads the contract all the same (the page usually reads it with the
    latest deposit)."""
    import datetime as dt

    from projects.models import Contract

    project = demo["projects"]["pic-saint-loup"]
    assert not project.deposits.exists()
    signed = dt.date(2025, 3, 3)
    Contract.objects.create(
        project=project,
        signature_date=signed,
        cpts_signed_date=signed,
        cpam_signed_date=signed,
        ars_signed_date=signed,
    )
    page = login(demo["users"]["claire.martin"]).get(
        reverse("lifecycle:deadlines", args=[project.slug])
    )
    assert page.status_code == 200
    assert "Fin du contrat ACI (5 ans)" in page.content.decode()
    assert "02/03/2030" in page.content.decode()
