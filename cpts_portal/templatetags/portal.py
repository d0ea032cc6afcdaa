"""French formatting and safe rich text for every template (and the PDFs)."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from itertools import groupby

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe

from cpts_portal.lib.numbers import NBSP, euros, format_number

register = template.Library()

register.filter("euros", euros)


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


@register.filter
def french_date(value):
    """A date, or a date kept as ISO text (e.g. in the session), as 15/03/2026; a datetime is
    read in the local time. (`|date:"SHORT_DATE_FORMAT"` writes the same, at four times the
    cost: a table of deadlines writes dozens.)"""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = _local(value)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return value


@register.filter
def french_datetime(value):
    """A moment in local time as 01/12/2026 à 10:05 (the portal's DATETIME_FORMAT,
    cpts_portal/formats/fr), at a fifth of `|date:"DATETIME_FORMAT"`'s cost: a history page
    writes one per entry."""
    if not isinstance(value, dt.datetime):
        return value
    return _local(value).strftime("%d/%m/%Y à %H:%M")


@register.filter
def iso_datetime(value):
    """A moment in local time as ISO 8601, as `|date:"c"` writes it (a <time> element's
    datetime attribute)."""
    if not isinstance(value, dt.datetime):
        return value
    return _local(value).isoformat()


@register.filter
def long_date(value):
    """A date written out as in a letter: "1er décembre 2026" (French writes the first day of
    a month as an ordinal), "2 décembre 2026". A datetime is read in the local time."""
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    if not isinstance(value, dt.date):
        return value
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {date_format(value, 'F Y')}"


@register.filter
def number(value, decimals=0):
    return format_number(value, int(decimals))


@register.filter
def quantity(value):
    """A measured value with only the decimals it has (at most 2): 352.00 -> '352',
    35.50 -> '35,5'."""
    text = format_number(value, 2)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


@register.filter
def percent(value, decimals=0):
    """0.755 -> '76 %'."""
    try:
        rate = Decimal(str(value)) * 100
    except (InvalidOperation, ValueError, TypeError):
        return ""
    return f"{format_number(rate, int(decimals))}{NBSP}%"


@register.filter
def rich_text(value):
    """Plain text to safe HTML: blank lines separate paragraphs, lines starting with '- ' or
    '* ' make a list, '1. ' a numbered list (a list may follow a line of text directly).
    Everything is escaped: no markup passes."""
    if not value:
        return ""
    html = []
    for block in str(value).replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        for kind, run in groupby(lines, key=_line_kind):
            run = list(run)
            if kind == "ul":
                items = "".join(f"<li>{escape(line[2:].strip())}</li>" for line in run)
                html.append(f"<ul>{items}</ul>")
            elif kind == "ol":
                items = "".join(f"<li>{escape(_numbered(line))}</li>" for line in run)
                html.append(f"<ol>{items}</ol>")
            else:
                html.append("<p>" + "<br>".join(escape(line) for line in run) + "</p>")
    return mark_safe("".join(html))  # noqa: S308 - every piece of text is escaped


def _line_kind(line: str) -> str:
    if line[:2] in ("- ", "* "):
        return "ul"
    return "ol" if _numbered(line) else "p"


def _numbered(line: str) -> str | None:
    head, sep, rest = line.partition(". ")
    return rest.strip() if sep and head.isdigit() else None


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if hasattr(mapping, "get") else ""
