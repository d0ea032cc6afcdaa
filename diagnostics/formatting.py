"""Indicators as French text (history snapshots, chart labels, the PDF later)."""

from cpts_portal.lib.numbers import format_number


def decimals_of(value) -> int:
    """How many decimals a Decimal was given with (12,50 -> 1; 1 234 -> 0), at most 3."""
    exponent = value.normalize().as_tuple().exponent
    return min(max(-exponent, 0), 3) if isinstance(exponent, int) else 0


def format_value(value, unit: str = "") -> str:
    if value is None or value == "":
        return ""
    text = format_number(value, decimals_of(value))
    return f"{text}\u00a0{unit}" if unit else text


def indicator_line(indicator) -> str:
    """'Part des 75 ans et plus (Claret) : 11,2 % (2021, INSEE) — Hérault : 10,1 %'."""
    area = f" ({indicator.area})" if indicator.area else ""
    line = (
        f"{indicator.label}{area} : {format_value(indicator.value, indicator.unit)}"
        f" ({indicator.year}, {indicator.source})"
    )
    if indicator.comparison_value is not None:
        scope = indicator.comparison_label or "comparaison"
        line += f" — {scope} : {format_value(indicator.comparison_value, indicator.unit)}"
    return line
