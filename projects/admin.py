from django.contrib import admin

from .models import Project


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "stage", "submitted_at"]
    list_filter = ["stage"]
    search_fields = ["name", "slug", "organisation__name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["departements"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
