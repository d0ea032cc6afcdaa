"""crispy-forms' Bootstrap 5 markup, built in Python (the template filters `fast_form` and
`fast_field` of cpts_portal.templatetags.fast_forms; views that write a form themselves).

Pages that show many forms at once (the fiche-action: one form per section and per row)
spent most of their time in crispy's templates and in Django's widget templates (issue 19,
bench/RESULTS.md). This filter writes the same markup as `{{ form|crispy }}` (same ids,
classes, labels, aria-describedby, errors and help texts) from the widgets'
own contexts (`Widget.get_context`: values, choices, attributes); a widget it does not know is
rendered by Django as usual. The markup is joined with f-strings around `_e` (Django's
conditional_escape without its lazy-argument wrapper): format_html was still a third of the
forms' time.
"""

from decimal import Decimal
from html import escape as _escape

from django import forms
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.safestring import SafeString
from django.utils.translation import get_language

EMPTY = SafeString("")
ASTERISK = SafeString('<span class="asteriskField">*</span>')

# Crispy's class for each widget (bootstrap5 pack): "<widget> form-control" and its kin.
_INPUT_TYPES = {"text", "number", "email", "url", "date", "password", "tel", "search", "hidden"}


def _e(value) -> str:
    """conditional_escape: markup already safe as it is, anything else escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape(str(value))


def _widget_class(widget) -> str:
    name = type(widget).__name__.lower()
    if isinstance(widget, forms.CheckboxInput):
        return f"{name} form-check-input"
    if isinstance(widget, forms.Select):
        return f"{name} form-select"
    if isinstance(widget, forms.FileInput):
        return "form-control"
    return f"{name} form-control"


def _attrs(attrs: dict) -> SafeString:
    """Django's attrs.html (flatatt): True → the bare name, False/None → nothing; each value
    escaped. Written out: flatatt's format_html_join was a third of the forms' time."""
    return SafeString(
        "".join(
            f" {name}" if value is True else f' {name}="{_escape(str(value))}"'
            for name, value in attrs.items()
            if value is not None and value is not False
        )
    )


def _options(widget, values: list[str]) -> str:
    """A single select's options as Django writes them (ChoiceWidget.optgroups: the first
    option whose value is among `values` is selected), without its per-option dicts: a
    département filter offers a hundred options."""
    parts = []
    selected = False
    for value, label in widget.choices:
        if value is None:
            value = ""
        group = label if isinstance(label, list | tuple) else None
        rendered = []
        for option_value, option_label in group if group is not None else [(value, label)]:
            text = str(option_value)
            mark = ""
            if not selected and text in values:
                selected, mark = True, " selected"
            rendered.append(f'<option value="{_escape(text)}"{mark}>{_e(option_label)}</option>')
        parts.append(
            f'<optgroup label="{_e(value)}">{"".join(rendered)}</optgroup>'
            if group is not None
            else rendered[0]
        )
    return "".join(parts)


def _single_select(widget, name: str, value, attrs: dict) -> SafeString:
    attrs = widget.build_attrs(widget.attrs, attrs)
    options = _options(widget, widget.format_value(value))
    return SafeString(f'<select name="{_e(name)}"{_attrs(attrs)}>{options}</select>')


def _widget_html(widget, context: dict) -> SafeString | None:
    """The widget from its context, or None when it is not one of the simple kinds."""
    w = context["widget"]
    if isinstance(widget, forms.Textarea):
        value = "" if w["value"] is None else _e(w["value"])
        return SafeString(
            f'<textarea name="{_e(w["name"])}"{_attrs(w["attrs"])}>\n{value}</textarea>'
        )
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return None
    if isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple):
        options = []
        for group, choices, _index in w["optgroups"]:
            rendered = "".join(
                f'<option value="{_e(o["value"])}"{_attrs(o["attrs"])}>{_e(o["label"])}</option>'
                for o in choices
            )
            options.append(
                f'<optgroup label="{_e(group)}">{rendered}</optgroup>' if group else rendered
            )
        return SafeString(
            f'<select name="{_e(w["name"])}"{_attrs(w["attrs"])}>{"".join(options)}</select>'
        )
    if isinstance(widget, forms.widgets.Input) and w.get("type") in _INPUT_TYPES | {"checkbox"}:
        value = "" if w["value"] is None else f' value="{_e(str(w["value"]))}"'
        return SafeString(
            f'<input type="{_e(w["type"])}" name="{_e(w["name"])}"{value}{_attrs(w["attrs"])}>'
        )
    return None


def _errors(bf, errors) -> SafeString:
    if not errors:
        return EMPTY
    auto_id = _e(bf.auto_id)
    errors = "".join(
        f'<p id="error_{n}_{auto_id}"><strong>{_e(e)}</strong></p>'
        for n, e in enumerate(errors, start=1)
    )
    return SafeString(f'<div id="{auto_id}_error" class="invalid-feedback">{errors}</div>')


def _help(bf) -> SafeString:
    if not bf.help_text:
        return EMPTY
    # Help texts are written by us and may hold markup, as crispy prints them (|safe).
    return SafeString(f'<div id="{_e(bf.auto_id)}_helptext" class="form-text">{bf.help_text}</div>')


def _widget(bf, errors, numbers, described=True) -> SafeString:
    widget = bf.field.widget
    attrs = {}
    if not widget.is_hidden:
        classes = f"{widget.attrs.get('class', '')} {_widget_class(widget)}".split()
        if errors:
            classes.append("is-invalid")
        attrs["class"] = " ".join(dict.fromkeys(classes))  # once each, in order
    if errors and not widget.is_hidden:  # as crispy: a hidden field's error is the form's
        attrs["aria-invalid"] = "true"
    described_by = [f"{bf.auto_id}_helptext"] if bf.help_text else []
    if errors:
        described_by.append(f"{bf.auto_id}_error")
    if described and described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if isinstance(widget, forms.MultiWidget):
        attrs = bf.build_widget_attrs(attrs)
    else:  # BoundField.build_widget_attrs without its second look-up of the errors
        if (
            widget.use_required_attribute(bf.initial)
            and bf.field.required
            and bf.form.use_required_attribute
        ):
            attrs["required"] = True
        if bf.field.disabled:
            attrs["disabled"] = True
    if bf.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bf.auto_id)
    value = bf.value()
    if widget.is_localized and isinstance(value, Decimal | float | int):
        # formats.localize_input, with the separators read once per form
        value = str(value) if isinstance(value, bool) else numbers.format(value)
    if type(widget) is forms.Select:
        html = _single_select(widget, bf.html_name, value, attrs)
    else:
        html = _widget_html(widget, widget.get_context(bf.html_name, value, attrs))
    if html is None:
        html = bf.as_widget(attrs=attrs)
    if isinstance(widget, forms.FileInput):
        return SafeString(f"<div>{_e(html)}</div>")
    return html


def _label(bf, css="form-label") -> SafeString:
    required = bf.field.required
    return SafeString(
        f'<label for="{_e(bf.id_for_label)}" class="{css}{" requiredField" if required else ""}">'
        f"{_e(bf.label)}{ASTERISK if required else EMPTY}</label>"
    )


def _choices(bf, errors) -> SafeString:
    """Checkboxes or radio buttons of several choices, in a fieldset with a legend."""
    kind = "checkbox" if isinstance(bf.field.widget, forms.CheckboxSelectMultiple) else "radio"
    invalid = " is-invalid" if errors else ""
    options = list(bf.subwidgets)
    items = []
    for index, option in enumerate(options, start=1):
        data = option.data
        attrs = {k: v for k, v in data["attrs"].items() if k not in ("id", "checked")}
        option_id = _e(data["attrs"].get("id", ""))
        checked = " checked" if data["selected"] else ""
        # crispy writes the errors inside the last choice
        last_errors = _errors(bf, errors) if index == len(options) else EMPTY
        items.append(
            f'<div class="form-check"><input type="{kind}" class="form-check-input{invalid}" '
            f'name="{_e(data["name"])}" value="{_e(data["value"])}"{checked}{_attrs(attrs)} '
            f'id="{option_id}"><label for="{option_id}" class="form-check-label">'
            f"{_e(data['label'])}</label>{last_errors}</div>"
        )
    described = ([f"{bf.auto_id}_helptext"] if bf.help_text else []) + (
        [f"{bf.auto_id}_error"] if errors else []
    )
    described_by = f' aria-describedby="{_e(" ".join(described))}"' if described else ""
    required = bf.field.required
    fieldset = (
        f'<fieldset{described_by}><legend class="form-label fs-6'
        f'{" requiredField" if required else ""}">{_e(bf.label)}{ASTERISK if required else EMPTY}'
        f'</legend><div>{"".join(items)}</div>{_help(bf)}</fieldset>'
    )
    return SafeString(f'<div id="div_{_e(bf.auto_id)}" class="mb-3">{fieldset}</div>')


class _Numbers:
    """The current language's number separators, read once (formats.number_format reads
    them, and the language, at each value)."""

    def __init__(self):
        language = get_language()
        self.decimal = get_format("DECIMAL_SEPARATOR", language)
        self.grouping = get_format("NUMBER_GROUPING", language)
        self.thousand = get_format("THOUSAND_SEPARATOR", language)

    def format(self, value) -> str:
        return numberformat.format(
            value, self.decimal, None, self.grouping, self.thousand, use_l10n=True
        )


def render_field(bf, numbers: _Numbers | None = None) -> SafeString:
    # An unbound form has no errors: BoundField.errors would still build an empty list.
    errors = bf.errors if bf.form.is_bound else ()
    numbers = numbers or _Numbers()
    widget = bf.field.widget
    if widget.is_hidden:
        return _widget(bf, errors, numbers, described=False)
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return _choices(bf, errors)
    if isinstance(widget, forms.CheckboxInput):
        return SafeString(
            f'<div class="mb-3"><div id="div_{_e(bf.auto_id)}" class="form-check">'
            f'{_widget(bf, errors, numbers)}{_label(bf, "form-check-label")}'
            f"{_errors(bf, errors)}{_help(bf)}</div></div>"
        )
    label = _label(bf) if bf.label else ""
    return SafeString(
        f'<div id="div_{_e(bf.auto_id)}" class="mb-3">{label}{_widget(bf, errors, numbers)}'
        f"{_errors(bf, errors)}{_help(bf)}</div>"
    )


def render_widget(bf) -> SafeString:
    """The field's widget alone, with Bootstrap's classes: no label, help text or error
    state (a filter's form, which ignores a value it cannot use)."""
    return _widget(bf, (), _Numbers(), described=False)


def fast_form(form) -> SafeString:
    """The form's fields as `{{ form|crispy }}` writes them (Bootstrap 5)."""
    parts = []
    errors = form.non_field_errors()
    if errors:
        items = "".join(f"<li>{_e(e)}</li>" for e in errors)
        parts.append(
            f'<div class="alert alert-block alert-danger"><ul class="m-0">{items}</ul></div>'
        )
    numbers = _Numbers()
    for bf in form:
        parts.append(render_field(bf, numbers))
    return SafeString("".join(parts))
