"""Word (DOCX) downloads of the projet de santé and of a single fiche-action (issue 18).

Scoped like the PDFs of the same documents: the projet de santé is the CPTS's working draft
(its own people only, 404 for anyone else, as its PDF on the documents page); a fiche-action
is readable by whoever may read the fiche's page (missions.access)."""

from django.http import Http404
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from cpts_portal.lib.downloads import content_response
from missions.access import get_fiche_for_user
from projects import access

from . import word


@require_GET
def projet_de_sante_docx(request, slug):
    project = access.get_project_for_user(request.user, slug)
    if not access.access_for(request.user, project).cpts_role:
        raise Http404("Document introuvable.")
    return content_response(
        word.projet_de_sante_docx(project),
        f"projet-de-sante-{project.slug}.docx",
        word.CONTENT_TYPE,
    )


@require_GET
def fiche_docx(request, slug, number):
    fiche = get_fiche_for_user(request.user, slug, number)
    return content_response(
        word.fiche_docx(fiche.project, fiche.number),
        f"fiche-action-{fiche.number}-{slugify(fiche.title)[:60]}.docx".replace("-.docx", ".docx"),
        word.CONTENT_TYPE,
    )
