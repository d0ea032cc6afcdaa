from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import TemplateView

from lifecycle import views as lifecycle_views

admin.site.site_header = "CPTS Portal — administration"
admin.site.site_title = "CPTS Portal"

urlpatterns = [
    path("", lifecycle_views.home, name="home"),
    # Public: the login and sign-up pages link to it.
    path(
        "aide/",
        login_not_required(TemplateView.as_view(template_name="help.html")),
        name="help",
    ),
    path("compte/", include("accounts.urls")),
    path("organisations/", include("accounts.team_urls")),
    path("", include("lifecycle.start_urls")),
    path("", include("lifecycle.urls")),
    path("", include("diagnostics.urls")),
    path("", include("missions.urls")),
    path("", include("examples.urls")),
    path("", include("governance.urls")),
    path("", include("funding.urls")),
    path("admin/", admin.site.urls),
]
# Uploaded and rendered files are never served from MEDIA_URL, even with DEBUG on: each one
# goes through a view that checks who asks (projects.access).
