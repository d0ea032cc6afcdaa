"""The questions and the judgement scale of the ARS's avis grid (guide, Annexe 9).

Plain data, read by the review (lifecycle.review), its forms and the documents that print the
grid (lifecycle.document_data)."""

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
