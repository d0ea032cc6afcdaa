"""What a request may weigh: the body limits are set deliberately, and every formset refuses a
hostile TOTAL_FORMS at once (Django's absolute_max), in French, without building the forms."""

import pytest
from django.conf import settings as django_settings
from django.forms.formsets import BaseFormSet
from django.urls import reverse

from diagnostics import forms as diagnostics_forms

pytestmark = pytest.mark.django_db

PIC = "pic-saint-loup"
FORMSETS = {
    "population": ("ind", diagnostics_forms.IndicatorFormSet),
    "besoins": ("need", diagnostics_forms.NeedFormSet),
}


def test_the_request_limits_are_set_deliberately():
    assert django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 5_000


@pytest.mark.parametrize("formset", [f for _, f in FORMSETS.values()], ids=list(FORMSETS))
def test_every_formset_caps_its_forms(formset):
    assert issubclass(formset, BaseFormSet)
    assert formset.max_num and formset.absolute_max == formset.max_num
    assert formset.validate_max


@pytest.mark.parametrize("key", list(FORMSETS))
@pytest.mark.parametrize("total", ["99999999", "-5", "abc", "1e9", ""])
def test_a_hostile_form_count_is_refused_at_once_in_french(demo, login, key, total):
    prefix, formset_class = FORMSETS[key]
    client = login(demo["users"]["claire.martin"])
    url = reverse("diagnostics:section-edit", args=[PIC, key])
    page = client.get(url)
    version = page.context["form"]["version"].value()

    response = client.post(
        url,
        {
            "version": version,
            "text": "Texte",
            f"{prefix}-TOTAL_FORMS": total,
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "99999999",
        },
    )

    assert response.status_code == 422
    formset = response.context["needs" if key == "besoins" else "indicators"]
    assert len(formset.forms) <= formset_class.max_num
    errors = " ".join(formset.non_form_errors())
    if total == "99999999":
        assert f"{formset_class.max_num} lignes au plus" in errors
    else:
        assert "Le formulaire a été modifié" in errors or "lignes au plus" in errors
