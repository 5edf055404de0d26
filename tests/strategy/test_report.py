from datetime import date
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from apps.strategy.report import build_section
from tests.factories import GoalFactory, InitiativeFactory, InitiativeUpdateFactory

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
