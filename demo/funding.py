"""Demo budgets: Pic Saint-Loup balanced (size 2, socle missions and SNP orientation, a FIR
grant with its notification), Uzège – Pont du Gard (size 1, deposited: every table balanced,
as a deposit requires). The populations below serve when the territory app gives none; the
amounts fit the sizes of the demo territories (Grand Pic Saint-Loup: size 2; Pays d'Uzès: 1).
The Bassin de Thau's budget is in demo/thau.py.

Idempotent: budgets by project, lines by number, grants by number.
"""

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from funding.data import aci_2019
from funding.models import (
    Bareme,
    BaremeLine,
    Budget,
    BudgetLine,
    Grant,
    GrantDocument,
    grant_document_path,
)

SOCLE = ["acces_soins", "parcours", "prevention"]

# Per demo project: its population, whether it runs the SNP service, its budget lines by part
# ("" the functioning, then the missions): (category, label, amount), and its grants.
BUDGETS = {
    "pic-saint-loup": {
        "population": 52_000,
        "snp_orientation": True,
        "lines": {
            "": [
                ("INDEMNITES", "Temps des professionnels : bureau, pilotage, assemblées", 18_000),
                ("SALAIRES", "Coordinatrice à mi-temps (0,5 ETP)", 34_000),
                ("HONORAIRES", "Expert-comptable et commissaire aux comptes", 3_000),
                ("MATERIEL", "Outil de coordination et site internet", 5_000),
            ],
            "acces_soins": [
                ("INDEMNITES", "Régulation des soins non programmés", 40_000),
                ("SALAIRES", "Assistante de régulation SNP (0,8 ETP)", 30_000),
                ("INDEMNITES", "Compensation des médecins effecteurs SNP", 12_000),
                ("MATERIEL", "Plateforme d'orientation et téléphonie", 10_000),
            ],
            "parcours": [
                ("INDEMNITES", "Réunions de concertation pluriprofessionnelle", 45_000),
                ("SALAIRES", "Coordinatrice de parcours (0,25 ETP)", 15_000),
                ("HONORAIRES", "Formation au parcours insuffisance cardiaque", 6_000),
                ("MATERIEL", "Messagerie sécurisée et outils partagés", 4_000),
            ],
            "prevention": [
                ("INDEMNITES", "Journées de dépistage et de vaccination", 18_000),
                ("MATERIEL", "Supports de campagne et location de salles", 9_000),
                ("HONORAIRES", "Intervenante en nutrition", 3_000),
            ],
        },
        "grants": [
            {
                "kind": Grant.Kind.FIR_INGENIERIE,
                "funder": "ARS Occitanie (FIR)",
                "title": "Ingénierie de projet après la lettre d'intention",
                "amount": Decimal(30_000),
                "status": Grant.Status.VERSEE,
                "requested_date": dt.date(2025, 10, 6),
                "decision_date": dt.date(2025, 11, 24),
                "start_date": dt.date(2025, 12, 1),
                "end_date": dt.date(2026, 11, 30),
                "document": "notification-fir-ingenierie.pdf",
            },
        ],
    },
    "uzege-pont-du-gard": {
        "population": 38_000,
        "snp_orientation": False,
        "lines": {
            "": [
                ("INDEMNITES", "Temps des professionnels : bureau et animation", 12_000),
                ("SALAIRES", "Coordinateur (0,5 ETP)", 30_000),
                ("HONORAIRES", "Comptabilité", 4_000),
                ("MATERIEL", "Location d'un bureau à Uzès", 3_000),
                ("AUTRE_DEPENSE", "Assurance et frais bancaires", 1_000),
            ],
            "acces_soins": [
                ("INDEMNITES", "Recherche de médecins traitants", 20_000),
                ("SALAIRES", "Secrétariat d'orientation (0,4 ETP)", 14_000),
                ("MATERIEL", "Annuaire partagé des disponibilités", 6_000),
            ],
            "parcours": [
                ("INDEMNITES", "Parcours personnes âgées à domicile", 28_000),
                ("SALAIRES", "Infirmière de coordination (0,3 ETP)", 15_000),
                ("HONORAIRES", "Formation à la conciliation médicamenteuse", 4_000),
                ("MATERIEL", "Outil de partage d'informations", 3_000),
            ],
            "prevention": [
                ("INDEMNITES", "Ateliers de prévention des chutes", 14_000),
                ("MATERIEL", "Matériel d'ateliers et transport", 4_000),
                ("HONORAIRES", "Éducateur en activité physique adaptée", 4_000),
                ("AUTRE_RESSOURCE", "Conférence des financeurs du Gard", 2_000),
            ],
        },
        "grants": [
            {
                "kind": Grant.Kind.REGIONALE,
                "funder": "Région Occitanie",
                "title": "Aide au démarrage des CPTS",
                "amount": Decimal(20_000),
                "status": Grant.Status.DEMANDEE,
                "requested_date": dt.date(2026, 2, 2),
            },
            {
                "kind": Grant.Kind.APPEL_A_PROJETS,
                "funder": "ARS Occitanie (FIR)",
                "title": "Appel à projets « prévention des chutes des personnes âgées »",
                "amount": Decimal(12_000),
                "status": Grant.Status.ENVISAGEE,
            },
        ],
    },
}

# A one-page PDF (the signed notification stands in for the real scan).
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _save(instance, by, **fields):
    """Write the demo values, saving (and recording history) only when something differs."""
    changed = instance.pk is None
    for name, value in fields.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    if changed:
        instance.updated_by = by
        instance._history_user = by
        instance.save()
    return instance


# Who keeps the books of each demo budget.
COORDINATORS = {"pic-saint-loup": "claire.martin", "uzege-pont-du-gard": "thomas.lefevre"}


def seed(seeded: dict) -> None:
    aci_2019.install(Bareme, BaremeLine)
    for slug, data in BUDGETS.items():
        project, by = seeded["projects"][slug], seeded["users"].get(COORDINATORS[slug])
        _seed_budget(project, data, by)
        _seed_grants(project, data["grants"], by)


def _seed_budget(project, data: dict, by) -> None:
    budget = _save(
        Budget.objects.filter(project=project).first() or Budget(project=project),
        by,
        population=data["population"],
        missions=SOCLE,
        snp_orientation=data["snp_orientation"],
        signature_date=None,
    )
    lines = [(part, *line) for part, part_lines in data["lines"].items() for line in part_lines]
    for number, (part, category, label, amount) in enumerate(lines, 1):
        side = "RESOURCE" if category.startswith(("ACI", "AUTRE_RESSOURCE")) else "EXPENSE"
        _save(
            budget.lines.filter(number=number).first() or BudgetLine(budget=budget, number=number),
            by,
            part=part,
            side=side,
            category=category,
            label=label,
            amount=Decimal(amount),
        )
    budget.lines.exclude(number__in=range(1, len(lines) + 1)).delete()


def _seed_grants(project, grants: list[dict], by) -> None:
    for number, fields in enumerate(grants, 1):
        fields = dict(fields)
        document = fields.pop("document", None)
        grant = _save(
            project.grants.filter(number=number).first() or Grant(project=project, number=number),
            by,
            **fields,
        )
        if document and not grant.documents.filter(number=1).exists():
            _attach(grant, document, by)
    project.grants.exclude(number__in=range(1, len(grants) + 1)).delete()


def _attach(grant, name: str, by) -> None:
    """The grant's document number 1, the demo PDF under `name`."""
    item = GrantDocument(grant=grant, number=1, name=name, uploaded_by=by)
    path = grant_document_path(item, name)
    if default_storage.exists(path):  # a previous seed stored it: reuse the file
        item.file.name = path
    else:
        item.file.save(name, ContentFile(DEMO_PDF), save=False)
    item.save()
