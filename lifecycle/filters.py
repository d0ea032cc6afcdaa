import django_filters
from django import forms
from django.db.models import (
    Case,
    Count,
    DateField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan, GreaterThanOrEqual
from django.utils import timezone

from geo.models import Departement
from projects.deadlines import latest_start_before
from projects.models import AnnualDialogue, Contract, Project, State


def late_q(today=None) -> Q:
    """Projects behind a deadline that reviewers act on: a yearly dialogue de gestion whose
    anniversary has passed without the three signatures. (A review whose opposition deadline
    has passed is not late: the project is réputé validé, projects.deadlines.clock_state.)

    One SQL condition with one subquery, whatever the number of projects: the years already
    due are 1 to n (a later year needs an older signature of the contract), so a contract is
    late when fewer than n of its dialogues of years 1 to n are signed."""
    today = today or timezone.localdate()
    thresholds = {
        year: latest_start_before(today, 12 * year) for year in range(1, Contract.YEARS + 1)
    }
    # n: the number of contract years whose anniversary has passed.
    due_years = Case(
        *(
            When(contract__signature_date__lte=thresholds[year], then=Value(year))
            for year in sorted(thresholds, reverse=True)
        ),
        default=Value(0),
    )
    # A dialogue's year is due when the contract was signed on or before its threshold.
    year_threshold = Case(
        *(When(year=year, then=Value(day)) for year, day in thresholds.items()),
        output_field=DateField(),
    )
    signed_due = (
        AnnualDialogue.objects.filter(
            project=OuterRef("pk"),
            cpts_signed_at__isnull=False,
            cpam_signed_at__isnull=False,
            ars_signed_at__isnull=False,
        )
        .filter(GreaterThanOrEqual(year_threshold, OuterRef("contract__signature_date")))
        .values("project")
        .annotate(count=Count("pk"))
        .values("count")
    )
    signed = Coalesce(Subquery(signed_due, output_field=IntegerField()), Value(0))
    return Q(state=State.CONTRACTED) & Q(GreaterThan(due_years, signed))


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
