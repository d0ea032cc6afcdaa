from decimal import Decimal

import pytest

from cpts_portal.lib.numbers import euros, format_number, parse_french_decimal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12,5", "12.5"),
        ("1 234,5", "1234.5"),
        ("1\u202f234,5", "1234.5"),
        ("1\u00a0234", "1234"),
        ("1.234,5", "1234.5"),
        ("1,234.5", "1234.5"),
        ("12.5", "12.5"),
        ("12,5 %", "12.5"),
        ("12 500,50 €", "12500.50"),
        ("+7", "7"),
        ("-3", "-3"),
    ],
)
def test_parse_french_decimal_reads_french_and_english_numbers(text, expected):
    assert parse_french_decimal(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "", "1,2,3", "NaN", "Infinity", "12 ans", "1\x002"])
def test_parse_french_decimal_refuses_what_is_not_a_number(text):
    with pytest.raises(ValueError):
        parse_french_decimal(text)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1234567, 0, "1\u202f234\u202f567"),
        (Decimal("1234.565"), 2, "1\u202f234,57"),
        (Decimal("-0.5"), 0, "-1"),
        ("12.5", 1, "12,5"),
        ("pas un nombre", 0, ""),
        (None, 0, ""),
    ],
)
def test_format_number_groups_thousands_with_narrow_spaces(value, decimals, expected):
    assert format_number(value, decimals) == expected


def test_euros_adds_the_unit_after_a_no_break_space():
    # Whole euros unless the amount has cents (house style), both for planned and paid amounts.
    assert euros(Decimal("12500.00")) == "12\u202f500\u00a0€"
    assert euros(Decimal("12500.5")) == "12\u202f500,50\u00a0€"
    assert euros(Decimal("12500.004")) == "12\u202f500\u00a0€"
    assert euros(Decimal("12500.5"), 0) == "12\u202f501\u00a0€"
    assert euros(Decimal("12500.5"), 2) == "12\u202f500,50\u00a0€"
    assert euros("") == ""
