from django.urls import path

from . import result_views, views

app_name = "missions"

FICHE = "projets/<slug:slug>/fiches/<int:number>/"
ROW = FICHE + "<slug:kind>/<int:row>/"

# Included in cpts_portal/urls.py at the root: project pages start with "projets/<slug:slug>/".
urlpatterns = [
    path("projets/<slug:slug>/missions/", views.mission_list, name="mission-list"),
    path("projets/<slug:slug>/fiches/nouvelle/", views.fiche_create, name="fiche-create"),
    path(FICHE, views.fiche_detail, name="fiche-detail"),
    path(FICHE + "sections/<slug:section>/", views.fiche_section, name="fiche-section"),
    path(FICHE + "supprimer/", views.fiche_delete, name="fiche-delete"),
    path(FICHE + "historique/", views.fiche_history_view, name="fiche-history"),
    path(FICHE + "resultats/", result_views.fiche_results, name="fiche-results"),
    path(
        FICHE + "resultats/<int:indicator>/annee-<int:year>/",
        result_views.result_edit,
        name="result-edit",
    ),
    path(
        FICHE + "resultats/<int:indicator>/annee-<int:year>/preuve/",
        result_views.result_evidence,
        name="result-evidence",
    ),
    path(FICHE + "<slug:kind>/ajouter/", views.row_create, name="row-create"),
    path(ROW, views.row_update, name="row-update"),
    path(ROW + "deplacer/", views.row_move, name="row-move"),
    path(ROW + "supprimer/", views.row_delete, name="row-delete"),
]
