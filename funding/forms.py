"""Forms of the funding pages: they only validate (French messages on the fields)."""

from decimal import Decimal

from django import forms

from cpts_portal.lib.numbers import parse_french_decimal
from cpts_portal.lib.uploads import ACCEPTED, check_upload
from cpts_portal.lib.versioning import VersionedFormMixin

from . import calculator
from .models import (
    EDITABLE_RESOURCE_CATEGORIES,
    EXPENSE_CATEGORIES,
    AciMission,
    Budget,
    BudgetLine,
    Category,
    Grant,
)


class _FrenchDecimalField(forms.DecimalField):
    """A DecimalField that reads numbers typed the French way ('12 500,50 €', '12,5 %')."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
            if value:
                try:
                    value = parse_french_decimal(value)
                except ValueError:
                    raise forms.ValidationError(
                        self.error_messages["invalid"], code="invalid"
                    ) from None
        return super().to_python(value)


class EuroField(_FrenchDecimalField):
    """Accepts French amounts: '12 500', '12 500,50 €', '12500.5'."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)
        self.error_messages["invalid"] = "Saisissez un montant en euros, par exemple 12 500."

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value.normalize():f}".replace(".", ",")
        return value


class RateField(_FrenchDecimalField):
    """An attainment rate typed in percent (0 to 100), returned as a fraction (0 to 1)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_value", Decimal(100))
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class SimulationForm(forms.Form):
    population = forms.IntegerField(
        label="Population du territoire (habitants)",
        min_value=0,
        max_value=10_000_000,
        help_text="Elle détermine la taille de la CPTS (voir les seuils ci-dessous).",
    )
    missions = forms.MultipleChoiceField(
        label="Missions",
        choices=AciMission.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    snp_orientation = forms.BooleanField(
        label="Service de traitement et d'orientation des demandes de soins non programmés",
        required=False,
    )
    bareme = forms.ChoiceField(label="Barème", required=False)
    signature_date = forms.DateField(
        label="Date de signature du contrat (pour l'échéancier)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, baremes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bareme"].choices = [("", "Le plus récent")] + [
            (b.name, f"{b.name} (en vigueur au {b.effective_date:%d/%m/%Y})") for b in baremes
        ]
        for code, label in AciMission.choices:
            self.fields[f"taux_{code}"] = RateField(
                label=f"Taux d'atteinte — {label} (%)",
                widget=forms.NumberInput(attrs={"step": "any", "min": 0, "max": 100}),
            )

    def attainment(self) -> dict[str, Decimal]:
        rates = {}
        for code in self.cleaned_data.get("missions", []):
            value = self.cleaned_data.get(f"taux_{code}")
            if value is not None:
                rates[code] = value / 100
        return rates


class BudgetSettingsForm(VersionedFormMixin, forms.ModelForm):
    missions = forms.MultipleChoiceField(
        label="Missions contractualisées",
        choices=AciMission.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    signature_date = forms.DateField(
        label="Date de signature du contrat ACI",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Elle fixe le barème applicable et l'échéancier des versements.",
    )

    class Meta:
        model = Budget
        fields = ["population", "missions", "snp_orientation", "signature_date"]

    def clean(self):
        data = super().clean()
        if "missions" in data:
            try:
                calculator.annual_funding(
                    population=data.get("population") or 0,
                    missions=data["missions"],
                    on=data.get("signature_date"),
                )
            except calculator.FundingError as exc:
                self.add_error("missions", str(exc))
        return data


def _category_choices(*categories):
    return [(str(c), Category(c).label) for c in categories]


LINE_CATEGORY_CHOICES = [
    ("Dépenses", _category_choices(*EXPENSE_CATEGORIES)),
    ("Ressources", _category_choices(*EDITABLE_RESOURCE_CATEGORIES)),
]


class BudgetLineForm(forms.ModelForm):
    category = forms.ChoiceField(label="Catégorie", choices=LINE_CATEGORY_CHOICES)
    amount = EuroField(label="Montant annuel (€)")

    class Meta:
        model = BudgetLine
        fields = ["category", "label", "amount"]
        labels = {"label": "Libellé"}


class BudgetLineUpdateForm(VersionedFormMixin, BudgetLineForm):
    pass


class VersionOnlyForm(VersionedFormMixin, forms.Form):
    """Deleting needs only the version the user saw."""


class GrantForm(forms.ModelForm):
    amount = EuroField(label="Montant (€)")
    document = forms.FileField(
        label=f"Pièce jointe ({ACCEPTED}, 10 Mo au plus)",
        required=False,
        # The type is read from the content, not the name (cpts_portal.lib.uploads).
        validators=[check_upload],
    )

    class Meta:
        model = Grant
        fields = [
            "kind",
            "funder",
            "title",
            "amount",
            "status",
            "requested_date",
            "decision_date",
            "start_date",
            "end_date",
        ]
        widgets = {
            name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for name in ("requested_date", "decision_date", "start_date", "end_date")
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "La fin ne peut pas précéder le début.")
        return data


class GrantUpdateForm(VersionedFormMixin, GrantForm):
    pass
