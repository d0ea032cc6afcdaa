"""Writes of the territory and the diagnostic (views make one call here)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction

from cpts_portal.lib.numbering import next_number
from cpts_portal.lib.versioning import EditConflict, create_versioned, save_versioned
from geo.models import Commune, Departement, Epci
from geo.population import overlapping_levels, size_tier, total_population

from .formatting import indicator_line
from .models import (
    DiagnosticFigure,
    DiagnosticSection,
    Need,
    Territory,
    TerritoryChange,
    TerritoryCommune,
)

Action = TerritoryChange.Action


class TerritoryError(ValueError):
    """A change of the territory that cannot be made; the message is French, for the user."""


# --- Territory ------------------------------------------------------------------------------


def territory_get_or_create(*, project, by=None) -> Territory:
    territory = Territory.objects.filter(project=project).first()
    if territory is None:
        try:
            with transaction.atomic():
                territory = create_versioned(Territory, by=by, project=project)
        except IntegrityError:  # created meanwhile by another request
            territory = Territory.objects.get(project=project)
    return territory


def _levels_message(pairs) -> str:
    city, arrondissement = pairs[0]
    return (
        f"{city.name} ({city.code}) et {arrondissement.name} ({arrondissement.code}) ne peuvent "
        "pas faire partie ensemble du territoire : la population de la ville comprend déjà "
        "celle de ses arrondissements. Choisissez la ville entière ou ses arrondissements."
    )


@transaction.atomic
def _territory_change(*, project, action: str, communes: list[Commune], subject: str, by):
    territory = territory_get_or_create(project=project, by=by)
    territory = Territory.objects.select_for_update().get(pk=territory.pk)
    current = list(
        Commune.objects.filter(territory_memberships__territory=territory).only(
            "code", "name", "parent_id", "population", "departement_id"
        )
    )
    current_codes = {c.code for c in current}
    if action == Action.ADD:
        concerned = [c for c in communes if c.code not in current_codes]
        if not concerned:
            raise TerritoryError(f"{subject} fait déjà partie du territoire.")
        after = current + concerned
        pairs = overlapping_levels(after)
        if pairs:
            raise TerritoryError(_levels_message(pairs))
        TerritoryCommune.objects.bulk_create(
            [TerritoryCommune(territory=territory, commune=c, added_by=by) for c in concerned]
        )
    else:
        concerned = [c for c in communes if c.code in current_codes]
        if not concerned:
            raise TerritoryError(f"{subject} ne fait pas partie du territoire.")
        removed = {c.code for c in concerned}
        after = [c for c in current if c.code not in removed]
        TerritoryCommune.objects.filter(territory=territory, commune_id__in=removed).delete()
    population_before = total_population(current)
    population_after = total_population(after)
    verb = "Ajout" if action == Action.ADD else "Retrait"
    territory = save_versioned(
        territory,
        version=territory.version,
        by=by,
        fields={"population": population_after, "tier": size_tier(population_after)},
        reason=f"{verb} : {subject}",
    )
    # Reviewers are scoped by the project's départements: keep them those of the territory.
    project.departements.set(Departement.objects.filter(code__in={c.departement_id for c in after}))
    return TerritoryChange.objects.create(
        territory=territory,
        action=action,
        subject=subject[:250],
        commune_codes=" ".join(sorted(c.code for c in concerned)),
        commune_count=len(concerned),
        population_before=population_before,
        population_after=population_after,
        tier_before=size_tier(population_before),
        tier_after=size_tier(population_after),
        version=territory.version,
        by=by,
    )


def _commune(code: str) -> Commune:
    commune = Commune.objects.filter(code=code).first()
    if commune is None:
        raise TerritoryError(f"La commune de code INSEE « {code} » est introuvable.")
    return commune


def _epci(code: str) -> Epci:
    epci = Epci.objects.filter(code=code).first()
    if epci is None:
        raise TerritoryError(f"L'EPCI de code SIREN « {code} » est introuvable.")
    return epci


def territory_add_commune(*, project, code: str, by) -> TerritoryChange:
    commune = _commune(code)
    return _territory_change(
        project=project, action=Action.ADD, communes=[commune], subject=str(commune), by=by
    )


def territory_remove_commune(*, project, code: str, by) -> TerritoryChange:
    commune = _commune(code)
    return _territory_change(
        project=project, action=Action.REMOVE, communes=[commune], subject=str(commune), by=by
    )


def territory_add_epci(*, project, code: str, by) -> TerritoryChange:
    """Add every commune of the EPCI (not their arrondissements: the city counts them)."""
    epci = _epci(code)
    communes = list(epci.communes.filter(kind=Commune.Kind.COMMUNE))
    return _territory_change(
        project=project,
        action=Action.ADD,
        communes=communes,
        subject=f"{epci.name} (EPCI {epci.code})",
        by=by,
    )


def territory_remove_epci(*, project, code: str, by) -> TerritoryChange:
    epci = _epci(code)
    return _territory_change(
        project=project,
        action=Action.REMOVE,
        communes=list(epci.communes.all()),
        subject=f"{epci.name} (EPCI {epci.code})",
        by=by,
    )


# --- Diagnostic -----------------------------------------------------------------------------


def section_get_or_create(*, project, key: str, by=None) -> DiagnosticSection:
    section = DiagnosticSection.objects.filter(project=project, key=key).first()
    if section is None:
        try:
            with transaction.atomic():
                section = create_versioned(DiagnosticSection, by=by, project=project, key=key)
        except IntegrityError:  # two people opened the section for the first time together
            section = DiagnosticSection.objects.get(project=project, key=key)
    return section


def indicators_snapshot(indicators, needs=()) -> str:
    """The plain-text rendering of indicators and needs kept in the section's history."""
    lines = [f"- {indicator_line(i)}" for i in indicators]
    lines += [
        f"- {n.code} : {n.label} (source : {n.source} ; priorité {n.get_priority_display()})"
        + (" — retiré" if n.withdrawn else "")
        for n in needs
    ]
    return "\n".join(lines)


INDICATOR_FIELDS = (
    "kind",
    "label",
    "area",
    "value",
    "unit",
    "year",
    "source",
    "comparison_value",
    "comparison_label",
)
NEED_FIELDS = ("label", "source", "priority")


@dataclass
class Row:
    """One row of an edited list: `id` of an existing record (None = new), its values, and
    whether the user asked to delete it."""

    id: int | None
    values: dict
    delete: bool = False


def _sync_indicators(section: DiagnosticSection, rows: list[Row]) -> None:
    existing = {i.pk: i for i in section.indicators.all()}
    kept = set()
    for position, row in enumerate(rows):
        indicator = existing.get(row.id) if row.id else None
        if row.delete:
            continue
        if indicator is None:
            indicator = DiagnosticFigure(section=section)
        for name in INDICATOR_FIELDS:
            setattr(indicator, name, row.values.get(name, getattr(indicator, name)))
        indicator.position = position
        indicator.save()
        kept.add(indicator.pk)
    for pk, indicator in existing.items():
        if pk not in kept:
            indicator.delete()


def _sync_needs(section: DiagnosticSection, rows: list[Row], by) -> None:
    project = section.project
    existing = {n.pk: n for n in Need.objects.filter(project=project).active()}
    number = next_number(Need.objects.filter(project=project))
    for row in rows:
        need = existing.get(row.id) if row.id else None
        if need is None:
            if row.delete:
                continue
            create_versioned(
                Need,
                by=by,
                project=project,
                number=number,
                **{name: row.values[name] for name in NEED_FIELDS},
            )
            number += 1
            continue
        fields = {name: row.values[name] for name in NEED_FIELDS}
        if row.delete:
            fields = {"withdrawn": True}
        elif all(getattr(need, name) == value for name, value in fields.items()):
            continue
        save_versioned(need, version=need.version, by=by, fields=fields)


@transaction.atomic
def section_save(
    *,
    section: DiagnosticSection,
    version: int,
    by,
    text: str,
    indicators: list[Row] | None = None,
    needs: list[Row] | None = None,
) -> DiagnosticSection:
    """Save a section's text, indicators and needs if nobody saved it since `version`.

    The section's version guards its whole content: a stale form raises EditConflict and
    writes nothing."""
    current = DiagnosticSection.objects.select_for_update().get(pk=section.pk)
    if current.version != version:
        raise EditConflict(current)
    if indicators is not None:
        _sync_indicators(current, indicators)
    if needs is not None:
        _sync_needs(current, needs, by)
    return _save_section(current, by=by, fields={"text": text})


def _save_section(section: DiagnosticSection, *, by, fields: dict, reason: str = ""):
    needs = (
        Need.objects.filter(project_id=section.project_id)
        if section.key == DiagnosticSection.Key.NEEDS
        else ()
    )
    fields["indicators_text"] = indicators_snapshot(section.indicators.all(), needs)
    return save_versioned(section, version=section.version, by=by, fields=fields, reason=reason)


@dataclass
class ImportRow:
    """A parsed CSV row (values ready for a DiagnosticFigure) and its line number in the file."""

    line: int
    values: dict
    replaces: int | None = None  # pk of the indicator it updates (same label, zone, year)


def _match_key(values: dict) -> tuple:
    return (values["label"].strip().lower(), values.get("area", "").strip().lower(), values["year"])


def import_matches(section: DiagnosticSection, rows: list[dict]) -> list[int | None]:
    """For each parsed row, the pk of the section's indicator it would update, if any."""
    existing = {_match_key(vars_of(i)): i.pk for i in section.indicators.all()}
    return [existing.get(_match_key(values)) for values in rows]


def vars_of(indicator: DiagnosticFigure) -> dict:
    return {name: getattr(indicator, name) for name in INDICATOR_FIELDS}


@transaction.atomic
def indicators_import(*, section: DiagnosticSection, rows: list[dict], by, filename: str = ""):
    """Write every parsed row into the section, all or nothing: an indicator with the same
    label, zone and year gets the new values, the others are added after the existing ones."""
    section = DiagnosticSection.objects.select_for_update().get(pk=section.pk)
    matches = import_matches(section, rows)
    position = section.indicators.count()
    for values, pk in zip(rows, matches, strict=True):
        indicator = DiagnosticFigure.objects.get(pk=pk) if pk else DiagnosticFigure(section=section)
        for name in INDICATOR_FIELDS:
            value = values.get(name, "")
            if name in ("value", "comparison_value") and value not in ("", None):
                value = Decimal(str(value))
            if name == "comparison_value" and value == "":
                value = None
            setattr(indicator, name, value)
        if not pk:
            indicator.position = position
            position += 1
        indicator.save()
    return _save_section(
        section,
        by=by,
        fields={},
        reason=f"Import de {len(rows)} indicateurs" + (f" ({filename})" if filename else ""),
    )
