"""`{{ form|fast_form }}`: crispy-forms' Bootstrap 5 markup, built in Python.

Pages that show many forms at once (the fiche-action: one form per section and per row)
spent most of their time in crispy's templates and in Django's widget templates (issue 19,
bench/RESULTS.md). This filter writes the same markup as `{{ form|crispy }}` (same ids,
classes, labels, aria-describedby, errors and help texts) with format_html, from the widgets'
own contexts (`Widget.get_context`: values, choices, attributes); a widget it does not know is
rendered by Django as usual.
"""

from django import forms, template
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

EMPTY = SafeString("")
ASTERISK = SafeString('<span class="asteriskField">*</span>')

# Crispy's class for each widget (bootstrap5 pack): "<widget> form-control" and its kin.
_INPUT_TYPES = {"text", "number", "email", "url", "date", "password", "tel", "search", "hidden"}


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
            f" {name}" if value is True else f' {name}="{escape(value)}"'
            for name, value in attrs.items()
            if value is not None and value is not False
        )
    )


def _widget_html(widget, context: dict) -> SafeString | None:
    """The widget from its context, or None when it is not one of the simple kinds."""
    w = context["widget"]
    if isinstance(widget, forms.Textarea):
        value = "" if w["value"] is None else w["value"]
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>', w["name"], _attrs(w["attrs"]), value
        )
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return None
    if isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple):
        options = []
        for group, choices, _index in w["optgroups"]:
            rendered = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((o["value"], _attrs(o["attrs"]), o["label"]) for o in choices),
            )
            options.append(
                format_html('<optgroup label="{}">{}</optgroup>', group, rendered)
                if group
                else rendered
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            w["name"],
            _attrs(w["attrs"]),
            SafeString("".join(options)),  # each one built by format_html
        )
    if isinstance(widget, forms.widgets.Input) and w.get("type") in _INPUT_TYPES | {"checkbox"}:
        value = "" if w["value"] is None else format_html(' value="{}"', str(w["value"]))
        return format_html(
            '<input type="{}" name="{}"{}{}>', w["type"], w["name"], value, _attrs(w["attrs"])
        )
    return None


def _errors(bf) -> SafeString:
    if not bf.errors:
        return EMPTY
    return format_html(
        '<div id="{}_error" class="invalid-feedback">{}</div>',
        bf.auto_id,
        format_html_join(
            "",
            '<p id="error_{}_{}"><strong>{}</strong></p>',
            ((n, bf.auto_id, e) for n, e in enumerate(bf.errors, start=1)),
        ),
    )


def _help(bf) -> SafeString:
    if not bf.help_text:
        return EMPTY
    # Help texts are written by us and may hold markup, as crispy prints them (|safe).
    return format_html(
        '<div id="{}_helptext" class="form-text">{}</div>', bf.auto_id, SafeString(bf.help_text)
    )


def _widget(bf, described=True) -> SafeString:
    widget = bf.field.widget
    attrs = {}
    if not widget.is_hidden:
        classes = f"{widget.attrs.get('class', '')} {_widget_class(widget)}".split()
        if bf.errors:
            classes.append("is-invalid")
        attrs["class"] = " ".join(dict.fromkeys(classes))  # once each, in order
    if bf.errors:
        attrs["aria-invalid"] = "true"
    described_by = [f"{bf.auto_id}_helptext"] if bf.help_text else []
    if bf.errors:
        described_by.append(f"{bf.auto_id}_error")
    if described and described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    attrs = bf.build_widget_attrs(attrs)
    if widget.is_hidden:
        attrs.pop("aria-invalid", None)  # as crispy: a hidden field's error is the form's
    if bf.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bf.auto_id)
    context = widget.get_context(bf.html_name, bf.value(), attrs)
    html = _widget_html(widget, context)
    if html is None:
        html = bf.as_widget(attrs=attrs)
    if isinstance(widget, forms.FileInput):
        return format_html("<div>{}</div>", html)
    return html


def _label(bf, css="form-label") -> SafeString:
    required = ASTERISK if bf.field.required else EMPTY
    return format_html(
        '<label for="{}" class="{}{}">{}{}</label>',
        bf.id_for_label,
        css,
        " requiredField" if bf.field.required else "",
        bf.label,
        required,
    )


def _choices(bf) -> SafeString:
    """Checkboxes or radio buttons of several choices, in a fieldset with a legend."""
    kind = "checkbox" if isinstance(bf.field.widget, forms.CheckboxSelectMultiple) else "radio"
    invalid = " is-invalid" if bf.errors else ""
    options = list(bf.subwidgets)
    items = []
    for index, option in enumerate(options, start=1):
        data = option.data
        attrs = {k: v for k, v in data["attrs"].items() if k not in ("id", "checked")}
        items.append(
            format_html(
                '<div class="form-check"><input type="{}" class="form-check-input{}" '
                'name="{}" value="{}"{}{} id="{}"><label for="{}" class="form-check-label">'
                "{}</label>{}</div>",
                kind,
                invalid,
                data["name"],
                data["value"],
                SafeString(" checked") if data["selected"] else EMPTY,
                _attrs(attrs),
                data["attrs"].get("id", ""),
                data["attrs"].get("id", ""),
                data["label"],
                # crispy writes the errors inside the last choice
                _errors(bf) if index == len(options) else EMPTY,
            )
        )
    described = ([f"{bf.auto_id}_helptext"] if bf.help_text else []) + (
        [f"{bf.auto_id}_error"] if bf.errors else []
    )
    fieldset = format_html(
        '<fieldset{}><legend class="form-label fs-6{}">{}{}</legend><div>{}</div>{}</fieldset>',
        format_html(' aria-describedby="{}"', " ".join(described)) if described else "",
        " requiredField" if bf.field.required else "",
        bf.label,
        ASTERISK if bf.field.required else EMPTY,
        SafeString("".join(items)),
        _help(bf),
    )
    return format_html('<div id="div_{}" class="mb-3">{}</div>', bf.auto_id, fieldset)


def render_field(bf) -> SafeString:
    widget = bf.field.widget
    if widget.is_hidden:
        return _widget(bf, described=False)
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return _choices(bf)
    if isinstance(widget, forms.CheckboxInput):
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="form-check">{}{}{}{}</div></div>',
            bf.auto_id,
            _widget(bf),
            _label(bf, "form-check-label"),
            _errors(bf),
            _help(bf),
        )
    return format_html(
        '<div id="div_{}" class="mb-3">{}{}{}{}</div>',
        bf.auto_id,
        _label(bf) if bf.label else "",
        _widget(bf),
        _errors(bf),
        _help(bf),
    )


@register.filter
def fast_form(form) -> SafeString:
    """The form's fields as `{{ form|crispy }}` writes them (Bootstrap 5)."""
    parts = []
    errors = form.non_field_errors()
    if errors:
        parts.append(
            format_html(
                '<div class="alert alert-block alert-danger"><ul class="m-0">{}</ul></div>',
                format_html_join("", "<li>{}</li>", ((e,) for e in errors)),
            )
        )
    for bf in form:
        parts.append(render_field(bf))
    return SafeString("".join(conditional_escape(p) for p in parts))
