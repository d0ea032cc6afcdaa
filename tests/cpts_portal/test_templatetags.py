import datetime as dt
from decimal import Decimal

import pytest

from cpts_portal.lib.versioning import text_diff
from cpts_portal.templatetags.portal import euros, percent, rich_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (252000, "252\u202f000\u00a0€"),
        (Decimal("1260000"), "1\u202f260\u202f000\u00a0€"),
        (Decimal("12500.5"), "12\u202f500,50\u00a0€"),  # cents shown when there are some
        (Decimal("12500.00"), "12\u202f500\u00a0€"),
        (-7500, "-7\u202f500\u00a0€"),
        (0, "0\u00a0€"),
        ("pas un nombre", ""),
    ],
)
def test_euros_formats_amounts_the_french_way(value, expected):
    assert euros(value) == expected


def test_euros_with_cents():
    assert euros(Decimal("1234.5"), 2) == "1\u202f234,50\u00a0€"


def test_percent():
    assert percent(Decimal("0.755")) == "76\u00a0%"


def test_rich_text_makes_paragraphs_and_lists_and_escapes_everything():
    text = (
        "Premier paragraphe\nsuite\n\n- un\n- <b>deux</b>\n\n1. alpha\n2. beta"
        "\n\n<script>x</script>"
    )

    html = rich_text(text)

    assert html == (
        "<p>Premier paragraphe<br>suite</p>"
        "<ul><li>un</li><li>&lt;b&gt;deux&lt;/b&gt;</li></ul>"
        "<ol><li>alpha</li><li>beta</li></ol>"
        "<p>&lt;script&gt;x&lt;/script&gt;</p>"
    )


def test_text_diff_marks_removed_and_added_words_and_escapes_them():
    html = text_diff("Le <b> public cible", "Le public visé <i>")

    assert html == "Le <del>&lt;b&gt;</del> public <del>cible</del> <ins>visé &lt;i&gt;</ins>"


def test_rich_text_lets_a_list_follow_its_introduction_directly():
    html = rich_text(
        "Les besoins :\n- accès aux soins\n- prévention\nEnsuite :\n1. écrire\n2. tester"
    )

    assert html == (
        "<p>Les besoins :</p><ul><li>accès aux soins</li><li>prévention</li></ul>"
        "<p>Ensuite :</p><ol><li>écrire</li><li>tester</li></ol>"
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("", "Un <texte> nouveau", "<ins>Un &lt;texte&gt; nouveau</ins>"),
        ("Un <texte> retiré", "", "<del>Un &lt;texte&gt; retiré</del>"),
        ("Pareil & même", "Pareil & même", "Pareil &amp; même"),
    ],
)
def test_text_diff_of_a_creation_an_erasure_or_no_change(old, new, expected):
    """No words to match: the text itself, escaped, with no empty <del></del> or <ins></ins>."""
    assert text_diff(old, new) == expected


def test_french_date_reads_a_datetime_in_the_local_time():
    """23:30 UTC on 31/03/2026 is already 01/04/2026 in Paris: the day the user lived."""
    import datetime as dt

    from cpts_portal.templatetags.portal import french_date

    late_evening = dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC)
    assert french_date(late_evening) == "01/04/2026"
    assert french_date(dt.date(2026, 3, 5)) == "05/03/2026"
    assert french_date("2026-03-05") == "05/03/2026"


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2026, 12, 1, 9, 5, tzinfo=dt.UTC),
        dt.datetime(2026, 7, 14, 22, 30, 15, 123456, tzinfo=dt.UTC),  # the next day in Paris
        dt.datetime(2026, 3, 29, 0, 59, tzinfo=dt.UTC),  # the night summer time starts
    ],
)
def test_french_and_iso_datetime_write_what_the_date_filter_writes(moment):
    from django.template import engines

    from cpts_portal.templatetags.portal import french_datetime, iso_datetime

    reference = engines["django"].from_string("{{ d|date:'DATETIME_FORMAT' }}|{{ d|date:'c' }}")
    assert f"{french_datetime(moment)}|{iso_datetime(moment)}" == reference.render({"d": moment})
