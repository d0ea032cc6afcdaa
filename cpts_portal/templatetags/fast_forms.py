"""`{{ form|fast_form }}` and `{{ field|fast_field }}`: what `{{ form|crispy }}` and
`{{ field|as_crispy_field }}` write (Bootstrap 5), built in Python (cpts_portal.lib.fast_forms);
`{{ field|fast_widget }}`: the widget alone."""

from django import template
from django.utils.safestring import SafeString

from cpts_portal.lib import fast_forms

register = template.Library()


@register.filter
def fast_form(form) -> SafeString:
    return fast_forms.fast_form(form)


@register.filter
def fast_field(bound_field) -> SafeString:
    return fast_forms.render_field(bound_field)


@register.filter
def fast_widget(bound_field) -> SafeString:
    return fast_forms.render_widget(bound_field)
