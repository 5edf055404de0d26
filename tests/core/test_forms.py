from django import forms
from django.core.exceptions import ValidationError

from apps.core.forms import PortalFormMixin, add_errors, error_text, form_error_text


class ChoiceForm(PortalFormMixin, forms.Form):
    colour = forms.ChoiceField(choices=[("red", "Red"), ("blue", "Blue")])
    note = forms.CharField(widget=forms.Textarea)

    def __init__(self, *args, allowed: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colour"].choices = [(c, c) for c in allowed]


def test_choices_narrowed_after_init_are_enforced():
    form = ChoiceForm(data={"colour": "blue", "note": "x"}, allowed=["red"])
    assert not form.is_valid()
    assert "colour" in form.errors


def test_invalid_fields_are_marked_for_screen_readers():
    form = ChoiceForm(data={"colour": "red", "note": ""}, allowed=["red"])
    assert not form.is_valid()
    html = str(form["note"])
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_note_error"' in html
    assert "aria-invalid" not in str(form["colour"])
    assert "form-select" in str(form["colour"]) and "form-input" in html


class NoteForm(forms.Form):
    note = forms.CharField(required=False)


def _refused(error: ValidationError, **kwargs) -> NoteForm:
    form = NoteForm(data={"note": "x"})
    assert form.is_valid()
    add_errors(form, error, **kwargs)
    return form


def test_a_refusal_naming_a_field_of_the_form_shows_under_it():
    form = _refused(ValidationError({"note": "Too short.", "other": "Not on this form."}))
    assert form.errors["note"] == ["Too short."]
    assert form.non_field_errors() == ["Not on this form."]


def test_a_refusal_without_a_field_shows_above_the_form_or_under_the_field_asked_for():
    assert _refused(ValidationError(["One.", "Two."])).non_field_errors() == ["One.", "Two."]
    form = _refused(ValidationError("Refused."), field="note")
    assert form.errors["note"] == ["Refused."] and not form.non_field_errors()


def test_error_text_puts_every_message_on_one_line():
    assert error_text(ValidationError({"a": "One.", "b": ["Two.", "Three."]})) == "One. Two. Three."
    form = NoteForm(data={})
    form.is_valid()
    form.add_error("note", "Write a note.")
    assert form_error_text(form) == "Write a note."


def test_a_selects_empty_choice_says_what_it_means(db):
    """A new user's finding: "---------" as the empty choice (Resultat, Sprog, Mål)."""
    from django import forms
    from django.utils import translation

    from apps.core.forms import PortalFormMixin
    from apps.organizations.models import Organization

    class Example(PortalFormMixin, forms.Form):
        optional = forms.ChoiceField(choices=[("", "---------"), ("a", "A")], required=False)
        required = forms.ModelChoiceField(queryset=Organization.objects.all())
        other = forms.ChoiceField(choices=[("", "Alle"), ("a", "A")], required=False)

    with translation.override("da"):
        html = str(Example())
    assert "---------" not in html
    assert '<option value="" selected>(ingen)</option>' in html
    assert '<option value="" selected>Vælg …</option>' in html
    assert "Alle" in html  # a label of the form's own is kept
