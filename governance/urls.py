from django.urls import path

from . import views

app_name = "governance"

P = "projets/<slug:slug>/gouvernance/"

urlpatterns = [
    path(P, views.overview, name="overview"),
    path(f"{P}association/", views.association_edit, name="association-edit"),
    path(f"{P}association/historique/", views.association_history, name="association-history"),
    path(f"{P}systeme-information/", views.information_system, name="information-system"),
    path(
        f"{P}systeme-information/modifier/",
        views.information_system_edit,
        name="information-system-edit",
    ),
    path(
        f"{P}systeme-information/historique/",
        views.information_system_history,
        name="information-system-history",
    ),
    path(f"{P}membres/", views.member_list, name="member-list"),
    path(f"{P}membres/ajouter/", views.member_create, name="member-create"),
    path(f"{P}membres/importer/", views.member_import, name="member-import"),
    path(f"{P}membres/modele.csv", views.member_template, name="member-template"),
    path(f"{P}membres/export/", views.member_export, name="member-export"),
    path(f"{P}membres/<int:number>/", views.member_edit, name="member-edit"),
    path(f"{P}membres/<int:number>/historique/", views.member_history, name="member-history"),
    path(f"{P}bureau/", views.bureau, name="bureau"),
    path(f"{P}instances/ajouter/", views.instance_create, name="instance-create"),
    path(f"{P}instances/<slug:instance>/", views.instance_detail, name="instance-detail"),
    path(f"{P}instances/<slug:instance>/modifier/", views.instance_edit, name="instance-edit"),
    path(f"{P}instances/<slug:instance>/regles/", views.rules_edit, name="rules-edit"),
    path(
        f"{P}instances/<slug:instance>/regles/historique/",
        views.rules_history,
        name="rules-history",
    ),
    path(
        f"{P}instances/<slug:instance>/mandats/ajouter/",
        views.mandate_create,
        name="mandate-create",
    ),
    path(f"{P}mandats/<int:number>/", views.mandate_edit, name="mandate-edit"),
    path(f"{P}reunions/", views.meeting_list, name="meeting-list"),
    path(f"{P}reunions/ajouter/", views.meeting_create, name="meeting-create"),
    path(f"{P}reunions/<int:number>/", views.meeting_detail, name="meeting-detail"),
    path(f"{P}reunions/<int:number>/modifier/", views.meeting_edit, name="meeting-edit"),
    path(
        f"{P}reunions/<int:number>/presences/",
        views.meeting_attendance,
        name="meeting-attendance",
    ),
    path(
        f"{P}reunions/<int:number>/decisions/ajouter/",
        views.decision_create,
        name="decision-create",
    ),
    path(
        f"{P}reunions/<int:number>/decisions/<int:decision>/",
        views.decision_edit,
        name="decision-edit",
    ),
    path(f"{P}reunions/<int:number>/compte-rendu/", views.minutes_edit, name="minutes-edit"),
    path(
        f"{P}reunions/<int:number>/compte-rendu/historique/",
        views.minutes_history,
        name="minutes-history",
    ),
    path(f"{P}documents/ajouter/", views.document_upload, name="document-upload"),
    path(f"{P}documents/<int:number>/", views.document_download, name="document-download"),
    path(f"{P}documents/<int:number>/modifier/", views.document_edit, name="document-edit"),
    path(f"{P}partenariats/", views.partnership_list, name="partnership-list"),
    path(f"{P}partenariats/<int:pk>/", views.partnership_edit, name="partnership-edit"),
    path(f"{P}indemnites/", views.indemnity_list, name="indemnity-list"),
    path(f"{P}indemnites/<int:pk>/", views.indemnity_edit, name="indemnity-edit"),
]
