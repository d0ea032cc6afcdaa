import calendar
import datetime as dt

import pytest

from projects.deadlines import (
    deadline_warning,
    opposition_deadline,
    tacit_validation_date,
)

D = dt.date


@pytest.mark.parametrize(
    ("received", "last_day_to_oppose", "validated_from"),
    [
        # domain.md §9's examples
        (D(2026, 12, 31), D(2027, 2, 28), D(2027, 3, 1)),
        (D(2027, 12, 31), D(2028, 2, 29), D(2028, 3, 1)),  # leap year
        (D(2026, 6, 30), D(2026, 8, 30), D(2026, 8, 31)),
        (D(2026, 3, 15), D(2026, 5, 15), D(2026, 5, 16)),
        # other month ends
        (D(2026, 12, 30), D(2027, 2, 28), D(2027, 3, 1)),
        (D(2027, 12, 29), D(2028, 2, 29), D(2028, 3, 1)),
        (D(2026, 7, 31), D(2026, 9, 30), D(2026, 10, 1)),
        (D(2026, 8, 31), D(2026, 10, 31), D(2026, 11, 1)),
        (D(2026, 10, 31), D(2026, 12, 31), D(2027, 1, 1)),
        (D(2026, 11, 30), D(2027, 1, 30), D(2027, 1, 31)),
        (D(2027, 1, 31), D(2027, 3, 31), D(2027, 4, 1)),
        (D(2028, 2, 29), D(2028, 4, 29), D(2028, 4, 30)),
        (D(2100, 12, 31), D(2101, 2, 28), D(2101, 3, 1)),  # 2100 is not a leap year
    ],
)
def test_opposition_deadline_and_tacit_validation(received, last_day_to_oppose, validated_from):
    assert opposition_deadline(received) == last_day_to_oppose
    assert tacit_validation_date(received) == validated_from


def test_every_day_of_four_years_counts_de_quantieme_a_quantieme():
    day = D(2026, 1, 1)
    while day < D(2030, 1, 1):
        deadline = opposition_deadline(day)
        month_index = day.month + 1
        year, month = day.year + month_index // 12, month_index % 12 + 1
        last = calendar.monthrange(year, month)[1]

        assert (deadline.year, deadline.month) == (year, month)
        assert deadline.day == min(day.day, last)
        assert tacit_validation_date(day) == deadline + dt.timedelta(days=1)
        day += dt.timedelta(days=1)


def test_a_deadline_on_a_weekend_or_holiday_is_not_extended_but_warned():
    saturday = opposition_deadline(D(2026, 3, 16))
    labour_day = opposition_deadline(D(2026, 3, 1))
    friday = opposition_deadline(D(2026, 3, 15))

    assert saturday == D(2026, 5, 16)
    assert "samedi" in deadline_warning(saturday)
    assert "n'est pas prolongé" in deadline_warning(saturday)
    assert labour_day == D(2026, 5, 1)
    assert "jour férié (Fête du Travail)" in deadline_warning(labour_day)
    assert deadline_warning(friday) == ""
