"""Numbers the way the active language writes them: 1.234,5 in Danish, 1 234,5 in Norwegian."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def number(value, max_decimals: int = 2) -> str:
    """Grouped thousands and only the decimals the value has (at most ``max_decimals``): 3.60 → "3,6"."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-int(max_decimals)))
    except (InvalidOperation, ValueError):
        return str(value)
    decimals = 0
    if amount != amount.to_integral_value():
        exponent = amount.normalize().as_tuple().exponent
        assert isinstance(exponent, int)  # a finite amount: quantize refused the others
        decimals = -exponent
    return formats.number_format(amount, decimal_pos=decimals, use_l10n=True, force_grouping=True)
