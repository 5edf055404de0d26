"""Real Chromium: log in, switch language, and axe-core finds no WCAG 2.1 AA violation."""

import pytest

from tests.conftest import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_is_accessible(page):
    page.goto("/login/")
    assert page.locator("html").get_attribute("lang") == "da"
    assert_no_axe_violations(page)


def test_log_in_switch_language_and_home_is_accessible(page, browser_login, board_member):
    browser_login(board_member)
    assert page.locator("h1").inner_text().startswith("Velkommen")
    assert_no_axe_violations(page)
    page.select_option("#language-select", "nb")
    page.click("text=Skift sprog")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "nb"
    assert page.locator("h1").inner_text().startswith("Velkommen")
    assert page.get_by_role("button", name="Logg ut").is_visible()
    assert_no_axe_violations(page)


def test_skip_link_moves_focus_to_main(page, browser_login, board_member):
    browser_login(board_member)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skipnav" in focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"
