"""The projet de santé PDF of the demo projects, read back: parts in order, every fiche-action,
and a Sommaire whose every entry points at the page holding its heading."""

import io
import re

import pypdf
import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

TOC_LINE = re.compile(r"^(?P<title>.+?)\s*\.{2,}\s*(?P<page>\d+)$")


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " ")).strip()


@pytest.fixture
def pdf_pages(demo, tmp_path):
    def render(slug):
        out = tmp_path / f"{slug}.pdf"
        call_command("export_projet_de_sante", slug, str(out), stdout=io.StringIO())
        reader = pypdf.PdfReader(str(out))
        return [_normalise(page.extract_text()) for page in reader.pages], reader

    return render


@pytest.mark.parametrize("slug", ["pic-saint-loup", "uzege-pont-du-gard"])
def test_the_three_parts_come_in_order_after_the_cover_and_the_sommaire(pdf_pages, slug):
    pages, _ = pdf_pages(slug)

    starts = {}
    for number, text in enumerate(pages, start=1):
        for title in (
            "Sommaire",
            "1. Diagnostic territorial",
            "2. Les missions",
            "3. Organisation et fonctionnement",
            "Annexes",
        ):
            if title not in starts and text.startswith(title):
                starts[title] = number

    assert "Projet de santé".upper() in pages[0].upper()
    assert list(starts) == [
        "Sommaire",
        "1. Diagnostic territorial",
        "2. Les missions",
        "3. Organisation et fonctionnement",
        "Annexes",
    ]
    assert sorted(starts.values()) == list(starts.values())


@pytest.mark.parametrize("slug", ["pic-saint-loup", "uzege-pont-du-gard"])
def test_every_sommaire_entry_points_at_the_page_of_its_heading(pdf_pages, slug):
    pages, reader = pdf_pages(slug)
    toc_page = next(i for i, text in enumerate(pages) if text.startswith("Sommaire"))
    raw_lines = reader.pages[toc_page].extract_text().splitlines()

    entries = []
    for line in raw_lines:
        match = TOC_LINE.match(_normalise(line))
        if match:
            entries.append((match["title"], int(match["page"])))

    assert len(entries) >= 8
    for title, page in entries:
        assert title in pages[page - 1], f"{title!r} is not on page {page}"


def _portal_pages(pages: list[str]) -> list[str]:
    """The pages the portal lays out: the uploaded annexes' own pages (merged as deposited,
    after their cover page, at the end) are not."""
    first_cover = next(
        (i for i, text in enumerate(pages) if "Empreinte SHA-256 du fichier" in text), None
    )
    return pages if first_cover is None else pages[: first_cover + 1]


def test_every_page_has_the_running_header_and_page_x_of_y(pdf_pages):
    pages, _ = pdf_pages("pic-saint-loup")

    for number, text in enumerate(_portal_pages(pages)[1:], start=2):
        assert "CPTS du Pic Saint-Loup" in text
        assert f"page {number} / {len(pages)}" in text


def test_the_pdf_declares_its_language_title_and_embeds_its_fonts(pdf_pages):
    _, reader = pdf_pages("pic-saint-loup")

    assert reader.metadata.title == "Projet de santé — CPTS du Pic Saint-Loup"
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged PDF
    fonts = reader.pages[2]["/Resources"]["/Font"]
    for font in fonts.values():
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor


@pytest.mark.parametrize("slug", ["pic-saint-loup", "uzege-pont-du-gard"])
def test_every_fiche_action_is_printed_in_full(pdf_pages, slug):
    from missions.models import Fiche

    pages, _ = pdf_pages(slug)
    text = " ".join(pages)
    fiches = list(Fiche.objects.filter(project__slug=slug).prefetch_related("indicators"))

    assert fiches
    for fiche in fiches:
        assert f"Fiche-action {fiche.number} : {_normalise(fiche.title)}" in text
        for indicator in fiche.indicators.all():
            assert _normalise(indicator.name)[:40] in text


def _font_names(reader) -> set[str]:
    names = set()
    texts = [_normalise(page.extract_text()) for page in reader.pages]
    for page in reader.pages[: len(_portal_pages(texts))]:
        for font in page["/Resources"].get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


def test_every_text_even_in_the_charts_uses_the_fonts_shipped_with_the_portal(pdf_pages):
    _, reader = pdf_pages("pic-saint-loup")

    assert _font_names(reader) == {"Portal-Sans", "Portal-Sans-Bold"}
