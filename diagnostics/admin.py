from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import DiagnosticFigure, DiagnosticSection, Need, Territory, TerritoryChange


class IndicatorInline(admin.TabularInline):
    model = DiagnosticFigure
    extra = 0


@admin.register(Territory)
class TerritoryAdmin(SimpleHistoryAdmin):
    list_display = ["project", "population", "tier", "version", "updated_at"]
    search_fields = ["project__name"]
    readonly_fields = ["population", "tier"]
    exclude = ["communes"]


@admin.register(TerritoryChange)
class TerritoryChangeAdmin(admin.ModelAdmin):
    list_display = ["territory", "action", "subject", "commune_count", "by", "at"]
    list_filter = ["action"]
    search_fields = ["territory__project__name", "subject"]


@admin.register(DiagnosticSection)
class DiagnosticSectionAdmin(SimpleHistoryAdmin):
    list_display = ["project", "key", "version", "updated_at", "updated_by"]
    list_filter = ["key"]
    search_fields = ["project__name"]
    inlines = [IndicatorInline]


@admin.register(Need)
class NeedAdmin(SimpleHistoryAdmin):
    list_display = ["project", "code", "label", "priority", "withdrawn"]
    list_filter = ["priority", "withdrawn"]
    search_fields = ["project__name", "label"]
