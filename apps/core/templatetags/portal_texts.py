"""``{{ reason|say }}``: a message kept by ``apps.core.texts`` in the reader's language."""

from django import template

from apps.core import texts

register = template.Library()


@register.filter
def say(data) -> str:
    return texts.say(data)
