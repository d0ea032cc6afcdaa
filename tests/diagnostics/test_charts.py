import re
from decimal import Decimal

from diagnostics.charts import BAR_AREA, age_chart, comparison_chart
from diagnostics.models import DiagnosticFigure


def _indicator(label, value, comparison=None, kind=DiagnosticFigure.Kind.INDICATOR):
    return DiagnosticFigure(
        label=label,
        value=Decimal(value),
        unit="%",
        year=2022,
        source="INSEE",
        comparison_value=None if comparison is None else Decimal(comparison),
        comparison_label="Hérault",
        kind=kind,
    )


def test_comparison_chart_escapes_labels_and_has_a_title():
    svg = comparison_chart([_indicator("<script>alert(1)</script>", "12.5", "10")])

    assert svg.startswith("<svg") and "<title" in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "12,5\u00a0%" in svg and "Hérault" in svg


def test_comparison_chart_is_empty_without_comparison():
    assert comparison_chart([_indicator("Sans comparaison", "3")]) == ""


def test_age_chart_draws_one_row_per_bracket_on_one_scale():
    brackets = [
        _indicator("0 à 14 ans", "20", "10", DiagnosticFigure.Kind.AGE_BRACKET),
        _indicator("75 ans et plus", "10", "5", DiagnosticFigure.Kind.AGE_BRACKET),
    ]

    svg = age_chart(brackets)

    assert svg.count("<rect") == 2 * 2 + 2  # two bars per bracket, two in the legend
    full, half = BAR_AREA, BAR_AREA / 2  # 20 % is twice 10 %
    assert f'width="{full:.1f}"' in svg and f'width="{half:.1f}"' in svg


def test_age_chart_without_comparison_draws_no_zero_bars():
    brackets = [
        _indicator("0 à 14 ans", "2000", None, DiagnosticFigure.Kind.AGE_BRACKET),
        _indicator("75 ans et plus", "1000", None, DiagnosticFigure.Kind.AGE_BRACKET),
    ]
    for bracket in brackets:
        bracket.unit = "habitants"

    svg = age_chart(brackets)

    assert svg.count("<rect") == 2 + 1  # one bar per bracket, the territory in the legend
    assert not re.search(r">0\W{1,2}habitants<", svg) and "Hérault" not in svg
    assert 'width="0.0"' not in svg


def test_age_chart_leaves_out_only_the_missing_comparison_values():
    brackets = [
        _indicator("0 à 14 ans", "20", "10", DiagnosticFigure.Kind.AGE_BRACKET),
        _indicator("75 ans et plus", "10", None, DiagnosticFigure.Kind.AGE_BRACKET),
    ]

    svg = age_chart(brackets)

    assert svg.count("<rect") == 3 + 2 and "Hérault" in svg
