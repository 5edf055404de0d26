"""Options and checkboxes written in one pass, for pages that repeat a small form on every row (the
advisory queue's follow-up): a template loop costs about ten variable lookups per choice and row."""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from apps.core.forms import option_tags

register = template.Library()


def _chosen(selected) -> set[str]:
    if selected is None or selected == "":
        return set()
    if isinstance(selected, list | tuple | set | frozenset):
        return {str(value) for value in selected}
    return {str(selected)}


@register.simple_tag
def options(choices, selected=None) -> SafeString:
    """``<option>`` elements of (value, label) ``choices``; those in ``selected`` (a value or several)
    are selected."""
    return mark_safe(option_tags(choices, _chosen(selected)))  # noqa: S308 - option_tags escapes


@register.simple_tag
def checkboxes(name: str, choices, checked, *id_parts) -> SafeString:
    """The design system's checkboxes (``form-group-checkbox``) of (value, label) ``choices`` named
    ``name``, with ids ``<id_parts joined by ->-<value>``; those in ``checked`` are checked."""
    chosen = _chosen(checked)
    id_prefix = "-".join(str(part) for part in id_parts)
    parts = []
    for value, label in choices:
        text = escape(str(value))
        element_id = f"{escape(id_prefix)}-{text}"
        parts.append(
            '<div class="form-group-checkbox">'
            f'<input type="checkbox" class="form-checkbox" id="{element_id}" '
            f'name="{escape(name)}" value="{text}"{" checked" if str(value) in chosen else ""}>'
            f'<label class="form-label" for="{element_id}">{escape(str(label))}</label></div>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value and label is escaped
