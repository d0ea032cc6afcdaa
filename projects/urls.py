from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("projets/<slug:slug>/", views.project_detail, name="project-detail"),
    path("instruction/", views.review_queue, name="review-queue"),
    path("analyse/", views.analyst_overview, name="analyst-overview"),
]
