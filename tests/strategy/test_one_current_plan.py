"""One current plan per organisation and period (issue 19.5): the form says which plan is in the way,
the database refuses what slips past the form, archiving frees the period, and copying a plan
starts the next period with its structure but none of its progress."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from apps.strategy import services
from apps.strategy.models import FocusArea, Goal, Initiative, InitiativeUpdate, StrategyPlan
from tests.factories import (
    FocusAreaFactory,
    GoalFactory,
    InitiativeFactory,
    InitiativeUpdateFactory,
    StrategyPlanFactory,
)
from tests.helpers import organization_slug_of

pytestmark = pytest.mark.django_db


def test_a_second_plan_for_the_same_years_is_refused_with_the_other_plans_name(
    login, board_member, org, plan
):
    client = login(board_member)
    url = reverse("strategy:plan_list", args=[org.slug])
    response = client.post(url, {"title": "Dobbeltplan", "start_year": 2027, "end_year": 2030})
    assert response.status_code == 422
    page = response.content.decode()
    assert "already has a current plan for these years" in page and "Strategi 2025-2028" in page
    assert not StrategyPlan.objects.filter(title="Dobbeltplan").exists()
    # The next period, right after it, is fine.
    response = client.post(url, {"title": "Næste plan", "start_year": 2029, "end_year": 2032})
    assert response.status_code == 302
    assert StrategyPlan.objects.filter(title="Næste plan", organization=org).exists()


def test_editing_a_plans_years_into_another_plans_period_is_refused(login, board_member, org, plan):
    later = StrategyPlanFactory(organization=org, title="Senere plan", start_year=2029, end_year=2030)
    response = login(board_member).post(
        reverse("strategy:plan_edit", args=[organization_slug_of(later), later.pk]),
        {"title": "Senere plan", "start_year": 2028, "end_year": 2030, "introduction": ""},
    )
    assert response.status_code == 422
    assert "Strategi 2025-2028" in response.content.decode()
    later.refresh_from_db()
    assert (later.start_year, later.end_year) == (2029, 2030)


def test_archived_plans_and_other_organisations_do_not_block_a_period(org, other_org, plan):
    StrategyPlanFactory(organization=other_org, start_year=2025, end_year=2028)
    services.plan_archive(plan=plan)
    new = services.plan_create(organization=org, title="Ny", start_year=2026, end_year=2027)
    assert new.pk


def test_the_service_refuses_an_overlap_too(org, plan):
    with pytest.raises(ValidationError) as refused:
        services.plan_create(organization=org, title="Ny", start_year=2028, end_year=2028)
    assert "Strategi 2025-2028" in refused.value.message_dict["start_year"][0]


def test_the_database_refuses_two_current_plans_for_one_period(org, plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        StrategyPlan.objects.create(organization=org, title="Uden om", start_year=2028, end_year=2031)
    archived = StrategyPlan.objects.create(
        organization=org, title="Arkiveret", start_year=2028, end_year=2031, archived_at=timezone.now()
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        StrategyPlan.objects.filter(pk=archived.pk).update(archived_at=None)


def test_unarchiving_into_a_taken_period_is_refused_and_says_why(login, board_member, org, plan):
    services.plan_archive(plan=plan)
    StrategyPlanFactory(organization=org, title="Afløseren", start_year=2027, end_year=2030)
    client = login(board_member)
    response = client.post(
        reverse("strategy:plan_unarchive", args=[organization_slug_of(plan), plan.pk]), follow=True
    )
    assert "cannot be unarchived" in response.content.decode() and "Afløseren" in response.content.decode()
    plan.refresh_from_db()
    assert plan.archived


def test_copy_from_the_plan_page_starts_the_next_period_with_structure_but_no_progress(
    login, board_member, org, plan
):
    area = FocusAreaFactory(plan=plan, title="Medlemsnærhed", focus="Tæt på medlemmerne", position=1)
    goal = GoalFactory(
        focus_area=area,
        text="Flere medlemmer",
        indicator_unit="medlemmer",
        indicator_baseline=Decimal(100),
        indicator_target=Decimal(150),
        indicator_current=Decimal(120),
    )
    running = InitiativeFactory(
        focus_area=area,
        goal=goal,
        text="Klubmøder på alle arbejdspladser",
        status="in_progress",
        progress=60,
        start_date=date(2025, 2, 1),
        due_date=date(2026, 6, 30),
    )
    InitiativeUpdateFactory(initiative=running, text="Halvvejs.", progress=60)
    InitiativeFactory(focus_area=area, text="Afsluttet kampagne", status="done", progress=100)
    client = login(board_member)

    page = client.get(
        reverse("strategy:plan_detail", args=[organization_slug_of(plan), plan.pk])
    ).content.decode()
    copy_url = reverse("strategy:plan_copy", args=[organization_slug_of(plan), plan.pk])
    assert f'href="{copy_url}"' in page
    form = client.get(copy_url).content.decode()
    assert 'value="2029"' in form and 'value="2032"' in form  # the next period, as long as this one

    response = client.post(copy_url, {"title": "Strategi 2029-2032", "start_year": 2029, "end_year": 2032,
                                      "carry_goals": "on", "carry_indicator_baselines": "on",
                                      "carry_initiatives": "on", "carry_links": "on"})  # fmt: skip
    new = StrategyPlan.objects.get(title="Strategi 2029-2032")
    assert response["Location"] == reverse("strategy:plan_detail", args=[organization_slug_of(new), new.pk])
    new_area = FocusArea.objects.get(plan=new)
    assert (new_area.title, new_area.focus) == ("Medlemsnærhed", "Tæt på medlemmerne")
    new_goal = Goal.objects.get(focus_area=new_area)
    assert (new_goal.text, new_goal.indicator_unit, new_goal.indicator_target) == (
        "Flere medlemmer",
        "medlemmer",
        Decimal(150),
    )
    copied = Initiative.objects.get(focus_area=new_area)
    assert copied.text == "Klubmøder på alle arbejdspladser" and copied.goal == new_goal
    assert (copied.status, copied.progress, copied.start_date, copied.due_date) == ("planned", 0, None, None)
    assert not InitiativeUpdate.objects.filter(initiative=copied).exists()
    # The old plan keeps its own history untouched.
    running.refresh_from_db()
    assert (running.status, running.progress, running.updates.count()) == ("in_progress", 60, 1)


def test_copy_into_the_plans_own_period_is_refused_on_the_form(login, board_member, plan):
    response = login(board_member).post(
        reverse("strategy:plan_copy", args=[organization_slug_of(plan), plan.pk]),
        {"title": "Kopi", "start_year": 2026, "end_year": 2029},
    )
    assert response.status_code == 422
    assert "already has a current plan for these years" in response.content.decode()
    assert not StrategyPlan.objects.filter(title="Kopi").exists()


def test_the_admin_says_why_a_plan_cannot_be_unarchived(admin_client, org, plan):
    services.plan_archive(plan=plan)
    StrategyPlanFactory(organization=org, title="Afløseren", start_year=2027, end_year=2030)
    plan.refresh_from_db()
    url = reverse("admin:strategy_strategyplan_change", args=[plan.pk])
    data = {
        "organization": org.pk,
        "title": plan.title,
        "start_year": 2025,
        "end_year": 2028,
        "introduction": "",
        "created_at_0": "2025-01-01",
        "created_at_1": "10:00:00",
        "archived_at_0": "",
        "archived_at_1": "",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Afløseren (2027-2030)" in response.content.decode()
    plan.refresh_from_db()
    assert plan.archived
