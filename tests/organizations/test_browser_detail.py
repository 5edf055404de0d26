"""Real Chromium: the organisation overview's unit tree passes axe (WCAG 2.1 AA), its levels are nested
lists (what a screen reader announces) and each level is indented further than its parent."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.conftest import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_unit_tree_is_nested_indented_and_accessible(page, browser_login, board_member, org):
    browser_login(board_member)
    page.goto(reverse("organizations:detail", args=[org.slug]))

    def item(name: str):  # the innermost list item with the name (its parents' items hold it too)
        return page.locator(".portal-tree li", has_text=name).last

    expect(item("Team A1a")).to_be_visible()
    # Team A1a sits in Department A1's list, which sits in Area A's.
    parent = "li => li.parentElement.closest('li').firstChild.textContent.trim()"
    assert item("Team A1a").evaluate(parent) == "Department A1"
    assert item("Department A1").evaluate(parent) == "Area A"
    left = {
        name: item(name).evaluate("li => li.getBoundingClientRect().left")
        for name in ("Area A", "Department A1", "Team A1a", "Area B")
    }
    assert left["Area A"] == left["Area B"] < left["Department A1"] < left["Team A1a"]
    assert_no_axe_violations(page)
