import html
from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.choices import normalize_choices
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

DASHES = "---------"  # Django's label of a select's empty choice


def _name_the_empty_choice(field: forms.Field) -> None:
    """A select's empty choice says what it means ("(none)", or "Choose …" when one must be chosen)
    instead of Django's dashes. A model choice field's queryset is not read here."""
    label = _("Choose …") if field.required else _("(none)")
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DASHES:
            field.empty_label = label
    elif isinstance(field, forms.ChoiceField):
        choices = list(field.choices)  # type: ignore[arg-type]  # normalised to pairs by the field
        if choices and choices[0][0] in ("", None) and choices[0][1] == DASHES:
            field.choices = [("", label), *choices[1:]]


class PortalFormMixin:
    """Gives every widget the design system's classes and links errors to fields for screen readers.

    Errors are marked after validation (in ``full_clean``), never in ``__init__``: touching
    ``self.errors`` there would validate the form before a subclass narrows its choices.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            css = widget.attrs.get("class", "")
            if isinstance(widget, forms.Select | forms.SelectMultiple):
                extra = "form-select"
            elif isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
                extra = "form-checkbox"
            else:
                extra = "form-input"
            widget.attrs["class"] = f"{css} {extra}".strip()
            _name_the_empty_choice(field)

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                attrs = self.fields[name].widget.attrs  # type: ignore[attr-defined]
                attrs["aria-invalid"] = "true"
                auto_id = self[name].auto_id  # type: ignore[index]
                # The error first, then the hint (Django points at "<id>_helptext" for the hint alone).
                hint = f" {auto_id}_helptext" if self.fields[name].help_text else ""  # type: ignore[attr-defined]
                attrs["aria-describedby"] = f"{auto_id}_error{hint}"


def option_tags(choices, chosen: set[str]) -> str:
    """``<option>`` elements of flat (value, label) ``choices``, escaped; those whose value (as text) is
    in ``chosen`` are selected. Written in one pass: Django renders a template per option."""
    return "".join(
        f'<option value="{html.escape(str(value))}"{" selected" if str(value) in chosen else ""}>'
        f"{html.escape(str(label))}</option>"
        for value, label in choices
    )


class FastSelect(forms.Select):
    """A select that writes its options in Python. Django renders a template per option (about 0.15 ms
    each), which is most of a page offering every one of thousands of units or leaders."""

    @property
    def choices(self):
        return self._choices

    @choices.setter
    def choices(self, value):
        # A list is kept as given (flat (value, label) pairs): Django normalises every choice on
        # assignment, a few milliseconds for thousands of units on each request.
        self._choices = value if isinstance(value, list) else normalize_choices(value)

    def render(self, name, value, attrs=None, renderer=None):
        # Straight from the choices: Django's get_context builds a dict per option first, which alone
        # costs tens of milliseconds for a few thousand options. Flat choices only (no groups).
        chosen = {str(v) for v in self.format_value(value)}
        final_attrs = self.build_attrs(self.attrs, attrs)
        safe_options = mark_safe(option_tags(self.choices, chosen))  # noqa: S308 - option_tags escapes
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final_attrs), safe_options)


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """The form's model choice field ``name``, to set its queryset or labels (``form.fields`` is typed
    as holding plain fields)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


def offer(field: forms.ModelChoiceField, queryset, label: str = "name") -> None:
    """Let ``field`` (with a ``FastSelect``) choose from ``queryset``: it validates against the queryset
    as ever, and its options come from one values query instead of a model instance per option on every
    render (a union's or a municipality's units are a thousand or more)."""
    assert isinstance(field.widget, FastSelect)
    field.queryset = queryset
    empty = [] if field.empty_label is None else [("", field.empty_label)]
    field.widget.choices = empty + [(str(pk), text) for pk, text in queryset.values_list("pk", label)]


def add_errors(
    form: forms.BaseForm,
    error: ValidationError,
    *,
    field: str | None = None,
    rename: dict[str, str] | None = None,
) -> None:
    """Show a service's refusal on the form: each message under the field it names when the form has
    that field (``rename``: the service's field name -> the form's, where they differ), the others
    under ``field`` (by default above the form, as a non-field error)."""
    named: Iterable[tuple[str | None, list[ValidationError]]] = (
        error.error_dict.items() if hasattr(error, "error_dict") else [(None, error.error_list)]
    )
    for name, errors in named:
        name = (rename or {}).get(name, name) if name else name
        form.add_error(name if name in form.fields else field, errors)


def error_text(error: ValidationError) -> str:
    """A refusal's messages as one line, for a flash message or a fragment that shows a single error."""
    return " ".join(str(message) for message in error.messages)


def form_error_text(form: forms.BaseForm) -> str:
    """A refused form's messages as one line, for the fragments that show a single error."""
    return " ".join(str(message) for messages in form.errors.values() for message in messages)
