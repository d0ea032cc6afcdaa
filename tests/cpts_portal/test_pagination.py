"""cpts_portal.lib.pagination.page_of gives what Django's Paginator.get_page gives, in one
query when it can."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cpts_portal.lib.pagination import page_of
from geo.models import Departement

pytestmark = pytest.mark.django_db


def _same(page, expected):
    assert list(page) == list(expected)
    assert page.number == expected.number
    assert page.paginator.count == expected.paginator.count
    assert page.paginator.num_pages == expected.paginator.num_pages
    assert (page.has_next(), page.has_previous()) == (expected.has_next(), expected.has_previous())


@pytest.mark.parametrize("number", [1, 2, "3", 5, 99, "x", None, 0, -1])
def test_page_of_is_paginator_get_page(referential, number):
    departements = Departement.objects.order_by("code")
    assert departements.count() > 40

    _same(page_of(departements, number, 25), Paginator(departements, 25).get_page(number))


def test_a_page_and_its_total_in_one_query(referential):
    departements = Departement.objects.order_by("code")
    total = departements.count()
    with CaptureQueriesContext(connection) as queries:
        page = page_of(departements, 2, 25)
        rows, count, pages = list(page), page.paginator.count, page.paginator.num_pages
    assert len(queries.captured_queries) == 1
    assert len(rows) == 25 and count == total and pages == -(-total // 25)


@pytest.mark.parametrize("number", [1, 2])
def test_a_distinct_or_empty_queryset(referential, number):
    distinct = Departement.objects.filter(code__startswith="0").distinct().order_by("code")
    empty = Departement.objects.none().order_by("code")
    _same(page_of(distinct, number, 3), Paginator(distinct, 3).get_page(number))
    _same(page_of(empty, number, 3), Paginator(empty, 3).get_page(number))


@pytest.mark.parametrize("number", [1, 2, "3", 99, "x", None])
def test_a_known_total_reads_the_page_alone(referential, number):
    departements = Departement.objects.order_by("code")
    total = departements.count()
    with CaptureQueriesContext(connection) as queries:
        page = page_of(departements, number, 25, count=total)
        rows = list(page)
    assert len(queries.captured_queries) == 1  # the rows: no COUNT, no window
    assert "COUNT" not in queries.captured_queries[0]["sql"]
    assert rows == list(page)
    _same(page, Paginator(departements, 25).get_page(number))
