from django.urls import path

from . import views

app_name = "examples"

LIBRARY = "projets/<slug:slug>/exemples/"

urlpatterns = [
    path(LIBRARY, views.library, name="library"),
    path(LIBRARY + "partage/", views.sharing, name="sharing"),
    path(LIBRARY + "partage/<int:number>/", views.share_fiche, name="share-fiche"),
    path(LIBRARY + "partagees/<int:pk>/", views.shared_detail, name="shared-detail"),
    path(LIBRARY + "partagees/<int:pk>/partir/", views.shared_start, name="shared-start"),
    path(LIBRARY + "<slug:key>/", views.example_detail, name="example-detail"),
    path(LIBRARY + "<slug:key>/partir/", views.example_start, name="example-start"),
]
