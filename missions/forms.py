"""Forms of the fiche-action: one per section of Annexe 7, one per kind of row.

Forms only validate. Each carries the record's version (hidden field `version`) and gets its
own `auto_id`, so that several forms of one page keep unique ids for their labels.
"""

from decimal import Decimal

from django import forms

from cpts_portal.lib.uploads import check_upload
from cpts_portal.lib.versioning import VersionedFormMixin
from diagnostics.models import Need

from .models import Fiche, Indicator, IndicatorResult, Mission, SubAction, WorkingGroupMember

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(rows=3):
    return forms.Textarea(attrs={"rows": rows})


def _set_member_choices(field, members, *, empty="— aucun —"):
    """Choices built from an already evaluated list: rendering many forms costs no query;
    only these people validate."""
    field.queryset = field.queryset.model.objects.filter(pk__in=[m.pk for m in members])
    field.choices = [("", empty)] + [
        (m.pk, f"{m.get_full_name() or m.email}{f' ({m.profession})' if m.profession else ''}")
        for m in members
    ]


class FicheSectionForm(VersionedFormMixin, forms.ModelForm):
    section = ""

    def __init__(self, *args, members=(), missions=None, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.section}_%s")
        super().__init__(*args, **kwargs)
        if "pilot" in self.fields:
            _set_member_choices(self.fields["pilot"], members)
        if "mission" in self.fields and missions is not None:
            self.fields["mission"].choices = [(m.pk, str(m)) for m in missions]


class TitleForm(FicheSectionForm):
    section = "intitule"

    class Meta:
        model = Fiche
        fields = ["title", "mission"]


class PilotForm(FicheSectionForm):
    section = "pilote"

    class Meta:
        model = Fiche
        fields = ["pilot", "pilot_name", "pilot_profession", "pilot_contact"]
        widgets = {"pilot_contact": _text(2)}
        help_texts = {"pilot": "Un membre de la CPTS ; il pourra modifier cette fiche."}


class ProblemsForm(FicheSectionForm):
    section = "constats"

    def __init__(self, *args, needs=None, **kwargs):
        """`needs`: the project's active needs, already read (the page reads them once)."""
        super().__init__(*args, **kwargs)
        field = self.fields["needs"]
        field.queryset = Need.objects.active().filter(project_id=self.instance.project_id)
        if needs is not None:  # the same choices, from the list: no query to write them
            field.choices = [(need.pk, str(need)) for need in needs]

    class Meta:
        model = Fiche
        fields = ["needs", "problems", "objectives", "target_public"]
        widgets = {
            "needs": forms.CheckboxSelectMultiple,
            "problems": _text(4),
            "objectives": _text(3),
            "target_public": _text(2),
        }
        help_texts = {
            "needs": "Les besoins identifiés par le diagnostic auxquels répond cette action.",
            "problems": "Rappel synthétique des enjeux, en s'appuyant sur le diagnostic.",
            "objectives": "Une ligne commençant par « - » par objectif fait une liste.",
        }


class PlanningForm(FicheSectionForm):
    section = "planning"

    class Meta:
        model = Fiche
        fields = ["start_date", "milestones", "end_date"]
        widgets = {"start_date": DATE_WIDGET, "end_date": DATE_WIDGET, "milestones": _text(3)}
        help_texts = {"start_date": "Après la signature de l'ACI."}

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "L'échéance finale doit suivre le démarrage.")
        return data


class MeansForm(FicheSectionForm):
    section = "moyens"

    class Meta:
        model = Fiche
        fields = ["means_logistic", "means_digital", "means_human", "resources_available"]
        widgets = {name: _text(2) for name in fields}
        help_texts = {
            "means_logistic": "Salle de réunion, fournitures de bureau…",
            "means_digital": "Outils numériques et informatiques nécessaires.",
            "means_human": "Temps de travail et compétences requises.",
            "resources_available": "Prêt de locaux, structure d'appui, outil existant, "
            "documentation…",
        }


class ObstaclesForm(FicheSectionForm):
    section = "freins"

    class Meta:
        model = Fiche
        fields = ["obstacles", "levers", "budget"]
        widgets = {"obstacles": _text(2), "levers": _text(2)}
        localized_fields = ["budget"]
        help_texts = {"budget": "Estimation du budget nécessaire au déploiement, en euros."}


SECTION_FORMS = {
    form.section: form
    for form in (TitleForm, PilotForm, ProblemsForm, PlanningForm, MeansForm, ObstaclesForm)
}
SECTION_TITLES = {
    "intitule": "Intitulé et mission",
    "pilote": "Pilote",
    "constats": "Problématiques, objectifs et public cible",
    "planning": "Planning prévisionnel",
    "moyens": "Moyens nécessaires et ressources disponibles",
    "freins": "Freins, leviers et budget",
}


class FicheCreateForm(forms.ModelForm):
    class Meta:
        model = Fiche
        fields = ["title", "mission", "pilot"]

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mission"].queryset = Mission.objects.all()
        _set_member_choices(self.fields["pilot"], members)
        self.fields["pilot"].help_text = "Vous pourrez aussi indiquer un pilote extérieur."


class FicheDeleteForm(VersionedFormMixin, forms.Form):
    pass


# --- Rows --------------------------------------------------------------------------------


class RowForm(VersionedFormMixin, forms.ModelForm):
    kind = ""

    def __init__(self, *args, members=(), key="nouveau", **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.kind}-{key}_%s")
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            # A new row has no version yet.
            del self.fields["version"]
        if "user" in self.fields:
            _set_member_choices(self.fields["user"], members)


class SubActionForm(RowForm):
    kind = "sous-actions"

    class Meta:
        model = SubAction
        fields = ["what", "who", "start_date", "end_date", "status"]
        widgets = {"what": _text(2), "start_date": DATE_WIDGET, "end_date": DATE_WIDGET}

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "La fin doit suivre le début.")
        return data


YEAR_TARGETS = [f"target_year_{year}" for year in range(1, 6)]


class IndicatorForm(RowForm):
    """An indicator of the fiche. Guide: "Certains indicateurs de suivi peuvent être aussi
    retenus pour le calcul du financement variable"; "les parties signataires peuvent choisir
    de fixer des indicateurs annuels progressifs"."""

    kind = "indicateurs"

    class Meta:
        model = Indicator
        fields = [
            "name",
            "kind",
            "baseline",
            "target",
            "unit",
            "source",
            "frequency",
            "drives_funding",
            "weight",
            *YEAR_TARGETS,
        ]
        localized_fields = ["baseline", "target", "weight", *YEAR_TARGETS]
        help_texts = {
            "weight": "Parmi les indicateurs retenus de la mission (1 chacun : poids égaux).",
            "target_year_1": "Cibles annuelles facultatives : une année laissée vide prend la "
            "cible du contrat.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An omitted weight keeps the default (1: equal weights), never an error.
        self.fields["weight"].required = False

    def clean(self):
        data = super().clean()
        if data.get("weight") is None and "weight" not in self.errors:
            data["weight"] = Decimal(1)
        baseline, target = data.get("baseline"), data.get("target")
        years = {name: data.get(name) for name in YEAR_TARGETS}
        typed_target = target is not None or any(v is not None for v in years.values())
        if (
            baseline is None
            and "baseline" not in self.errors
            and (data.get("drives_funding") or typed_target)
        ):
            # Guide: indicators "mesurable[s]"; without a start the rate cannot be said.
            self.add_error(
                "baseline",
                "Indiquez la valeur de départ (0 si l'on part de rien) : sans elle, le taux "
                "d'atteinte de l'indicateur ne peut pas être calculé.",
            )
        if target is None and "target" not in self.errors and data.get("drives_funding"):
            self.add_error(
                "target",
                "Indiquez la cible du contrat de l'indicateur retenu pour la "
                "rémunération variable.",
            )
        if baseline is not None and target is not None:
            if target == baseline and data.get("drives_funding"):
                self.add_error(
                    "target",
                    "La cible doit différer de la valeur de départ : elle dit si l'indicateur "
                    "doit monter ou baisser.",
                )
            direction = target - baseline
            for year, name in enumerate(YEAR_TARGETS, start=1):
                value = years[name]
                if value is not None and (value - baseline) * direction < 0:
                    sense = "au-dessus" if direction > 0 else "au-dessous"
                    self.add_error(
                        name,
                        f"La cible de l'année {year} doit être {sense} de la valeur de départ, "
                        "comme la cible du contrat.",
                    )
        return data


class MemberForm(RowForm):
    kind = "membres"

    class Meta:
        model = WorkingGroupMember
        fields = ["user", "name", "profession", "contact"]

    def clean(self):
        data = super().clean()
        if not data.get("user") and not (data.get("name") or "").strip():
            self.add_error(
                "name", "Choisissez un membre de la CPTS ou indiquez le nom d'une personne."
            )
        return data


class IndicatorResultForm(VersionedFormMixin, forms.ModelForm):
    """The result of one indicator for one contract year. `version` 0: no result yet."""

    class Meta:
        model = IndicatorResult
        fields = ["value", "measured_on", "comment", "evidence"]
        localized_fields = ["value"]
        widgets = {"measured_on": DATE_WIDGET, "comment": _text(3)}
        help_texts = {
            "evidence": "PDF, ODT ou DOCX, 10 Mo au plus (facultatif si le commentaire suffit).",
        }

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload and not getattr(upload, "_committed", False):
            self.checked = check_upload(upload)
        return upload

    def clean(self):
        data = super().clean()
        if not data.get("comment", "").strip() and not data.get("evidence"):
            self.add_error(
                "comment", "Indiquez d'où vient la valeur (commentaire) ou joignez une preuve."
            )
        return data
