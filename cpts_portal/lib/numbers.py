"""Numbers the French way: read as people type them, written as French typography wants.

Domain apps import these; the template filters (cpts_portal.templatetags.portal) register
the same functions.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"
# Spaces people (and spreadsheets) put between groups of thousands.
_GROUP_SPACES = (" ", NBSP, NARROW_NBSP, "\u2009", "'")


def parse_french_decimal(text: str) -> Decimal:
    """'1 234,5' / '1234.5' / '12,5 %' / '1.234,5' / '12 500 €' -> Decimal; ValueError when
    `text` is not a (finite) number."""
    cleaned = text.strip().replace("%", "").replace("€", "")
    for space in _GROUP_SPACES:
        cleaned = cleaned.replace(space, "")
    if cleaned.startswith("+"):
        cleaned = cleaned[1:]
    if "," in cleaned and "." in cleaned:
        # The last one is the decimal separator, the other groups thousands.
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    elif cleaned.count(",") == 1:
        cleaned = cleaned.replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite() or not cleaned:
        raise ValueError(text)
    return number


def format_number(value, decimals: int = 0) -> str:
    """1234567.891 -> '1 234 568' (decimals=0) or '1 234 567,89' (2), narrow no-break spaces
    between the groups; '' when `value` is not a number."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return ""
    quantum = Decimal(1).scaleb(-decimals)
    number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    integer, _, fraction = f"{abs(number):.{decimals}f}".partition(".")
    groups = []
    while integer:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    text = NARROW_NBSP.join(groups)
    if decimals:
        text += "," + fraction
    return sign + text


def _has_cents(value) -> bool:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        return False
    return number != number.to_integral_value()


def euros(value, decimals=None) -> str:
    """12500 -> '12 500 €' (narrow no-break spaces, as French typography wants): whole euros
    unless the amount has cents (12500.5 -> '12 500,50 €'); `decimals` forces a precision."""
    if decimals is None or decimals == "":
        decimals = 2 if _has_cents(value) else 0
    text = format_number(value, int(decimals))
    return f"{text}{NBSP}€" if text else ""
