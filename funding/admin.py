from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AciMission, Bareme, BaremeLine, Budget, BudgetLine, Grant, GrantDocument


class BaremeLineInline(admin.TabularInline):
    model = BaremeLine
    extra = 0


class BaremeForm(forms.ModelForm):
    socle_missions = forms.TypedMultipleChoiceField(
        label="Missions socle",
        choices=AciMission.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Obligatoires pour tout projet relevant de ce barème : une fiche-action au "
        "moins et une part du budget prévisionnel chacune. Les autres missions financées "
        "(lignes ci-dessous) restent facultatives.",
    )

    class Meta:
        model = Bareme
        fields = ["name", "effective_date", "source", "socle_missions"]


@admin.register(Bareme)
class BaremeAdmin(admin.ModelAdmin):
    """Administrators enter later barèmes (avenants) from the official text, with the missions
    each makes socle (e.g. the crisis mission, optional under ACI-2019)."""

    form = BaremeForm
    list_display = ["name", "effective_date", "source", "socle_display"]
    inlines = [BaremeLineInline]

    @admin.display(description="missions socle")
    def socle_display(self, bareme):
        labels = dict(AciMission.choices)
        return ", ".join(labels[code] for code in bareme.socle) or "—"


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
