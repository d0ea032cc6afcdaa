from django.urls import path

from . import proconnect_views, views

app_name = "accounts"

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path(
        "proconnect/connexion/",
        proconnect_views.ProConnectLoginView.as_view(),
        name="proconnect-login",
    ),
    path("proconnect/retour/", proconnect_views.proconnect_callback, name="proconnect-callback"),
    path(
        "proconnect/deconnecte/",
        proconnect_views.proconnect_logout_return,
        name="proconnect-logout-return",
    ),
    path("inscription/", views.signup_view, name="signup"),
    path("inscription/envoyee/", views.signup_sent, name="signup-sent"),
    path("inscription/confirmer/<str:token>/", views.signup_confirm, name="signup-confirm"),
    path("profil/", views.profile, name="profile"),
    path("mot-de-passe/", views.PasswordChangeView.as_view(), name="password-change"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("mot-de-passe/oubli/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "mot-de-passe/oubli/envoye/",
        views.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "mot-de-passe/modifie/",
        views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
]
