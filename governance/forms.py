from django import forms
from django.core.exceptions import ValidationError

from cpts_portal.lib.uploads import ACCEPTED, check_upload
from cpts_portal.lib.versioning import VersionedFormMixin
from geo.models import Commune

from .models import (
    INFORMATION_SYSTEM_FIELDS,
    AssemblyKind,
    Association,
    CompositionRules,
    Deliberation,
    GovernanceDocument,
    Indemnity,
    InformationSystem,
    Instance,
    Mandate,
    Meeting,
    Member,
    Office,
    Partnership,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AssociationForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Association
        fields = [
            "name",
            "rna",
            "declaration_date",
            "seat",
            "purpose",
            "max_proxies",
            "quorum_numerator",
            "quorum_denominator",
            "majority",
            "extraordinary_quorum_numerator",
            "extraordinary_quorum_denominator",
            "extraordinary_majority",
        ]
        widgets = {"declaration_date": DATE, "purpose": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "quorum_numerator": "Fraction des membres actifs présents ou représentés exigée "
            "(par exemple 1 sur 4 pour un quart).",
            "extraordinary_quorum_numerator": "Fraction exigée pour une assemblée générale "
            "extraordinaire (par exemple 1 sur 2 pour la moitié).",
        }

    # Settings added later: a form without them keeps the association's (or the defaults).
    OPTIONAL = (
        "majority",
        "extraordinary_quorum_numerator",
        "extraordinary_quorum_denominator",
        "extraordinary_majority",
    )

    def __init__(self, *args, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["version"].required = False
        for name in self.OPTIONAL:
            self.fields[name].required = False

    def clean_rna(self):
        return self.cleaned_data["rna"].strip().upper()

    def clean(self):
        data = super().clean()
        numerator, denominator = data.get("quorum_numerator"), data.get("quorum_denominator")
        if numerator is not None and denominator and numerator > denominator:
            self.add_error(
                "quorum_numerator", "Le quorum ne peut pas dépasser la totalité des membres."
            )
        for name in self.OPTIONAL:
            if data.get(name) in (None, ""):
                data[name] = getattr(self.instance, name)
        numerator = data.get("extraordinary_quorum_numerator")
        denominator = data.get("extraordinary_quorum_denominator")
        if numerator is not None and denominator and numerator > denominator:
            self.add_error(
                "extraordinary_quorum_numerator",
                "Le quorum ne peut pas dépasser la totalité des membres.",
            )
        return data


class InformationSystemForm(VersionedFormMixin, forms.ModelForm):
    website = forms.URLField(
        label="Site internet de la CPTS",
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text="Par exemple https://www.cpts-exemple.fr",
    )

    class Meta:
        model = InformationSystem
        fields = INFORMATION_SYSTEM_FIELDS
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in INFORMATION_SYSTEM_FIELDS
            if name not in ("website", "dpo")
        }

    def __init__(self, *args, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:  # the first save creates the record: there is no version yet
            self.fields["version"].required = False


class MemberForm(forms.ModelForm):
    """A new member (its edit form, MemberEditForm, carries the version)."""

    commune_code = forms.CharField(
        label="Commune d'exercice (code INSEE)",
        required=False,
        max_length=5,
        help_text="Par exemple 34276 pour Saint-Mathieu-de-Tréviers.",
    )

    class Meta:
        model = Member
        fields = [
            "kind",
            "last_name",
            "first_name",
            "profession",
            "rpps",
            "structure_name",
            "structure_kind",
            "representative",
            "email",
            "phone",
            "category",
            "adhesion_date",
            "fee_status",
            "leaving_date",
        ]
        widgets = {"adhesion_date": DATE, "leaving_date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.commune_id:
            self.initial["commune_code"] = self.instance.commune_id

    def clean_commune_code(self):
        code = self.cleaned_data["commune_code"].strip().upper()
        if not code:
            return None
        commune = Commune.objects.filter(code=code).first()
        if commune is None:
            raise ValidationError(f"Aucune commune n'a le code INSEE « {code} ».")
        return commune

    def clean(self):
        data = super().clean()
        if data.get("kind") == Member.Kind.PERSON:
            if not data.get("last_name"):
                self.add_error("last_name", "Le nom est obligatoire pour un professionnel.")
            if not data.get("profession"):
                self.add_error("profession", "Choisissez la profession.")
        elif data.get("kind") == Member.Kind.STRUCTURE and not data.get("structure_name"):
            self.add_error("structure_name", "Le nom de la structure est obligatoire.")
        adhesion, leaving = data.get("adhesion_date"), data.get("leaving_date")
        if adhesion and leaving and leaving < adhesion:
            self.add_error("leaving_date", "La date de départ précède la date d'adhésion.")
        return data

    def member_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        fields["commune"] = self.cleaned_data["commune_code"]
        return fields


class MemberEditForm(VersionedFormMixin, MemberForm):
    pass


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier CSV des membres",
        help_text="Séparateur « ; » ou « , », encodage UTF-8 ou Latin-1, 1 Mo au plus.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 1024 * 1024:
            raise ValidationError("Le fichier dépasse 1 Mo.")
        return upload


class InstanceForm(forms.ModelForm):
    class Meta:
        model = Instance
        fields = ["kind", "name", "slug", "role"]
        labels = {"slug": "Identifiant dans l'adresse"}
        help_texts = {
            "slug": "Lettres minuscules, chiffres et tirets (par exemple commission-snp)."
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["kind"].choices = [
            (value, label)
            for value, label in Instance.Kind.choices
            if value in (Instance.Kind.COMMISSION, Instance.Kind.COLLEGE, Instance.Kind.OTHER)
        ]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        others = Instance.objects.filter(project=self.project, slug=slug)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError("Une instance de la CPTS porte déjà cet identifiant.")
        return slug


class InstanceEditForm(VersionedFormMixin, forms.ModelForm):
    """The name and role of an instance; its kind and address stay (the AG, CA and Bureau
    are found by their kind, links by their identifier)."""

    class Meta:
        model = Instance
        fields = ["name", "role"]


class RulesForm(VersionedFormMixin, forms.ModelForm):
    required_offices = forms.MultipleChoiceField(
        label="Fonctions obligatoires",
        choices=[c for c in Office.choices if c[0] != Office.MEMBRE],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    vice_presidents = forms.IntegerField(
        label="Nombre de vice-présidents exigés",
        min_value=1,
        max_value=9,
        required=False,
        help_text="Quand la fonction vice-président est obligatoire (les statuts types du guide "
        "en prévoient deux).",
    )

    class Meta:
        model = CompositionRules
        fields = [
            "min_members",
            "max_members",
            "active_only",
            "min_professions",
            "doctors_numerator",
            "doctors_denominator",
            "doctor_in_presidency",
            "required_offices",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offices = list(self.instance.required_offices or [])
        self.initial.setdefault("vice_presidents", offices.count(Office.VICE_PRESIDENT) or 1)

    def clean(self):
        data = super().clean()
        offices = [o for o in data.get("required_offices") or [] if o != Office.VICE_PRESIDENT]
        if Office.VICE_PRESIDENT in (data.get("required_offices") or []):
            offices += [Office.VICE_PRESIDENT] * (data.get("vice_presidents") or 1)
        data["required_offices"] = offices
        low, high = data.get("min_members"), data.get("max_members")
        if low is not None and high is not None and low > high:
            self.add_error("max_members", "Le maximum est inférieur au minimum.")
        numerator, denominator = data.get("doctors_numerator"), data.get("doctors_denominator")
        if (numerator is None) != (denominator is None):
            self.add_error(
                "doctors_denominator",
                "Indiquez le numérateur et le dénominateur, ou aucun des deux.",
            )
        elif numerator is not None and numerator > denominator:
            self.add_error("doctors_numerator", "La part ne peut pas dépasser la totalité.")
        return data


class MandateForm(forms.ModelForm):
    class Meta:
        model = Mandate
        fields = ["member", "office", "start_date", "end_date"]
        widgets = {"start_date": DATE, "end_date": DATE}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.filter(project=project).current()

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "La fin du mandat précède son début.")
        return data


class MandateEditForm(VersionedFormMixin, MandateForm):
    pass


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["body", "meeting_date", "assembly_kind", "title", "agenda"]
        widgets = {"meeting_date": DATE, "agenda": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Instance.objects.filter(project=project)
        # Ordinary unless said otherwise (and always for an instance other than the AG).
        self.fields["assembly_kind"].required = False

    def clean_assembly_kind(self):
        return self.cleaned_data.get("assembly_kind") or AssemblyKind.ORDINARY


class MeetingEditForm(VersionedFormMixin, MeetingForm):
    pass


class MinutesForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["minutes"]
        widgets = {"minutes": forms.Textarea(attrs={"rows": 14})}
        help_texts = {
            "minutes": "Texte simple : une ligne vide sépare les paragraphes, « - » fait une liste."
        }


class DecisionForm(forms.ModelForm):
    """A decision and its votes. Guide, Annexe 3: "Chaque membre actif bénéficie d'une seule
    voix": "pour" + "contre" + abstentions never exceed the meeting's votants (`max_votes`,
    from governance.meetings.MeetingCheck.max_votes)."""

    class Meta:
        model = Deliberation
        fields = ["text", "votes_for", "votes_against", "abstentions"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, max_votes: int, recorded: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_votes = max_votes
        self.recorded = recorded
        who = (
            "membres présents ou représentés par un pouvoir valable"
            if recorded
            else "membres votants de l'instance (présences non saisies)"
        )
        self.fields[
            "votes_for"
        ].help_text = f"Pour + contre + abstentions : au plus {max_votes} ({who})."

    def clean(self):
        data = super().clean()
        votes = [data.get(name) for name in ("votes_for", "votes_against", "abstentions")]
        if all(v is not None for v in votes) and sum(votes) > self.max_votes:
            who = (
                "votant(s) présent(s) ou représenté(s)" if self.recorded else "membre(s) votant(s)"
            )
            self.add_error(
                "votes_for",
                f"Pour, contre et abstentions totalisent {sum(votes)} voix : la réunion ne "
                f"compte que {self.max_votes} {who}, et chaque membre n'a qu'une voix.",
            )
        return data


class DecisionEditForm(VersionedFormMixin, DecisionForm):
    pass


class DocumentForm(forms.ModelForm):
    upload = forms.FileField(
        label="Fichier", help_text=f"{ACCEPTED}, 10 Mo au plus. Le contenu du fichier est vérifié."
    )

    class Meta:
        model = GovernanceDocument
        fields = ["kind", "title", "version_label", "adopted_date"]
        widgets = {"adopted_date": DATE}

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        self.checked = check_upload(upload)
        return upload


class DocumentEditForm(VersionedFormMixin, forms.ModelForm):
    """A document's description; the deposited file is not replaced."""

    class Meta:
        model = GovernanceDocument
        fields = ["kind", "title", "version_label", "adopted_date"]
        widgets = {"adopted_date": DATE}


class PartnershipForm(forms.ModelForm):
    class Meta:
        model = Partnership
        fields = ["partner", "purpose", "start_date", "end_date", "document"]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "purpose": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = GovernanceDocument.objects.filter(project=project)


class PartnershipEditForm(VersionedFormMixin, PartnershipForm):
    pass


class IndemnityForm(forms.ModelForm):
    class Meta:
        model = Indemnity
        fields = ["member", "amount", "paid_date", "purpose"]
        widgets = {"paid_date": DATE}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.filter(project=project)


class IndemnityEditForm(VersionedFormMixin, IndemnityForm):
    pass
