"""A page of a queryset whose total comes with its rows.

Django's Paginator asks the database for COUNT(*) first, then for the page: two plannings of
the same (often heavy) query. `page_of` reads the page with COUNT(*) OVER () in the same
statement (issue 19). A distinct queryset (the window would count before DISTINCT) and a page
past the end fall back to Django's way. A caller that already knows the total (`count`) reads
the page alone: the window makes the database read and count every row before it sorts, which
for a whole country's projects costs more than the page.
"""

from django.core.paginator import Page, Paginator
from django.db.models import Count, Window

TOTAL = "page_total_rows"


def page_of(queryset, number, per_page: int, *, count: int | None = None) -> Page:
    """What `Paginator(queryset, per_page).get_page(number)` gives, in one query (`count`:
    the queryset's number of rows when the caller has it)."""
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.__dict__["count"] = count  # Paginator.count is cached
        return paginator.get_page(number)
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    if queryset.query.distinct or number < 1:
        return paginator.get_page(number)
    bottom = (number - 1) * per_page
    rows = list(queryset.annotate(**{TOTAL: Window(Count("pk"))})[bottom : bottom + per_page])
    if rows:
        paginator.__dict__["count"] = getattr(rows[0], TOTAL)  # Paginator.count is cached
        return Page(rows, number, paginator)
    if number == 1:
        paginator.__dict__["count"] = 0
        return Page([], 1, paginator)
    return paginator.get_page(number)  # past the end: the last page, as get_page does
