from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError

from apps.strategy import services
from apps.strategy.models import Goal, Initiative
from apps.strategy.selectors import cascade_rollup, history_entries
from tests.conftest import unit
from tests.factories import FocusAreaFactory, GoalFactory, InitiativeFactory

pytestmark = pytest.mark.django_db


def test_second_writer_with_an_old_version_is_refused_and_nothing_is_overwritten(initiative):
    loaded = initiative.version
    services.initiative_edit(initiative=initiative, expected_version=loaded, data={"text": "Første skriver"})
    with pytest.raises(services.StaleEditError) as caught:
        services.initiative_edit(
            initiative=initiative, expected_version=loaded, data={"text": "Anden skriver"}
        )
    initiative.refresh_from_db()
    assert initiative.text == "Første skriver"
    assert caught.value.current.text == "Første skriver"
    assert initiative.version == loaded + 1


def test_goal_edits_are_versioned_too(goal):
    services.goal_update(goal=goal, expected_version=goal.version, data={"text": "Nyt mål"})
    with pytest.raises(services.StaleEditError):
        services.goal_update(goal=goal, expected_version=1, data={"text": "Gammelt mål"})
    goal.refresh_from_db()
    assert goal.text == "Nyt mål"


def test_history_shows_which_field_changed_from_what_to_what(initiative):
    services.initiative_edit(
        initiative=initiative,
        expected_version=initiative.version,
        data={"status": Initiative.Status.IN_PROGRESS, "progress": 40},
    )
    entries = history_entries(initiative)
    changes = {label: (before, after) for label, before, after in entries[0].changes}
    assert changes["status"] == ("Planned", "In progress")
    assert changes["progress (%)"] == ("0", "40")
    assert entries[-1].kind == "+"


def test_update_post_records_the_status_change_and_applies_it(initiative, board_member):
    update = services.initiative_update_post(
        initiative=initiative,
        expected_version=initiative.version,
        author=board_member,
        text="Netværket er i gang.",
        on=date(2026, 3, 1),
        status=Initiative.Status.IN_PROGRESS,
        progress=30,
    )
    initiative.refresh_from_db()
    assert (initiative.status, initiative.progress) == ("in_progress", 30)
    assert (update.status_before, update.status_after, update.changed_status) == (
        "planned",
        "in_progress",
        True,
    )


def test_move_swaps_neighbours_and_stops_at_the_ends(area):
    first, second, third = (GoalFactory(focus_area=area, position=p) for p in (5, 5, 9))
    services.goal_move(goal=third, direction="up")
    assert list(area.goals.order_by("position").values_list("pk", flat=True)) == [
        first.pk,
        third.pk,
        second.pk,
    ]
    services.goal_move(goal=first, direction="up")
    assert list(area.goals.order_by("position").values_list("pk", flat=True)) == [
        first.pk,
        third.pk,
        second.pk,
    ]


def test_database_refuses_progress_over_100_and_due_before_start(area):
    with pytest.raises(IntegrityError):
        InitiativeFactory(focus_area=area, start_date=date(2026, 5, 1), due_date=date(2026, 4, 1))


def test_database_refuses_target_equal_to_baseline(area):
    with pytest.raises(IntegrityError):
        GoalFactory(focus_area=area, indicator_baseline=Decimal(5), indicator_target=Decimal(5))


def test_cascade_rolls_up_per_level_and_unit(org, area):
    national = InitiativeFactory(focus_area=area, level="national")
    county = InitiativeFactory(
        focus_area=area, level="county", implements=national, progress=50, responsible_unit=unit(org, "A")
    )
    InitiativeFactory(
        focus_area=area, level="local_union", implements=county, progress=100, status="done",
        responsible_unit=unit(org, "A1"),
    )  # fmt: skip
    InitiativeFactory(
        focus_area=area,
        level="local_union",
        implements=national,
        progress=0,
        responsible_unit=unit(org, "A1"),
    )
    rollup = cascade_rollup(national)
    assert len(rollup["linked"]) == 3
    by_level = {row["label"]: row for row in rollup["by_level"]}
    assert by_level["Local union"] == {"label": "Local union", "count": 2, "done": 1, "average_progress": 50}
    by_unit = {row["label"]: row["count"] for row in rollup["by_unit"]}
    assert by_unit == {"Area A": 1, "Department A1": 2}


def test_copy_carries_over_what_was_chosen(plan, area, goal):
    goal.indicator_unit, goal.indicator_baseline, goal.indicator_target = "%", Decimal(0), Decimal(10)
    goal.indicator_current = Decimal(4)
    goal.save()
    national = InitiativeFactory(
        focus_area=area, goal=goal, level="national", status="in_progress", progress=60, weight=3
    )
    InitiativeFactory(focus_area=area, level="county", implements=national, status="planned")
    InitiativeFactory(focus_area=area, text="Færdig", status="done", progress=100)
    new = services.plan_copy(source=plan, title="Strategi 2029-2030", start_year=2029, end_year=2030)
    new_goal = Goal.objects.get(focus_area__plan=new)
    assert (new_goal.indicator_baseline, new_goal.indicator_target, new_goal.indicator_current) == (
        4,
        10,
        None,
    )
    copies = Initiative.objects.filter(focus_area__plan=new)
    assert copies.count() == 2
    assert not copies.filter(text="Færdig").exists()
    county = copies.get(level="county")
    assert county.implements.focus_area.plan == new
    assert copies.get(level="national").weight == 3  # the weights the board set carry over
    assert set(copies.values_list("status", flat=True)) == {"planned"}

    bare = services.plan_copy(
        source=plan,
        title="Kun områder",
        start_year=2031,
        end_year=2032,
        carry_goals=False,
        carry_initiatives=False,
    )
    assert bare.focus_areas.count() == 1
    assert not Goal.objects.filter(focus_area__plan=bare).exists()
    assert not Initiative.objects.filter(focus_area__plan=bare).exists()


def test_copy_without_new_baselines_keeps_the_old_ones(plan, goal):
    goal.indicator_baseline, goal.indicator_target, goal.indicator_current = (
        Decimal(1),
        Decimal(3),
        Decimal(2),
    )
    goal.save()
    new = services.plan_copy(
        source=plan, title="x", start_year=2029, end_year=2030, carry_indicator_baselines=False
    )
    copied = Goal.objects.get(focus_area__plan=new)
    assert (copied.indicator_baseline, copied.indicator_current) == (1, 2)


def test_focus_area_move_keeps_other_plans_alone(plan):
    a, b = FocusAreaFactory(plan=plan, position=1), FocusAreaFactory(plan=plan, position=2)
    other = FocusAreaFactory(position=1)
    services.focus_area_move(focus_area=b, direction="up")
    assert list(plan.focus_areas.order_by("position").values_list("pk", flat=True)) == [b.pk, a.pk]
    other.refresh_from_db()
    assert other.position == 1


def test_the_plan_page_and_the_annual_report_count_progress_as_the_member_page_does(plan, area):
    """Each initiative by its weight, dropped ones not at all: one figure wherever the plan is shown."""
    from apps.strategy.report import build_section
    from apps.strategy.selectors import plan_overview, weighted_progress

    made = [
        InitiativeFactory(focus_area=area, status="done", progress=100, weight=3),
        InitiativeFactory(focus_area=area, status="in_progress", progress=20, weight=1),
        InitiativeFactory(focus_area=area, status="dropped", progress=0, weight=5),
    ]
    assert weighted_progress(made) == 80  # (3 * 100 + 1 * 20) / 4
    assert plan_overview(plan)["areas"][0].average_progress == 80
    section = build_section(plan.organization, plan.start_year)
    assert [a["average_progress"] for p in section.data["plans"] for a in p["areas"]] == [80]


def _post(initiative, author, on, **state):
    initiative.refresh_from_db()
    return services.initiative_update_post(
        initiative=initiative, expected_version=initiative.version, author=author, text="Nyt.", on=on, **state
    )


def test_an_update_dated_after_today_or_before_the_plan_is_refused(initiative, board_member):
    """A new user's finding: updates dated 01.01.2030 and 01.01.1990 were accepted."""
    from datetime import timedelta

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError, match="cannot be after today"):
        _post(initiative, board_member, tomorrow, progress=40)
    first_year = initiative.focus_area.plan.start_year
    with pytest.raises(ValidationError, match="before the plan's first year"):
        _post(initiative, board_member, date(first_year - 1, 12, 31), progress=40)
    assert not initiative.updates.exists()


def test_the_latest_dated_update_sets_the_progress(initiative, board_member):
    """An update dated before one that set the progress cannot overwrite it (the latest-entered won:
    the initiative showed 50 % from an update of 1990 under one of 2030 at 40 %)."""
    from django.core.exceptions import ValidationError

    first_year = initiative.focus_area.plan.start_year
    _post(initiative, board_member, date(first_year, 6, 1), progress=40)
    with pytest.raises(ValidationError, match="A later update") as refused:
        _post(initiative, board_member, date(first_year, 3, 1), progress=50)
    assert "01.06." in str(refused.value)
    _post(initiative, board_member, date(first_year, 3, 1))  # a note alone may be dated back
    initiative.refresh_from_db()
    assert initiative.progress == 40 and initiative.updates.count() == 2
    _post(initiative, board_member, date(first_year, 6, 1), progress=50)  # the same day: the newest fact
    initiative.refresh_from_db()
    assert initiative.progress == 50
