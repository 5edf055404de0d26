from functools import partialmethod

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation
from django.utils.choices import CallableChoiceIterator

from apps.core import choices


def _fields_with_choices():
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.fields:
            if field.choices and not isinstance(field.choices, CallableChoiceIterator):
                yield model, field


def test_every_field_with_fixed_choices_reads_the_table():
    fields = list(_fields_with_choices())
    assert len(fields) > 40
    for model, field in fields:
        method = model.__dict__.get(f"get_{field.name}_display")
        assert isinstance(method, partialmethod) and method.func is choices._display, (model, field)
    assert choices.install() == 0  # installed once at start; nothing left to replace


@pytest.mark.parametrize("language", ["da", "nb", "en"])
def test_labels_are_djangos_in_each_language(language):
    with translation.override(language):
        for model, field in _fields_with_choices():
            obj = model()
            for value in [choice for choice, _label in field.flatchoices] + ["no-such-choice", None]:
                setattr(obj, field.attname, value)
                ours = getattr(obj, f"get_{field.name}_display")()
                assert ours == models.Model._get_FIELD_display(obj, field), (model, field, value)
                assert type(ours) is type(models.Model._get_FIELD_display(obj, field))


def test_the_language_of_the_request_decides_the_label():
    from apps.strategy.models import Initiative

    initiative = Initiative(status=Initiative.Status.DONE)
    with translation.override("da"):
        assert initiative.get_status_display() == "Afsluttet"
    with translation.override("en"):
        assert initiative.get_status_display() == "Done"
    with translation.override("nb"):
        assert initiative.get_status_display() == "Fullført"
