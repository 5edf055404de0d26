from datetime import time

from django import template
from django.utils import formats
from django.utils.translation import get_language

register = template.Library()


@register.filter
def clock(value: time | None) -> str:
    """A clock time as the agenda shows it: "Kl. 8.15" in Danish, the locale's time format otherwise."""
    if value is None:
        return ""
    if (get_language() or "").startswith("da"):
        return f"Kl. {value.hour}.{value.minute:02d}"
    return formats.time_format(value, "TIME_FORMAT")


@register.filter
def filesize_kb(value: int) -> str:
    return formats.number_format(max(1, round(value / 1024)))
