"""Calendar arithmetic shared by the legal clock, the contract years and the deadlines."""

import datetime as dt

from dateutil.relativedelta import relativedelta


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by `months` (negative: back), "de quantième à quantième" (article 641 of
    the Code de procédure civile): the same day number, or the last day of the month when it
    has no such day (31/01 + 1 month = 28/02 or 29/02). Never decreases as `day` grows."""
    return day + relativedelta(months=months)
