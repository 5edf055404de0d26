"""``{% breadcrumbs %}``: the trail from the overview down to the page, one shape in every app."""

from django import template

register = template.Library()


@register.inclusion_tag("core/_breadcrumbs.html")
def breadcrumbs(*links: str, current: str = "") -> dict:
    """``{% breadcrumbs url label url label ... current=label %}``: the overview, then each (url,
    label) pair as a link, then the page itself (``current``, not a link), if given. Get the urls with
    ``{% url ... as name %}`` first; a pair whose url is empty is left out (a level the page may not
    have)."""
    if len(links) % 2:
        raise template.TemplateSyntaxError("breadcrumbs takes (url, label) pairs and current=label")
    pairs = [(links[i], links[i + 1]) for i in range(0, len(links), 2) if links[i]]
    return {"links": pairs, "current": current}
