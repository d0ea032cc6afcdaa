from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Bareme, BaremeLine, Budget, BudgetLine, Grant, GrantDocument


class BaremeLineInline(admin.TabularInline):
    model = BaremeLine
    extra = 0


@admin.register(Bareme)
class BaremeAdmin(admin.ModelAdmin):
    """Administrators enter later barèmes (avenants) from the official text."""

    list_display = ["name", "effective_date", "source"]
    inlines = [BaremeLineInline]


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0
    readonly_fields = ["number"]


@admin.register(Budget)
class BudgetAdmin(SimpleHistoryAdmin):
    list_display = ["project", "population", "signature_date", "updated_at"]
    list_select_related = ["project"]
    inlines = [BudgetLineInline]


class GrantDocumentInline(admin.TabularInline):
    model = GrantDocument
    extra = 0
    readonly_fields = ["number", "uploaded_at", "uploaded_by"]


@admin.register(Grant)
class GrantAdmin(SimpleHistoryAdmin):
    list_display = ["project", "funder", "title", "amount", "status"]
    list_filter = ["kind", "status"]
    list_select_related = ["project"]
    inlines = [GrantDocumentInline]
