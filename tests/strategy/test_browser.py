"""Real Chromium: a board member changes an initiative's status in place; axe finds no WCAG 2.1 AA issue."""

import pytest
from playwright.sync_api import expect

from apps.strategy.models import Initiative
from tests.conftest import assert_no_axe_violations, unit
from tests.factories import GoalFactory, InitiativeFactory
from tests.helpers import organization_slug_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def filled(org, plan, area, goal, initiative):
    national = initiative
    indicator = {
        "indicator_unit": "%",
        "indicator_baseline": 0,
        "indicator_target": 10,
        "indicator_current": 4,
    }
    GoalFactory(focus_area=area, text="Ti prosent økning", **indicator)
    InitiativeFactory(
        focus_area=area, level="county", implements=national, responsible_unit=unit(org, "A"), progress=30
    )
    return national


def test_board_member_changes_status_in_place(page, browser_login, board_member, area, filled):
    browser_login(board_member)
    page.goto(f"/strategy/{organization_slug_of(area)}/focus-area/{area.pk}/")
    item = page.locator(f"#initiative-{filled.pk}")
    item.locator("select[name=status]").select_option("in_progress")
    item.locator("input[name=progress]").fill("55")
    url_before = page.url
    item.locator("button[type=submit]").click()
    page.locator(f"#initiative-{filled.pk} [role=status]").wait_for()
    assert page.url == url_before  # swapped in place, no page load
    filled.refresh_from_db()
    assert (filled.status, filled.progress, filled.version) == (Initiative.Status.IN_PROGRESS, 55, 2)
    assert page.locator(f"#initiative-{filled.pk} select[name=status]").input_value() == "in_progress"
    assert page.locator(f"#initiative-{filled.pk} input[name=version]").input_value() == "2"


def test_filters_update_the_list_and_the_address(page, browser_login, shop_steward, plan, filled):
    browser_login(shop_steward)
    page.goto(f"/strategy/{organization_slug_of(plan)}/plan/{plan.pk}/")
    page.select_option("#id_level", "county")
    page.wait_for_url("**level=county**")
    expect(page.locator("#initiative-results tbody tr")).to_have_count(1)
    page.go_back()
    page.wait_for_url(f"**/strategy/{organization_slug_of(plan)}/plan/{plan.pk}/")
    expect(page.locator("#initiative-results tbody tr")).to_have_count(2)
    assert page.locator("#id_level").input_value() == ""


@pytest.mark.parametrize("which", ["plan", "area", "initiative"])
def test_pages_are_accessible(page, browser_login, board_member, plan, area, filled, which):
    browser_login(board_member)
    path = {
        "plan": f"/strategy/{organization_slug_of(plan)}/plan/{plan.pk}/",
        "area": f"/strategy/{organization_slug_of(area)}/focus-area/{area.pk}/",
        "initiative": f"/strategy/{organization_slug_of(filled)}/initiative/{filled.pk}/",
    }[which]
    page.goto(path)
    assert_no_axe_violations(page)


def test_saving_a_goal_on_its_edit_page_goes_back_to_the_goal(page, browser_login, board_member, goal):
    browser_login(board_member)
    page.goto(f"/strategy/{organization_slug_of(goal)}/goal/{goal.pk}/edit/")
    page.fill("#id_text", "Endnu flere medlemmer")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/strategy/{organization_slug_of(goal)}/goal/{goal.pk}/")
    expect(page.locator("h1")).to_have_text("Mål")
    expect(page.locator("[role=status]")).to_contain_text("Målet er gemt.")
    expect(page.locator("main form #id_text")).to_have_count(0)  # the edit form is gone (delete stays)
    goal.refresh_from_db()
    assert goal.text == "Endnu flere medlemmer"


def test_focus_area_lead_does_not_overlap_and_breadcrumbs_have_separators(
    page, browser_login, board_member, area
):
    area.focus = "Medlemsnærhed gennem stærke klubber, synlige tillidsrepræsentanter og gode netværk " * 2
    area.save(update_fields=["focus"])
    browser_login(board_member)
    page.set_viewport_size({"width": 480, "height": 900})
    page.goto(f"/strategy/{organization_slug_of(area)}/focus-area/{area.pk}/")
    font_size, line_height, height = page.locator(".strategy-plan-period").evaluate(
        "p => { const s = getComputedStyle(p);"
        " return [parseFloat(s.fontSize), parseFloat(s.lineHeight), p.getBoundingClientRect().height]; }"
    )
    assert height > 2 * font_size  # it wraps, so the line height matters
    assert line_height >= 1.2 * font_size
    separators = page.locator(".breadcrumbs__list-item svg.icon-svg")
    expect(separators).to_have_count(2)  # Overview › Strategy › the plan
    widths = separators.evaluate_all("icons => icons.map(i => i.querySelector('use').getBBox().width)")
    assert all(width > 0 for width in widths)  # the chevron is drawn, not an empty box


def test_a_plan_period_far_ahead_is_confirmed_in_the_browser(page, browser_login, board_member, org):
    """The confirmation state of a form (issue 16, "Dates"): warning, checkbox, accessible, then saved.

    The browser shows the Danish interface (the users' language), unlike the English server-side tests."""
    from django.utils import timezone

    from apps.strategy.models import StrategyPlan

    start = timezone.localdate().year + 9
    browser_login(board_member)
    page.goto(f"/strategy/{org.slug}/")
    page.fill("#id_title", "Strategi langt ude")
    page.fill("#id_start_year", str(start))
    page.fill("#id_end_year", str(start + 3))
    page.locator("main form button[type=submit]").click()
    confirm = page.locator("#id_confirm_dates")
    confirm.wait_for()
    warning = "Datoen ligger mere end 5 år ude i fremtiden."
    expect(page.locator("#id_start_year_error")).to_contain_text(warning)
    assert page.locator("#id_start_year").get_attribute("aria-invalid") == "true"
    assert_no_axe_violations(page)
    assert not StrategyPlan.objects.filter(title="Strategi langt ude").exists()
    confirm.check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/strategy/*/plan/**")
    assert StrategyPlan.objects.get(title="Strategi langt ude").start_year == start


def test_an_archived_plan_page_is_accessible(page, browser_login, board_member, plan, area):
    browser_login(board_member)
    page.goto(f"/strategy/{organization_slug_of(plan)}/plan/{plan.pk}/")
    page.get_by_role("button", name="Arkivér planen").click()
    expect(page.locator("main h1 .badge")).to_have_text("Arkiveret")
    assert_no_axe_violations(page)


def test_a_stale_status_change_shows_why_in_place(page, browser_login, board_member, area, filled):
    """The answer is a 409: htmx swaps it in (base.html's responseHandling), so the explanation and the
    current values show where the user clicked, instead of nothing happening."""
    browser_login(board_member)
    page.goto(f"/strategy/{organization_slug_of(area)}/focus-area/{area.pk}/")
    Initiative.objects.filter(pk=filled.pk).update(progress=70, version=2)  # someone else saved first
    item = page.locator(f"#initiative-{filled.pk}")
    item.locator("input[name=progress]").fill("55")
    with page.expect_response(lambda r: "/status/" in r.url) as answer:
        item.locator("button[type=submit]").click()
    assert answer.value.status == 409
    expect(page.locator(f"#initiative-{filled.pk} .alert")).to_contain_text("En anden har ændret indsatsen")
    assert page.locator(f"#initiative-{filled.pk} input[name=progress]").input_value() == "70"
    assert page.locator(f"#initiative-{filled.pk} input[name=version]").input_value() == "2"
    filled.refresh_from_db()
    assert filled.progress == 70


def test_an_initiative_made_by_mistake_is_deleted_after_asking(page, browser_login, board_member, area):
    """The delete button opens a confirmation (no JavaScript needed); the page and the open
    confirmation pass axe, and confirming removes the initiative."""
    mistake = InitiativeFactory(focus_area=area, text="Prøveindsats")
    browser_login(board_member)
    page.goto(f"/strategy/{organization_slug_of(mistake)}/initiative/{mistake.pk}/")
    page.locator(".strategy-delete summary").click()
    expect(page.locator(".strategy-delete .portal-confirm-body")).to_be_visible()
    assert_no_axe_violations(page)
    page.locator(".strategy-delete .portal-confirm-body button").click()
    page.wait_for_url(f"**/focus-area/{area.pk}/")
    assert not Initiative.objects.filter(pk=mistake.pk).exists()
    expect(page.get_by_text("Prøveindsats")).to_have_count(0)
    assert_no_axe_violations(page)
