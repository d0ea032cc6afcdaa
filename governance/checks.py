"""What the governance still lacks before the projet de santé can be deposited."""

from .models import Association, GovernanceDocument, Instance, Mandate, Office

REQUIRED_OFFICES = [
    (Office.PRESIDENT, "Le bureau n'a pas de président."),
    (Office.TRESORIER, "Le bureau n'a pas de trésorier."),
    (Office.SECRETAIRE, "Le bureau n'a pas de secrétaire."),
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
    bureau = Instance.objects.filter(project=project, kind=Instance.Kind.BUREAU).first()
    if bureau is None:
        gaps.append("Le bureau de l'association n'est pas constitué.")
        return gaps
    held = set(Mandate.objects.current().filter(body=bureau).values_list("office", flat=True))
    gaps.extend(message for office, message in REQUIRED_OFFICES if office not in held)
    return gaps
