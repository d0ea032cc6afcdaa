import datetime as dt
from decimal import Decimal

from django import forms

from cpts_portal.lib.formsets import bounded_formset_factory
from cpts_portal.lib.numbers import parse_french_decimal
from cpts_portal.lib.versioning import VersionedFormMixin

from .models import DIAGNOSTIC_SECTION_KEYS, DiagnosticFigure, DiagnosticSection, Need


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Rechercher une commune ou un EPCI",
        help_text="Nom, code INSEE ou code postal (au moins 2 caractères).",
        max_length=80,
        required=False,
    )


class TerritoryChangeForm(forms.Form):
    ACTIONS = [
        ("add_commune", "Ajouter la commune"),
        ("remove_commune", "Retirer la commune"),
        ("add_epci", "Ajouter les communes de l'EPCI"),
        ("remove_epci", "Retirer les communes de l'EPCI"),
    ]
    action = forms.ChoiceField(label="Action", choices=ACTIONS)
    code = forms.CharField(label="Code", max_length=9)


class FrenchDecimalField(forms.CharField):
    """A number typed the French way ("1 234,5") or not ("1234.5")."""

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "decimal", "maxlength": "30"}

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format(value.normalize(), "f").replace(".", ",")
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if len(value) > 30:
            raise forms.ValidationError("Ce nombre est trop long.")
        try:
            number = parse_french_decimal(value)
        except ValueError:
            raise forms.ValidationError("Saisissez un nombre, par exemple 12,5.") from None
        if abs(number) >= Decimal("1e11"):
            raise forms.ValidationError("Ce nombre est trop grand.")
        return number.quantize(Decimal("0.001"))


class SectionForm(VersionedFormMixin, forms.Form):
    text = forms.CharField(
        label="Texte",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Paragraphes séparés par une ligne vide ; une ligne commençant par « - » "
        "fait une liste à puces, « 1. » une liste numérotée.",
    )


class _RowForm(forms.Form):
    """A row of an editable table: compact Bootstrap widgets."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput) or name == "DELETE":
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{css} {css}-sm"


class IndicatorForm(_RowForm):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(
        label="Type", choices=DiagnosticFigure.Kind.choices, initial=DiagnosticFigure.Kind.INDICATOR
    )
    label = forms.CharField(label="Indicateur", max_length=200)
    area = forms.CharField(label="Zone", max_length=120, required=False)
    value = FrenchDecimalField(label="Valeur")
    unit = forms.CharField(label="Unité", max_length=40, required=False)
    year = forms.IntegerField(label="Année", min_value=1900)
    source = forms.CharField(label="Source", max_length=200)
    comparison_value = FrenchDecimalField(label="Valeur de comparaison", required=False)
    comparison_label = forms.CharField(label="Comparé à", max_length=80, required=False)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year > dt.date.today().year:
            raise forms.ValidationError("L'année des données ne peut pas être dans le futur.")
        return year

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("comparison_value") is not None and not cleaned.get("comparison_label"):
            self.add_error(
                "comparison_label", "Précisez à quoi la valeur est comparée (Hérault, France…)."
            )
        return cleaned


class NeedForm(_RowForm):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    label = forms.CharField(label="Besoin", max_length=300)
    source = forms.CharField(
        label="Source",
        max_length=200,
        help_text="D'où vient ce constat : données, enquête, réunion…",
    )
    priority = forms.ChoiceField(
        label="Priorité", choices=Need.Priority.choices, initial=Need.Priority.MEDIUM
    )


IndicatorFormSet = bounded_formset_factory(IndicatorForm, extra=2, can_delete=True, max_num=200)
NeedFormSet = bounded_formset_factory(NeedForm, extra=2, can_delete=True, max_num=100)


class ImportForm(forms.Form):
    section = forms.ChoiceField(
        label="Section du diagnostic",
        choices=[
            (key, label)
            for key, label in DiagnosticSection.Key.choices
            if key in DIAGNOSTIC_SECTION_KEYS and key != DiagnosticSection.Key.NEEDS
        ],
    )
    file = forms.FileField(
        label="Fichier CSV",
        help_text="Export d'un tableur ou d'un outil statistique (séparateur « ; » ou « , »).",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError("Choisissez un fichier .csv.")
        if upload.size > 1024 * 1024:
            raise forms.ValidationError("Le fichier dépasse 1 Mo.")
        return upload
