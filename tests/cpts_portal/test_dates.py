import calendar
import datetime as dt

import pytest

from cpts_portal.lib.dates import add_months

D = dt.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        # month ends: the last day of a shorter month (article 641 CPC)
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2026, 12, 31), 2, D(2027, 2, 28)),
        (D(2027, 12, 31), 2, D(2028, 2, 29)),
        (D(2026, 8, 31), 6, D(2027, 2, 28)),
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 6, 30), 2, D(2026, 8, 30)),  # not moved to the 31st
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2100, 12, 31), 2, D(2101, 2, 28)),  # 2100 is not a leap year
        # year changes
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2025, 12, 31), 12, D(2026, 12, 31)),
        (D(2026, 1, 31), 60, D(2031, 1, 31)),
        (D(2026, 3, 15), 18, D(2027, 9, 15)),
        # same day number, and zero months
        (D(2026, 3, 15), 2, D(2026, 5, 15)),
        (D(2026, 6, 18), 12, D(2027, 6, 18)),
        (D(2026, 5, 31), 0, D(2026, 5, 31)),
    ],
)
def test_add_months_counts_from_day_number_to_day_number(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),
        (D(2026, 5, 31), -2, D(2026, 3, 31)),
        (D(2026, 1, 15), -1, D(2025, 12, 15)),
        (D(2026, 2, 28), -14, D(2024, 12, 28)),
        (D(2028, 2, 29), -48, D(2024, 2, 29)),
        (D(2027, 2, 28), -12, D(2026, 2, 28)),
    ],
)
def test_add_months_goes_back_with_negative_months(day, months, expected):
    assert add_months(day, months) == expected


def test_add_months_matches_the_calendar_and_never_decreases():
    day = D(2027, 1, 1)
    while day < D(2029, 1, 1):
        for months in (-25, -12, -1, 1, 2, 11, 12, 13, 60):
            result = add_months(day, months)
            index = day.month - 1 + months
            year, month = day.year + index // 12, index % 12 + 1
            assert (result.year, result.month) == (year, month)
            assert result.day == min(day.day, calendar.monthrange(year, month)[1])
            assert add_months(day + dt.timedelta(days=1), months) >= result
        day += dt.timedelta(days=1)


def test_add_months_is_calendar_month_arithmetic_over_every_day_of_four_years():
    """Every day of a leap cycle moved by -30 to +70 months lands where dateutil's month
    arithmetic (the reference for "de quantième à quantième") puts it."""
    from dateutil.relativedelta import relativedelta

    day = dt.date(2023, 1, 1)
    while day < dt.date(2027, 1, 1):
        for months in range(-30, 71, 7):
            assert add_months(day, months) == day + relativedelta(months=months), (day, months)
        day += dt.timedelta(days=1)
