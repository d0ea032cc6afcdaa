from django.urls import path

from . import views

app_name = "funding"

# Included in cpts_portal/urls.py at the root: project pages start with "projets/<slug:slug>/".
urlpatterns = [
    path("simulateur/", views.simulator, name="simulator"),
    path("simulateur/simulation.xlsx", views.simulator_xlsx, name="simulator-xlsx"),
    path("simulateur/simulation.pdf", views.simulator_pdf, name="simulator-pdf"),
    path("projets/<slug:slug>/financement/", views.project_simulator, name="project-simulator"),
    path("projets/<slug:slug>/budget/", views.budget_detail, name="budget-detail"),
    path("projets/<slug:slug>/budget/creer/", views.budget_create, name="budget-create"),
    path("projets/<slug:slug>/budget/parametres/", views.budget_settings, name="budget-settings"),
    path("projets/<slug:slug>/budget/historique/", views.budget_history, name="budget-history"),
    path("projets/<slug:slug>/budget/budget.xlsx", views.budget_xlsx, name="budget-xlsx"),
    path("projets/<slug:slug>/budget/lignes/ajouter/", views.line_create, name="line-create"),
    path(
        "projets/<slug:slug>/budget/lignes/<int:number>/modifier/",
        views.line_update,
        name="line-update",
    ),
    path(
        "projets/<slug:slug>/budget/lignes/<int:number>/supprimer/",
        views.line_delete,
        name="line-delete",
    ),
    path(
        "projets/<slug:slug>/budget/lignes/<int:number>/historique/",
        views.line_history,
        name="line-history",
    ),
    path(
        "projets/<slug:slug>/budget/financements/ajouter/",
        views.grant_create,
        name="grant-create",
    ),
    path(
        "projets/<slug:slug>/budget/financements/<int:number>/modifier/",
        views.grant_update,
        name="grant-update",
    ),
    path(
        "projets/<slug:slug>/budget/financements/<int:number>/pieces/<int:document>/",
        views.grant_document,
        name="grant-document",
    ),
]
