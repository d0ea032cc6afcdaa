from django import forms

from geo.models import Departement

from .start import CREATING, EXISTING

RNA_PATTERN = r"^W\d{9}$"


class StartForm(forms.Form):
    cpts_name = forms.CharField(
        label="Nom de la CPTS",
        max_length=200,
        help_text="Par exemple « CPTS du Pic Saint-Loup ». Vous pourrez le changer plus tard.",
    )
    departements = forms.ModelMultipleChoiceField(
        label="Département(s) du territoire",
        queryset=Departement.objects.all(),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text="Le ou les départements où se trouvent les communes de la CPTS "
        "(Ctrl ou Cmd + clic pour en choisir plusieurs).",
        error_messages={"required": "Choisissez au moins un département."},
    )
    porteur = forms.ChoiceField(
        label="Association porteuse",
        choices=[
            (EXISTING, "Une association existante (déclarée en préfecture)"),
            (CREATING, "Une association en cours de création"),
        ],
        widget=forms.RadioSelect,
        initial=CREATING,
    )
    association_name = forms.CharField(
        label="Nom de l'association",
        max_length=200,
        help_text="Tel qu'il figure (ou figurera) dans les statuts.",
    )
    rna = forms.RegexField(
        label="Numéro RNA (association existante)",
        regex=RNA_PATTERN,
        required=False,
        max_length=10,
        help_text="W suivi de 9 chiffres, s'il est connu ; vous pourrez l'ajouter plus tard.",
        error_messages={
            "invalid": "Le numéro RNA commence par la lettre W suivie de 9 chiffres "
            "(par exemple W343012345)."
        },
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("porteur") == CREATING and cleaned.get("rna"):
            self.add_error(
                "rna",
                "Une association en cours de création n'a pas encore de numéro RNA : "
                "laissez ce champ vide ou choisissez « association existante ».",
            )
        return cleaned
