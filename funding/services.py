"""Every write of the funding app: budget, its lines, other grants and their documents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from cpts_portal.lib.numbering import next_number
from cpts_portal.lib.versioning import create_versioned, delete_versioned, save_versioned
from projects.models import Project

from .budget import side_of
from .models import SOCLE_2019, Budget, BudgetLine, Grant, GrantDocument


@transaction.atomic
def budget_create(*, project: Project, by, population: int | None = None) -> Budget:
    """The project's budget (created with the socle missions if it has none yet)."""
    existing = Budget.objects.filter(project=project).first()
    if existing is not None:
        return existing
    return create_versioned(
        Budget,
        by=by,
        project=project,
        population=population,
        missions=[str(code) for code in SOCLE_2019],
    )


def budget_update(
    *,
    budget: Budget,
    version: int,
    by,
    population: int | None,
    missions: list[str],
    snp_orientation: bool,
    signature_date: dt.date | None,
) -> Budget:
    return save_versioned(
        budget,
        version=version,
        by=by,
        fields={
            "population": population,
            "missions": list(missions),
            "snp_orientation": snp_orientation,
            "signature_date": signature_date,
        },
    )


@transaction.atomic
def budget_line_create(
    *, budget: Budget, by, part: str, category: str, label: str, amount: Decimal
) -> BudgetLine:
    Budget.objects.select_for_update().filter(pk=budget.pk).first()  # serialises numbering
    return create_versioned(
        BudgetLine,
        by=by,
        budget=budget,
        number=next_number(budget.lines),
        part=part,
        side=side_of(category),
        category=category,
        label=label,
        amount=amount,
    )


def budget_line_update(
    *, line: BudgetLine, version: int, by, category: str, label: str, amount: Decimal
) -> BudgetLine:
    return save_versioned(
        line,
        version=version,
        by=by,
        fields={
            "category": category,
            "side": side_of(category),
            "label": label,
            "amount": amount,
        },
    )


def budget_line_delete(*, line: BudgetLine, version: int, by) -> None:
    delete_versioned(line, version=version, by=by)


@transaction.atomic
def grant_create(*, project: Project, by, document=None, **fields) -> Grant:
    Project.objects.select_for_update().filter(pk=project.pk).first()
    grant = create_versioned(
        Grant, by=by, project=project, number=next_number(project.grants), **fields
    )
    if document is not None:
        grant_document_add(grant=grant, by=by, file=document)
    return grant


@transaction.atomic
def grant_update(*, grant: Grant, version: int, by, document=None, **fields) -> Grant:
    grant = save_versioned(grant, version=version, by=by, fields=fields)
    if document is not None:
        grant_document_add(grant=grant, by=by, file=document)
    return grant


@transaction.atomic
def grant_document_add(*, grant: Grant, by, file) -> GrantDocument:
    Grant.objects.select_for_update().filter(pk=grant.pk).first()
    document = GrantDocument(
        grant=grant,
        number=next_number(grant.documents),
        name=file.name.rsplit("/", 1)[-1][:200],
        uploaded_by=by,
    )
    document.file.save(file.name, file, save=False)
    document.save()
    return document
