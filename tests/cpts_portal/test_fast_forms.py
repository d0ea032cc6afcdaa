"""`fast_form` writes what `crispy` writes (issue 19: the fiche page's forms built in Python):
compared as HTML (attribute order and blanks aside), valid and invalid, on every kind of widget
the portal's forms use and on the forms of a real fiche-action page."""

import datetime as dt
import re

import pytest
from django import forms
from django.template import engines
from django.test.html import parse_html
from django.urls import reverse

from cpts_portal.lib.fast_forms import fast_form
from missions.views import FICHE_FORMS

CRISPY = engines["django"].from_string("{% load crispy_forms_tags %}{{ form|crispy }}")
FAST = engines["django"].from_string("{% load fast_forms %}{{ form|fast_form }}")
CRISPY_FIELD = engines["django"].from_string(
    "{% load crispy_forms_tags %}{{ field|as_crispy_field }}"
)
FAST_FIELD = engines["django"].from_string("{% load fast_forms %}{{ field|fast_field }}")


def _same_fields(form):
    for field in form:
        crispy = CRISPY_FIELD.render({"field": field})
        fast = FAST_FIELD.render({"field": field})
        assert parse_html(re.sub(r"\s+", " ", fast)) == parse_html(re.sub(r"\s+", " ", crispy))


def _same(form):
    crispy, fast = CRISPY.render({"form": form}), FAST.render({"form": form})
    # crispy leaves blanks inside labels and legends; they are not part of the text read.
    assert parse_html(re.sub(r"\s+", " ", fast)) == parse_html(re.sub(r"\s+", " ", crispy))


class Every(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label="Titre", help_text="Aide <em>courte</em>", max_length=20)
    pick = forms.ChoiceField(choices=[("", "— aucun —"), ("a", "A & B"), ("b", "« B »")])
    grouped = forms.ChoiceField(
        choices=[("Groupe", [("x", "X"), ("y", "Y")]), ("z", "Z")], required=False
    )
    many = forms.MultipleChoiceField(
        choices=[("1", "B1"), ("2", "B2")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Plusieurs à la fois.",
    )
    one = forms.ChoiceField(choices=[("1", "Oui"), ("2", "Non")], widget=forms.RadioSelect)
    flag = forms.BooleanField(required=False, label="Coché")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    day = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), required=False
    )
    amount = forms.DecimalField(required=False, localize=True)
    count = forms.IntegerField(required=False, min_value=0)
    email = forms.EmailField(required=False)
    upload = forms.FileField(required=False)

    def clean(self):
        raise forms.ValidationError("Erreur d'ensemble <b>échappée</b>.")


@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "version": "3",
            "title": "<script>",
            "pick": "a",
            "grouped": "y",
            "many": ["2"],
            "one": "2",
        },
        {"title": "x" * 30, "many": ["9"], "flag": "on", "day": "pas une date", "count": "-1"},
    ],
)
def test_every_widget_is_written_as_crispy_writes_it(data):
    initial = {"title": "Déjà « là »", "day": dt.date(2027, 1, 4), "amount": "12500.5"}
    form = Every(data, initial=initial, auto_id="id_s_%s")
    if data is not None:
        form.is_valid()
    _same(form)
    _same_fields(form)


@pytest.mark.django_db
@pytest.mark.parametrize("user", ["claire.martin", "sophie.garnier"])
def test_the_forms_of_a_fiche_page_are_written_as_crispy_writes_them(demo, login, user):
    FICHE_FORMS.clear()  # every form built by this request, not taken from another's
    response = login(demo["users"][user]).get(
        reverse("missions:fiche-detail", args=["pic-saint-loup", 1])
    )
    assert response.status_code == 200
    for block in response.context["blocks"]:
        for form in [block.get("form"), block.get("new_form")] + [
            item.get("form") for item in block.get("rows") or []
        ]:
            if form is not None:
                _same(form)
        if block.get("form") is not None:
            assert block["form_html"] == fast_form(block["form"])
        for item in block.get("rows") or []:
            if item.get("form") is not None:
                assert item["form_html"] == fast_form(item["form"])


@pytest.mark.django_db
def test_the_forms_of_the_budget_page_are_written_as_crispy_writes_them(demo, login):
    """The budget page writes the fields of its add-a-line forms with fast_field (kept per
    table: funding.views._add_fields): each is what crispy writes for that table's form."""
    from funding.forms import BudgetLineForm

    client = login(demo["users"]["claire.martin"])
    response = client.get(reverse("funding:budget-detail", args=["pic-saint-loup"]))
    assert response.status_code == 200
    tables = response.context["view"].tables
    assert tables
    for table in tables:
        form = BudgetLineForm(auto_id=f"id_{table.anchor}_%s")
        _same_fields(form)
        shown = parse_html(re.sub(r"\s+", " ", str(table.add_fields)))
        for field in form:
            crispy = parse_html(re.sub(r"\s+", " ", CRISPY_FIELD.render({"field": field})))
            assert crispy in shown, (table.anchor, field.name)
