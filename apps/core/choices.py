"""Choice labels of model fields read from a table per language, not rebuilt on every call.

Django's ``get_FOO_display()`` builds a dict of every choice on each call, hashing each lazily
translated label (a translation look-up per choice). A list of a hundred initiatives, each showing
its status and level, spent a seventh of its page on that. ``install()`` (at start, from
``CoreConfig.ready``) gives every model field with fixed choices a ``get_FOO_display()`` that reads
a table of its labels made once per field and language. Fields with callable choices, and models
that define their own ``get_FOO_display``, keep Django's.
"""

from __future__ import annotations

from functools import partialmethod
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language

_LABELS: dict[tuple[int, str | None], dict[Any, Any]] = {}


def _display(self: models.Model, field: models.Field) -> Any:
    value = getattr(self, field.attname)
    key = (id(field), get_language())
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = {
            make_hashable(choice): force_str(label, strings_only=True) for choice, label in field.flatchoices
        }
    label = labels.get(make_hashable(value), _MISSING)
    return force_str(value, strings_only=True) if label is _MISSING else label


_MISSING = object()


def install() -> int:
    """Replaces Django's ``get_FOO_display`` where it is Django's; returns how many it replaced."""
    djangos = models.Model.__dict__["_get_FIELD_display"]
    replaced = 0
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.fields:
            if not field.choices or isinstance(field.choices, CallableChoiceIterator):
                continue
            name = f"get_{field.name}_display"
            current = model.__dict__.get(name)
            if isinstance(current, partialmethod) and current.func is djangos:
                setattr(model, name, partialmethod(_display, field=field))
                replaced += 1
    return replaced
