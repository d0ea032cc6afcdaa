"""Demo governance: the associations of two demo CPTS, their members, bureau, AG and minutes.

Idempotent: a demo project's governance is rebuilt from scratch on each run. The demo PDFs
get a path derived from the secret key (stable across runs, not guessable) and are written
only once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from cpts_portal.lib.uploads import PDF
from cpts_portal.lib.versioning import create_versioned
from governance import services
from governance.documents import tiny_pdf
from governance.imports import normalise
from governance.models import (
    Association,
    Attendance,
    Deliberation,
    GovernanceDocument,
    Indemnity,
    InformationSystem,
    Instance,
    Mandate,
    Meeting,
    Member,
    Office,
    Partnership,
    Pass,
    Profession,
)

P = Profession
S = Member.StructureKind
Doc = GovernanceDocument.Kind


@dataclass(frozen=True)
class Professional:
    """An active member; the e-mail, phone, adhesion date and fee follow from the rank."""

    first_name: str
    last_name: str
    profession: str
    commune: str  # INSEE code
    rpps: str  # "" when unknown


@dataclass(frozen=True)
class Structure:
    """A partner member."""

    name: str
    kind: str
    representative: str
    commune: str  # INSEE code, "" when outside the territory


@dataclass(frozen=True)
class DocumentSpec:
    """A governance document; `lines` are the text of its one-page PDF."""

    kind: str
    title: str
    version: str
    adopted: dt.date
    lines: list[str]


@dataclass(frozen=True)
class Vote:
    text: str
    votes_for: int
    votes_against: int
    abstentions: int


@dataclass(frozen=True)
class MeetingSpec:
    instance: str  # the kind of instance: "AG", "CA", "BUREAU"
    date: dt.date
    title: str
    agenda: str
    minutes: str
    deliberations: Sequence[Vote] = ()


@dataclass(frozen=True)
class AttendanceSpec:
    """Who attended meeting `meeting` (its number): every voting member, or the first `only`
    of them, present but the `absent` and `represented` ones (last name -> proxy holder)."""

    meeting: int
    absent: set[str] = field(default_factory=set)
    represented: dict[str, str] = field(default_factory=dict)
    only: int | None = None


@dataclass(frozen=True)
class PartnershipSpec:
    partner: str
    purpose: str
    start_date: dt.date
    end_date: dt.date | None = None
    document: int | None = None  # number of the document (the convention)


@dataclass(frozen=True)
class IndemnitySpec:
    member: str  # last name
    amount: str
    paid_date: dt.date
    purpose: str


@dataclass(frozen=True)
class AssociationSpec:
    """The whole governance of a demo CPTS."""

    association: dict  # the fields of the Association
    founded: dt.date  # the constitutive AG: adhesions and mandates date from it
    people: list[Professional]
    structures: list[Structure]
    bureau: list[tuple[str, str]]  # (last name, office), members of the board with it
    board_extra: list[str]  # last names of the other members of the board
    information_system: dict[str, str]
    documents: list[DocumentSpec]  # numbered from 1
    meetings: list[MeetingSpec]  # numbered from 1
    attendances: list[AttendanceSpec]
    partnerships: list[PartnershipSpec] = field(default_factory=list)
    indemnities: list[IndemnitySpec] = field(default_factory=list)


PIC_PEOPLE = [
    Professional("Julien", "Roux", P.MEDECIN_GENERALISTE, "34276", "10003456781"),
    Professional("Anne", "Delmas", P.MEDECIN_GENERALISTE, "34255", "10003456799"),
    Professional("Bernard", "Castan", P.MEDECIN_GENERALISTE, "34274", "10004567812"),
    Professional("Hélène", "Pagès", P.MEDECIN_SPECIALISTE, "34247", "10005678123"),
    Professional("Sophie", "Garnier", P.PHARMACIEN, "34276", "10006789234"),
    Professional("Karim", "Benali", P.KINESITHERAPEUTE, "34153", "10007890345"),
    Professional("Laure", "Combes", P.INFIRMIER, "34274", "10008901456"),
    Professional("Mathieu", "Vergnes", P.INFIRMIER, "34309", "10009012567"),
    Professional("Céline", "Arnaud", P.SAGE_FEMME, "34255", "10001234678"),
    Professional("Pierre-Yves", "Molinier", P.CHIRURGIEN_DENTISTE, "34217", "10002345789"),
    Professional("Élodie", "Fabre", P.ORTHOPHONISTE, "34276", "10003456890"),
    Professional("Nicolas", "Bousquet", P.PHARMACIEN, "34274", "10004567901"),
    Professional("Isabelle", "Granier", P.INFIRMIER, "34322", "10005679012"),
    Professional("Thierry", "Salles", P.KINESITHERAPEUTE, "34255", "10006780123"),
    Professional("Claire", "Maurel", P.MEDECIN_GENERALISTE, "34014", "10007891234"),
    Professional("Fabien", "Rouquette", P.PODOLOGUE, "34276", ""),
    Professional("Aurélie", "Cabanel", P.PSYCHOLOGUE, "34247", ""),
    Professional("Olivier", "Teissier", P.MEDECIN_GENERALISTE, "34309", "10008902345"),
    Professional("Marion", "Azaïs", P.DIETETICIEN, "34255", ""),
    Professional("Jérôme", "Vidal", P.INFIRMIER, "34078", "10009013456"),
    Professional("Sandrine", "Pujol", P.ORTHOPTISTE, "34276", "10001235567"),
    Professional("Damien", "Cros", P.BIOLOGISTE, "34255", "10002346678"),
    Professional("Nathalie", "Espinasse", P.ERGOTHERAPEUTE, "34153", ""),
    Professional("Guillaume", "Bastide", P.MEDECIN_SPECIALISTE, "34247", "10003457789"),
    Professional("Valérie", "Roques", P.INFIRMIER, "34217", "10004568890"),
    Professional("Sébastien", "Fournier", P.PHARMACIEN, "34309", "10005679901"),
]
PIC_STRUCTURES = [
    Structure("EHPAD Les Jardins du Pic", S.EHPAD, "Mme Christine Lauret, directrice", "34276"),
    Structure(
        "Maison de santé pluriprofessionnelle du Pic Saint-Loup", S.MSP, "Dr Anne Delmas", "34276"
    ),
    Structure(
        "SSIAD du Grand Pic Saint-Loup",
        S.SSIAD,
        "M. Patrick Serre, infirmier coordinateur",
        "34274",
    ),
    Structure(
        "Centre hospitalier universitaire de Montpellier", S.HOSPITAL, "Dr Lucie Ferrand", ""
    ),
]
PIC_BUREAU = [
    ("Roux", Office.PRESIDENT),
    ("Garnier", Office.VICE_PRESIDENT),
    ("Combes", Office.VICE_PRESIDENT),
    ("Benali", Office.SECRETAIRE_GENERAL),
    ("Delmas", Office.TRESORIER),
    ("Arnaud", Office.TRESORIER_ADJOINT),
    ("Pagès", Office.MEMBRE),
]
PIC_CA_EXTRA = ["Molinier", "Fabre", "Bousquet", "Castan", "Maurel"]

UZ_PEOPLE = [
    Professional("Henri", "Vidal", P.MEDECIN_GENERALISTE, "30334", "10011234567"),
    Professional("Émilie", "Fabre", P.SAGE_FEMME, "30334", "10012345678"),
    Professional("Marc", "Chabert", P.MEDECIN_GENERALISTE, "30212", "10013456789"),
    Professional("Sylvie", "Reboul", P.INFIRMIER, "30346", "10014567890"),
    Professional("Laurent", "Aubert", P.PHARMACIEN, "30334", "10015678901"),
    Professional("Camille", "Soulier", P.KINESITHERAPEUTE, "30295", "10016789012"),
    Professional("Patricia", "Nègre", P.INFIRMIER, "30174", "10017890123"),
    Professional("François", "Gibert", P.MEDECIN_GENERALISTE, "30012", "10018901234"),
    Professional("Agnès", "Pellet", P.ORTHOPHONISTE, "30334", ""),
    Professional("Romain", "Deleuze", P.CHIRURGIEN_DENTISTE, "30212", "10019012345"),
    Professional("Christine", "Martel", P.PHARMACIEN, "30151", "10010123456"),
    Professional("Yannick", "Brun", P.INFIRMIER, "30334", "10010234567"),
    Professional("Mélanie", "Rouvière", P.PSYCHOMOTRICIEN, "30346", ""),
]
UZ_STRUCTURES = [
    Structure("Centre hospitalier d'Uzès", S.HOSPITAL, "M. Jean-Luc Vernet, directeur", "30334"),
    Structure("EHPAD La Coste", S.EHPAD, "Mme Florence Aigoin, directrice", "30212"),
]
UZ_BUREAU = [
    ("Vidal", Office.PRESIDENT),
    ("Chabert", Office.VICE_PRESIDENT),
    ("Aubert", Office.SECRETAIRE),
    ("Reboul", Office.TRESORIER),
    ("Fabre", Office.MEMBRE),
    ("Gibert", Office.MEMBRE),
]


PIC_INFORMATION_SYSTEM = {
    "needs": (
        "Un groupe de travail de huit professionnels (médecins, infirmiers, pharmaciens, "
        "kinésithérapeute, sage-femme) a recensé les usages de chacun au printemps 2025 : "
        "logiciels métier, qualité de la connexion, échanges avec l'hôpital et les EHPAD.\n\n"
        "Les besoins retenus :\n\n"
        "- adresser un patient sans médecin traitant et suivre la demande ;\n"
        "- partager un plan de soins entre la ville, le SSIAD et l'EHPAD ;\n"
        "- joindre rapidement un confrère pour un soin non programmé.\n\n"
        "Le choix des outils a été fait avec l'appui du groupement régional e-santé "
        "Occitanie, en privilégiant les services régionaux gratuits pour les professionnels."
    ),
    "secure_messaging": (
        "Tous les membres utilisent une messagerie sécurisée de santé (MSSanté) : la "
        "messagerie intégrée à leur logiciel métier ou Medimail. 22 des 26 professionnels "
        "membres sont équipés ; les quatre autres le seront avant la signature du contrat.\n\n"
        "Les comptes rendus du CHU de Montpellier et des laboratoires arrivent par MSSanté."
    ),
    "coordination_tool": (
        "Le service e-parcours régional (Spico) sert d'outil de coordination partagé : "
        "demandes de médecin traitant, plans personnalisés de coordination en santé, "
        "orientation des soins non programmés. Déploiement par vagues : médecins et "
        "infirmiers en 2026, autres professions en 2027."
    ),
    "dmp": (
        "Les médecins alimentent le DMP avec le volet de synthèse médicale de leurs patients "
        "de plus de 75 ans ; les pharmaciens y versent l'historique des dispensations. La CPTS "
        "informe les patients sur Mon espace santé lors de ses actions de prévention."
    ),
    "website": "https://cpts-pic-saint-loup.example.org",
    "directory": (
        "Le site internet présente la CPTS, ses missions et l'annuaire des membres par "
        "profession et par commune. Une lettre d'information trimestrielle est adressée aux "
        "membres et aux partenaires."
    ),
    "interoperability": (
        "Le service e-parcours est interopérable avec les principaux logiciels métier des "
        "membres et avec la messagerie sécurisée ; l'annuaire s'appuie sur le répertoire "
        "national RPPS."
    ),
    "data_protection": (
        "Les données de santé ne sont échangées que par MSSanté et le service e-parcours, "
        "hébergés chez des hébergeurs certifiés HDS. La CPTS tient le registre de ses "
        "traitements, informe les patients de leurs droits et ne conserve aucune donnée de "
        "santé dans ses propres outils (site internet, tableur des adhésions)."
    ),
    "dpo": "Dr Anne Delmas, trésorière (dpo@cpts-pic-saint-loup.example.org)",
    "other": (
        "Un agenda partagé des gardes et des plages de soins non programmés est tenu sur "
        "l'outil e-parcours."
    ),
}
UZEGE_INFORMATION_SYSTEM = {
    "secure_messaging": (
        "Les médecins et les pharmaciens membres utilisent la messagerie sécurisée de santé "
        "de leur logiciel métier ; les échanges avec le centre hospitalier d'Uzès passent par "
        "MSSanté."
    ),
    "coordination_tool": "Le service e-parcours régional sera déployé à partir de 2027.",
    "data_protection": (
        "Aucune donnée de santé n'est conservée par l'association ; le registre des "
        "traitements est tenu par le secrétaire."
    ),
}


PIC_MINUTES_AG = "\n".join(
    [
        "Assemblée générale ordinaire tenue à la salle polyvalente de "
        "Saint-Mathieu-de-Tréviers, sous la présidence du Dr Julien Roux.",
        "",
        "Le quorum est atteint : 22 membres actifs présents et 3 représentés sur 26.",
        "",
        "- Le rapport moral du président présente l'avancement du projet de santé et le "
        "diagnostic territorial.",
        "- Le trésorier présente les comptes 2025 : 18 250 € de charges, couvertes par la "
        "subvention FIR d'ingénierie.",
        "- Le groupe de travail « soins non programmés » présente sa fiche-action.",
        "",
        "Les comptes 2025 sont approuvés et quitus est donné au trésorier. Le budget "
        "prévisionnel 2026 est adopté. La séance est levée à 22 h 10.",
    ]
)

PIC_MINUTES_CONSTITUTIVE = "\n".join(
    [
        "Assemblée générale constitutive réunissant les professionnels de santé du Pic "
        "Saint-Loup à la maison de santé de Saint-Mathieu-de-Tréviers.",
        "",
        "- Les statuts de l'association sont adoptés à l'unanimité.",
        "- Le bureau est élu pour trois ans : président Dr Julien Roux, vice-présidentes "
        "Sophie Garnier et Laure Combes, secrétaire Karim Benali, trésorière Dr Anne Delmas, "
        "trésorière adjointe Céline Arnaud, membre Dr Hélène Pagès.",
        "- Mandat est donné au président pour déclarer l'association en préfecture de "
        "l'Hérault.",
    ]
)


PIC_NAME = "Association CPTS du Pic Saint-Loup"
PIC = AssociationSpec(
    association={
        "name": PIC_NAME,
        "rna": "W343021587",
        "declaration_date": dt.date(2024, 9, 16),
        "seat": "Maison de santé, 12 avenue Louis Cancel, 34270 Saint-Mathieu-de-Tréviers",
        "purpose": (
            "Rassembler les professionnels de santé du territoire du Pic Saint-Loup pour "
            "améliorer l'accès aux soins, organiser des parcours pluriprofessionnels et mener "
            "des actions de prévention au bénéfice de ses 48 000 habitants."
        ),
    },
    founded=dt.date(2024, 9, 5),
    people=PIC_PEOPLE,
    structures=PIC_STRUCTURES,
    bureau=PIC_BUREAU,
    board_extra=PIC_CA_EXTRA,
    information_system=PIC_INFORMATION_SYSTEM,
    documents=[
        DocumentSpec(
            kind=Doc.STATUTS,
            title="Statuts de l'association",
            version="version 1",
            adopted=dt.date(2024, 9, 5),
            lines=[PIC_NAME, "Statuts adoptés en assemblée générale constitutive le 05/09/2024."],
        ),
        DocumentSpec(
            kind=Doc.REGLEMENT,
            title="Règlement intérieur",
            version="version 1",
            adopted=dt.date(2025, 6, 19),
            lines=[PIC_NAME, "Règlement intérieur adopté en assemblée générale le 19/06/2025."],
        ),
        DocumentSpec(
            kind=Doc.CONVENTION,
            title="Convention avec l'EHPAD Les Jardins du Pic",
            version="signée",
            adopted=dt.date(2025, 11, 4),
            lines=[
                "Convention de partenariat",
                "CPTS du Pic Saint-Loup - EHPAD Les Jardins du Pic.",
            ],
        ),
    ],
    meetings=[
        MeetingSpec(
            instance="AG",
            date=dt.date(2024, 9, 5),
            title="Assemblée générale constitutive",
            agenda="1. Adoption des statuts\n2. Élection du bureau\n3. Montant de la cotisation",
            minutes=PIC_MINUTES_CONSTITUTIVE,
            deliberations=[
                Vote("Adoption des statuts de l'association.", 19, 0, 0),
                Vote("Cotisation annuelle fixée à 20 € pour les membres actifs.", 17, 1, 1),
            ],
        ),
        MeetingSpec(
            instance="AG",
            date=dt.date(2025, 6, 19),
            title="Assemblée générale ordinaire 2025",
            agenda="1. Rapport moral\n2. Comptes 2024\n3. Règlement intérieur",
            minutes="Comptes 2024 approuvés ; règlement intérieur adopté.",
            deliberations=[Vote("Adoption du règlement intérieur.", 21, 0, 2)],
        ),
        MeetingSpec(
            instance="AG",
            date=dt.date(2026, 6, 18),
            title="Assemblée générale ordinaire 2026",
            agenda="1. Rapport moral du président\n2. Approbation des comptes 2025\n"
            "3. Budget prévisionnel 2026\n4. Point d'étape du projet de santé",
            minutes=PIC_MINUTES_AG,
            deliberations=[
                Vote("Approbation des comptes 2025 et quitus au trésorier.", 24, 0, 1),
                Vote("Adoption du budget prévisionnel 2026.", 23, 1, 1),
            ],
        ),
        MeetingSpec(
            instance="BUREAU",
            date=dt.date(2026, 10, 8),
            title="Réunion de bureau d'octobre",
            agenda="1. Dépôt du projet de santé\n2. Recrutement de la coordinatrice",
            minutes="",
        ),
    ],
    attendances=[
        AttendanceSpec(
            meeting=3,
            absent={"Rouquette"},
            represented={"Cabanel": "Garnier", "Azaïs": "Roux", "Espinasse": "Benali"},
        ),
        AttendanceSpec(meeting=1, only=19),
    ],
    partnerships=[
        PartnershipSpec(
            partner="EHPAD Les Jardins du Pic",
            purpose="Organiser les sorties d'hospitalisation et l'accès au médecin traitant "
            "des résidents.",
            start_date=dt.date(2025, 11, 4),
            end_date=dt.date(2028, 11, 3),
            document=3,
        ),
        PartnershipSpec(
            partner="Centre hospitalier universitaire de Montpellier",
            purpose="Parcours des patients insuffisants cardiaques entre la ville et l'hôpital.",
            start_date=dt.date(2026, 2, 1),
        ),
    ],
    indemnities=[
        IndemnitySpec(
            "Roux",
            "1200.00",
            dt.date(2026, 3, 31),
            "Temps de coordination du projet de santé (1er trimestre)",
        ),
        IndemnitySpec(
            "Roux",
            "1200.00",
            dt.date(2026, 6, 30),
            "Temps de coordination du projet de santé (2e trimestre)",
        ),
        IndemnitySpec(
            "Combes",
            "450.00",
            dt.date(2026, 5, 15),
            "Animation du groupe de travail « soins non programmés »",
        ),
    ],
)

UZEGE_NAME = "Association CPTS Uzège – Pont du Gard"
UZEGE = AssociationSpec(
    association={
        "name": UZEGE_NAME,
        "rna": "W302004811",
        "declaration_date": dt.date(2024, 3, 11),
        "seat": "Pôle santé, 5 boulevard Gambetta, 30700 Uzès",
        "purpose": (
            "Fédérer les professionnels de santé de l'Uzège et du Pont du Gard autour d'un projet "
            "de santé commun : accès au médecin traitant, soins non programmés, prévention."
        ),
        "max_proxies": 1,
        "quorum_numerator": 1,
        "quorum_denominator": 3,
    },
    founded=dt.date(2024, 2, 22),
    people=UZ_PEOPLE,
    structures=UZ_STRUCTURES,
    bureau=UZ_BUREAU,
    board_extra=[],
    information_system=UZEGE_INFORMATION_SYSTEM,
    documents=[
        DocumentSpec(
            kind=Doc.STATUTS,
            title="Statuts de l'association",
            version="version 2",
            adopted=dt.date(2025, 11, 27),
            lines=[UZEGE_NAME, "Statuts modifiés en assemblée générale le 27/11/2025."],
        ),
    ],
    meetings=[
        MeetingSpec(
            instance="AG",
            date=dt.date(2025, 11, 27),
            title="Assemblée générale ordinaire 2025",
            agenda="1. Rapport d'activité\n2. Comptes 2024\n3. Modification des statuts",
            minutes="Assemblée tenue au centre hospitalier d'Uzès.\n\n- Comptes 2024 approuvés.\n"
            "- Statuts modifiés : un pouvoir au plus par membre actif, quorum d'un tiers.",
            deliberations=[
                Vote("Modification des statuts.", 10, 0, 1),
                Vote("Approbation des comptes 2024.", 11, 0, 0),
            ],
        ),
    ],
    attendances=[AttendanceSpec(meeting=1, absent={"Rouvière"}, represented={"Pellet": "Vidal"})],
)
ASSOCIATIONS = {
    "pic-saint-loup": (PIC, "claire.martin"),
    "uzege-pont-du-gard": (UZEGE, "thomas.lefevre"),
}


def _demo_path(slug: str, number: int) -> str:
    key = settings.SECRET_KEY.encode()
    digest = hmac.new(key, f"governance-demo:{slug}:{number}".encode(), hashlib.sha256).hexdigest()
    return f"governance/{digest[:32]}/{digest[32:64]}.pdf"


def _document(project, number: int, spec: DocumentSpec, by) -> GovernanceDocument:
    path = _demo_path(project.slug, number)
    content = tiny_pdf(spec.lines)
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(content))
    document = GovernanceDocument(
        project=project,
        number=number,
        kind=spec.kind,
        title=spec.title,
        version_label=spec.version,
        adopted_date=spec.adopted,
        original_name=f"{spec.title.lower().replace(' ', '-')}.pdf",
        content_type=PDF,
        size=len(content),
        uploaded_by=by,
        updated_by=by,
    )
    document._history_user = by
    document.file.name = path
    document.save()
    return document


def _reset(project):
    Meeting.objects.filter(project=project).delete()
    Indemnity.objects.filter(project=project).delete()
    Partnership.objects.filter(project=project).delete()
    Mandate.objects.filter(project=project).delete()
    Member.objects.filter(project=project).delete()
    Instance.objects.filter(project=project).delete()
    GovernanceDocument.objects.filter(project=project).delete()
    Association.objects.filter(project=project).delete()
    InformationSystem.objects.filter(project=project).delete()


def _members(project, people: list[Professional], structures: list[Structure], adhesion):
    """The members, numbered in order; returns them by last name (structures by name)."""
    members = []
    for index, person in enumerate(people):
        members.append(
            Member(
                project=project,
                kind=Member.Kind.PERSON,
                first_name=person.first_name,
                last_name=person.last_name,
                profession=person.profession,
                rpps=person.rpps,
                commune_id=person.commune or None,
                email=f"{_ascii(person.first_name)}.{_ascii(person.last_name)}@exemple-sante.fr",
                phone=f"06 {12 + index:02d} 34 56 {10 + index:02d}",
                category=Member.Category.ACTIVE,
                adhesion_date=adhesion - dt.timedelta(days=7 * (index % 5)),
                fee_status=Member.Fee.DUE if index % 9 == 8 else Member.Fee.PAID,
            )
        )
    for structure in structures:
        members.append(
            Member(
                project=project,
                kind=Member.Kind.STRUCTURE,
                structure_name=structure.name,
                structure_kind=structure.kind,
                representative=structure.representative,
                commune_id=structure.commune or None,
                category=Member.Category.PARTNER,
                adhesion_date=adhesion + dt.timedelta(days=30),
                fee_status=Member.Fee.EXEMPT,
            )
        )
    for number, member in enumerate(members, start=1):
        member.number = number
    bulk_create_with_history(members, Member)
    return {m.last_name or m.structure_name: m for m in Member.objects.filter(project=project)}


def _ascii(text: str) -> str:
    return normalise(text).replace("_", "-")


def _mandates(project, instances, members, bureau, board_extra, start):
    mandates = []
    for last_name, office in bureau:
        mandates.append((instances["BUREAU"], members[last_name], office))
        mandates.append((instances["CA"], members[last_name], office))
    for last_name in board_extra:
        mandates.append((instances["CA"], members[last_name], Office.MEMBRE))
    mandates = [
        Mandate(
            project=project,
            number=number,
            body=instance,
            member=member,
            office=office,
            start_date=start,
        )
        for number, (instance, member, office) in enumerate(mandates, start=1)
    ]
    bulk_create_with_history(mandates, Mandate)


def _meeting(project, number: int, instance, spec: MeetingSpec, by) -> Meeting:
    meeting = create_versioned(
        Meeting,
        by=by,
        project=project,
        number=number,
        body=instance,
        meeting_date=spec.date,
        title=spec.title,
        agenda=spec.agenda,
        minutes=spec.minutes,
    )
    decisions = [
        Deliberation(
            meeting=meeting,
            text=vote.text,
            votes_for=vote.votes_for,
            votes_against=vote.votes_against,
            abstentions=vote.abstentions,
            updated_by=by,
        )
        for vote in spec.deliberations
    ]
    bulk_create_with_history(decisions, Deliberation, default_user=by)
    return meeting


def _attendance(meeting, members: dict, spec: AttendanceSpec) -> None:
    rows = []
    for key, member in list(members.items())[: spec.only]:
        if not member.votes:
            continue
        if key in spec.absent:
            rows.append(Attendance(meeting=meeting, member=member, status="ABSENT"))
        elif key in spec.represented:
            rows.append(
                Attendance(
                    meeting=meeting,
                    member=member,
                    status="REPRESENTED",
                    proxy_holder=members[spec.represented[key]],
                )
            )
        else:
            rows.append(Attendance(meeting=meeting, member=member, status="PRESENT"))
    bulk_create_with_history(rows, Attendance)


@transaction.atomic
def _seed_association(project, spec: AssociationSpec, coordinator) -> None:
    _reset(project)
    create_versioned(Association, by=coordinator, project=project, **spec.association)
    services.instances_ensure(project=project, by=coordinator)
    instances = {i.kind: i for i in Instance.objects.filter(project=project)}
    members = _members(project, spec.people, spec.structures, spec.founded)
    _mandates(project, instances, members, spec.bureau, spec.board_extra, spec.founded)
    create_versioned(InformationSystem, by=coordinator, project=project, **spec.information_system)
    documents = [
        _document(project, number, document, coordinator)
        for number, document in enumerate(spec.documents, start=1)
    ]
    meetings = [
        _meeting(project, number, instances[meeting.instance], meeting, coordinator)
        for number, meeting in enumerate(spec.meetings, start=1)
    ]
    for attendance in spec.attendances:
        _attendance(meetings[attendance.meeting - 1], members, attendance)
    for partnership in spec.partnerships:
        create_versioned(
            Partnership,
            by=coordinator,
            project=project,
            partner=partnership.partner,
            purpose=partnership.purpose,
            start_date=partnership.start_date,
            end_date=partnership.end_date,
            document=documents[partnership.document - 1] if partnership.document else None,
        )
    bulk_create_with_history(
        [
            Indemnity(
                project=project,
                member=members[indemnity.member],
                amount=Decimal(indemnity.amount),
                paid_date=indemnity.paid_date,
                purpose=indemnity.purpose,
                updated_by=coordinator,
            )
            for indemnity in spec.indemnities
        ],
        Indemnity,
        default_user=coordinator,
    )


# The PASS of the years the demo covers (the data migration loads them too; a test database
# flushed by a browser test loses them, so the demo brings back the missing ones).
DEMO_PASS = {2023: "43992", 2024: "46368", 2025: "47100", 2026: "48060"}


def seed(seeded: dict) -> None:
    for year, amount in DEMO_PASS.items():
        Pass.objects.get_or_create(year=year, defaults={"amount": Decimal(amount)})
    projects, users = seeded["projects"], seeded["users"]
    for slug, (spec, coordinator) in ASSOCIATIONS.items():
        if slug in projects:
            _seed_association(projects[slug], spec, users.get(coordinator))
