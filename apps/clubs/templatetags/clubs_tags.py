from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext

register = template.Library()


@register.filter
def dkk(amount, decimals: str = "0") -> str:
    """An amount in Danish kroner the way the language writes it: "2.000 kr." in Danish."""
    if amount is None or amount == "":
        return ""
    return gettext("DKK %(amount)s") % {"amount": floatformat(amount, f"{decimals}g")}
