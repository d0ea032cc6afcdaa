from django.urls import path

from . import team_views as views

app_name = "team"

urlpatterns = [
    path("<slug:slug>/equipe/", views.team_detail, name="team-detail"),
    path("<slug:slug>/equipe/inviter/", views.invitation_create, name="invitation-create"),
    path(
        "<slug:slug>/equipe/invitations/<int:pk>/renvoyer/",
        views.invitation_resend,
        name="invitation-resend",
    ),
    path(
        "<slug:slug>/equipe/invitations/<int:pk>/annuler/",
        views.invitation_cancel,
        name="invitation-cancel",
    ),
    path(
        "<slug:slug>/equipe/membres/<int:pk>/role/",
        views.membership_update,
        name="membership-update",
    ),
    path(
        "<slug:slug>/equipe/membres/<int:pk>/retirer/",
        views.membership_remove,
        name="membership-remove",
    ),
]
