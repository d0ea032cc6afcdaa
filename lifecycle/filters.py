import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from geo.models import Departement
from projects.deadlines import latest_start_before
from projects.models import AnnualDialogue, Contract, Project, State


def late_q(today=None) -> Q:
    """Projects behind a deadline that reviewers act on: a yearly dialogue de gestion whose
    anniversary has passed without the three signatures. (A review whose opposition deadline
    has passed is not late: the project is réputé validé, projects.deadlines.clock_state.)
    One SQL condition, whatever the number of projects."""
    today = today or timezone.localdate()
    condition = None
    for year in range(1, Contract.YEARS + 1):
        signed = AnnualDialogue.objects.filter(
            project=OuterRef("pk"),
            year=year,
            cpts_signed_at__isnull=False,
            cpam_signed_at__isnull=False,
            ars_signed_at__isnull=False,
        )
        due = Q(contract__signature_date__lte=latest_start_before(today, 12 * year))
        late = Q(state=State.CONTRACTED) & due & ~Exists(signed)
        condition = late if condition is None else condition | late
    return condition


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Nom")
    departement = django_filters.ModelChoiceFilter(
        field_name="departements",
        queryset=Departement.objects.none(),
        label="Département",
        empty_label="Tous",
        distinct=True,
    )
    stage = django_filters.ChoiceFilter(
        choices=Project.Stage.choices, label="Étape", empty_label="Toutes"
    )
    late = django_filters.BooleanFilter(
        label="En retard seulement",
        method="filter_late",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Project
        fields = ["q", "departement", "stage", "late"]

    def filter_late(self, queryset, name, value):
        return queryset.filter(late_q()) if value else queryset

    def __init__(self, *args, departements=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["departement"].queryset = (
            departements if departements is not None else Departement.objects.none()
        )
        for name, field in self.form.fields.items():
            css = {"departement": "form-select", "stage": "form-select", "late": "form-check-input"}
            field.widget.attrs.setdefault("class", css.get(name, "form-control"))
