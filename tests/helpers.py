"""Small helpers several test modules share."""

import re
from html import unescape

from apps.organizations.models import Organization


def organization_slug_of(obj) -> str:
    """The slug of the organisation ``obj`` belongs to (every route begins with it)."""
    if isinstance(obj, Organization):
        return obj.slug
    org_id, _unit = obj.get_permission_scope()
    return Organization.objects.values_list("slug", flat=True).get(pk=org_id)


def breadcrumb_trail(page: str) -> list[tuple[str, str]]:
    """The page's breadcrumb trail in order: (href, text) of each link, ("", text) for the page itself."""
    nav = re.search(r'<nav class="breadcrumbs".*?</nav>', page, flags=re.S)
    assert nav is not None, "the page has no breadcrumb trail"
    items = []
    for item in re.findall(r"<li[^>]*>(.*?)</li>", nav.group(0), flags=re.S):
        link = re.search(r'href="([^"]*)"[^>]*>([^<]*)</a>', item)
        text = unescape(re.sub(r"<[^>]+>", "", item)).strip()
        items.append((unescape(link.group(1)), unescape(link.group(2)).strip()) if link else ("", text))
    return items


def body_rows(page: str) -> list[tuple[list[str], list[str]]]:
    """Each row of the page's table bodies in order: (the cells' texts, whitespace collapsed, and the
    hrefs of the links in the row)."""
    rows = []
    for tbody in re.findall(r"<tbody[^>]*>(.*?)</tbody>", page, flags=re.S):
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", tbody, flags=re.S):
            cells = [
                " ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
                for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
            ]
            rows.append((cells, [unescape(href) for href in re.findall(r'href="([^"]*)"', row)]))
    return rows
