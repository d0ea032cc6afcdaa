"""What the governance still lacks before the projet de santé can be deposited."""

from .models import Association, GovernanceDocument, InformationSystem, Instance, Mandate, Office

# The guide's minimum (its governance chapter): "Composition a minima: 1 Président
# 1 Trésorier 1 Secrétaire"; the example statutes' "Secrétaire Général" holds the secretary's
# office too.
REQUIRED_OFFICES = [
    ({Office.PRESIDENT}, "Le bureau n'a pas de président."),
    ({Office.TRESORIER}, "Le bureau n'a pas de trésorier."),
    ({Office.SECRETAIRE, Office.SECRETAIRE_GENERAL}, "Le bureau n'a pas de secrétaire."),
]


def deposit_gaps(project) -> list[str]:
    gaps = []
    association = Association.objects.filter(project=project).first()
    if association is None:
        gaps.append("L'association porteuse de la CPTS n'est pas enregistrée.")
    elif not association.rna:
        gaps.append("Le numéro RNA de l'association n'est pas renseigné.")
    if not GovernanceDocument.objects.filter(
        project=project, kind=GovernanceDocument.Kind.STATUTS
    ).exists():
        gaps.append("Les statuts de l'association ne sont pas déposés.")
    gaps.extend(information_system_gaps(project))
    bureau = Instance.objects.filter(project=project, kind=Instance.Kind.BUREAU).first()
    if bureau is None:
        gaps.append("Le bureau de l'association n'est pas constitué.")
        return gaps
    held = set(Mandate.objects.current().filter(body=bureau).values_list("office", flat=True))
    gaps.extend(message for offices, message in REQUIRED_OFFICES if not offices & held)
    return gaps


def information_system_gaps(project) -> list[str]:
    """The guide lists the information system among what the projet de santé presents:
    "Décrire le système d'information envisagé, intégrant les outils nationaux de circulation
    de l'information (DMP, DP, MSS...)" and "La description devra également mettre en
    évidence la sécurisation des données (confidentialité, protection des données
    personnelles et respect du RGPD...)"."""
    system = InformationSystem.objects.filter(project=project).first()
    if system is None or system.is_blank:
        return [
            "Le système d'information de la CPTS n'est pas décrit (partie 3 du projet de santé)."
        ]
    if not system.data_protection.strip():
        return ["La protection des données (RGPD) du système d'information n'est pas décrite."]
    return []
