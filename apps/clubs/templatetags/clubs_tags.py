from django import template

from ..money import currency_label, currency_of, format_money

register = template.Library()


@register.filter
def currency(organization) -> str:
    """The organisation's currency, for headings such as "Amount (NOK)"."""
    return currency_label(currency_of(organization))


@register.simple_tag
def money(amount, organization, decimals: int | None = None) -> str:
    """An amount in the organisation's currency the way the language writes it: "2.000 kr." in Danish."""
    if amount is None or amount == "":
        return ""
    return format_money(amount, currency_of(organization), decimals)
