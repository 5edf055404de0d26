from datetime import date
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from apps.strategy.report import build_section
from tests.factories import FocusAreaFactory, GoalFactory, InitiativeFactory, InitiativeUpdateFactory

pytestmark = pytest.mark.django_db


def _render(section, org, year):
    return render_to_string(section.template, {"section": section, "organization": org, "year": year})


def test_without_a_plan_for_the_year_the_report_says_so(org, plan):
    section = build_section(org, 2031)
    assert section.key == "strategy" and section.has_data is False
    assert "2031" in str(section.empty_message)
    assert "No strategy plan covers 2031." in _render(section, org, 2031)


def test_section_has_areas_status_counts_indicators_and_the_years_updates(org, plan, area):
    InitiativeFactory(focus_area=area, status="done", progress=100)
    ongoing = InitiativeFactory(focus_area=area, status="in_progress", progress=40)
    GoalFactory(
        focus_area=area, text="Ti prosent økning av lærlingemedlemmer", indicator_unit="%",
        indicator_baseline=Decimal(0), indicator_target=Decimal(10), indicator_current=Decimal(4),
    )  # fmt: skip
    InitiativeUpdateFactory(initiative=ongoing, date=date(2026, 4, 1), text="Kurset er holdt i april.")
    InitiativeUpdateFactory(initiative=ongoing, date=date(2025, 4, 1), text="Sidste års note.")
    section = build_section(org, 2026)
    assert section.has_data and section.template == "strategy/report_section.html"
    [entry] = section.data["plans"]
    [summary] = entry["areas"]
    assert summary["average_progress"] == 70 and summary["total"] == 2
    assert dict(summary["status_counts"])["Done"] == 1
    assert summary["goals"][0]["percent"] == 40
    assert [u.text for u in summary["updates"]] == ["Kurset er holdt i april."]
    html = _render(section, org, 2026)
    assert "<svg" in html and 'fill="url(#strategy-hatch)"' in html and "70 %" in html
    assert "Kurset er holdt i april." in html and "Sidste års note." not in html
    assert "style=" not in html and "<script" not in html


def test_building_the_section_takes_the_same_queries_for_many_initiatives_and_updates(
    org, plan, django_assert_max_num_queries
):
    def grow(n):
        for _ in range(n):
            area = FocusAreaFactory(plan=plan)
            GoalFactory(focus_area=area, indicator_baseline=Decimal(0), indicator_target=Decimal(10))
            for _ in range(3):
                initiative = InitiativeFactory(focus_area=area, status="in_progress", progress=20)
                InitiativeUpdateFactory(
                    initiative=initiative, date=date(2026, 3, 1), status_after="in_progress"
                )
                InitiativeUpdateFactory(
                    initiative=initiative, date=date(2027, 1, 5), status_before="in_progress"
                )

    grow(1)
    with django_assert_max_num_queries(20) as small:
        build_section(org, 2026)
    grow(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        section = build_section(org, 2026)
    assert sum(len(a["narratives"]) for a in section.data["plans"][0]["areas"]) == 27
