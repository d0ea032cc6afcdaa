"""What each document prints, read from every app (flow layer)."""

from django.db.models import Max, Prefetch
from django.utils import timezone

from diagnostics import charts
from diagnostics.models import DiagnosticSection, Need
from diagnostics.territory import territory_communes, territory_summary
from funding.budget import budget_view
from funding.exports import simulation_pdf_context
from funding.models import Budget
from funding.simulation import project_params, simulate_params
from governance.models import (
    INFORMATION_SYSTEM_FIELDS,
    Association,
    InformationSystem,
    Instance,
    Mandate,
    Office,
    Partnership,
)
from missions.models import Fiche, Mission, WorkingGroupMember
from projects.models import AvisBody, Contract, IntentionLetter

from . import review
from .domain import project_models
from .followup import dialogue_view


def intention_letter(project) -> dict:
    letter = IntentionLetter.objects.get(project=project)
    rows = [
        (str(letter._meta.get_field(name).verbose_name), getattr(letter, name))
        for name in (
            "porteur",
            "territory",
            "diagnostic",
            "actors",
            "coordination",
            "missions",
            "calendar",
        )
    ]
    return {"letter": letter, "rows": rows, "title": "Lettre d'intention"}


def avis_grid(project) -> dict:
    deposit = project.current_deposit()
    order = list(AvisBody.values)
    avis = sorted(
        deposit.avis.select_related("submitted_by") if deposit else [],
        key=lambda a: order.index(a.body),
    )
    return {
        "title": "Grille d'avis",
        "deposit": deposit,
        "avis": [(item, review.answer_rows(item)) for item in avis],
        "questions": review.QUESTIONS,
        "figures": territory_figures(project),
        "printed": timezone.localdate(),
    }


def territory_figures(project) -> dict:
    """The figures of the grid's header, from the territory and the governance apps."""

    summary = territory_summary(project)
    return {"communes": summary.commune_count, "population": summary.population}


def projet_de_sante(project) -> dict:
    """Everything the projet de santé prints, part by part (domain.md §4)."""
    context = {"title": "Projet de santé", "version_date": version_date(project)}
    context.update(diagnostic_part(project))
    context.update(missions_part(project))
    context.update(organisation_part(project))
    return context


def missions_part(project) -> dict:
    """Part 2: each mission with its fiches-actions in full (Annexe 7)."""

    fiches = list(
        Fiche.objects.filter(project=project)
        .select_related("mission", "pilot")
        .prefetch_related(
            "sub_actions",
            "indicators",
            "needs",
            Prefetch("members", queryset=WorkingGroupMember.objects.select_related("user")),
        )
        .order_by("mission__order", "number")
    )
    missions = []
    for mission in Mission.objects.order_by("order"):
        mission_fiches = [f for f in fiches if f.mission_id == mission.pk]
        if mission_fiches or mission.kind == "SOCLE":
            missions.append(
                {
                    "code": mission.code,
                    "name": mission.name,
                    "kind": mission.get_kind_display(),
                    "fiches": mission_fiches,
                }
            )
    return {"missions": missions, "fiche_count": len(fiches)}


def organisation_part(project) -> dict:
    """Part 3: association and governance, information system, budget, partnerships."""

    budget = Budget.objects.filter(project=project).first()
    context = {"budget": budget_view(budget) if budget else None}
    context.update(governance_part(project))
    context["part3_toc"] = [
        ("association", "L'association"),
        ("gouvernance", "La gouvernance"),
        ("systeme-information", "Le système d'information"),
        ("budget", "Le budget prévisionnel"),
        ("partenariats", "Les partenariats"),
    ]
    return context


def governance_part(project) -> dict:
    mandates = list(
        Mandate.objects.filter(project=project)
        .current()
        .select_related("member", "body")
        .order_by("body__order", "office", "member__last_name")
    )
    rank = {office: i for i, office in enumerate(Office.values)}
    mandates.sort(key=lambda m: (rank.get(m.office, 99), m.member.last_name))
    instances = list(Instance.objects.filter(project=project))
    for instance in instances:
        instance.current_mandates = [m for m in mandates if m.body_id == instance.pk]
    information_system = InformationSystem.objects.filter(project=project).first()
    return {
        "association": Association.objects.filter(project=project).first(),
        "instances": instances,
        # The described fields only: (name, label, text), in the order of the form.
        "information_system": [
            (name, InformationSystem._meta.get_field(name).verbose_name, value)
            for name in INFORMATION_SYSTEM_FIELDS
            if (value := getattr(information_system, name, ""))
        ],
        "partnerships": list(Partnership.objects.filter(project=project)),
    }


def version_date(project):
    """The date of the latest change of the data the document prints (its version)."""
    latest = project.updated_at
    for model, path in project_models():
        if "updated_at" in {f.name for f in model._meta.fields}:
            value = model.objects.filter(**{path: project}).aggregate(m=Max("updated_at"))["m"]
            if value and value > latest:
                latest = value
    return timezone.localtime(latest).date()


def diagnostic_part(project) -> dict:
    """Part 1: the territory, then each section of the diagnostic with its figures."""

    sections = {
        s.key: s
        for s in DiagnosticSection.objects.filter(project=project).prefetch_related("indicators")
    }
    rendered = []
    for key, label in DiagnosticSection.Key.choices:
        section = sections.get(key)
        indicators = list(section.indicators.all()) if section else []
        rendered.append(
            {
                "key": key,
                "label": label,
                "text": section.text if section else "",
                "indicators": [i for i in indicators if i.kind == "INDICATOR"],
                "ages": [i for i in indicators if i.kind == "AGE_BRACKET"],
                "comparison_chart": charts.comparison_chart(indicators),
                "age_chart": charts.age_chart(indicators),
            }
        )
    communes = list(
        territory_communes(project)
        .select_related("departement", "epci")
        .order_by("departement_id", "name")
    )
    return {
        "territory": territory_summary(project),
        "communes": communes,
        "sections": rendered,
        "needs": list(Need.objects.active().filter(project=project)),
    }


def annual_dialogue(project, year: int) -> dict:
    """The report of the dialogue de gestion of contract `year`."""

    contract = Contract.objects.get(project=project)
    return {
        "title": f"Dialogue de gestion — année {year}",
        "contract": contract,
        "year": dialogue_view(project, contract, year),
    }


def funding_simulation(project, **params) -> dict:
    """The ACI funding simulation with its payment schedule: of the parameters set on the
    project's simulator page (Document.params), else of the project's own budget."""

    simulation = simulate_params(params or project_params(project))
    return simulation_pdf_context(simulation, project=project)
