from django import forms

from apps.core.forms import PortalFormMixin


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
