from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Fiche,
    Indicator,
    Mission,
    SubAction,
    WorkingGroupMember,
)


@admin.register(Mission)
class MissionAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "start_months",
        "deployment_months",
        "regime",
        "funding_code",
    ]


class SubActionInline(admin.TabularInline):
    model = SubAction
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


class MemberInline(admin.TabularInline):
    model = WorkingGroupMember
    extra = 0


@admin.register(Fiche)
class FicheAdmin(SimpleHistoryAdmin):
    list_display = ["project", "number", "title", "mission", "pilot", "updated_at"]
    list_filter = ["mission"]
    list_select_related = ["project", "mission", "pilot"]
    search_fields = ["title", "project__name"]
    inlines = [MemberInline, SubActionInline, IndicatorInline]
