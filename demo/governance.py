"""Demo governance: the associations of two demo CPTS, their members, bureau, AG and minutes.

Idempotent: a demo project's governance is rebuilt from scratch on each run. The demo PDFs
get a path derived from the secret key (stable across runs, not guessable) and are written
only once.
"""

import datetime as dt
import hashlib
import hmac
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from cpts_portal.lib.uploads import PDF
from cpts_portal.lib.versioning import create_versioned
from governance import services
from governance.documents import tiny_pdf
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

# first name, last name, profession, commune, RPPS or "", fee, adhesion
PIC_PEOPLE = [
    ("Julien", "Roux", P.MEDECIN_GENERALISTE, "34276", "10003456781"),
    ("Anne", "Delmas", P.MEDECIN_GENERALISTE, "34255", "10003456799"),
    ("Bernard", "Castan", P.MEDECIN_GENERALISTE, "34274", "10004567812"),
    ("Hélène", "Pagès", P.MEDECIN_SPECIALISTE, "34247", "10005678123"),
    ("Sophie", "Garnier", P.PHARMACIEN, "34276", "10006789234"),
    ("Karim", "Benali", P.KINESITHERAPEUTE, "34153", "10007890345"),
    ("Laure", "Combes", P.INFIRMIER, "34274", "10008901456"),
    ("Mathieu", "Vergnes", P.INFIRMIER, "34309", "10009012567"),
    ("Céline", "Arnaud", P.SAGE_FEMME, "34255", "10001234678"),
    ("Pierre-Yves", "Molinier", P.CHIRURGIEN_DENTISTE, "34217", "10002345789"),
    ("Élodie", "Fabre", P.ORTHOPHONISTE, "34276", "10003456890"),
    ("Nicolas", "Bousquet", P.PHARMACIEN, "34274", "10004567901"),
    ("Isabelle", "Granier", P.INFIRMIER, "34322", "10005679012"),
    ("Thierry", "Salles", P.KINESITHERAPEUTE, "34255", "10006780123"),
    ("Claire", "Maurel", P.MEDECIN_GENERALISTE, "34014", "10007891234"),
    ("Fabien", "Rouquette", P.PODOLOGUE, "34276", ""),
    ("Aurélie", "Cabanel", P.PSYCHOLOGUE, "34247", ""),
    ("Olivier", "Teissier", P.MEDECIN_GENERALISTE, "34309", "10008902345"),
    ("Marion", "Azaïs", P.DIETETICIEN, "34255", ""),
    ("Jérôme", "Vidal", P.INFIRMIER, "34078", "10009013456"),
    ("Sandrine", "Pujol", P.ORTHOPTISTE, "34276", "10001235567"),
    ("Damien", "Cros", P.BIOLOGISTE, "34255", "10002346678"),
    ("Nathalie", "Espinasse", P.ERGOTHERAPEUTE, "34153", ""),
    ("Guillaume", "Bastide", P.MEDECIN_SPECIALISTE, "34247", "10003457789"),
    ("Valérie", "Roques", P.INFIRMIER, "34217", "10004568890"),
    ("Sébastien", "Fournier", P.PHARMACIEN, "34309", "10005679901"),
]
PIC_STRUCTURES = [
    ("EHPAD Les Jardins du Pic", S.EHPAD, "Mme Christine Lauret, directrice", "34276"),
    ("Maison de santé pluriprofessionnelle du Pic Saint-Loup", S.MSP, "Dr Anne Delmas", "34276"),
    ("SSIAD du Grand Pic Saint-Loup", S.SSIAD, "M. Patrick Serre, infirmier coordinateur", "34274"),
    ("Centre hospitalier universitaire de Montpellier", S.HOSPITAL, "Dr Lucie Ferrand", ""),
]
PIC_BUREAU = [
    # last name, office
    ("Roux", Office.PRESIDENT),
    ("Garnier", Office.VICE_PRESIDENT),
    ("Combes", Office.VICE_PRESIDENT),
    ("Benali", Office.SECRETAIRE),
    ("Delmas", Office.TRESORIER),
    ("Arnaud", Office.TRESORIER_ADJOINT),
    ("Pagès", Office.MEMBRE),
]
PIC_CA_EXTRA = ["Molinier", "Fabre", "Bousquet", "Castan", "Maurel"]

UZ_PEOPLE = [
    ("Henri", "Vidal", P.MEDECIN_GENERALISTE, "30334", "10011234567"),
    ("Émilie", "Fabre", P.SAGE_FEMME, "30334", "10012345678"),
    ("Marc", "Chabert", P.MEDECIN_GENERALISTE, "30212", "10013456789"),
    ("Sylvie", "Reboul", P.INFIRMIER, "30346", "10014567890"),
    ("Laurent", "Aubert", P.PHARMACIEN, "30334", "10015678901"),
    ("Camille", "Soulier", P.KINESITHERAPEUTE, "30295", "10016789012"),
    ("Patricia", "Nègre", P.INFIRMIER, "30174", "10017890123"),
    ("François", "Gibert", P.MEDECIN_GENERALISTE, "30012", "10018901234"),
    ("Agnès", "Pellet", P.ORTHOPHONISTE, "30334", ""),
    ("Romain", "Deleuze", P.CHIRURGIEN_DENTISTE, "30212", "10019012345"),
    ("Christine", "Martel", P.PHARMACIEN, "30151", "10010123456"),
    ("Yannick", "Brun", P.INFIRMIER, "30334", "10010234567"),
    ("Mélanie", "Rouvière", P.PSYCHOMOTRICIEN, "30346", ""),
]
UZ_STRUCTURES = [
    ("Centre hospitalier d'Uzès", S.HOSPITAL, "M. Jean-Luc Vernet, directeur", "30334"),
    ("EHPAD La Coste", S.EHPAD, "Mme Florence Aigoin, directrice", "30212"),
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


def _demo_path(slug: str, number: int) -> str:
    key = settings.SECRET_KEY.encode()
    digest = hmac.new(key, f"governance-demo:{slug}:{number}".encode(), hashlib.sha256).hexdigest()
    return f"governance/{digest[:32]}/{digest[32:64]}.pdf"


def _document(project, number, kind, title, version, adopted, lines, by):
    path = _demo_path(project.slug, number)
    content = tiny_pdf(lines)
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(content))
    document = GovernanceDocument(
        project=project,
        number=number,
        kind=kind,
        title=title,
        version_label=version,
        adopted_date=adopted,
        original_name=f"{title.lower().replace(' ', '-')}.pdf",
        content_type=PDF,
        size=len(content),
        uploaded_by=by,
    )
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


def _members(project, people, structures, adhesion):
    members = []
    for index, (first, last, profession, commune, rpps) in enumerate(people):
        members.append(
            Member(
                project=project,
                kind=Member.Kind.PERSON,
                first_name=first,
                last_name=last,
                profession=profession,
                rpps=rpps,
                commune_id=commune or None,
                email=f"{_ascii(first)}.{_ascii(last)}@exemple-sante.fr",
                phone=f"06 {12 + index:02d} 34 56 {10 + index:02d}",
                category=Member.Category.ACTIVE,
                adhesion_date=adhesion - dt.timedelta(days=7 * (index % 5)),
                fee_status=Member.Fee.DUE if index % 9 == 8 else Member.Fee.PAID,
            )
        )
    for name, kind, representative, commune in structures:
        members.append(
            Member(
                project=project,
                kind=Member.Kind.STRUCTURE,
                structure_name=name,
                structure_kind=kind,
                representative=representative,
                commune_id=commune or None,
                category=Member.Category.PARTNER,
                adhesion_date=adhesion + dt.timedelta(days=30),
                fee_status=Member.Fee.EXEMPT,
            )
        )
    for number, member in enumerate(members, start=1):
        member.number = number
    Member.objects.bulk_create(members)
    return {m.last_name or m.structure_name: m for m in Member.objects.filter(project=project)}


def _ascii(text: str) -> str:
    from governance.imports import normalise

    return normalise(text).replace("_", "-")


def _mandates(project, instances, members, bureau, ca_extra, start):
    mandates = []
    for last_name, office in bureau:
        mandates.append((instances["BUREAU"], members[last_name], office))
        mandates.append((instances["CA"], members[last_name], office))
    for last_name in ca_extra:
        mandates.append((instances["CA"], members[last_name], Office.MEMBRE))
    Mandate.objects.bulk_create(
        Mandate(
            project=project,
            number=number,
            body=instance,
            member=member,
            office=office,
            start_date=start,
        )
        for number, (instance, member, office) in enumerate(mandates, start=1)
    )


def _meeting(project, number, instance, date, title, agenda, minutes, by, decisions):
    meeting = create_versioned(
        Meeting,
        by=by,
        project=project,
        number=number,
        body=instance,
        meeting_date=date,
        title=title,
        agenda=agenda,
        minutes=minutes,
    )
    Deliberation.objects.bulk_create(
        Deliberation(meeting=meeting, text=text, votes_for=f, votes_against=a, abstentions=ab)
        for text, f, a, ab in decisions
    )
    return meeting


def _attendance(meeting, members, *, absent=(), represented=()):
    """Everyone active present but `absent` and `represented` (last name -> holder)."""
    rows = []
    for key, member in members.items():
        if not member.votes:
            continue
        if key in absent:
            rows.append(Attendance(meeting=meeting, member=member, status="ABSENT"))
        elif key in represented:
            rows.append(
                Attendance(
                    meeting=meeting,
                    member=member,
                    status="REPRESENTED",
                    proxy_holder=members[represented[key]],
                )
            )
        else:
            rows.append(Attendance(meeting=meeting, member=member, status="PRESENT"))
    Attendance.objects.bulk_create(rows)


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


@transaction.atomic
def _seed_pic(project, coordinator):
    _reset(project)
    association = create_versioned(
        Association,
        by=coordinator,
        project=project,
        name="Association CPTS du Pic Saint-Loup",
        rna="W343021587",
        declaration_date=dt.date(2024, 9, 16),
        seat="Maison de santé, 12 avenue Louis Cancel, 34270 Saint-Mathieu-de-Tréviers",
        purpose=(
            "Rassembler les professionnels de santé du territoire du Pic Saint-Loup pour "
            "améliorer l'accès aux soins, organiser des parcours pluriprofessionnels et mener "
            "des actions de prévention au bénéfice de ses 48 000 habitants."
        ),
    )
    services.instances_ensure(project=project, by=coordinator)
    instances = {i.kind: i for i in Instance.objects.filter(project=project)}
    members = _members(project, PIC_PEOPLE, PIC_STRUCTURES, dt.date(2024, 9, 5))
    _mandates(project, instances, members, PIC_BUREAU, PIC_CA_EXTRA, dt.date(2024, 9, 5))
    create_versioned(InformationSystem, by=coordinator, project=project, **PIC_INFORMATION_SYSTEM)
    statuts = _document(
        project,
        1,
        GovernanceDocument.Kind.STATUTS,
        "Statuts de l'association",
        "version 1",
        dt.date(2024, 9, 5),
        [association.name, "Statuts adoptés en assemblée générale constitutive le 05/09/2024."],
        coordinator,
    )
    _document(
        project,
        2,
        GovernanceDocument.Kind.REGLEMENT,
        "Règlement intérieur",
        "version 1",
        dt.date(2025, 6, 19),
        [association.name, "Règlement intérieur adopté en assemblée générale le 19/06/2025."],
        coordinator,
    )
    convention = _document(
        project,
        3,
        GovernanceDocument.Kind.CONVENTION,
        "Convention avec l'EHPAD Les Jardins du Pic",
        "signée",
        dt.date(2025, 11, 4),
        ["Convention de partenariat", "CPTS du Pic Saint-Loup - EHPAD Les Jardins du Pic."],
        coordinator,
    )
    ag = instances["AG"]
    constitutive = _meeting(
        project,
        1,
        ag,
        dt.date(2024, 9, 5),
        "Assemblée générale constitutive",
        "1. Adoption des statuts\n2. Élection du bureau\n3. Montant de la cotisation",
        PIC_MINUTES_CONSTITUTIVE,
        coordinator,
        [
            ("Adoption des statuts de l'association.", 19, 0, 0),
            ("Cotisation annuelle fixée à 20 € pour les membres actifs.", 17, 1, 1),
        ],
    )
    _meeting(
        project,
        2,
        ag,
        dt.date(2025, 6, 19),
        "Assemblée générale ordinaire 2025",
        "1. Rapport moral\n2. Comptes 2024\n3. Règlement intérieur",
        "Comptes 2024 approuvés ; règlement intérieur adopté.",
        coordinator,
        [("Adoption du règlement intérieur.", 21, 0, 2)],
    )
    annual = _meeting(
        project,
        3,
        ag,
        dt.date(2026, 6, 18),
        "Assemblée générale ordinaire 2026",
        "1. Rapport moral du président\n2. Approbation des comptes 2025\n3. Budget prévisionnel "
        "2026\n4. Point d'étape du projet de santé",
        PIC_MINUTES_AG,
        coordinator,
        [
            ("Approbation des comptes 2025 et quitus au trésorier.", 24, 0, 1),
            ("Adoption du budget prévisionnel 2026.", 23, 1, 1),
        ],
    )
    _attendance(
        annual,
        members,
        absent={"Rouquette"},
        represented={"Cabanel": "Garnier", "Azaïs": "Roux", "Espinasse": "Benali"},
    )
    _attendance(constitutive, {k: members[k] for k in list(members)[:19]})
    _meeting(
        project,
        4,
        instances["BUREAU"],
        dt.date(2026, 10, 8),
        "Réunion de bureau d'octobre",
        "1. Dépôt du projet de santé\n2. Recrutement de la coordinatrice",
        "",
        coordinator,
        [],
    )
    Partnership.objects.create(
        project=project,
        partner="EHPAD Les Jardins du Pic",
        purpose="Organiser les sorties d'hospitalisation et l'accès au médecin traitant "
        "des résidents.",
        start_date=dt.date(2025, 11, 4),
        end_date=dt.date(2028, 11, 3),
        document=convention,
    )
    Partnership.objects.create(
        project=project,
        partner="Centre hospitalier universitaire de Montpellier",
        purpose="Parcours des patients insuffisants cardiaques entre la ville et l'hôpital.",
        start_date=dt.date(2026, 2, 1),
    )
    Indemnity.objects.bulk_create(
        [
            Indemnity(
                project=project,
                member=members["Roux"],
                amount=Decimal("1200.00"),
                paid_date=dt.date(2026, 3, 31),
                purpose="Temps de coordination du projet de santé (1er trimestre)",
            ),
            Indemnity(
                project=project,
                member=members["Roux"],
                amount=Decimal("1200.00"),
                paid_date=dt.date(2026, 6, 30),
                purpose="Temps de coordination du projet de santé (2e trimestre)",
            ),
            Indemnity(
                project=project,
                member=members["Combes"],
                amount=Decimal("450.00"),
                paid_date=dt.date(2026, 5, 15),
                purpose="Animation du groupe de travail « soins non programmés »",
            ),
        ]
    )
    return statuts


@transaction.atomic
def _seed_uzege(project, coordinator):
    _reset(project)
    association = create_versioned(
        Association,
        by=coordinator,
        project=project,
        name="Association CPTS Uzège – Pont du Gard",
        rna="W302004811",
        declaration_date=dt.date(2024, 3, 11),
        seat="Pôle santé, 5 boulevard Gambetta, 30700 Uzès",
        purpose=(
            "Fédérer les professionnels de santé de l'Uzège et du Pont du Gard autour d'un projet "
            "de santé commun : accès au médecin traitant, soins non programmés, prévention."
        ),
        max_proxies=1,
        quorum_numerator=1,
        quorum_denominator=3,
    )
    services.instances_ensure(project=project, by=coordinator)
    instances = {i.kind: i for i in Instance.objects.filter(project=project)}
    members = _members(project, UZ_PEOPLE, UZ_STRUCTURES, dt.date(2024, 2, 22))
    _mandates(project, instances, members, UZ_BUREAU, [], dt.date(2024, 2, 22))
    create_versioned(InformationSystem, by=coordinator, project=project, **UZEGE_INFORMATION_SYSTEM)
    _document(
        project,
        1,
        GovernanceDocument.Kind.STATUTS,
        "Statuts de l'association",
        "version 2",
        dt.date(2025, 11, 27),
        [association.name, "Statuts modifiés en assemblée générale le 27/11/2025."],
        coordinator,
    )
    meeting = _meeting(
        project,
        1,
        instances["AG"],
        dt.date(2025, 11, 27),
        "Assemblée générale ordinaire 2025",
        "1. Rapport d'activité\n2. Comptes 2024\n3. Modification des statuts",
        "Assemblée tenue au centre hospitalier d'Uzès.\n\n- Comptes 2024 approuvés.\n"
        "- Statuts modifiés : un pouvoir au plus par membre actif, quorum d'un tiers.",
        coordinator,
        [("Modification des statuts.", 10, 0, 1), ("Approbation des comptes 2024.", 11, 0, 0)],
    )
    _attendance(meeting, members, absent={"Rouvière"}, represented={"Pellet": "Vidal"})


# The PASS of the years the demo covers (the data migration loads them too; a test database
# flushed by a browser test loses them, so the demo brings back the missing ones).
DEMO_PASS = {2023: "43992", 2024: "46368", 2025: "47100", 2026: "48060"}


def seed(seeded: dict) -> None:
    for year, amount in DEMO_PASS.items():
        Pass.objects.get_or_create(year=year, defaults={"amount": Decimal(amount)})
    projects, users = seeded["projects"], seeded["users"]
    if "pic-saint-loup" in projects:
        _seed_pic(projects["pic-saint-loup"], users.get("claire.martin"))
    if "uzege-pont-du-gard" in projects:
        _seed_uzege(projects["uzege-pont-du-gard"], users.get("thomas.lefevre"))
