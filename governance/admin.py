from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Association,
    Attendance,
    CompositionRules,
    Deliberation,
    GovernanceDocument,
    Indemnity,
    Instance,
    Mandate,
    Member,
    Partnership,
    Pass,
)


@admin.register(Pass)
class PassAdmin(admin.ModelAdmin):
    list_display = ["year", "amount"]


@admin.register(Association)
class AssociationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "rna", "project"]
    search_fields = ["name", "rna"]


@admin.register(CompositionRules)
class CompositionRulesAdmin(SimpleHistoryAdmin):
    list_display = ["body"]


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """The history of records edited in the portal only: a change here would bypass their
    version (governance.services writes them with save_versioned)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model in (
    Member,
    Instance,
    Mandate,
    Attendance,
    Deliberation,
    Indemnity,
    GovernanceDocument,
    Partnership,
):
    admin.site.register(model, ReadOnlyHistoryAdmin)
