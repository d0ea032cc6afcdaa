"""Server-side SVG charts of the diagnostic: the same pictures in the page and in the PDF.

Every piece of text is escaped; each chart has a <title> and a <desc> read by screen
readers, and the figures are also printed next to the bars (no information by colour only).
Colours are SVG attributes, not inline styles, so the strict CSP is respected.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .formatting import format_value
from .models import DiagnosticFigure

TERRITORY_COLOUR = "#1f5f8b"
COMPARISON_COLOUR = "#b5651d"
TEXT_COLOUR = "#212529"
WIDTH = 640
LABEL_WIDTH = 0  # labels sit above their bars, so that long labels stay whole
BAR_AREA = WIDTH - 170  # room for the longest value label ("248 pour 1 000 hab.")
ROW_HEIGHT = 50


def _bar_width(value: Decimal, maximum: Decimal) -> float:
    if maximum <= 0 or value <= 0:
        return 0.0
    return round(float(value / maximum) * BAR_AREA, 1)


def _truncate(text: str, length: int = 95) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _legend(y: int, comparison: str | None) -> list[str]:
    territory = [
        f'<rect x="{LABEL_WIDTH}" y="{y}" width="12" height="12" fill="{TERRITORY_COLOUR}"/>',
        f'<text x="{LABEL_WIDTH + 18}" y="{y + 10}" font-size="12" fill="{TEXT_COLOUR}">'
        "Territoire de la CPTS</text>",
    ]
    if comparison is None:  # no comparison value at all: no comparison bars either
        return territory
    return territory + [
        f'<rect x="{LABEL_WIDTH + 170}" y="{y}" width="12" height="12" '
        f'fill="{COMPARISON_COLOUR}"/>',
        f'<text x="{LABEL_WIDTH + 188}" y="{y + 10}" font-size="12" fill="{TEXT_COLOUR}">'
        f"{escape(comparison)}</text>",
    ]


# The PDFs' shipped font first (static/fonts, "Portal Sans" in print.css); browsers fall back.
FONT_FAMILY = "Portal Sans, DejaVu Sans, sans-serif"


def chart_id(*parts: str) -> str:
    """The id of a chart, derived from what it draws: the same content gives the same HTML in
    every process (a document is identified by the hash of its HTML, lifecycle/documents.py),
    and two different charts of one page get different ids."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:12]


def _svg(title: str, desc: str, height: int, body: list[str]) -> SafeString:
    uid = chart_id(title, desc, str(height), *body)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="diagnostic-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" font-family="{FONT_FAMILY}" '
        f'aria-labelledby="chart-title-{uid} chart-desc-{uid}">'
        f'<title id="chart-title-{uid}">{escape(title)}</title>'
        f'<desc id="chart-desc-{uid}">{escape(desc)}</desc>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every text is escaped


def _pair_rows(rows: list[tuple[str, Decimal, Decimal, str]], *, shared_scale: bool, top: int):
    """Two bars per row (territory, comparison); each row on its own scale unless shared."""
    body = []
    overall = max([max(t, c or 0) for _, t, c, _ in rows] or [Decimal(0)])
    y = top
    for label, territory, comparison, unit in rows:
        maximum = overall if shared_scale else max(territory, comparison or 0)
        body.append(
            f'<text x="{LABEL_WIDTH}" y="{y + 11}" font-size="12" font-weight="600" '
            f'fill="{TEXT_COLOUR}">{escape(_truncate(label))}</text>'
        )
        for offset, value, colour in (
            (16, territory, TERRITORY_COLOUR),
            (30, comparison, COMPARISON_COLOUR),
        ):
            if value is None:  # no comparison value: no bar, rather than "0 habitants"
                continue
            width = _bar_width(value, maximum)
            body.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + offset}" width="{width}" height="12" '
                f'fill="{colour}"/>'
            )
            body.append(
                f'<text x="{LABEL_WIDTH + width + 6}" y="{y + offset + 10}" font-size="11" '
                f'fill="{TEXT_COLOUR}">{escape(format_value(value, unit))}</text>'
            )
        y += ROW_HEIGHT
    return body, y


def comparison_chart(indicators: list[DiagnosticFigure]) -> SafeString:
    """Territory vs département/France for the indicators that have a comparison value."""
    compared = [
        i
        for i in indicators
        if i.comparison_value is not None and i.kind == DiagnosticFigure.Kind.INDICATOR
    ]
    if not compared:
        return mark_safe("")  # noqa: S308 - empty
    scopes = sorted({i.comparison_label for i in compared if i.comparison_label})
    comparison = " / ".join(scopes) or "Comparaison"
    rows = [
        (
            f"{i.label} ({i.area})" if i.area else i.label,
            i.value,
            i.comparison_value,
            i.unit,
        )
        for i in compared
    ]
    body, y = _pair_rows(rows, shared_scale=False, top=34)
    body = _legend(8, comparison) + body
    desc = "; ".join(
        f"{label} : territoire {format_value(t, unit)}, {comparison} {format_value(c, unit)}"
        for label, t, c, unit in rows
    )
    return _svg(f"Territoire comparé à : {comparison}", desc, y + 4, body)


def age_chart(indicators: list[DiagnosticFigure]) -> SafeString:
    """Population by age bracket, territory vs comparison, on one shared scale."""
    brackets = [i for i in indicators if i.kind == DiagnosticFigure.Kind.AGE_BRACKET]
    if not brackets:
        return mark_safe("")  # noqa: S308 - empty
    compared = [i for i in brackets if i.comparison_value is not None]
    scopes = sorted({i.comparison_label for i in compared if i.comparison_label})
    comparison = (" / ".join(scopes) or "Comparaison") if compared else None
    rows = [(i.label, i.value, i.comparison_value, i.unit) for i in brackets]
    body, y = _pair_rows(rows, shared_scale=True, top=34)
    body = _legend(8, comparison) + body
    desc = "; ".join(
        f"{label} : territoire {format_value(t, unit)}"
        + (f", {comparison} {format_value(c, unit)}" if c is not None else "")
        for label, t, c, unit in rows
    )
    title = "Population par tranche d'âge — territoire" + (f" et {comparison}" if compared else "")
    return _svg(title, desc, y + 4, body)
