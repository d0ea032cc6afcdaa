"""What each document prints, read from every app (flow layer)."""

import hashlib
import re

from django.db.models import Max, Prefetch
from django.utils import timezone

from cpts_portal.lib import pdf
from diagnostics import charts
from diagnostics.models import (
    DIAGNOSTIC_SECTION_KEYS,
    PROJECT_SECTION_KEYS,
    DiagnosticSection,
    Need,
)
from diagnostics.territory import territory_communes, territory_summary
from funding.budget import budget_view
from funding.exports import simulation_pdf_context
from funding.models import Budget
from funding.simulation import project_params, simulate_params
from governance.models import (
    INFORMATION_SYSTEM_FIELDS,
    Association,
    GovernanceDocument,
    InformationSystem,
    Instance,
    Mandate,
    Member,
    Office,
    Partnership,
)
from missions.checks import required_missions
from missions.models import Fiche, Mission, WorkingGroupMember
from projects.models import AvisBody, Contract, IntentionLetter

from . import avis_questions
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
    answers = list(letter.answers.filter(round=letter.round).select_related("by"))
    departements = list(project.departements.order_by("code"))
    return {
        "letter": letter,
        "rows": rows,
        "title": "Lettre d'intention",
        # Issue 15: the letter reads as a letter, with the answers of both bodies.
        "answers": answers,
        "departements": departements,
        "validated": {a.body for a in answers if a.answer == "VALIDATED"} == {"ARS_DD", "CPAM"},
    }


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
        "avis": [(item, avis_questions.answer_rows(item)) for item in avis],
        "questions": avis_questions.QUESTIONS,
        "header": avis_grid_header(project, deposit),
        "printed": timezone.localdate(),
    }


def avis_grid_header(project, deposit=None) -> dict:
    """The header of the ARS's avis grid, filled from the project. Guide, Annexe 9: "Le
    territoire : NOMBRE DE COMMUNES : NOMBRE D'HABITANTS : NOMBRE DE PROFESSIONNELS ENGAGES
    DANS LA CPTS : NOMBRE D'ENGAGEMENTS A VENIR : Description des besoins identifiés".

    Professionals engaged: the association's members who are professionals (not structures)
    and have joined on the reference date (the deposit's reception, else today); engagements
    to come: the members recorded with a later joining date (the portal's reading, see
    /aide/); needs: the diagnostic's active needs."""
    on = getattr(deposit, "received_date", None) or timezone.localdate()
    summary = territory_summary(project)
    members = Member.objects.filter(project=project)
    return {
        "communes": summary.commune_count,
        "population": summary.population,
        "departements": summary.departements,
        "professionals": members.current(on).filter(kind=Member.Kind.PERSON).count(),
        "structures": members.current(on).filter(kind=Member.Kind.STRUCTURE).count(),
        "to_come": members.filter(adhesion_date__gt=on).exclude(leaving_date__lte=on).count(),
        "on": on,
        "needs": list(Need.objects.active().filter(project=project)),
        "scale": [label for _, label in avis_questions.JUDGEMENTS],
    }


def projet_de_sante(project) -> dict:
    """Everything the projet de santé prints, part by part (domain.md §4)."""
    context = {"title": "Projet de santé", "version_date": version_date(project)}
    context.update(diagnostic_part(project))
    context.update(missions_part(project))
    context.update(organisation_part(project, context["missions"]))
    context.update(annexes_part(project))
    annexed = {item["document"].pk: item for item in context["annexes"]}
    listed = {item["document"].pk: item for item in context["annexes_not_reproduced"]}
    for partnership in context["partnerships"]:
        partnership.annex = annexed.get(partnership.document_id)
        partnership.not_reproduced = listed.get(partnership.document_id)
    return context


def missions_part(project, *, number: int | None = None) -> dict:
    """Part 2: each mission with its fiches-actions in full (Annexe 7); with `number`, that
    fiche alone (the Word export of one fiche)."""
    selected = Fiche.objects.filter(project=project)
    if number is not None:
        selected = selected.filter(number=number)
    fiches = list(
        selected.select_related("mission", "pilot")
        .prefetch_related(
            "sub_actions",
            "indicators",
            "needs",
            Prefetch("members", queryset=WorkingGroupMember.objects.select_related("user")),
        )
        .order_by("mission__order", "number")
    )
    all_missions = list(Mission.objects.order_by("order"))
    # Socle as the barème that applies to the project says (ACI-2019: not the crisis mission),
    # not as the catalogue's kind: the same rule as the deposit checks and the missions page.
    required = {m.pk for m in required_missions(project, all_missions)}
    missions = []
    for mission in all_missions:
        mission_fiches = [f for f in fiches if f.mission_id == mission.pk]
        if mission_fiches or mission.pk in required:
            if mission.pk in required:
                kind = "socle, obligatoire"
            elif mission.kind == Mission.Kind.COMPLEMENTAIRE:
                kind = "complémentaire"
            else:
                kind = "facultative"
            missions.append(
                {"code": mission.code, "name": mission.name, "kind": kind, "fiches": mission_fiches}
            )
    return {"missions": missions, "fiche_count": len(fiches)}


def organisation_part(project, missions: list[dict]) -> dict:
    """Part 3: association and governance, coordination (a pilot per mission), usagers, fit
    with the PRS, deployment calendar, information system, budget, partnerships, signatures.

    `missions` are missions_part's (each with its fiches)."""

    budget = Budget.objects.filter(project=project).first()
    context = {"budget": budget_view(budget) if budget else None}
    context.update(governance_part(project))
    texts = dict(
        DiagnosticSection.objects.filter(project=project, key__in=PROJECT_SECTION_KEYS).values_list(
            "key", "text"
        )
    )
    context["project_sections"] = {
        key.value.replace("-", "_"): {"label": key.label, "text": texts.get(key, "")}
        for key in PROJECT_SECTION_KEYS
    }
    context["mission_pilots"] = mission_pilots(missions)
    context["calendar"] = deployment_calendar(missions)
    context["signatories"] = signatories(project)
    context["part3_toc"] = [
        ("association", "L'association"),
        ("gouvernance", "La gouvernance"),
        ("coordination", "L'organisation de la coordination"),
        ("usagers", "L'implication des usagers"),
        ("prs", "La cohérence avec le Projet régional de santé"),
        ("calendrier", "Le calendrier de déploiement des missions"),
        ("systeme-information", "Le système d'information"),
        ("budget", "Le budget prévisionnel"),
        ("partenariats", "Les partenariats"),
        ("signatures", "Les signatures des acteurs engagés"),
    ]
    return context


def mission_pilots(missions: list[dict]) -> list[dict]:
    """A pilot per mission. Guide: "La désignation de « pilotes » ou « référents » pour
    chacune des missions retenues paraît indispensable" and "Désigner un pilote par mission
    retenue": the pilots of the mission's fiches-actions, "à désigner" when none."""
    rows = []
    for mission in missions:
        pilots = []
        for fiche in mission["fiches"]:
            label = fiche.pilot_label
            if label and label not in pilots:
                pilots.append(label)
        rows.append({"code": mission["code"], "name": mission["name"], "pilots": pilots})
    return rows


def deployment_calendar(missions: list[dict]) -> list[dict]:
    """Per mission, the planning of its fiches-actions (start, end date, dated sub-actions),
    in date order. Guide (FOCUS - Planifier le déploiement des missions socles et
    optionnelles): "les communautés professionnelles territoriales de santé s'engagent à
    mettre en place les trois missions socles dans le respect de ce calendrier"."""
    rows = []
    for mission in missions:
        fiches = sorted(
            mission["fiches"],
            key=lambda f: (f.start_date is None, f.start_date or f.end_date, f.number),
        )
        dates = [d for f in fiches for d in (f.start_date, f.end_date) if d]
        rows.append(
            {
                "code": mission["code"],
                "name": mission["name"],
                "start": min(dates) if dates else None,
                "end": max(dates) if dates else None,
                "fiches": [
                    {
                        "fiche": fiche,
                        "steps": [s for s in fiche.sub_actions.all() if s.start_date or s.end_date],
                    }
                    for fiche in fiches
                ],
            }
        )
    return rows


def signatories(project) -> list[Member]:
    """The actors engaged in the projet de santé: the current members of the association,
    professionals then structures, each with a blank for his signature."""
    return list(
        Member.objects.filter(project=project)
        .current()
        .select_related("commune")
        .order_by("kind", "last_name", "first_name", "structure_name", "number")
    )


ANNEXED_KINDS = (GovernanceDocument.Kind.STATUTS, GovernanceDocument.Kind.REGLEMENT)


def annex_documents(project) -> list[GovernanceDocument]:
    """The uploaded documents the projet de santé annexes: the latest statuts and règlement
    intérieur, then every partnership convention (those of the partnerships and those
    uploaded as conventions). Guide: "possibilité de mettre les statuts et le règlement
    intérieur de l'association en annexe" and "Il conviendra de joindre en annexe les
    conventions de partenariats formalisées avec les acteurs [...]"."""
    documents = list(GovernanceDocument.objects.filter(project=project))  # latest first
    chosen = []
    for kind in ANNEXED_KINDS:
        latest = next((d for d in documents if d.kind == kind), None)
        if latest is not None:
            chosen.append(latest)
    linked = set(
        Partnership.objects.filter(project=project, document__isnull=False).values_list(
            "document_id", flat=True
        )
    )
    conventions = [
        d
        for d in documents
        if d.kind == GovernanceDocument.Kind.CONVENTION or (d.pk in linked and d not in chosen)
    ]
    return chosen + sorted(conventions, key=lambda d: d.number)


def annexes_part(project) -> dict:
    """The annexes: 1, the communes (printed); then each uploaded PDF document, whose pages
    are merged into the PDF (pdf.render's `inserts`): the HTML reserves one page per page of
    the file, so that the table of contents numbers them. A document in another format (ODT,
    DOCX) or unreadable is listed as not reproduced, never announced as an annex. Each file's
    SHA-256 is printed: a changed file changes the HTML, hence the document's version."""
    annexes, others = [], []
    for document in annex_documents(project):
        with document.file.open("rb") as handle:
            content = handle.read()
        item = {
            "document": document,
            "kind": document.get_kind_display(),
            "sha256": hashlib.sha256(content).hexdigest(),
            "anchor": f"annexe-document-{document.number}",
        }
        pages = 0
        if document.content_type == "application/pdf":
            try:
                pages = pdf.page_count(content)
            except ValueError:
                pages = 0
        if pages:
            item["number"] = len(annexes) + 2  # annex 1: the communes
            item["pages"] = pages
            item["page_range"] = range(pages)
            annexes.append(item)
        else:
            item["format"] = (
                "PDF illisible"
                if document.content_type == "application/pdf"
                else document.original_name.rsplit(".", 1)[-1].upper()
            )
            others.append(item)
    return {
        "annexes": annexes,
        "annexes_not_reproduced": others,
        "statuts_annex": next(
            (a for a in annexes if a["document"].kind == GovernanceDocument.Kind.STATUTS), None
        ),
        "reglement_annex": next(
            (a for a in annexes if a["document"].kind == GovernanceDocument.Kind.REGLEMENT),
            None,
        ),
    }


RESERVED = re.compile(
    r'id="(?P<anchor>annexe-document-(?P<number>\d+)-pages)" data-sha256="(?P<sha>[0-9a-f]{64})"'
)


def annex_inserts(project, html: str) -> dict[str, bytes]:
    """The PDF files to merge into the projet de santé `html`, by the id of their reserved
    page: read from the pages `html` reserves (a deposited document's frozen HTML names the
    files of its day), each checked against the SHA-256 the HTML printed."""
    reserved = {int(m["number"]): m for m in RESERVED.finditer(html)}
    documents = GovernanceDocument.objects.filter(project=project, number__in=reserved)
    inserts = {}
    for document in documents:
        with document.file.open("rb") as handle:
            content = handle.read()
        match = reserved[document.number]
        if hashlib.sha256(content).hexdigest() != match["sha"]:
            raise ValueError(f"annex file changed: document {document.number}")
        inserts[match["anchor"]] = content
    if len(inserts) != len(reserved):
        raise ValueError("annex file missing: " + ", ".join(map(str, sorted(reserved))))
    return inserts


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
    for key in DIAGNOSTIC_SECTION_KEYS:
        label = key.label
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
