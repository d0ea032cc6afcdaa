"""Does an instance's composition meet the rules its CPTS set? Each rule says why, in French."""

import math
from collections import Counter
from dataclasses import dataclass

from .models import CompositionRules, Mandate, Office

FRACTIONS = {(1, 2): "la moitié", (1, 3): "un tiers", (2, 3): "deux tiers", (1, 4): "un quart"}


@dataclass(frozen=True)
class RuleResult:
    label: str
    ok: bool
    reason: str


def fraction_label(numerator: int, denominator: int) -> str:
    return FRACTIONS.get((numerator, denominator), f"{numerator}/{denominator}")


def _de(text: str) -> str:
    """French elision: « moins d'un tiers », « moins de la moitié »."""
    return f"d'{text}" if text[:1] in "aeiouhéu" else f"de {text}"


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count <= 1 else (plural or singular + 's')}"


def _office_count(office: Office, count: int) -> str:
    return office.label if count == 1 else f"{count} × {office.label}"


def composition_check(rules: CompositionRules | None, mandates: list[Mandate]) -> list[RuleResult]:
    """`mandates` are the instance's current mandates, with their member loaded."""
    if rules is None:
        return []
    members = list({m.member_id: m.member for m in mandates}.values())
    count = len(members)
    results = []

    if rules.min_members is not None or rules.max_members is not None:
        low, high = rules.min_members, rules.max_members
        if low is not None and high is not None:
            label = f"Entre {low} et {high} membres"
        elif low is not None:
            label = f"Au moins {low} membres"
        else:
            label = f"Au plus {high} membres"
        counted = f"L'instance compte {_plural(count, 'membre')}"
        if low is not None and count < low:
            results.append(RuleResult(label, False, f"{counted} : il en faut au moins {low}."))
        elif high is not None and count > high:
            results.append(RuleResult(label, False, f"{counted} : il en faut au plus {high}."))
        else:
            results.append(RuleResult(label, True, f"{counted}."))

    if rules.active_only:
        label = "Uniquement des membres actifs"
        partners = sorted(m.display_name for m in members if not m.votes)
        if partners:
            results.append(
                RuleResult(
                    label,
                    False,
                    f"{', '.join(partners)} : membre(s) partenaire(s), sans droit de vote, "
                    "ne peuvent pas y siéger.",
                )
            )
        else:
            results.append(RuleResult(label, True, "Tous les membres sont des membres actifs."))

    if rules.min_professions:
        label = f"Au moins {rules.min_professions} professions de santé différentes"
        professions = sorted({m.get_profession_display() for m in members if m.profession})
        listed = f" ({', '.join(professions)})" if professions else ""
        counted = _plural(len(professions), "profession représentée", "professions représentées")
        text = f"{counted}{listed}"
        ok = len(professions) >= rules.min_professions
        reason = f"{text}." if ok else f"{text} : il en faut au moins {rules.min_professions}."
        results.append(RuleResult(label, ok, reason))

    if rules.doctors_numerator and rules.doctors_denominator:
        share = fraction_label(rules.doctors_numerator, rules.doctors_denominator)
        label = f"Au moins {share} de médecins"
        doctors = sum(1 for m in members if m.is_doctor)
        needed = math.ceil(count * rules.doctors_numerator / rules.doctors_denominator)
        text = f"{_plural(doctors, 'médecin')} sur {_plural(count, 'membre')}"
        if doctors >= needed:
            results.append(RuleResult(label, True, f"{text} (il en faut au moins {needed})."))
        else:
            results.append(
                RuleResult(
                    label, False, f"{text}, soit moins {_de(share)} : il en faut au moins {needed}."
                )
            )

    if rules.doctor_in_presidency:
        label = "Un médecin parmi le président et les vice-présidents"
        heads = [m for m in mandates if m.office in (Office.PRESIDENT, Office.VICE_PRESIDENT)]
        if not heads:
            results.append(
                RuleResult(label, False, "Ni président ni vice-président n'est désigné.")
            )
        elif any(m.member.is_doctor for m in heads):
            doctor = next(m for m in heads if m.member.is_doctor)
            results.append(
                RuleResult(
                    label,
                    True,
                    f"{doctor.member.display_name} ({doctor.member.get_profession_display()}) "
                    f"est {doctor.get_office_display()}.",
                )
            )
        else:
            listed = ", ".join(
                f"{m.member.display_name} ({m.get_office_display()}, {m.member.description})"
                for m in heads
            )
            results.append(RuleResult(label, False, f"Aucun médecin parmi {listed}."))

    if rules.required_offices:
        # An office listed n times must be held by n mandates (Annexe 3: "Deux Vice-Présidents").
        wanted = Counter(code for code in rules.required_offices if code in Office.values)
        offices = [Office(code) for code in Office.values if code in wanted]
        label = "Fonctions obligatoires : " + ", ".join(
            _office_count(o, wanted[o]) for o in offices
        )
        held = Counter(m.office for m in mandates)
        missing = [_office_count(o, wanted[o] - held[o]) for o in offices if held[o] < wanted[o]]
        if missing:
            results.append(
                RuleResult(label, False, "Fonction(s) non pourvue(s) : " + ", ".join(missing) + ".")
            )
        else:
            results.append(RuleResult(label, True, "Toutes ces fonctions sont pourvues."))
    return results
