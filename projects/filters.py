import django_filters

from geo.models import Departement

from .models import Project


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

    class Meta:
        model = Project
        fields = ["q", "departement", "stage"]

    def __init__(self, *args, departements=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["departement"].queryset = (
            departements if departements is not None else Departement.objects.none()
        )
        for name, field in self.form.fields.items():
            css = "form-select" if name in ("departement", "stage") else "form-control"
            field.widget.attrs.setdefault("class", css)
