"""The filter selects written in Python render what Django's template-rendered select would."""

from __future__ import annotations

from django import forms

from apps.absence.forms import FastSelect, QueueFilterForm


def test_fast_select_renders_like_djangos_select():
    choices = [("", "All"), ("A", "Unit <A> & co"), ("B", "B")]
    for value in ("", "A", "B", None):
        fast = FastSelect(attrs={"class": "form-select"}, choices=choices).render("unit", value)
        django = forms.Select(attrs={"class": "form-select"}, choices=choices).render("unit", value)
        assert fast.replace("\n", "") == django.replace("\n", "").replace("  ", "")


def test_queue_filter_marks_the_chosen_leader_and_escapes_names():
    form = QueueFilterForm({"leader": "7"}, units=[], leaders=[(7, "Ann <b>"), (8, "Bo")])
    assert form.is_valid()
    html = str(form["leader"])
    assert '<option value="7" selected>Ann &lt;b&gt;</option>' in html
    assert '<option value="8">Bo</option>' in html


def test_queue_filter_refuses_a_value_it_did_not_offer():
    form = QueueFilterForm({"leader": "9", "unit": "X"}, units=[], leaders=[(7, "Ann")])
    assert not form.is_valid()
    assert set(form.errors) == {"leader", "unit"}
    assert QueueFilterForm({"leader": "", "unit": ""}, units=[], leaders=[(7, "Ann")]).is_valid()
