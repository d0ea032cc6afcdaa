"""Formsets that build at most `max_num` forms, whatever TOTAL_FORMS a request claims.

Django builds min(TOTAL_FORMS, absolute_max) forms, absolute_max being max_num + 1 000 by
default: a forged TOTAL_FORMS of 99 999 999 would still build and validate 1 000 forms and more.
`bounded_formset_factory` sets absolute_max to max_num and validates it, so such a request is
refused at once with a French message on the table; a negative or unreadable count as well.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import TOTAL_FORM_COUNT

TAMPERED = (
    "Le formulaire a été modifié ou est incomplet (nombre de lignes illisible) : rechargez la "
    "page puis recommencez."
)


class BoundedFormSet(forms.BaseFormSet):
    default_error_messages = {
        "missing_management_form": TAMPERED,
        "too_many_forms": "Le tableau compte trop de lignes : %(num)d lignes au plus.",
        "too_few_forms": "Le tableau doit compter au moins %(num)d lignes.",
    }

    def clean(self):
        super().clean()
        if (self.management_form.cleaned_data or {}).get(TOTAL_FORM_COUNT, 0) < 0:
            raise ValidationError(TAMPERED, code="missing_management_form")


def bounded_formset_factory(form, *, max_num: int, formset=BoundedFormSet, **kwargs):
    """`forms.formset_factory` with absolute_max = max_num, validated."""
    return forms.formset_factory(
        form, formset=formset, max_num=max_num, absolute_max=max_num, validate_max=True, **kwargs
    )
