"""The shared field template: every id a field's aria-describedby names is on the page."""

import re

from django import forms
from django.template.loader import render_to_string

from apps.core.forms import PortalFormMixin


class SampleForm(PortalFormMixin, forms.Form):
    number = forms.IntegerField(label="Number", help_text="A whole number.")
    plain = forms.CharField(label="Plain")


def described_ids_are_present(form) -> list[str]:
    html = "".join(render_to_string("_field.html", {"field": form[name]}) for name in form.fields)
    described = [i for value in re.findall(r'aria-describedby="([^"]*)"', html) for i in value.split()]
    missing = [i for i in described if f'id="{i}"' not in html]
    assert not missing, f"aria-describedby names ids not on the page: {missing}"
    return described


def test_the_hint_is_described_before_and_the_error_and_hint_after_a_refused_submit():
    assert described_ids_are_present(SampleForm()) == ["id_number_helptext"]
    form = SampleForm(data={"number": "many", "plain": ""})
    assert not form.is_valid()
    assert described_ids_are_present(form) == ["id_number_error", "id_number_helptext", "id_plain_error"]
