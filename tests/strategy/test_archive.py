"""Issue 16, "Dates": the board archives (and unarchives) plans; archived plans are read-only, marked,
and left out of the default lists and pickers. (Strategy tests read English; see conftest.)"""

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.clubs.forms import ClubMeetingForm
from apps.strategy import services
from apps.strategy.models import StrategyPlan
from tests.conftest import unit
from tests.factories import (
    ClubFactory,
    ClubFundRulesFactory,
    FocusAreaFactory,
    InitiativeFactory,
    StrategyPlanFactory,
)
from tests.helpers import organization_slug_of

USERS = ["board_member", "org_admin", "shop_steward", "hr_user", "board_member_other", "anonymous"]
MAY_ARCHIVE = {"board_member", "org_admin"}


def _archived(plan):
    plan.archived_at = timezone.now()
    plan.save(update_fields=["archived_at"])
    return plan


def test_the_services_archive_and_unarchive(plan):
    services.plan_archive(plan=plan)
    plan.refresh_from_db()
    assert plan.archived and plan.archived_at is not None
    services.plan_unarchive(plan=plan)
    plan.refresh_from_db()
    assert not plan.archived


@pytest.mark.parametrize("name", USERS)
@pytest.mark.parametrize("action", ["plan_archive", "plan_unarchive"])
def test_who_may_archive_and_unarchive(request, client, login, plan, action, name):
    if action == "plan_unarchive":
        _archived(plan)
    url = reverse(f"strategy:{action}", args=[plan.organization.slug, plan.pk])
    user = None if name == "anonymous" else request.getfixturevalue(name)
    response = (client if user is None else login(user)).post(url)
    plan.refresh_from_db()
    if name in MAY_ARCHIVE:
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "strategy:plan_detail", args=[organization_slug_of(plan), plan.pk]
        )
        assert plan.archived == (action == "plan_archive")
    else:
        if name == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"]
        else:
            assert response.status_code == (404 if name == "board_member_other" else 403)
        assert plan.archived == (action == "plan_unarchive")


@pytest.mark.parametrize("action", ["plan_archive", "plan_unarchive"])
def test_archiving_needs_a_post(login, board_member, plan, action):
    assert (
        login(board_member)
        .get(reverse(f"strategy:{action}", args=[plan.organization.slug, plan.pk]))
        .status_code
        == 405
    )


def test_an_archived_plan_leaves_the_default_list_and_is_listed_on_request(login, shop_steward, org, plan):
    current = StrategyPlanFactory(
        organization=org, title="Strategi 2029-2032", start_year=2029, end_year=2032
    )
    _archived(plan)
    client = login(shop_steward)
    url = reverse("strategy:plan_list", args=[org.slug])
    body = client.get(url).content.decode()
    assert current.title in body and plan.title not in body
    assert "Show the archived plan (1)" in body
    archived = client.get(url + "?archived=1").content.decode()
    assert plan.title in archived and current.title not in archived
    assert "Archived" in archived


def test_an_archived_plan_stays_readable_marked_and_read_only(login, board_member, plan, area, initiative):
    _archived(plan)
    client = login(board_member)
    body = client.get(
        reverse("strategy:plan_detail", args=[organization_slug_of(plan), plan.pk])
    ).content.decode()
    assert "Archived" in body and "It is read-only" in body
    assert reverse("strategy:plan_edit", args=[organization_slug_of(plan), plan.pk]) not in body
    assert reverse("strategy:focus_area_add", args=[organization_slug_of(plan), plan.pk]) not in body
    assert reverse("strategy:plan_unarchive", args=[organization_slug_of(plan), plan.pk]) in body
    assert (
        reverse("strategy:plan_copy", args=[organization_slug_of(plan), plan.pk]) in body
    )  # copying into a new period stays possible
    area_page = client.get(
        reverse("strategy:focus_area_detail", args=[organization_slug_of(area), area.pk])
    ).content.decode()
    assert reverse("strategy:initiative_add", args=[organization_slug_of(area), area.pk]) not in area_page
    assert (
        client.get(
            reverse("strategy:initiative_detail", args=[organization_slug_of(initiative), initiative.pk])
        ).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("plan_edit", {"title": "Ny titel", "start_year": 2025, "end_year": 2028, "introduction": ""}),
        ("plan_import", {}),
        ("focus_area_add", {"title": "Nyt område"}),
        ("focus_area_edit", {"title": "Nyt navn", "version": 1}),
        ("goal_add", {"text": "Nyt mål"}),
        ("initiative_add", {"text": "Ny indsats"}),
        ("initiative_status_set", {"status": "done", "progress": "100", "version": "1"}),
        ("initiative_update_post", {"text": "Ny status", "version": "1"}),
    ],
)
def test_nothing_in_an_archived_plan_can_be_changed(login, board_member, plan, area, initiative, name, data):
    _archived(plan)
    on_area = {"focus_area_edit", "goal_add", "initiative_add"}
    on_initiative = {"initiative_status_set", "initiative_update_post"}
    target = area if name in on_area else initiative if name in on_initiative else plan
    response = login(board_member).post(
        reverse(f"strategy:{name}", args=[organization_slug_of(target), target.pk]), data
    )
    assert response.status_code == 403
    assert "The plan is archived and read-only." in response.content.decode()
    plan.refresh_from_db()
    initiative.refresh_from_db()
    assert plan.title == "Strategi 2025-2028" and plan.focus_areas.count() == 1
    assert initiative.status == "planned" and not initiative.updates.exists()


def test_an_archived_plan_can_be_copied_into_an_active_one(login, board_member, plan, area):
    _archived(plan)
    url = reverse("strategy:plan_copy", args=[organization_slug_of(plan), plan.pk])
    login(board_member).post(url, {"title": "Strategi 2029-2031", "start_year": 2029, "end_year": 2031})
    copy = StrategyPlan.objects.get(title="Strategi 2029-2031")
    assert not copy.archived and copy.focus_areas.count() == 1


def test_initiatives_of_archived_plans_leave_the_club_meeting_picker(org, plan, shop_steward):
    kept = InitiativeFactory(
        focus_area=FocusAreaFactory(
            plan=StrategyPlanFactory(organization=org, start_year=2029, end_year=2032)
        ),
        text="Aktiv indsats",
    )
    gone = InitiativeFactory(focus_area=FocusAreaFactory(plan=plan), text="Arkiveret indsats")
    _archived(plan)
    ClubFundRulesFactory(organization=org)
    club = ClubFactory(organization=org, unit=unit(org, "A1"), stewards=[shop_steward])
    offered = list(ClubMeetingForm(host=club).fields["initiatives"].queryset)
    assert kept in offered and gone not in offered
    # A meeting already linked to it keeps the link when it is edited.
    editing = ClubMeetingForm(host=club, initial={"initiatives": [gone]})
    assert gone in editing.fields["initiatives"].queryset


def test_the_plan_list_query_count_does_not_grow(login, shop_steward, org, django_assert_max_num_queries):
    client = login(shop_steward)
    url = reverse("strategy:plan_list", args=[org.slug])
    StrategyPlanFactory(organization=org)
    StrategyPlanFactory(organization=org, archived_at=timezone.now())
    with django_assert_max_num_queries(12) as small:
        client.get(url)
        client.get(url + "?archived=1")
    for n in range(10):
        StrategyPlanFactory(organization=org, start_year=2000 + n, end_year=2000 + n)
        StrategyPlanFactory(organization=org, archived_at=timezone.now())
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)
        client.get(url + "?archived=1")


def test_the_admin_lists_plans_with_their_archive_state(admin_client, plan):
    _archived(plan)
    url = reverse("admin:strategy_strategyplan_changelist")
    assert plan.title in admin_client.get(url + "?archived_at__isnull=False").content.decode()
    assert plan.title not in admin_client.get(url + "?archived_at__isnull=True").content.decode()
