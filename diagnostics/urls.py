from django.urls import path

from . import views

app_name = "diagnostics"

# Included in cpts_portal/urls.py at the root: project pages start with "projets/<slug:slug>/".
urlpatterns = [
    path("projets/<slug:slug>/territoire/", views.territory_detail, name="territory-detail"),
    path(
        "projets/<slug:slug>/territoire/modifier/",
        views.territory_change,
        name="territory-change",
    ),
    path(
        "projets/<slug:slug>/territoire/historique/",
        views.territory_history,
        name="territory-history",
    ),
    path("instruction/chevauchements/", views.overlap_list, name="overlap-list"),
    path("projets/<slug:slug>/diagnostic/", views.diagnostic_detail, name="diagnostic-detail"),
    path(
        "projets/<slug:slug>/diagnostic/import/",
        views.indicator_import,
        name="indicator-import",
    ),
    path(
        "projets/<slug:slug>/diagnostic/<slug:key>/modifier/",
        views.section_edit,
        name="section-edit",
    ),
    path(
        "projets/<slug:slug>/diagnostic/<slug:key>/historique/",
        views.section_history,
        name="section-history",
    ),
]
