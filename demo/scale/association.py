"""Phase 5: each project's association: its record, statuts and information system,
statutory instances and their rules, about fifty members, the bureau and the board, three
meetings with the deliberations and attendance of the last general assembly, two
partnerships."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from cpts_portal.lib.uploads import PDF
from governance.documents import tiny_pdf
from governance.models import (
    Association,
    Attendance,
    CompositionRules,
    Deliberation,
    GovernanceDocument,
    InformationSystem,
    Instance,
    Mandate,
    Meeting,
    Member,
    Partnership,
)
from governance.services import DEFAULT_BUREAU_RULES, STATUTORY_INSTANCES

from .batch import Batch, Cpts
from .plan import person_name

PERSONS, STRUCTURES = 46, 4  # members of the association: about 50
PROFESSIONS = [
    "MEDECIN_GENERALISTE", "PHARMACIEN", "INFIRMIER", "KINESITHERAPEUTE", "MEDECIN_GENERALISTE",
    "SAGE_FEMME", "MEDECIN_SPECIALISTE", "INFIRMIER", "CHIRURGIEN_DENTISTE", "ORTHOPHONISTE",
    "MEDECIN_GENERALISTE", "INFIRMIER", "PHARMACIEN", "PODOLOGUE", "PSYCHOLOGUE", "DIETETICIEN",
]  # fmt: skip
# The partner structures: (name, kind), in a commune of the territory.
STRUCTURES_KINDS = [
    ("Centre hospitalier de {place}", "HOSPITAL"),
    ("EHPAD de {place}", "EHPAD"),
    ("Maison de santé pluriprofessionnelle de {place}", "MSP"),
    ("SSIAD de {place}", "SSIAD"),
]
# The offices of the bureau, held by the first members; the board adds the next five.
BUREAU = ["PRESIDENT", "VICE_PRESIDENT", "SECRETAIRE", "TRESORIER", "MEMBRE", "MEMBRE", "MEMBRE"]
BOARD_EXTRA = 5
AGENDA = "1. Rapport moral\n2. Approbation des comptes\n3. Budget prévisionnel"
# The deliberations of the ordinary general assembly: (text, for, against, abstentions).
# One statuts file shared by every scale project (its content names no CPTS).
STATUTS_PATH = "governance/scale/statuts-type.pdf"
STATUTS_LINES = ["Statuts de l'association CPTS", "Adoptés en assemblée générale constitutive."]
INFORMATION_SYSTEM = {
    "secure_messaging": "Les membres échangent par la messagerie sécurisée de santé (MSSanté) "
    "de leur logiciel métier.",
    "coordination_tool": "L'outil régional e-parcours.",
    "dmp": "Alimentation du DMP à chaque sortie d'hospitalisation.",
    "data_protection": "Aucune donnée de santé n'est conservée par l'association ; le "
    "registre des traitements est tenu par le secrétaire.",
}
AG_DELIBERATIONS = [
    ("Approbation des comptes et quitus au trésorier.", 30, 0, 2),
    ("Adoption du budget prévisionnel.", 29, 1, 2),
]


def build(batch: Batch) -> None:
    statuts = _statuts_file()
    for cpts in batch.cpts:
        _association_and_members(batch, cpts)
        _statuts_and_information_system(batch, cpts, statuts)
    batch.rows.flush(Association, GovernanceDocument, InformationSystem, Instance, Member)
    for cpts in batch.cpts:
        _rules_and_mandates(batch, cpts)
        _meetings(batch, cpts)
        _partnerships(batch, cpts)
    batch.rows.flush(CompositionRules, Mandate, Meeting, Partnership)
    for cpts in batch.cpts:
        _general_assembly(batch, cpts)
    batch.rows.flush(Deliberation, Attendance)


def _declared(cpts: Cpts) -> dt.date:
    """The association was declared four months before its intention letter."""
    return cpts.dates.letter - dt.timedelta(days=120)


def _association_and_members(batch: Batch, cpts: Cpts) -> None:
    spec, project, add = cpts.spec, cpts.project, batch.rows.add
    add(
        Association(
            project=project,
            name=f"Association {spec.name}",
            rna=f"W{spec.index:09d}",
            declaration_date=_declared(cpts),
            seat=f"Maison de santé, 1 place de la Mairie, {spec.communes[0].name}",
            purpose="Rassembler les professionnels de santé du territoire pour améliorer "
            "l'accès aux soins, organiser des parcours et mener des actions de prévention.",
            updated_by=cpts.coordinator,
        )
    )
    cpts.instances = {
        kind: add(Instance(project=project, kind=kind, name=name, slug=slug, order=order))
        for kind, name, slug, order in STATUTORY_INSTANCES
    }
    communes = spec.communes
    for n in range(1, PERSONS + STRUCTURES + 1):
        member = _person(batch, cpts, n) if n <= PERSONS else _structure(cpts, n - PERSONS)
        member.project = project
        member.number = n
        member.commune_id = communes[n % len(communes)].code
        member.adhesion_date = _declared(cpts) + dt.timedelta(days=n % 60)
        cpts.members.append(add(member))


def _statuts_file() -> int:
    """The shared statuts PDF, stored once; its size."""
    content = tiny_pdf(STATUTS_LINES)
    if not default_storage.exists(STATUTS_PATH):
        default_storage.save(STATUTS_PATH, ContentFile(content))
    return len(content)


def _statuts_and_information_system(batch: Batch, cpts: Cpts, size: int) -> None:
    project, add = cpts.project, batch.rows.add
    document = GovernanceDocument(
        project=project,
        number=1,
        kind=GovernanceDocument.Kind.STATUTS,
        title="Statuts de l'association",
        version_label="version 1",
        adopted_date=_declared(cpts),
        original_name="statuts.pdf",
        content_type=PDF,
        size=size,
        uploaded_by=cpts.coordinator,
        updated_by=cpts.coordinator,
    )
    document.file.name = STATUTS_PATH
    add(document)
    add(InformationSystem(project=project, updated_by=cpts.coordinator, **INFORMATION_SYSTEM))


def _person(batch: Batch, cpts: Cpts, n: int) -> Member:
    first, last = person_name(cpts.spec.index * 53 + n)
    return Member(
        kind=Member.Kind.PERSON,
        first_name=first,
        last_name=last,
        profession=PROFESSIONS[(n - 1) % len(PROFESSIONS)],
        rpps=f"1{cpts.spec.index:05d}{n:05d}",
        email=f"membre{n}.{cpts.spec.slug}@{batch.domain}",
        category=Member.Category.ACTIVE,
        fee_status=Member.Fee.DUE if n % 9 == 0 else Member.Fee.PAID,
    )


def _structure(cpts: Cpts, k: int) -> Member:
    """The k-th partner structure (1-based)."""
    name, kind = STRUCTURES_KINDS[k - 1]
    communes = cpts.spec.communes
    return Member(
        kind=Member.Kind.STRUCTURE,
        structure_name=name.format(place=communes[k % len(communes)].name),
        structure_kind=kind,
        representative=" ".join(person_name(cpts.spec.index + PERSONS + k)),
        category=Member.Category.PARTNER,
        fee_status=Member.Fee.EXEMPT,
    )


def _rules_and_mandates(batch: Batch, cpts: Cpts) -> None:
    bureau, board, ag = (cpts.instances[k] for k in ("BUREAU", "CA", "AG"))
    batch.rows.add(
        CompositionRules(body=bureau, updated_by=cpts.coordinator, **DEFAULT_BUREAU_RULES)
    )
    batch.rows.add(CompositionRules(body=board, updated_by=cpts.coordinator))
    batch.rows.add(CompositionRules(body=ag, updated_by=cpts.coordinator))
    members = cpts.members
    mandates = [(bureau, members[k], office) for k, office in enumerate(BUREAU)]
    mandates += [(board, members[k], office) for k, office in enumerate(BUREAU)]
    mandates += [
        (board, members[k], "MEMBRE") for k in range(len(BUREAU), len(BUREAU) + BOARD_EXTRA)
    ]
    for number, (body, member, office) in enumerate(mandates, start=1):
        batch.rows.add(
            Mandate(
                project=cpts.project,
                number=number,
                body=body,
                member=member,
                office=office,
                start_date=members[0].adhesion_date,
            )
        )


def _meetings(batch: Batch, cpts: Cpts) -> None:
    """The constitutive general assembly, the last ordinary one, a recent bureau meeting."""
    ag, bureau = cpts.instances["AG"], cpts.instances["BUREAU"]
    start = cpts.members[0].adhesion_date
    last_ag = batch.today - dt.timedelta(days=30 + (cpts.spec.index * 17) % 300)
    last_bureau = batch.today - dt.timedelta(days=10 + cpts.spec.index % 20)
    meetings = [  # (instance, date, title, minutes)
        (ag, start, "Assemblée générale constitutive", "Statuts adoptés ; bureau élu."),
        (ag, last_ag, f"Assemblée générale ordinaire {last_ag.year}", "Comptes approuvés."),
        (bureau, last_bureau, "Réunion de bureau", ""),
    ]
    for number, (body, day, title, minutes) in enumerate(meetings, start=1):
        meeting = Meeting(
            project=cpts.project,
            number=number,
            body=body,
            meeting_date=day,
            title=title,
            agenda=AGENDA,
            minutes=minutes,
            updated_by=cpts.coordinator,
        )
        cpts.meetings.append(batch.rows.add(meeting))


def _partnerships(batch: Batch, cpts: Cpts) -> None:
    """With the hospital and the EHPAD among the partner members."""
    for member, purpose in (
        (cpts.members[-4], "Sorties d'hospitalisation et accès au médecin traitant."),
        (cpts.members[-3], "Accès au médecin traitant des résidents."),
    ):
        batch.rows.add(
            Partnership(
                project=cpts.project,
                partner=member.structure_name,
                purpose=purpose,
                start_date=cpts.members[0].adhesion_date,
            )
        )


def _general_assembly(batch: Batch, cpts: Cpts) -> None:
    """The deliberations and attendance of the last ordinary general assembly."""
    annual = cpts.meetings[1]
    for text, votes_for, votes_against, abstentions in AG_DELIBERATIONS:
        batch.rows.add(
            Deliberation(
                meeting=annual,
                text=text,
                votes_for=votes_for,
                votes_against=votes_against,
                abstentions=abstentions,
            )
        )
    for member in cpts.members[:PERSONS]:
        absent = member.number % 10 == 0
        batch.rows.add(
            Attendance(
                meeting=annual,
                member=member,
                status=Attendance.Status.ABSENT if absent else Attendance.Status.PRESENT,
            )
        )
