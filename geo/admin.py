"""Admin of the geographic referential.

The data come from `manage.py load_referential`: rows can be browsed and searched, and a
superuser may still fix a row by hand, but nobody adds or deletes them here (a reload would
undo or duplicate the work, and territories point to these rows).
"""

from django.contrib import admin

from .models import Commune, Departement, Epci, Region


class ReferentialAdmin(admin.ModelAdmin):
    """Read-only-ish: no add, no delete; codes cannot be edited."""

    list_per_page = 50
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return ["code", *readonly] if obj else readonly


@admin.register(Region)
class RegionAdmin(ReferentialAdmin):
    list_display = ["code", "name"]
    search_fields = ["name", "code"]
    ordering = ["code"]


@admin.register(Departement)
class DepartementAdmin(ReferentialAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    list_select_related = ["region"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["region"]


@admin.register(Epci)
class EpciAdmin(ReferentialAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(Commune)
class CommuneAdmin(ReferentialAdmin):
    list_display = ["code", "name", "kind", "departement", "epci", "postal_codes", "population"]
    list_filter = ["kind", "departement__region", "departement"]
    list_select_related = ["departement", "epci"]
    search_fields = ["name", "^code", "postal_codes"]
    autocomplete_fields = ["departement", "epci"]
    raw_id_fields = ["parent"]
