"""A strategy plan as CSV: export, and an all-or-nothing import into an empty plan.

The export is UTF-8 with a byte-order mark, as spreadsheets read it: semicolon-separated with decimal
commas in Danish and Norwegian, comma-separated in English (``apps.core.exports``), or .xlsx. Its header
row names the columns in the user's language. The import takes either separator and headers in Danish,
Norwegian, English or the column keys below. One header row, then one row per item in plan order:
a focus area row, its goals, its initiatives, then the next focus area. The plan's own title, period
and introduction are not in the file: they belong to the plan the rows are imported into.

Columns (keys; all present in every row; empty where they do not apply):

=====================  =====================================================================
kind                   ``focus_area``, ``goal`` or ``initiative``
ref                    the row's reference, unique in the file (export writes F1, G1, I1 ...)
focus_area_ref         goal and initiative rows: ``ref`` of their focus area row
goal_ref               initiative rows, optional: ``ref`` of the goal it serves
implements_ref         initiative rows, optional: ``ref`` of the (national) initiative it carries out
title                  focus area rows: the title (required)
focus                  focus area rows: the one-line focus
narrative              focus area rows: the narrative
text                   goal and initiative rows: the text (required)
level                  initiative rows: national, county, local_union, club or none (empty = none)
status                 initiative rows: planned, in_progress, done, paused or dropped (empty = planned)
progress               initiative rows: whole number 0-100 (empty = 0)
weight                 initiative rows: whole number 1-100, its weight in the progress roll-up (empty = 1)
start                  initiative rows: start date, YYYY-MM-DD
due                    initiative rows: due date, YYYY-MM-DD, not before ``start``
responsible_unit_code  initiative rows: code of a unit of the plan's organisation
responsible_email      initiative rows: email of a member of the plan's organisation
indicator_unit         goal rows: unit of the indicator, e.g. %
indicator_baseline     goal rows: number (decimal point or comma)
indicator_target       goal rows: number, different from the baseline
indicator_current      goal rows: number
indicator_target_date  goal rows: YYYY-MM-DD
=====================  =====================================================================

Importing checks every row first; with any error nothing is saved and every problem is reported
with its row number (the header is row 1, the first item row 2).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from apps.core.dates import absurd_year_message, is_absurd_year
from apps.core.exports import (
    TableFileError,
    cell_text,
    csv_text,
    decode_text,
    parse_day,
    sniff_delimiter,
    unescape_cell,
)
from apps.organizations.models import Membership

from .models import FocusArea, Goal, Initiative, StrategyPlan
from .selectors import progress_cache_invalidate

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

COLUMNS = [
    "kind",
    "ref",
    "focus_area_ref",
    "goal_ref",
    "implements_ref",
    "title",
    "focus",
    "narrative",
    "text",
    "level",
    "status",
    "progress",
    "weight",
    "start",
    "due",
    "responsible_unit_code",
    "responsible_email",
    "indicator_unit",
    "indicator_baseline",
    "indicator_target",
    "indicator_current",
    "indicator_target_date",
]
COLUMN_LABELS = {
    "kind": gettext_lazy("Kind"),
    "ref": gettext_lazy("Reference"),
    "focus_area_ref": gettext_lazy("Focus area reference"),
    "goal_ref": gettext_lazy("Goal reference"),
    "implements_ref": gettext_lazy("Implements reference"),
    "title": gettext_lazy("Title"),
    "focus": gettext_lazy("Focus"),
    "narrative": gettext_lazy("Narrative"),
    "text": gettext_lazy("Text"),
    "level": gettext_lazy("Level"),
    "status": gettext_lazy("Status"),
    "progress": gettext_lazy("Progress (%)"),
    "weight": gettext_lazy("Weight"),
    "start": gettext_lazy("Start"),
    "due": gettext_lazy("Due"),
    "responsible_unit_code": gettext_lazy("Responsible unit code"),
    "responsible_email": gettext_lazy("Responsible email"),
    "indicator_unit": gettext_lazy("Indicator unit"),
    "indicator_baseline": gettext_lazy("Indicator baseline"),
    "indicator_target": gettext_lazy("Indicator target"),
    "indicator_current": gettext_lazy("Indicator current value"),
    "indicator_target_date": gettext_lazy("Indicator target date"),
}
KINDS = ("focus_area", "goal", "initiative")


def _header_keys() -> dict[str, str]:
    """Every accepted header (the keys and their labels in each interface language) to its key."""
    keys = {key: key for key in COLUMNS}
    for language in ("da", "nb", "en"):
        with translation.override(language):
            keys.update({str(label).casefold(): key for key, label in COLUMN_LABELS.items()})
    return keys


def column_labels() -> list[str]:
    return [str(COLUMN_LABELS[key]) for key in COLUMNS]


def _num(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.normalize()


def _day(value: date | None) -> date | None:
    return value


def plan_rows(plan: StrategyPlan) -> list[list[object]]:
    """The plan's rows in COLUMNS order, for ``apps.core.exports.table_response``."""
    areas = list(plan.focus_areas.order_by("position", "pk"))
    goals = list(Goal.objects.filter(focus_area__plan=plan).order_by("position", "pk"))
    initiatives = list(
        Initiative.objects.filter(focus_area__plan=plan)
        .select_related("responsible_unit", "responsible_person")
        .order_by("position", "pk")
    )
    area_ref = {a.pk: f"F{n}" for n, a in enumerate(areas, start=1)}
    goal_ref: dict[int | None, str] = {g.pk: f"G{n}" for n, g in enumerate(goals, start=1)}
    initiative_ref: dict[int | None, str] = {i.pk: f"I{n}" for n, i in enumerate(initiatives, start=1)}
    rows: list[list[object]] = []

    def add(values: dict[str, object]) -> None:
        rows.append([values.get(key) for key in COLUMNS])

    for area in areas:
        add(
            {
                "kind": "focus_area",
                "ref": area_ref[area.pk],
                "title": area.title,
                "focus": area.focus,
                "narrative": area.narrative,
            }
        )
        for g in (g for g in goals if g.focus_area_id == area.pk):
            add(
                {
                    "kind": "goal",
                    "ref": goal_ref[g.pk],
                    "focus_area_ref": area_ref[area.pk],
                    "text": g.text,
                    "indicator_unit": g.indicator_unit,
                    "indicator_baseline": _num(g.indicator_baseline),
                    "indicator_target": _num(g.indicator_target),
                    "indicator_current": _num(g.indicator_current),
                    "indicator_target_date": _day(g.indicator_target_date),
                }
            )
        for i in (i for i in initiatives if i.focus_area_id == area.pk):
            add(
                {
                    "kind": "initiative",
                    "ref": initiative_ref[i.pk],
                    "focus_area_ref": area_ref[area.pk],
                    "goal_ref": goal_ref.get(i.goal_id, ""),
                    "implements_ref": initiative_ref.get(i.implements_id, ""),
                    "text": i.text,
                    "level": i.level,
                    "status": i.status,
                    "progress": i.progress,
                    "weight": i.weight,
                    "start": _day(i.start_date),
                    "due": _day(i.due_date),
                    "responsible_unit_code": i.responsible_unit.code if i.responsible_unit else "",
                    "responsible_email": i.responsible_person.email if i.responsible_person else "",
                }
            )
    return rows


def export_plan(plan: StrategyPlan) -> str:
    """The plan as CSV text in the active language (headers, separator, decimal mark)."""
    return csv_text(column_labels(), plan_rows(plan))


class PlanImportError(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class _Row:
    number: int
    kind: str
    ref: str
    values: dict[str, Any] = field(default_factory=dict)
    focus_area_ref: str = ""
    goal_ref: str = ""
    implements_ref: str = ""


class _Cells:
    """One CSV row's values and the checks that report problems with the row number."""

    def __init__(self, number: int, values: dict[str, str], errors: list[str]) -> None:
        self.number, self.values, self.errors = number, values, errors

    def fail(self, message: StrOrPromise) -> None:
        self.errors.append(_("Row %(row)d: %(problem)s") % {"row": self.number, "problem": message})

    def decimal(self, column: str) -> Decimal | None:
        value = self.values.get(column, "")
        if not value:
            return None
        try:
            return Decimal(value.replace(",", "."))
        except InvalidOperation:
            self.fail(_("%(column)s is not a number: “%(value)s”.") % {"column": column, "value": value})
            return None

    def day(self, column: str) -> date | None:
        value = self.values.get(column, "")
        if not value:
            return None
        try:
            day = parse_day(value)
        except ValueError:
            self.fail(
                _("%(column)s is not a date (DD-MM-YYYY or YYYY-MM-DD): “%(value)s”.")
                % {"column": column, "value": value}
            )
            return None
        if is_absurd_year(day.year):
            self.fail(f"{column}: {absurd_year_message()}")
            return None
        return day


def _text_records(text: str) -> list[list[str]]:
    text = text.lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)))


def read_plan_file(data: bytes, filename: str) -> list[list[str]]:
    """The rows of an uploaded plan file: CSV as any spreadsheet saves it, or an .xlsx workbook."""
    if filename.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise PlanImportError([_("The file cannot be read as an Excel workbook (.xlsx).")]) from exc
        try:
            return [[cell_text(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    try:
        return _text_records(decode_text(data))
    except TableFileError as exc:
        raise PlanImportError([str(exc)]) from exc
    except csv.Error as exc:
        raise PlanImportError([_("The file cannot be read as CSV: %(error)s") % {"error": exc}]) from exc


def _parse_rows(records: list[list[str]], plan: StrategyPlan) -> list[_Row]:
    reader = iter(records)
    accepted = _header_keys()
    header = [accepted.get(name.strip().casefold(), name.strip()) for name in next(reader, [])]
    missing = [c for c in ("kind", "ref") if c not in header]
    if missing:
        raise PlanImportError([_("The file has no column %(columns)s.") % {"columns": ", ".join(missing)}])
    units = {u.code: u for u in plan.organization.units.all()}
    members = {
        m.user.email.lower(): m.user
        for m in Membership.objects.filter(organization=plan.organization).select_related("user")
    }
    errors: list[str] = []
    rows: list[_Row] = []
    refs: dict[str, str] = {}

    for number, raw in enumerate(reader, start=2):
        if not any(value.strip() for value in raw):
            continue
        values = {key: unescape_cell((value or "").strip()) for key, value in zip(header, raw, strict=False)}
        cells = _Cells(number, values, errors)
        cell, fail, number_or_none, date_or_none = cells.values, cells.fail, cells.decimal, cells.day
        kind, ref = cell.get("kind", ""), cell.get("ref", "")
        if kind not in KINDS:
            fail(_("unknown kind “%(value)s” (use focus_area, goal or initiative).") % {"value": kind})
            continue
        if not ref:
            fail(_("the ref is empty."))
            continue
        if ref in refs:
            fail(_("the ref “%(ref)s” is used twice.") % {"ref": ref})
            continue
        refs[ref] = kind
        row = _Row(number=number, kind=kind, ref=ref)
        if kind == "focus_area":
            if not cell.get("title"):
                fail(_("a focus area needs a title."))
            row.values = {"title": cell.get("title", ""), "focus": cell.get("focus", ""),
                          "narrative": cell.get("narrative", "")}  # fmt: skip
        else:
            row.focus_area_ref = cell.get("focus_area_ref", "")
            if refs.get(row.focus_area_ref) != "focus_area":
                fail(
                    _("focus_area_ref “%(ref)s” is not a focus area row above.") % {"ref": row.focus_area_ref}
                )
            if not cell.get("text"):
                fail(_("the text is empty."))
        if kind == "goal":
            baseline, target = number_or_none("indicator_baseline"), number_or_none("indicator_target")
            if baseline is not None and target is not None and baseline == target:
                fail(_("the indicator target must differ from its baseline."))
            row.values = {
                "text": cell.get("text", ""),
                "indicator_unit": cell.get("indicator_unit", ""),
                "indicator_baseline": baseline,
                "indicator_target": target,
                "indicator_current": number_or_none("indicator_current"),
                "indicator_target_date": date_or_none("indicator_target_date"),
            }
            for problem in dict.fromkeys(Goal(**row.values).indicator_errors(plan).values()):
                fail(problem)
        if kind == "initiative":
            level = cell.get("level") or Initiative.Level.NONE
            if level not in Initiative.Level.values:
                fail(_("unknown level “%(value)s”.") % {"value": level})
            status = cell.get("status") or Initiative.Status.PLANNED
            if status not in Initiative.Status.values:
                fail(_("unknown status “%(value)s”.") % {"value": status})
            progress = 0
            if cell.get("progress"):
                try:
                    progress = int(cell["progress"])
                except ValueError:
                    progress = -1
                if not 0 <= progress <= 100:
                    fail(
                        _("progress must be a whole number from 0 to 100, not “%(value)s”.")
                        % {"value": cell["progress"]}
                    )
            weight = 1
            if cell.get("weight"):
                try:
                    weight = int(cell["weight"])
                except ValueError:
                    weight = 0
                if not 1 <= weight <= 100:
                    fail(
                        _("weight must be a whole number from 1 to 100, not “%(value)s”.")
                        % {"value": cell["weight"]}
                    )
            start, due = date_or_none("start"), date_or_none("due")
            if start and due and due < start:
                fail(_("the due date is before the start date."))
            unit_code, email = (
                cell.get("responsible_unit_code", ""),
                cell.get("responsible_email", "").lower(),
            )
            if unit_code and unit_code not in units:
                fail(_("no unit with the code “%(code)s” in this organisation.") % {"code": unit_code})
            if email and email not in members:
                fail(_("no member with the email “%(email)s” in this organisation.") % {"email": email})
            row.goal_ref, row.implements_ref = cell.get("goal_ref", ""), cell.get("implements_ref", "")
            if row.goal_ref and refs.get(row.goal_ref) != "goal":
                fail(_("goal_ref “%(ref)s” is not a goal row above.") % {"ref": row.goal_ref})
            row.values = {
                "text": cell.get("text", ""),
                "level": level,
                "status": status,
                "progress": progress,
                "weight": weight,
                "start_date": start,
                "due_date": due,
                "responsible_unit": units.get(unit_code),
                "responsible_person": members.get(email),
            }
        rows.append(row)
    for row in rows:
        if row.implements_ref and refs.get(row.implements_ref) != "initiative":
            errors.append(
                _("Row %(row)d: %(problem)s")
                % {
                    "row": row.number,
                    "problem": _("implements_ref “%(ref)s” is not an initiative row.")
                    % {"ref": row.implements_ref},
                }
            )
    if not rows and not errors:
        errors.append(_("The file has no rows."))
    if errors:
        raise PlanImportError(errors)
    return rows


@transaction.atomic
def plan_import(*, plan: StrategyPlan, text: str = "", records: list[list[str]] | None = None) -> int:
    """Fills an empty plan from CSV text or from a file's rows (``read_plan_file``); returns the number of
    rows imported."""
    if plan.focus_areas.exists():
        raise PlanImportError([_("The plan already has content. Import into a new, empty plan.")])
    rows = _parse_rows(_text_records(text) if records is None else records, plan)
    area_rows = [r for r in rows if r.kind == "focus_area"]
    areas = FocusArea.objects.bulk_create(
        [FocusArea(plan=plan, position=n, **r.values) for n, r in enumerate(area_rows, start=1)]
    )
    area_by_ref = {r.ref: a for r, a in zip(area_rows, areas, strict=True)}
    goal_rows = [r for r in rows if r.kind == "goal"]
    goals = bulk_create_with_history(
        [
            Goal(focus_area=area_by_ref[r.focus_area_ref], position=n, **r.values)
            for n, r in enumerate(goal_rows, start=1)
        ],
        Goal,
    )
    goal_by_ref = {r.ref: g for r, g in zip(goal_rows, goals, strict=True)}
    initiative_rows = [r for r in rows if r.kind == "initiative"]
    initiatives = bulk_create_with_history(
        [
            Initiative(
                focus_area=area_by_ref[r.focus_area_ref],
                goal=goal_by_ref.get(r.goal_ref),
                position=n,
                **r.values,
            )
            for n, r in enumerate(initiative_rows, start=1)
        ],
        Initiative,
    )
    initiative_by_ref = {r.ref: i for r, i in zip(initiative_rows, initiatives, strict=True)}
    linked = []
    for r, i in zip(initiative_rows, initiatives, strict=True):
        if r.implements_ref:
            i.implements = initiative_by_ref[r.implements_ref]
            linked.append(i)
    Initiative.objects.bulk_update(linked, ["implements"])
    progress_cache_invalidate(plan.pk)  # bulk writes send no signals
    return len(rows)
