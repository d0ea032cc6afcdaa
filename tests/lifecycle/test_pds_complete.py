"""The complete projet de santé (issue 17, item 3): its uploaded documents as real annexes,
the sections of part 3 the guide expects, the information system required for a deposit.

Guide, 3ème partie: "L'association loi 1901 porteuse de la CPTS : possibilité de mettre les
statuts et le règlement intérieur de l'association en annexe" and "Il conviendra de joindre en
annexe les conventions de partenariats formalisées avec les acteurs qui ont nécessairement été
impliqués".
"""

import hashlib
import html
import io
import re

import pypdf
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from governance.checks import deposit_gaps
from governance.documents import tiny_pdf
from governance.models import GovernanceDocument, InformationSystem, Member
from lifecycle.documents import render_html, render_pdf
from missions.models import Fiche, WorkingGroupMember
from projects.models import Document

pytestmark = pytest.mark.django_db

PIC = "pic-saint-loup"
TOC_LINE = re.compile(r"^(?P<title>.+?)\s*\.{2,}\s*(?P<page>\d+)$")


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " ")).strip()


def _pdf(slug, tmp_path):
    out = tmp_path / f"{slug}.pdf"
    call_command("export_projet_de_sante", slug, str(out), stdout=io.StringIO())
    reader = pypdf.PdfReader(str(out))
    return reader, [_normalise(page.extract_text()) for page in reader.pages]


def _text(project) -> str:
    return _normalise(html.unescape(render_html(project, Document.Kind.PROJET_DE_SANTE)))


def test_uploaded_statuts_are_merged_as_an_annex_listed_in_the_sommaire(demo, tmp_path):
    """Acceptance: the projet de santé PDF of a project with uploaded statuts contains their
    pages as an annex listed in its table of contents."""
    reader, pages = _pdf(PIC, tmp_path)
    toc_index = next(i for i, text in enumerate(pages) if text.startswith("Sommaire"))
    part1 = next(i for i, text in enumerate(pages) if text.startswith("1. Diagnostic"))
    entries = {}
    for page in reader.pages[toc_index:part1]:  # the Sommaire may take two pages
        for line in page.extract_text().splitlines():
            match = TOC_LINE.match(_normalise(line))
            if match:
                entries[match["title"]] = int(match["page"])

    title = "Annexe 2 — Statuts : Statuts de l'association"
    assert title in entries, entries
    cover = entries[title]
    assert "Annexe 2 — Statuts" in pages[cover - 1]
    # The next page is the uploaded file's own page, as deposited.
    assert "Statuts adoptés en assemblée générale constitutive le 05/09/2024." in pages[cover]
    assert "Annexe 3 — Règlement intérieur : Règlement intérieur" in entries
    reglement = entries["Annexe 3 — Règlement intérieur : Règlement intérieur"]
    assert "Règlement intérieur adopté en assemblée générale le 19/06/2025." in pages[reglement]
    assert "Annexe 4 — Convention de partenariat" in " ".join(pages[toc_index:part1])
    text = " ".join(pages)
    assert "Les statuts figurent en annexe 2." in text
    assert "Le règlement intérieur figure en annexe 3." in text


def test_no_annex_is_promised_when_the_statuts_are_not_a_pdf(demo):
    """No sentence promises an annex that is not there: statuts uploaded as DOCX are listed as
    not reproduced; without statuts nothing is said."""
    project = demo["projects"][PIC]
    statuts = GovernanceDocument.objects.get(project=project, kind="STATUTS")
    GovernanceDocument.objects.filter(pk=statuts.pk).update(
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        original_name="statuts.docx",
    )

    text = _text(project)

    assert "Les statuts figurent en annexe" not in text
    assert "Annexe 2 — Règlement intérieur" in text
    assert "Documents déposés sur le portail, non reproduits" in text
    assert "Statuts de l'association (" in text and "DOCX" in text

    GovernanceDocument.objects.filter(project=project).delete()
    text = _text(project)
    assert "Les statuts figurent" not in text and "Le règlement intérieur figure" not in text
    assert "Annexe 2" not in text and "La liste des communes figure en annexe 1." in text


def test_a_changed_annex_file_makes_a_new_document_version(demo):
    """The annex's SHA-256 is printed: the HTML, whose hash identifies the document, changes
    with the file."""
    project = demo["projects"][PIC]
    statuts = GovernanceDocument.objects.get(project=project, kind="STATUTS")
    before = render_html(project, Document.Kind.PROJET_DE_SANTE)
    assert render_html(project, Document.Kind.PROJET_DE_SANTE) == before  # deterministic

    content = tiny_pdf(["Statuts modifiés"])
    statuts.file.save("statuts.pdf", ContentFile(content), save=True)
    after = render_html(project, Document.Kind.PROJET_DE_SANTE)

    assert after != before
    assert hashlib.sha256(content).hexdigest() in after


def _edit_section(client, key, text):
    url = reverse("diagnostics:section-edit", args=[PIC, key])
    page = client.get(url)
    assert page.status_code == 200
    version = re.search(r'name="version" value="(\d+)"', page.content.decode())
    data = {"text": text, "version": version.group(1) if version else ""}
    # The section form's formsets (figures), left empty.
    for prefix in re.findall(r'name="([\w-]+)-TOTAL_FORMS"', page.content.decode()):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": 0,
                f"{prefix}-INITIAL_FORMS": 0,
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
    return client.post(url, data)


def test_part3_prints_prs_usagers_coordination_pilots_calendar_and_signatures(demo, login):
    """Guide: "Le projet de santé devra bien évidemment être en cohérence avec les objectifs et
    parcours prioritaires identifiés dans le Projet Régional de Santé"; the usagers "doivent
    nécessairement être impliqués dans l'élaboration de projet de santé"; "Désigner un pilote
    par mission retenue"; "s'engagent à mettre en place les trois missions socles dans le
    respect de ce calendrier". Written on the diagnostic's section pages (versioned)."""
    project = demo["projects"][PIC]
    client = login(demo["users"]["claire.martin"])
    for key, text in [
        ("prs", "Le projet répond au parcours prioritaire personnes âgées du PRS Occitanie."),
        ("usagers", "France Assos Santé siège avec voix consultative au conseil."),
        ("coordination", "Une coordinatrice à mi-temps anime le groupe pilote."),
    ]:
        response = _edit_section(client, key, text)
        assert response.status_code == 302, response.content.decode()[:3000]

    text = _text(project)

    part3 = text[text.index("3. Organisation et fonctionnement</h1>") :]
    for heading, body in [
        ("La cohérence avec le Projet régional de santé", "parcours prioritaire personnes âgées"),
        ("L'implication des usagers", "France Assos Santé siège"),
        ("L'organisation de la coordination", "Une coordinatrice à mi-temps"),
    ]:
        assert heading in part3 and body in part3
        assert part3.index(heading) < part3.index(body)
    assert "Un pilote par mission" in part3
    assert "Le calendrier de déploiement des missions" in part3
    assert "Les signatures des acteurs engagés" in part3
    for member in Member.objects.filter(project=project).current():
        assert html.unescape(member.display_name) in part3
    # Part 1 (the diagnostic) does not print these sections.
    part1 = text[: text.index("2. Les missions</h1>")]
    assert "France Assos Santé" not in part1


def test_the_fiche_prints_the_pilot_and_working_group_contacts(demo):
    project = demo["projects"][PIC]
    fiche = Fiche.objects.filter(project=project).first()
    Fiche.objects.filter(pk=fiche.pk).update(
        pilot_name="Dr Jean Pilote",
        pilot_profession="médecin",
        pilot_contact="04 67 00 00 00, jean.pilote@example.fr",
    )
    WorkingGroupMember.objects.filter(fiche=fiche).update(contact="06 11 22 33 44")
    if not WorkingGroupMember.objects.filter(fiche=fiche).exists():
        WorkingGroupMember.objects.create(
            fiche=fiche, number=1, position=1, name="Anne Extérieure", contact="06 11 22 33 44"
        )

    text = _text(project)

    assert "Contact : 04 67 00 00 00, jean.pilote@example.fr" in text
    assert "06 11 22 33 44" in text


def test_the_information_system_is_required_for_a_deposit(demo):
    """Guide: "Décrire le système d'information envisagé, intégrant les outils nationaux de
    circulation de l'information (DMP, DP, MSS...)"."""
    project = demo["projects"][PIC]
    assert not any("système d'information" in gap for gap in deposit_gaps(project))

    InformationSystem.objects.filter(project=project).update(data_protection="")
    assert "La protection des données (RGPD) du système d'information n'est pas décrite." in (
        deposit_gaps(project)
    )
    InformationSystem.objects.filter(project=project).delete()
    assert (
        "Le système d'information de la CPTS n'est pas décrit (partie 3 du projet de santé)."
        in deposit_gaps(project)
    )


def test_a_frozen_html_merges_the_annexes_it_names_not_the_latest(demo):
    """A deposited document is rendered from its frozen HTML: the files merged are those that
    HTML reserved pages for (checked by their SHA-256), not the statuts uploaded since."""
    project = demo["projects"][PIC]
    frozen = render_html(project, Document.Kind.PROJET_DE_SANTE)
    old = GovernanceDocument.objects.get(project=project, kind="STATUTS")
    newer = GovernanceDocument.objects.create(
        project=project,
        number=99,
        kind="STATUTS",
        title="Statuts modifiés",
        adopted_date=old.adopted_date.replace(year=old.adopted_date.year + 1),
        original_name="statuts.pdf",
        content_type="application/pdf",
        size=10,
    )
    newer.file.save("statuts.pdf", ContentFile(tiny_pdf(["Nouveaux statuts"])), save=True)
    assert "Statuts modifiés" in render_html(project, Document.Kind.PROJET_DE_SANTE)

    content, _ = render_pdf(project, Document.Kind.PROJET_DE_SANTE, frozen)

    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(content)).pages)
    assert "Statuts adoptés en assemblée générale constitutive le 05/09/2024." in text
    assert "Nouveaux statuts" not in text

    old.file.save("statuts.pdf", ContentFile(tiny_pdf(["Remplacé"])), save=True)
    with pytest.raises(ValueError, match="annex file changed"):
        render_pdf(project, Document.Kind.PROJET_DE_SANTE, frozen)
