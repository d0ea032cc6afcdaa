from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from projects import views as project_views

admin.site.site_header = "CPTS Portal — administration"
admin.site.site_title = "CPTS Portal"

urlpatterns = [
    path("", project_views.home, name="home"),
    path("aide/", TemplateView.as_view(template_name="help.html"), name="help"),
    path("compte/", include("accounts.urls")),
    path("organisations/", include("accounts.team_urls")),
    path("", include("projects.urls")),
    path("", include("diagnostics.urls")),
    path("", include("missions.urls")),
    path("", include("governance.urls")),
    path("", include("funding.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
