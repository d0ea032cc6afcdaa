from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Association, CompositionRules, Pass


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
