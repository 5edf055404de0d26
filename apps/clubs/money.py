"""Amounts in the organisation's currency: Norwegian unions have kroner of their own (NOK)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext

from apps.organizations.models import Organization


def currency_of(organization: Organization) -> str:
    """The ISO code of the currency the organisation's club funds are in."""
    return "NOK" if organization.country == Organization.Country.NO else "DKK"


def currency_label(currency: str) -> str:
    """The currency as the language names it in a heading: "kr." for Danish kroner in Danish."""
    if currency == "NOK":
        return gettext("NOK")
    return gettext("DKK")


def format_money(amount: Decimal | int | float, currency: str, decimals: int | None = None) -> str:
    """ "2.000 kr." in Danish: the number grouped the way the active language writes it, with its currency.
    Without ``decimals``: whole amounts without øre, others with two decimals ("450,50 kr."), so that
    the figures shown add up (rounded, 3.700 pending and 35.899 remaining were 1 short of 39.600)."""
    if decimals is None:
        value = Decimal(str(amount))
        decimals = 0 if value == value.to_integral_value() else 2
    number = formats.number_format(amount, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    if currency == "NOK":
        return gettext("NOK %(amount)s") % {"amount": number}
    return gettext("DKK %(amount)s") % {"amount": number}
