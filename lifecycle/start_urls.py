from django.urls import path

from . import start_views

app_name = "start"

urlpatterns = [
    path("lancer/", start_views.project_start, name="project-start"),
    path("lancer/<slug:slug>/premiers-pas/", start_views.first_steps, name="first-steps"),
]
