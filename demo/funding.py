"""Demo budgets: Pic Saint-Loup balanced (size 2, socle missions and SNP orientation, a FIR
grant with its notification), Uzège – Pont du Gard (size 1) with an unbalanced prevention
table. The populations below serve when the territory app gives none; the amounts fit the
sizes of the demo territories (Grand Pic Saint-Loup: size 2; Pays d'Uzès: size 1).

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

BUDGETS = {
    "pic-saint-loup": {
        "population": 52_000,
        "snp_orientation": True,
        "lines": [
            ("", "INDEMNITES", "Temps des professionnels : bureau, pilotage, assemblées", 18_000),
            ("", "SALAIRES", "Coordinatrice à mi-temps (0,5 ETP)", 34_000),
            ("", "HONORAIRES", "Expert-comptable et commissaire aux comptes", 3_000),
            ("", "MATERIEL", "Outil de coordination et site internet", 5_000),
            ("acces_soins", "INDEMNITES", "Régulation des soins non programmés", 40_000),
            ("acces_soins", "SALAIRES", "Assistante de régulation SNP (0,8 ETP)", 30_000),
            ("acces_soins", "INDEMNITES", "Compensation des médecins effecteurs SNP", 12_000),
            ("acces_soins", "MATERIEL", "Plateforme d'orientation et téléphonie", 10_000),
            ("parcours", "INDEMNITES", "Réunions de concertation pluriprofessionnelle", 45_000),
            ("parcours", "SALAIRES", "Coordinatrice de parcours (0,25 ETP)", 15_000),
            ("parcours", "HONORAIRES", "Formation au parcours insuffisance cardiaque", 6_000),
            ("parcours", "MATERIEL", "Messagerie sécurisée et outils partagés", 4_000),
            ("prevention", "INDEMNITES", "Journées de dépistage et de vaccination", 18_000),
            ("prevention", "MATERIEL", "Supports de campagne et location de salles", 9_000),
            ("prevention", "HONORAIRES", "Intervenante en nutrition", 3_000),
        ],
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
        "lines": [
            ("", "INDEMNITES", "Temps des professionnels : bureau et animation", 12_000),
            ("", "SALAIRES", "Coordinateur (0,5 ETP)", 30_000),
            ("", "HONORAIRES", "Comptabilité", 4_000),
            ("", "MATERIEL", "Location d'un bureau à Uzès", 3_000),
            ("", "AUTRE_DEPENSE", "Assurance et frais bancaires", 1_000),
            ("acces_soins", "INDEMNITES", "Recherche de médecins traitants", 20_000),
            ("acces_soins", "SALAIRES", "Secrétariat d'orientation (0,4 ETP)", 14_000),
            ("acces_soins", "MATERIEL", "Annuaire partagé des disponibilités", 6_000),
            ("parcours", "INDEMNITES", "Parcours personnes âgées à domicile", 28_000),
            ("parcours", "SALAIRES", "Infirmière de coordination (0,3 ETP)", 15_000),
            ("parcours", "HONORAIRES", "Formation à la conciliation médicamenteuse", 4_000),
            ("parcours", "MATERIEL", "Outil de partage d'informations", 3_000),
            ("prevention", "INDEMNITES", "Ateliers de prévention des chutes", 14_000),
            ("prevention", "MATERIEL", "Matériel d'ateliers et transport", 6_000),
            ("prevention", "HONORAIRES", "Éducateur en activité physique adaptée", 5_000),
            ("prevention", "AUTRE_RESSOURCE", "Conférence des financeurs du Gard", 2_000),
        ],
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


def seed(seeded: dict) -> None:
    aci_2019.install(Bareme, BaremeLine)
    coordinators = {
        "pic-saint-loup": seeded["users"].get("claire.martin"),
        "uzege-pont-du-gard": seeded["users"].get("thomas.lefevre"),
    }
    for slug, data in BUDGETS.items():
        project = seeded["projects"][slug]
        by = coordinators[slug]
        budget = _save(
            Budget.objects.filter(project=project).first() or Budget(project=project),
            by,
            population=data["population"],
            missions=SOCLE,
            snp_orientation=data["snp_orientation"],
            signature_date=None,
        )
        numbers = []
        for number, (part, category, label, amount) in enumerate(data["lines"], 1):
            side = "RESOURCE" if category.startswith(("ACI", "AUTRE_RESSOURCE")) else "EXPENSE"
            _save(
                budget.lines.filter(number=number).first()
                or BudgetLine(budget=budget, number=number),
                by,
                part=part,
                side=side,
                category=category,
                label=label,
                amount=Decimal(amount),
            )
            numbers.append(number)
        budget.lines.exclude(number__in=numbers).delete()
        grant_numbers = []
        for number, fields in enumerate(data["grants"], 1):
            fields = dict(fields)
            document = fields.pop("document", None)
            grant = _save(
                project.grants.filter(number=number).first()
                or Grant(project=project, number=number),
                by,
                **fields,
            )
            grant_numbers.append(number)
            if document and not grant.documents.filter(number=1).exists():
                item = GrantDocument(grant=grant, number=1, name=document, uploaded_by=by)
                path = grant_document_path(item, document)
                if default_storage.exists(path):  # a previous seed stored it: reuse the file
                    item.file.name = path
                else:
                    item.file.save(document, ContentFile(DEMO_PDF), save=False)
                item.save()
        project.grants.exclude(number__in=grant_numbers).delete()
