from django.urls import path  # noqa: F401

from . import views  # noqa: F401

app_name = "missions"

# Included in cpts_portal/urls.py at the root: project pages start with "projets/<slug:slug>/".
urlpatterns: list = []
