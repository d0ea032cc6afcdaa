"""Forms of the contract's follow-up that are not the dialogue's or the payments'."""

from django import forms
from django.utils import timezone

from .models import ContractFact

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FactForm(forms.Form):
    """A fact that closes a deadline: a mission started or fully deployed, a review held."""

    kind = forms.ChoiceField(label="Fait", choices=ContractFact.Kind.choices)
    ref = forms.CharField(label="Objet", max_length=20)
    happened_on = forms.DateField(label="Date", widget=DATE_WIDGET)
    note = forms.CharField(
        label="Précisions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Ce qui a été mis en place, où, avec qui.",
    )

    def __init__(self, *args, refs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.refs = set(refs)  # (kind, ref) the contract has a deadline for

    def clean_happened_on(self):
        day = self.cleaned_data["happened_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("La date ne peut pas être dans l'avenir.")
        return day

    def clean(self):
        data = super().clean()
        if "kind" in data and "ref" in data and (data["kind"], data["ref"]) not in self.refs:
            raise forms.ValidationError("Cette échéance n'existe pas dans le contrat.")
        return data
