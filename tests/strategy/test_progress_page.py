"""The progress page members follow: who may read it (unpublished, members only, public link), what it
shows (weighted progress, indicators, the cascade, latest updates; never a person's name), that it is
cached and dropped on any change, and that its query count does not grow with the plan."""

from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse

from apps.strategy import services
from apps.strategy.models import Initiative, PlanLink, StrategyPlan
from tests.conftest import unit
from tests.factories import (
    FocusAreaFactory,
    GoalFactory,
    InitiativeFactory,
    InitiativeUpdateFactory,
    UserFactory,
)
from tests.helpers import organization_slug_of

pytestmark = pytest.mark.django_db

PUBLIC = StrategyPlan.Visibility.PUBLIC
MEMBERS = StrategyPlan.Visibility.MEMBERS


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def publish(plan, visibility, user=None):
    return services.plan_set_publishing(
        plan=plan, visibility=visibility, stale_after_weeks=plan.stale_after_weeks, user=user
    )


def progress_url(plan):
    return reverse("strategy:progress", args=[plan.organization.slug, plan.pk])


def public_url(link):
    return reverse("strategy:public_progress", args=[organization_slug_of(link), link.token])


# --- who may read it ---------------------------------------------------------------------------------


def test_an_unpublished_page_is_refused_to_members(login, shop_steward, plan, initiative):
    assert plan.visibility == StrategyPlan.Visibility.UNPUBLISHED
    client = login(shop_steward)
    assert client.get(progress_url(plan)).status_code == 403
    assert (
        client.get(
            reverse("strategy:progress_initiative", args=[organization_slug_of(initiative), initiative.pk])
        ).status_code
        == 403
    )


def test_the_board_previews_an_unpublished_page(login, board_member, plan, initiative):
    response = login(board_member).get(progress_url(plan))
    assert response.status_code == 200
    assert "Only the board sees it, as a preview." in response.text
    assert initiative.text in response.text


def test_a_members_only_page_is_read_by_every_member(login, shop_steward, plan, initiative):
    publish(plan, MEMBERS)
    response = login(shop_steward).get(progress_url(plan))
    assert response.status_code == 200
    assert initiative.text in response.text
    assert "preview" not in response.text


def test_anonymous_is_sent_to_login_for_the_members_page(client, plan):
    publish(plan, MEMBERS)
    response = client.get(progress_url(plan))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_another_organisation_sees_nothing(login, board_member_other, plan, initiative):
    publish(plan, PUBLIC)
    client = login(board_member_other)
    assert client.get(progress_url(plan)).status_code == 404
    assert (
        client.get(
            reverse("strategy:progress_initiative", args=[organization_slug_of(initiative), initiative.pk])
        ).status_code
        == 404
    )


@pytest.mark.parametrize("name", ["strategy:progress", "strategy:progress_initiative"])
def test_the_member_pages_refuse_other_methods(login, shop_steward, plan, initiative, name):
    publish(plan, MEMBERS)
    pk = plan.pk if name == "strategy:progress" else initiative.pk
    method = "post" if name == "strategy:progress" else "delete"
    assert (
        getattr(login(shop_steward), method)(reverse(name, args=[plan.organization.slug, pk])).status_code
        == 405
    )


def test_publishing_by_public_link_makes_a_link_anyone_can_open(client, board_member, plan, initiative):
    publish(plan, PUBLIC, board_member)
    link = PlanLink.objects.get(plan=plan)
    assert len(link.token) >= 40  # 256 random bits
    response = client.get(public_url(link))
    assert response.status_code == 200
    assert initiative.text in response.text
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    detail = client.get(
        reverse("strategy:public_initiative", args=[organization_slug_of(link), link.token, initiative.pk])
    )
    assert detail.status_code == 200
    assert "<textarea" not in detail.text  # anonymous visitors read, they do not write


def test_a_guessed_token_finds_nothing(client, board_member, plan):
    publish(plan, PUBLIC, board_member)
    assert (
        client.get(
            reverse("strategy:public_progress", args=[plan.organization.slug, "not-the-token"])
        ).status_code
        == 404
    )


def test_a_revoked_link_stops_working_and_a_new_one_replaces_it(client, login, board_member, plan):
    publish(plan, PUBLIC, board_member)
    old = PlanLink.objects.get(plan=plan)
    board = login(board_member)
    response = board.post(reverse("strategy:plan_link_revoke", args=[organization_slug_of(old), old.pk]))
    assert response.status_code == 302
    client.logout()
    assert client.get(public_url(old)).status_code == 404
    login(board_member).post(reverse("strategy:plan_link_create", args=[organization_slug_of(plan), plan.pk]))
    new = PlanLink.objects.get(plan=plan, revoked_at__isnull=True)
    assert new.token != old.token
    client.logout()
    assert client.get(public_url(new)).status_code == 200
    assert client.get(public_url(old)).status_code == 404


def test_a_link_stops_working_when_the_plan_is_no_longer_public(client, board_member, plan):
    publish(plan, PUBLIC, board_member)
    link = PlanLink.objects.get(plan=plan)
    publish(plan, MEMBERS, board_member)
    assert client.get(public_url(link)).status_code == 404


def test_a_public_link_opens_only_its_own_plans_initiatives(client, board_member, plan, other_initiative):
    publish(plan, PUBLIC, board_member)
    link = PlanLink.objects.get(plan=plan)
    url = reverse(
        "strategy:public_initiative", args=[organization_slug_of(link), link.token, other_initiative.pk]
    )
    assert client.get(url).status_code == 404


def test_the_public_pages_refuse_post(client, board_member, plan, initiative):
    publish(plan, PUBLIC, board_member)
    link = PlanLink.objects.get(plan=plan)
    assert client.post(public_url(link)).status_code == 405
    url = reverse("strategy:public_initiative", args=[organization_slug_of(link), link.token, initiative.pk])
    assert client.post(url, {"text": "Hej"}).status_code == 405


# --- what it shows -----------------------------------------------------------------------------------


def test_progress_is_weighted_and_leaves_dropped_initiatives_out(login, shop_steward, plan, area):
    publish(plan, MEMBERS)
    InitiativeFactory(focus_area=area, progress=100, weight=3, status=Initiative.Status.DONE)
    InitiativeFactory(focus_area=area, progress=20, weight=1, status=Initiative.Status.IN_PROGRESS)
    InitiativeFactory(focus_area=area, progress=0, weight=50, status=Initiative.Status.DROPPED)
    response = login(shop_steward).get(progress_url(plan))
    # (3 × 100 + 1 × 20) / 4 = 80
    assert 'id="progress-plan" class="strategy-progress" max="100" value="80"' in response.text
    assert f'id="progress-area-{area.pk}" class="strategy-progress" max="100" value="80"' in response.text


def test_goals_show_their_indicator_against_the_target(login, shop_steward, plan, area):
    publish(plan, MEMBERS)
    GoalFactory(
        focus_area=area,
        text="Flere medlemmer",
        indicator_unit="medlemmer",
        indicator_baseline=100,
        indicator_target=200,
        indicator_current=150,
    )
    response = login(shop_steward).get(progress_url(plan))
    assert "50 % of the way to the target" in response.text
    assert "target 200 medlemmer" in response.text


def test_the_cascade_counts_up_county_and_local_progress(login, shop_steward, org, plan, area):
    publish(plan, MEMBERS)
    national = InitiativeFactory(focus_area=area, level="national", text="Heltidskultur")
    county = InitiativeFactory(focus_area=area, level="county", implements=national, progress=40)
    InitiativeFactory(focus_area=area, level="local_union", implements=county, progress=100, status="done")
    InitiativeFactory(focus_area=area, level="local_union", implements=national, progress=50, weight=3)
    response = login(shop_steward).get(progress_url(plan))
    table = response.text.split("Carried out in the counties and local unions", 1)[1].split("</table>", 1)[0]
    rows = [r.split("</tr>")[0] for r in table.split("<tr>")[2:]]
    assert "County" in rows[0] and "<td>1</td>" in rows[0] and "40 %" in rows[0]
    # Two local unions, one done; weighted (1 × 100 + 3 × 50) / 4 = 62.5 → 62 %.
    assert "Local union" in rows[1] and "<td>2</td>" in rows[1] and "<td>1</td>" in rows[1]
    assert "62 %" in rows[1]


def test_no_person_is_named_on_the_page(login, shop_steward, plan, area):
    publish(plan, MEMBERS)
    owner = UserFactory(first_name="Hemmelig", last_name="Ansvarlig")
    item = InitiativeFactory(
        focus_area=area, responsible_person=owner, responsible_unit=unit(plan.organization, "A")
    )
    InitiativeUpdateFactory(initiative=item, author=owner, text="Godt i gang")
    client = login(shop_steward)
    for url in (
        progress_url(plan),
        reverse("strategy:progress_initiative", args=[organization_slug_of(item), item.pk]),
    ):
        response = client.get(url)
        assert "Godt i gang" in response.text
        assert "Area A" in response.text
        assert "Hemmelig" not in response.text


def test_the_latest_updates_are_listed_newest_first(login, shop_steward, plan, initiative):
    publish(plan, MEMBERS)
    InitiativeUpdateFactory(initiative=initiative, text="Første skridt", date="2026-01-10")
    InitiativeUpdateFactory(initiative=initiative, text="Andet skridt", date="2026-03-10")
    text = login(shop_steward).get(progress_url(plan)).text
    assert text.index("Andet skridt") < text.index("Første skridt")


def test_the_page_is_printable(login, shop_steward, plan):
    publish(plan, MEMBERS)
    response = login(shop_steward).get(progress_url(plan))
    assert "strategy/strategy.css" in response.text  # the print rules live there
    assert "strategy-print-area" in response.text


# --- cached, and dropped on every change ---------------------------------------------------------------


def test_the_page_data_is_cached(login, shop_steward, plan, area, django_assert_max_num_queries):
    publish(plan, MEMBERS)
    InitiativeFactory.create_batch(3, focus_area=area)
    client = login(shop_steward)
    client.get(progress_url(plan))
    with django_assert_max_num_queries(4) as cached:
        client.get(progress_url(plan))
    assert not any("strategy_initiative" in q["sql"] for q in cached.captured_queries)


@pytest.mark.parametrize(
    "change",
    [
        "status",
        "update",
        "goal",
        "area",
        "move",
        "admin_delete",
    ],
)
def test_any_change_of_the_plan_shows_at_once(
    login, shop_steward, board_member, plan, area, initiative, change
):
    publish(plan, MEMBERS)
    client = login(shop_steward)
    client.get(progress_url(plan))  # cached now
    if change == "status":
        services.initiative_edit(initiative=initiative, expected_version=1, data={"text": "Ny tekst"})
        expected = "Ny tekst"
    elif change == "update":
        services.initiative_update_post(
            initiative=initiative,
            expected_version=1,
            author=board_member,
            text="Frisk nyhed",
            on=date(2026, 5, 1),
        )
        expected = "Frisk nyhed"
    elif change == "goal":
        GoalFactory(focus_area=area, text="Et nyt mål")
        expected = "Et nyt mål"
    elif change == "area":
        services.focus_area_update(focus_area=area, expected_version=1, data={"title": "Nyt navn"})
        expected = "Nyt navn"
    elif change == "move":
        second = InitiativeFactory(focus_area=area, goal=initiative.goal, text="Anden indsats")
        client.get(progress_url(plan))
        services.initiative_move(initiative=second, direction="up")
        text = client.get(progress_url(plan)).text
        assert text.index("Anden indsats") < text.index(initiative.text)
        return
    else:
        initiative.delete()
        assert initiative.text not in client.get(progress_url(plan)).text
        return
    assert expected in client.get(progress_url(plan)).text


def test_query_count_does_not_grow_with_the_plan(login, shop_steward, plan, django_assert_max_num_queries):
    publish(plan, MEMBERS)
    client = login(shop_steward)

    def grow(n):
        for _ in range(n):
            area = FocusAreaFactory(plan=plan)
            GoalFactory(focus_area=area, indicator_baseline=0, indicator_target=10, indicator_current=5)
            national = InitiativeFactory(focus_area=area, level="national")
            county = InitiativeFactory(focus_area=area, level="county", implements=national)
            InitiativeUpdateFactory(
                initiative=InitiativeFactory(focus_area=area, level="local_union", implements=county)
            )

    grow(1)
    cache.clear()
    with django_assert_max_num_queries(12) as small:
        client.get(progress_url(plan))
    grow(10)
    cache.clear()
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(progress_url(plan))


def test_public_page_query_count_does_not_grow(client, board_member, plan, django_assert_max_num_queries):
    publish(plan, PUBLIC, board_member)
    link = PlanLink.objects.get(plan=plan)
    area = FocusAreaFactory(plan=plan)
    InitiativeFactory(focus_area=area)
    cache.clear()
    with django_assert_max_num_queries(8) as small:
        client.get(public_url(link))
    for _ in range(10):
        InitiativeFactory(focus_area=FocusAreaFactory(plan=plan))
    cache.clear()
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(public_url(link))
