"""Real Chromium: the progress page (members, public link, on a phone), a member's comment and the
board's moderation in place; axe finds no WCAG 2.1 AA issue on any of them."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from apps.strategy import services
from apps.strategy.models import InitiativeComment, PlanLink
from tests.conftest import assert_no_axe_violations, unit
from tests.factories import GoalFactory, InitiativeFactory, InitiativeUpdateFactory
from tests.helpers import organization_slug_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def published(org, plan, area, initiative, board_member):
    cache.clear()
    GoalFactory(
        focus_area=area,
        text="Ti prosent flere medlemmer",
        indicator_unit="%",
        indicator_baseline=0,
        indicator_target=10,
        indicator_current=4,
    )
    county = InitiativeFactory(
        focus_area=area, level="county", implements=initiative, responsible_unit=unit(org, "A"), progress=30
    )
    InitiativeFactory(
        focus_area=area, level="local_union", implements=county, progress=60, status="in_progress"
    )
    InitiativeUpdateFactory(initiative=initiative, text="Første netværksmøde holdt")
    services.plan_set_publishing(plan=plan, visibility="public", stale_after_weeks=8, user=board_member)
    yield plan
    cache.clear()


def test_member_page_is_accessible(page, browser_login, shop_steward, published, initiative):
    browser_login(shop_steward)
    page.goto(f"/strategy/{organization_slug_of(published)}/plan/{published.pk}/progress/")
    expect(page.locator("h1")).to_have_text(published.title)
    expect(page.locator("main")).to_contain_text("Første netværksmøde holdt")
    assert_no_axe_violations(page)
    page.goto(f"/strategy/{organization_slug_of(initiative)}/progress/initiative/{initiative.pk}/")
    assert_no_axe_violations(page)


def test_public_page_on_a_phone_is_accessible(browser, live_server, published):
    link = PlanLink.objects.get(plan=published)
    context = browser.new_context(
        locale="da-DK", base_url=live_server.url, viewport={"width": 375, "height": 740}, is_mobile=True
    )
    phone = context.new_page()
    try:
        phone.goto(f"/strategy/{organization_slug_of(link)}/public/{link.token}/")
        expect(phone.locator("h1")).to_have_text(published.title)
        # Nothing wider than the screen: no sideways scrolling on a phone.
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        assert_no_axe_violations(phone)
    finally:
        context.close()


def test_a_member_comments_without_javascript_and_the_board_approves_in_place(
    browser, live_server, page, browser_login, shop_steward, board_member, published, initiative
):
    context = browser.new_context(locale="da-DK", base_url=live_server.url, java_script_enabled=False)
    member = context.new_page()
    try:
        member.goto("/login/")
        member.fill("input[name=username]", shop_steward.email)
        member.fill("input[name=password]", "correct-horse-battery")
        member.click("main button[type=submit]")
        member.goto(f"/strategy/{organization_slug_of(initiative)}/progress/initiative/{initiative.pk}/")
        member.fill("textarea[name=text]", "Hvornår kommer næste møde?")
        member.click("#comments button[type=submit]")
        expect(member.locator("[role=status]")).to_contain_text("når bestyrelsen har godkendt den")
    finally:
        context.close()
    comment = InitiativeComment.objects.get()
    browser_login(board_member)
    page.goto(f"/strategy/{organization_slug_of(published)}/plan/{published.pk}/comments/")
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text("Hvornår kommer næste møde?")
    assert_no_axe_violations(page)
    url_before = page.url
    page.locator(f"#comment-{comment.pk} button", has_text="Godkend").click()
    expect(page.locator(f"#comment-{comment.pk} [role=status]")).to_be_visible()
    assert page.url == url_before  # swapped in place
    comment.refresh_from_db()
    assert comment.status == InitiativeComment.Status.APPROVED
    assert_no_axe_violations(page)
    page.goto(f"/strategy/{organization_slug_of(initiative)}/progress/initiative/{initiative.pk}/")
    expect(page.locator("#comments")).to_contain_text("Hvornår kommer næste møde?")


def test_publishing_and_stale_pages_are_accessible(page, browser_login, board_member, published):
    browser_login(board_member)
    for path in (
        f"/strategy/{organization_slug_of(published)}/plan/{published.pk}/publish/",
        f"/strategy/{organization_slug_of(published)}/plan/{published.pk}/stale/",
    ):
        page.goto(path)
        assert_no_axe_violations(page)
