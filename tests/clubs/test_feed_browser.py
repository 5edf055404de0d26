"""Real Chromium: the calendar links page on a phone, with QR codes and copy buttons."""

import pytest
from django.urls import reverse

from tests.conftest import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_feed_links_fit_a_phone_and_copy(page, browser_login, shop_steward, club):
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    browser_login(shop_steward)
    page.goto(reverse("clubs:calendar_links", args=[club.organization.slug]))
    assert page.get_by_role("img", name=f"QR-kode med adressen på {club.name}").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name=f"Kopiér link · {club.name}").click()
    page.wait_for_selector(".portal-copy-status:has-text('Kopieret')")
    assert page.evaluate("navigator.clipboard.readText()") == page.locator("#feed-1").inner_text()
    assert_no_axe_violations(page)


def test_without_the_clipboard_api_there_is_no_copy_button(page, browser_login, shop_steward, club):
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    browser_login(shop_steward)
    page.goto(reverse("clubs:calendar_links", args=[club.organization.slug]))
    assert page.locator("button[data-copy]").count() == 1
    assert not page.locator("button[data-copy]").is_visible()
    assert page.locator("#feed-1").is_visible()
