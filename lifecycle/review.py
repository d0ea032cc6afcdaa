"""The avis grid of the ARS (guide, Annexe 9) and the figures it shows."""

from django.db.models import Count, Q
from django.utils import timezone

from cpts_portal.lib.versioning import save_versioned
from projects.models import ReviewComment

QUESTIONS = [
    (
        "missions",
        "Les actions proposées répondent-elles aux missions obligatoires ? Comment ?",
    ),
    (
        "diagnostic",
        "Les actions sont-elles cohérentes avec le diagnostic et les besoins identifiés ?",
    ),
    (
        "declinaison",
        "Les actions sont-elles déclinées avec des objectifs, des outils et des indicateurs ?",
    ),
    ("prs", "Le projet s'inscrit-il dans les orientations et priorités du PRS ?"),
    ("territoire", "Le territoire est-il pertinent ?"),
]

JUDGEMENTS = [
    ("SATISFAISANT", "satisfaisant"),
    ("A_AMELIORER", "à améliorer"),
    ("INSUFFISANT", "insuffisant"),
]


def answer_rows(avis) -> list[tuple[str, str, str]]:
    """(question, judgement label, comment) for each question of the grid."""
    labels = dict(JUDGEMENTS)
    rows = []
    for key, question in QUESTIONS:
        answer = (avis.answers or {}).get(key) or {}
        rows.append(
            (question, labels.get(answer.get("judgement", ""), ""), answer.get("comment", ""))
        )
    return rows


def avis_progress(deposit) -> dict:
    """How many avis of the deposit are in, and which bodies are missing."""
    avis = list(deposit.avis.all())
    missing = [a.get_body_display() for a in avis if not a.is_submitted]
    return {"total": len(avis), "submitted": len(avis) - len(missing), "missing": missing}


def submitted_counts(deposits) -> dict[int, int]:
    """Submitted avis per deposit id, in one query."""
    rows = (
        deposits.model.objects.filter(pk__in=[d.pk for d in deposits])
        .annotate(n=Count("avis", filter=Q(avis__submitted_at__isnull=False)))
        .values_list("pk", "n")
    )
    return dict(rows)


# --- Services -----------------------------------------------------------------------------


class AvisLocked(Exception):
    """A rendered avis cannot be edited: reopen it first (a new revision)."""


def avis_save(
    *, avis, version: int, answers: dict, overall: str, motivation: str, by, submit=False
):
    if avis.is_submitted:
        raise AvisLocked()
    fields = {"answers": answers, "overall": overall, "motivation": motivation}
    if submit:
        fields.update(submitted_at=timezone.now(), submitted_by=by)
    return save_versioned(
        avis, version=version, by=by, fields=fields, reason="avis rendu" if submit else ""
    )


def avis_reopen(*, avis, version: int, by):
    """Unlock a rendered avis for a new revision; the rendered one stays in the history."""

    return save_versioned(
        avis,
        version=version,
        by=by,
        fields={"submitted_at": None, "submitted_by": None, "revision": avis.revision + 1},
        reason=f"réouverture pour la révision {avis.revision + 1}",
    )


def comment_add(*, deposit, text: str, by):
    return ReviewComment.objects.create(deposit=deposit, text=text, author=by)
