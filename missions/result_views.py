"""Indicator results by contract year: the pilot (or a coordinator) records what was
measured, with its evidence; everyone of the CPTS and its reviewers read them."""

import rules
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from cpts_portal.lib.downloads import file_response
from cpts_portal.lib.versioning import EditConflict, conflict_panel
from projects.models import Contract

from .access import get_fiche_for_user
from .forms import IndicatorResultForm
from .models import Indicator, IndicatorResult
from .results import attainment, definition_error, result_save

YEARS = range(1, IndicatorResult.YEARS + 1)


def contract_years(project) -> list[dict]:
    """Contract years 1 to 5 with their dates when the ACI is signed."""
    contract = Contract.objects.filter(project=project).only("signature_date").first()
    years = []
    for year in YEARS:
        start, end = contract.year_period(year) if contract else (None, None)
        years.append({"number": year, "start": start, "end": end})
    return years


def _indicator(fiche, number: int) -> Indicator:
    indicator = fiche.indicators.filter(number=number).first()
    if indicator is None:
        raise Http404("Indicateur introuvable.")
    return indicator


def _year(year: int) -> int:
    if year not in YEARS:
        raise Http404("Le contrat ACI dure cinq ans.")
    return year


@require_GET
def fiche_results(request, slug, number):
    fiche = get_fiche_for_user(request.user, slug, number)
    indicators = list(fiche.indicators.prefetch_related("results"))
    rows = []
    for indicator in indicators:
        by_year = {result.year: result for result in indicator.results.all()}
        cells = []
        rated = indicator.kind == Indicator.Kind.RESULT or indicator.drives_funding
        for year in YEARS:
            result = by_year.get(year)
            rate, error = None, ""
            if result is not None and rated:
                error = definition_error(indicator, year)
                rate = attainment(indicator, result.value, year)
            cells.append(
                {
                    "year": year,
                    "result": result,
                    "rate": rate,
                    "error": error,
                    "target": indicator.target_for(year),
                }
            )
        rows.append({"indicator": indicator, "cells": cells})
    return render(
        request,
        "missions/fiche_results.html",
        {
            "project": fiche.project,
            "fiche": fiche,
            "rows": rows,
            "years": contract_years(fiche.project),
            "can_edit": rules.has_perm("missions.change_fiche", request.user, fiche),
            "active": "missions",
        },
    )


@require_http_methods(["GET", "POST"])
def result_edit(request, slug, number, indicator, year):
    fiche = get_fiche_for_user(request.user, slug, number, perm="missions.change_fiche")
    indicator = _indicator(fiche, indicator)
    year = _year(year)
    current = IndicatorResult.objects.filter(indicator=indicator, year=year).first()
    instance = current or IndicatorResult(indicator=indicator, year=year)
    conflict = None
    status = 200
    if request.method == "POST":
        form = IndicatorResultForm(request.POST, request.FILES, instance=instance)
        if form.is_valid():
            fields = {k: form.cleaned_data[k] for k in ("value", "measured_on", "comment")}
            upload = request.FILES.get("evidence")
            if upload is not None:
                fields["evidence"] = upload
                fields["evidence_type"] = form.checked.content_type
            try:
                result_save(
                    indicator=indicator,
                    year=year,
                    by=request.user,
                    version=form.cleaned_data["version"],
                    fields=fields,
                )
            except EditConflict as error:
                status, conflict = 409, conflict_panel(form, error)
            else:
                messages.success(request, f"Résultat de l'année {year} enregistré.")
                return redirect("missions:fiche-results", slug, fiche.number)
        else:
            status = 422
    else:
        form = IndicatorResultForm(instance=instance)
    return render(
        request,
        "missions/result_form.html",
        {
            "project": fiche.project,
            "fiche": fiche,
            "indicator": indicator,
            "year": next(y for y in contract_years(fiche.project) if y["number"] == year),
            "form": form,
            "conflict": conflict,
            "active": "missions",
        },
        status=status,
    )


@require_GET
def result_evidence(request, slug, number, indicator, year):
    fiche = get_fiche_for_user(request.user, slug, number)
    result = IndicatorResult.objects.filter(
        indicator=_indicator(fiche, indicator), year=_year(year)
    ).first()
    if result is None or not result.evidence:
        raise Http404("Aucune pièce justificative.")
    return file_response(
        result.evidence,
        result.evidence_filename,
        result.evidence_type or "application/octet-stream",
    )
