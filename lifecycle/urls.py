from django.urls import path

from . import (
    contract_views,
    dashboard_views,
    document_views,
    followup_views,
    transition_views,
    views,
    word_views,
)

YEAR = "projets/<slug:slug>/suivi/annee-<int:year>/"

app_name = "lifecycle"

urlpatterns = [
    path("projets/<slug:slug>/", views.project_detail, name="project-detail"),
    path(
        "projets/<slug:slug>/actions/",
        transition_views.project_transition,
        name="project-transition",
    ),
    path(
        "projets/<slug:slug>/lettre-intention/",
        transition_views.intention_letter,
        name="intention-letter",
    ),
    path("projets/<slug:slug>/instruction/", transition_views.review_detail, name="review-detail"),
    path(
        "projets/<slug:slug>/instruction/depot-<int:number>/",
        transition_views.deposit_round,
        name="deposit-round",
    ),
    path(
        "projets/<slug:slug>/instruction/reception/",
        transition_views.reception_date,
        name="reception-date",
    ),
    path(
        "projets/<slug:slug>/instruction/pieces/<int:pk>/",
        transition_views.missing_piece_file,
        name="missing-piece-file",
    ),
    path(
        "projets/<slug:slug>/instruction/avis/<str:body>/",
        transition_views.avis_detail,
        name="avis-detail",
    ),
    path("projets/<slug:slug>/echeances/", dashboard_views.deadlines_dashboard, name="deadlines"),
    path(
        "projets/<slug:slug>/echeances/calendrier/",
        dashboard_views.calendar_feed_manage,
        name="calendar-feed-manage",
    ),
    path("calendrier/<str:token>.ics", dashboard_views.calendar_feed, name="calendar-feed"),
    path("projets/<slug:slug>/documents/", document_views.document_list, name="document-list"),
    path(
        "projets/<slug:slug>/documents/demander/",
        document_views.document_create,
        name="document-create",
    ),
    path(
        "projets/<slug:slug>/documents/<int:pk>/",
        document_views.document_detail,
        name="document-detail",
    ),
    path(
        "projets/<slug:slug>/documents/<int:pk>/relancer/",
        document_views.document_retry,
        name="document-retry",
    ),
    path(
        "projets/<slug:slug>/documents/<int:pk>/telecharger/",
        document_views.document_download,
        name="document-download",
    ),
    # The Word exports (issue 18), next to the PDFs of the same documents.
    path(
        "projets/<slug:slug>/documents/projet-de-sante.docx",
        word_views.projet_de_sante_docx,
        name="projet-de-sante-docx",
    ),
    path(
        "projets/<slug:slug>/fiches/<int:number>/fiche-action.docx",
        word_views.fiche_docx,
        name="fiche-docx",
    ),
    path("projets/<slug:slug>/suivi/", followup_views.followup_overview, name="followup"),
    path(YEAR, followup_views.dialogue_detail, name="dialogue"),
    path(YEAR + "signer/", followup_views.dialogue_sign, name="dialogue-sign"),
    path(YEAR + "versements/", followup_views.payment_create, name="payment-create"),
    path(YEAR + "compte-rendu/", followup_views.dialogue_report, name="dialogue-report"),
    path(YEAR + "base/", followup_views.dialogue_basis, name="dialogue-basis"),
    path("projets/<slug:slug>/suivi/faits/", followup_views.fact_create, name="fact-create"),
    path("projets/<slug:slug>/contrat/", contract_views.contract_detail, name="contract"),
    path("projets/<slug:slug>/contrat/signer/", contract_views.contract_sign, name="contract-sign"),
    path(
        "projets/<slug:slug>/contrat/debut/", contract_views.contract_start, name="contract-start"
    ),
    path("projets/<slug:slug>/contrat/pdf/", contract_views.contract_pdf, name="contract-pdf"),
    path("instruction/", views.review_queue, name="review-queue"),
    path("analyse/", views.analyst_overview, name="analyst-overview"),
]
