"""Reading and validating a payroll file into an ``ImportPlan``; nothing is written."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_noop

from apps.core import texts
from apps.core.exports import parse_day
from apps.organizations.models import Membership, Organization, OrgUnit

from ..health import HealthTerms, note_check
from ..models import AbsenceType, Employee, latest_first_day
from .files import COLUMN_LABELS, ImportFileError, RecordReader, Source
from .matching import match_rows
from .plan import AbsenceTable, ImportPlan

MAX_WEEKLY_HOURS = Decimal("80")


# --- value parsers (each returns the value or raises ValueError with the message) ---------------------


def _max_length(model: type[models.Model], name: str) -> int:
    field = model._meta.get_field(name)
    assert isinstance(field, models.CharField) and field.max_length is not None
    return field.max_length


def _parse_date(column: str, text: str, *, required: bool) -> date | None:
    if not text:
        if required:
            raise ValueError(texts.text(gettext_noop("%(column)s is missing"), column=_column(column)))
        return None
    try:
        return parse_day(text)
    except ValueError:
        raise ValueError(
            texts.text(
                gettext_noop(
                    "%(column)s '%(value)s' is not a valid date (DD-MM-YYYY, DD.MM.YYYY or YYYY-MM-DD)"
                ),
                column=_column(column),
                value=text,
            )
        ) from None


def _parse_decimal(column: str, text: str) -> Decimal:
    number = text.replace(".", "") if "," in text and "." in text else text  # 1.234,50 from Danish Excel
    try:
        value = Decimal(number.replace(",", "."))
    except InvalidOperation:
        raise ValueError(
            texts.text(
                gettext_noop("%(column)s '%(value)s' is not a number"), column=_column(column), value=text
            )
        ) from None
    if not value.is_finite():
        raise ValueError(
            texts.text(
                gettext_noop("%(column)s '%(value)s' is not a number"), column=_column(column), value=text
            )
        )
    return value


def _column(column: str) -> texts.Said | str:
    """A column's name in the reader's language, as the import templates head it."""
    return texts.label(COLUMN_LABELS[column])


def _required(row: dict[str, str], column: str) -> str:
    value = row.get(column, "")
    if not value:
        raise ValueError(texts.text(gettext_noop("%(column)s is missing"), column=_column(column)))
    return value


class _RowCollector:
    """Collects the errors of one row so that every problem of the row is reported, not just the first."""

    def __init__(self, plan: ImportPlan, line: int) -> None:
        self.plan, self.line, self.failed = plan, line, False

    def take(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ValueError as exc:
            reason = exc.args[0] if exc.args else ""
            self.error(reason if isinstance(reason, texts.Said) else str(exc))
            return None

    def error(self, message: str) -> None:
        self.failed = True
        self.plan.add_error(self.line, message)


def _check_width(collector: _RowCollector, row: dict[str, str], kind: str) -> None:
    width = row.pop("__width__", None)
    if width is not None:
        collector.error(
            texts.text(
                gettext_noop(
                    "has %(found)s values but the header has fewer columns "
                    "(a comma inside a value must be quoted)"
                ),
                found=width,
            )
        )


Progress = Callable[[int, int], None]
PROGRESS_EVERY = 1000  # rows between two progress reports


def _counted(plan: ImportPlan, reader: RecordReader, progress: Progress | None, every: int):
    """The reader's rows, counting them into ``plan.row_count`` and reporting (rows done, rows in all) to
    ``progress`` at the start, every ``every`` rows and at the end."""
    total = reader.estimate() if progress is not None else 0
    if progress is not None:
        progress(0, total)
    count = 0
    for count, record in enumerate(reader, start=1):  # noqa: B007 - the count is used after the loop
        yield record
        if progress is not None and count % every == 0 and count < total:
            progress(count, total)
    plan.row_count = count
    if progress is not None:
        progress(count, count)


def parse_import(
    organization: Organization,
    kind: str,
    data: Source,
    filename: str,
    *,
    progress: Progress | None = None,
    progress_every: int = PROGRESS_EVERY,
) -> ImportPlan:
    """Read and validate a whole file; nothing is written. ``data`` is the file's bytes, its path or an
    open binary file. ``progress(rows_done, rows_total)`` is called every ``progress_every`` rows while
    the rows are read (the web import shows it as a bar)."""
    reader = RecordReader(data, filename, kind)
    plan = ImportPlan(kind=kind, reader=reader)
    records = _counted(plan, reader, progress, max(progress_every, 1))
    validate = {"units": _validate_units, "employees": _validate_employees, "absences": _validate_absences}
    try:
        validate[kind](organization, records, plan)
    except ImportFileError as exc:
        plan.file_error, plan.rows, plan.table, plan.errors = texts.reason(exc), [], None, []
        return plan
    if not plan.row_count:
        plan.file_error, plan.rows, plan.table, plan.errors = (
            texts.text(gettext_noop("The file has a header row but no data rows.")),
            [],
            None,
            [],
        )
        return plan
    plan.finish_errors()
    return plan


# --- units -----------------------------------------------------------------------------------------


def _validate_units(organization: Organization, records, plan: ImportPlan) -> None:
    existing = {
        code: (pk, path, name)
        for pk, code, path, name in OrgUnit.objects.filter(organization=organization).values_list(
            "pk", "code", "path", "name"
        )
    }
    # The parent of every existing unit, by code, read from the materialised paths (one query).
    code_by_path = {path: code for code, (_pk, path, _name) in existing.items()}
    steplen = OrgUnit.steplen
    parent_of: dict[str, str] = {
        code: code_by_path.get(path[:-steplen], "") for code, (_pk, path, _name) in existing.items()
    }
    first_line: dict[str, int] = {}
    rows = []
    for line, row in records:
        c = _RowCollector(plan, line)
        _check_width(c, row, "units")
        code = c.take(_required, row, "code")
        name = c.take(_required, row, "name")
        parent_code = row.get("parent_code", "")
        if code and len(code) > _max_length(OrgUnit, "code"):
            c.error(texts.text(gettext_noop("unit code '%(value)s' is too long"), value=code))
        if name and len(name) > _max_length(OrgUnit, "name"):
            c.error(texts.text(gettext_noop("name is too long")))
        if code and code in first_line:
            c.error(
                texts.text(
                    gettext_noop("unit code '%(code)s' appears twice (also on line %(other)d)"),
                    code=code,
                    other=first_line[code],
                )
            )
        elif code:
            first_line[code] = line
        if code and parent_code == code:
            c.error(texts.text(gettext_noop("unit '%(code)s' cannot be its own parent"), code=code))
        rows.append(
            {"line": line, "code": code, "name": name, "parent_code": parent_code, "failed": c.failed}
        )
    file_codes = {r["code"] for r in rows if r["code"]}
    for r in rows:
        if r["parent_code"] and r["parent_code"] not in file_codes and r["parent_code"] not in existing:
            plan.add_error(
                r["line"],
                texts.text(gettext_noop("unknown parent unit code '%(code)s'"), code=r["parent_code"]),
            )
            r["failed"] = True
    # The tree after the import: existing parents, overridden by the file. A cycle there is an error.
    final_parent = dict(parent_of)
    for r in rows:
        if r["code"] and first_line.get(r["code"]) == r["line"]:
            final_parent[r["code"]] = r["parent_code"]
    depth, cycle = _depths(final_parent)
    for r in rows:
        if r["code"] in cycle and first_line.get(r["code"]) == r["line"]:
            plan.add_error(
                r["line"],
                texts.text(
                    gettext_noop(
                        "unit '%(code)s' is part of a cycle of parents (a unit cannot be below itself)"
                    ),
                    code=r["code"],
                ),
            )
            r["failed"] = True
    for r in rows:
        r["depth"] = depth.get(r["code"], 0)
        r["action"] = _unit_action(r, existing, parent_of)
    # Parents before children, whatever the order in the file.
    plan.rows = sorted(rows, key=lambda r: (r["depth"], r["line"]))


def _depths(parent_of: dict[str, str]) -> tuple[dict[str, int], set[str]]:
    """Depth of every unit in the tree given by child → parent codes, and the units on a cycle."""
    depth: dict[str, int] = {}
    cycle: set[str] = set()
    blocked: set[str] = set()  # on a cycle or below one: no depth
    for start in parent_of:
        chain: list[str] = []
        node = start
        while node and node not in depth and node not in blocked and node not in chain:
            chain.append(node)
            node = parent_of.get(node, "")
        if node in chain:
            cycle.update(chain[chain.index(node) :])
            blocked.update(chain)
            continue
        if node in blocked:
            blocked.update(chain)
            continue
        base = depth[node] if node else -1
        for member in reversed(chain):
            base += 1
            depth[member] = base
    return depth, cycle


def _unit_action(row, existing, parent_of) -> str:
    if row["code"] not in existing:
        return "create"
    _pk, _path, name = existing[row["code"]]
    if name == row["name"] and parent_of[row["code"]] == row["parent_code"]:
        return "unchanged"
    return "update"


# --- employees -------------------------------------------------------------------------------------


def _validate_employees(organization: Organization, records, plan: ImportPlan) -> None:
    units = dict(OrgUnit.objects.filter(organization=organization).values_list("code", "pk"))
    leaders = {
        email.lower(): user_id
        for email, user_id in Membership.objects.filter(organization=organization).values_list(
            "user__email", "user_id"
        )
    }
    existing: dict[str, Mapping[str, Any]] = {
        e["employee_number"]: e
        for e in Employee.objects.filter(organization=organization).values(
            "pk",
            "employee_number",
            "name",
            "unit_id",
            "leader_id",
            "weekly_hours",
            "employment_start",
            "employment_end",
        )
    }
    number_max = _max_length(Employee, "employee_number")
    name_max = _max_length(Employee, "name")
    first_line: dict[str, int] = {}
    for line, row in records:
        c = _RowCollector(plan, line)
        _check_width(c, row, "employees")
        number = c.take(_required, row, "employee_number")
        name = c.take(_required, row, "name")
        unit_code = c.take(_required, row, "unit_code")
        leader_email = row.get("leader_email", "").lower()
        hours_text = c.take(_required, row, "weekly_hours")
        start = c.take(_parse_date, "employment_start", row.get("employment_start", ""), required=True)
        end = c.take(_parse_date, "employment_end", row.get("employment_end", ""), required=False)
        if number and len(number) > number_max:
            c.error(texts.text(gettext_noop("employee number '%(value)s' is too long"), value=number))
        if name and len(name) > name_max:
            c.error(texts.text(gettext_noop("name is too long")))
        if number and number in first_line:
            c.error(
                texts.text(
                    gettext_noop("employee number '%(number)s' appears twice (also on line %(other)d)"),
                    number=number,
                    other=first_line[number],
                )
            )
        elif number:
            first_line[number] = line
        if unit_code and unit_code not in units:
            c.error(texts.text(gettext_noop("unknown unit code '%(code)s'"), code=unit_code))
        if leader_email and leader_email not in leaders:
            c.error(
                texts.text(
                    gettext_noop("leader's email '%(email)s' is not a user of this organisation"),
                    email=row["leader_email"],
                )
            )
        hours = None
        if hours_text:
            hours = c.take(_parse_decimal, "weekly_hours", hours_text)
            if hours is not None:
                hours = hours.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)  # as stored
            if hours is not None and not (0 < hours <= MAX_WEEKLY_HOURS):
                c.error(
                    texts.text(
                        gettext_noop("weekly hours %(value)s must be more than 0 and at most %(max)s"),
                        value=hours_text,
                        max=str(MAX_WEEKLY_HOURS),
                    )
                )
                hours = None
        if start and end and end < start:
            c.error(
                texts.text(
                    gettext_noop("the employment ends (%(end)s) before it starts (%(start)s)"),
                    end=texts.day(end),
                    start=texts.day(start),
                )
            )
        if c.failed:
            continue
        values = {
            "name": name,
            "unit_id": units[unit_code],
            "leader_id": leaders.get(leader_email),
            "weekly_hours": hours,
            "employment_start": start,
            "employment_end": end,
        }
        current = existing.get(number)
        if current is None:
            action = "create"
        elif all(current[k] == v for k, v in values.items()):
            action = "unchanged"
        else:
            action = "update"
        plan.rows.append(
            {
                "line": line,
                "employee_number": number,
                "unit_code": unit_code,
                "leader_email": leader_email,
                "action": action,
                "pk": current["pk"] if current else None,
                **values,
            }
        )


# --- absence registrations ------------------------------------------------------------------------


def _validate_absences(organization: Organization, records, plan: ImportPlan) -> None:
    employment: dict[str, tuple[int, date, date | None]] = {
        number: (pk, first, last)
        for number, pk, first, last in Employee.objects.filter(organization=organization).values_list(
            "employee_number", "pk", "employment_start", "employment_end"
        )
    }
    type_codes = list(AbsenceType.values)
    type_index = {code: index for index, code in enumerate(type_codes)}
    latest_start = latest_first_day()
    terms = HealthTerms.active()
    type_names = {}  # "Egen sygdom", "Own illness", "egen sykdom": the type's name in any interface language
    for language in ("en", "nb", "da"):
        with translation.override(language):
            type_names.update({str(label).casefold(): code for code, label in AbsenceType.choices})
    # "sick (Own illness)", ...: the codes with their names, said in the reader's language
    type_choices = texts.listed(
        [
            texts.text("%(code)s (%(name)s)", code=code, name=texts.label(name))
            for code, name in AbsenceType.choices
        ]
    )
    table = plan.table = AbsenceTable(type_codes)
    has_notes = False
    thousandth = Decimal("0.001")
    for line, row in records:
        has_notes = has_notes or "note" in row
        c = _RowCollector(plan, line)
        _check_width(c, row, "absences")
        number = c.take(_required, row, "employee_number")
        type_code = c.take(_required, row, "absence_type")
        if type_code and type_code not in type_index:
            type_code = type_names.get(type_code.casefold(), type_code)
        start = c.take(_parse_date, "start_date", row.get("start_date", ""), required=True)
        end = c.take(_parse_date, "end_date", row.get("end_date", ""), required=False)
        fraction_text = row.get("fraction", "")
        fraction = Decimal(1)
        if fraction_text:
            fraction = c.take(_parse_decimal, "fraction", fraction_text)
            if fraction is not None:
                # As stored (3 decimals): a re-import then compares equal (Excel writes 0.1 + 0.2 long).
                fraction = fraction.quantize(thousandth, rounding=ROUND_HALF_UP)
            if fraction is not None and not (0 < fraction <= 1):
                c.error(
                    texts.text(
                        gettext_noop(
                            "share absent %(value)s must be more than 0 and at most 1 "
                            "(1 = the whole working day)"
                        ),
                        value=fraction_text,
                    )
                )
        note = row.get("note") or ""
        if note:
            try:
                note = note_check(note, terms=terms)
            except ValidationError as exc:
                reasons = texts.joined(*(error.message for error in exc.error_list))
                c.error(texts.text(gettext_noop("note: %(reason)s"), reason=reasons))
        if number and number not in employment:
            # Also for another organisation's employee: the number is simply unknown here.
            c.error(texts.text(gettext_noop("unknown employee number '%(number)s'"), number=number))
        if type_code and type_code not in type_index:
            c.error(
                texts.text(
                    gettext_noop("unknown absence type '%(code)s' (use one of %(codes)s)"),
                    code=type_code,
                    codes=type_choices,
                )
            )
        if start and end and end < start:
            c.error(
                texts.text(
                    gettext_noop("the last day %(end)s is before the first day %(start)s"),
                    end=texts.day(end),
                    start=texts.day(start),
                )
            )
        elif start and start > latest_start:
            c.error(
                texts.text(
                    gettext_noop(
                        "the first day %(start)s is more than a year ahead (%(latest)s at the latest)"
                    ),
                    start=texts.day(start),
                    latest=texts.day(latest_start),
                )
            )
        elif start and number in employment:
            _pk, first, last = employment[number]
            if start < first:
                c.error(
                    texts.text(
                        gettext_noop(
                            "the first day %(start)s is before employee %(number)s was employed (%(first)s)"
                        ),
                        start=texts.day(start),
                        number=number,
                        first=texts.day(first),
                    )
                )
            elif last is not None and max(start, end or start) > last:  # an open end stops with it
                c.error(
                    texts.text(
                        gettext_noop(
                            "the absence runs past the end of employee %(number)s's employment (%(last)s)"
                        ),
                        number=number,
                        last=texts.day(last),
                    )
                )
        if c.failed:
            continue
        table.append(
            line, employment[number][0], type_index[type_code], start, end, int(fraction * 1000), note
        )
    plan.has_notes = has_notes
    if len(table):
        number_of = {pk: number for number, (pk, _first, _last) in employment.items()}
        match_rows(organization, table, plan, number_of)
