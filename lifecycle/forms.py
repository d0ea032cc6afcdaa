from decimal import Decimal

from django import forms

from cpts_portal.lib.versioning import VersionedFormMixin
from funding.forms import EuroField, RateField
from projects.models import Avis, ContractPayment, IntentionLetter

from .avis_questions import JUDGEMENTS, QUESTIONS


class IntentionLetterForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = IntentionLetter
        fields = [
            "porteur",
            "territory",
            "diagnostic",
            "actors",
            "coordination",
            "missions",
            "calendar",
            "engineering_budget",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in [
                "porteur",
                "territory",
                "diagnostic",
                "actors",
                "coordination",
                "missions",
                "calendar",
            ]
        }


class AvisForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Avis
        fields = ["overall", "motivation"]
        widgets = {"motivation": forms.Textarea(attrs={"rows": 4})}
        labels = {"overall": "Avis de l'organisme"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        answers = self.instance.answers or {}
        for key, question in QUESTIONS:
            self.fields[f"{key}_judgement"] = forms.ChoiceField(
                label=question,
                choices=[("", "—"), *JUDGEMENTS],
                required=False,
                initial=answers.get(key, {}).get("judgement", ""),
            )
            self.fields[f"{key}_comment"] = forms.CharField(
                label="Commentaire",
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                initial=answers.get(key, {}).get("comment", ""),
            )
        # The grid's order: the questions, then the overall avis.
        self.order_fields(
            [name for key, _ in QUESTIONS for name in (f"{key}_judgement", f"{key}_comment")]
        )

    def answers(self) -> dict:
        return {
            key: {
                "judgement": self.cleaned_data.get(f"{key}_judgement", ""),
                "comment": self.cleaned_data.get(f"{key}_comment", ""),
            }
            for key, _ in QUESTIONS
        }

    def check_complete(self) -> bool:
        """Rendering an avis needs every judgement, the overall avis and its motivation."""
        for key, _ in QUESTIONS:
            if not self.cleaned_data.get(f"{key}_judgement"):
                self.add_error(
                    f"{key}_judgement", "Donnez une appréciation avant de rendre l'avis."
                )
        if not self.cleaned_data.get("overall"):
            self.add_error("overall", "Choisissez l'avis de votre organisme.")
        if not self.cleaned_data.get("motivation", "").strip():
            self.add_error("motivation", "Motivez l'avis.")
        return not self.errors


class ReviewCommentForm(forms.Form):
    text = forms.CharField(
        label="Message aux autres instructeurs", widget=forms.Textarea(attrs={"rows": 3})
    )


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DialogueForm(VersionedFormMixin, forms.Form):
    """The dialogue de gestion of one year: one agreed rate per funded mission."""

    meeting_date = forms.DateField(label="Date de la réunion", required=False, widget=DATE_WIDGET)
    minutes = forms.CharField(
        label="Compte rendu",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Ce qui a été constaté et décidé, mission par mission ; les suites données.",
    )

    def __init__(self, *args, missions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.mission_fields = []
        for mission in missions:
            name = f"rate_{mission['code']}"
            self.fields[name] = RateField(
                label=f"Taux d'atteinte retenu — {mission['label']} (%)", required=False
            )
            self.mission_fields.append((mission["code"], name))

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "meeting_date": data["meeting_date"],
            "minutes": data["minutes"],
            "attainment": {
                code: f"{data[name].normalize():f}"
                for code, name in self.mission_fields
                if data.get(name) is not None
            },
        }


class PaymentForm(forms.Form):
    kind = forms.ChoiceField(label="Versement", choices=[])
    paid_on = forms.DateField(label="Versé le", widget=DATE_WIDGET)
    amount = forms.DecimalField(label="Montant (€)")
    reference = forms.CharField(label="Référence (facultatif)", required=False, max_length=120)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ContractPayment.Kind.choices
        self.fields["amount"] = EuroField(label="Montant (€)", min_value=Decimal("0.01"))
