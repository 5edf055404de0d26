from django import template
from django.utils.safestring import SafeString

from apps.core.qr import qr_svg

register = template.Library()


@register.simple_tag
def qr_code(data: str, label: str) -> SafeString:
    return qr_svg(data, label=label)
