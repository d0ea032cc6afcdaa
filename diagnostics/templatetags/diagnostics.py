from decimal import Decimal, InvalidOperation

from django import template

from diagnostics.formatting import format_value

register = template.Library()


@register.filter
def french_decimal(value, unit=""):
    """'1234.5' -> '1 234,5' (with its unit when given); '' for an empty value."""
    if value in (None, ""):
        return ""
    try:
        return format_value(Decimal(str(value)), unit)
    except InvalidOperation:
        return value
