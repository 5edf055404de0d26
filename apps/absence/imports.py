"""Imports of payroll exports: units, employees and absence registrations (CSV or XLSX).

Every import runs in two steps: ``parse_import`` reads and validates the whole file and returns an
``ImportPlan`` (the cleaned rows plus every bad row with its line number and reason); ``apply_import``
writes a plan that has no errors, inside one transaction. A file with any bad row imports nothing.
Rows are matched to what already exists (a unit by code, an employee by employee number, a
registration by employee + type + start date), so importing the same file again changes nothing.

Lookups are done once per file (one query per table), never per row, so a payroll export of tens of
thousands of rows validates in seconds.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.exports import TableFileError, cell_text, decode_text, parse_day, sniff_delimiter
from apps.organizations.models import Membership, Organization, OrgUnit

KINDS = {
    "units": gettext_lazy("Units"),
    "employees": gettext_lazy("Employees"),
    "absences": gettext_lazy("Absence registrations"),
}

COLUMNS: dict[str, list[str]] = {
    "units": ["code", "name", "parent_code"],
    "employees": [
        "employee_number",
        "name",
        "unit_code",
        "leader_email",
        "weekly_hours",
        "employment_start",
        "employment_end",
    ],
    "absences": ["employee_number", "absence_type", "start_date", "end_date", "fraction", "note"],
}
# Columns a payroll export may leave out entirely; every other column must be in the header row.
# Without a note column an import leaves the registrations' notes as they are.
OPTIONAL_COLUMNS: dict[str, set[str]] = {
    "units": set(),
    "employees": set(),
    "absences": {"fraction", "note"},
}

# Header names as Danish and Norwegian payroll systems and people write them, besides the English keys
# (compared after ``_header_key``: lower case, spaces and hyphens as underscores). The template files use
# COLUMN_LABELS in the user's language, which are accepted too.
COLUMN_LABELS: dict[str, Any] = {
    "code": gettext_lazy("Unit code"),
    "name": gettext_lazy("Name"),
    "parent_code": gettext_lazy("Parent unit code"),
    "employee_number": gettext_lazy("Employee number"),
    "unit_code": gettext_lazy("Unit code"),
    "leader_email": gettext_lazy("Leader's email"),
    "weekly_hours": gettext_lazy("Weekly hours"),
    "employment_start": gettext_lazy("Employed from"),
    "employment_end": gettext_lazy("Employed until"),
    "absence_type": gettext_lazy("Absence type"),
    "start_date": gettext_lazy("First day"),
    "end_date": gettext_lazy("Last day"),
    "fraction": gettext_lazy("Share absent"),
    "note": gettext_lazy("Note"),
}
HEADER_ALIASES: dict[str, list[str]] = {
    "code": ["kode", "enhedskode", "enhetskode", "enhed", "enhet", "afdelingskode", "avdelingskode"],
    "name": ["navn", "enhedsnavn", "enhetsnavn", "medarbejdernavn", "ansattnavn"],
    "parent_code": ["overordnet_kode", "overordnet_enhed", "overordnet_enhet", "forælder_kode"],
    "employee_number": [
        "medarbejdernummer",
        "medarbejdernr",
        "medarbejder_nr",
        "mednr",
        "lønnummer",
        "lønnr",
        "ansattnummer",
        "ansattnr",
        "ansatt_nr",
        "tjenestenummer",
        "personalenummer",
    ],  # fmt: skip
    "unit_code": ["enhedskode", "enhetskode", "enhed", "enhet", "afdeling", "avdeling", "afdelingskode"],
    "leader_email": ["leder_email", "leder_e_mail", "ledermail", "leder_epost", "leder_e_post"],
    "weekly_hours": [
        "ugentlige_timer",
        "timer_pr_uge",
        "timer_per_uge",
        "ugetimer",
        "ukentlige_timer",
        "timer_per_uke",
        "timer_pr_uke",
        "uketimer",
        "arbejdstid",
        "arbeidstid",
    ],  # fmt: skip
    "employment_start": [
        "ansættelsesdato",
        "ansat_fra",
        "ansættelse_start",
        "tiltrædelse",
        "ansettelsesdato",
        "ansatt_fra",
        "tiltredelse",
        "startdato",
    ],  # fmt: skip
    "employment_end": [
        "fratrædelsesdato",
        "ansat_til",
        "fratræden",
        "fratredelsesdato",
        "ansatt_til",
        "sluttdato",
        "fratredelse",
    ],  # fmt: skip
    "absence_type": ["fraværstype", "fravaerstype", "fraværsårsag", "fraværskode", "fraværsart", "type"],
    "start_date": ["startdato", "fra_dato", "fra", "første_dag", "første_fraværsdag", "fom", "fra_og_med"],
    "end_date": ["slutdato", "til_dato", "til", "sidste_dag", "sluttdato", "siste_dag", "tom", "til_og_med"],
    "fraction": ["andel", "brøk", "brøkdel", "omfang", "sygemeldingsgrad", "sykmeldingsgrad"],
    "note": ["notat", "bemærkning", "bemerkning", "merknad", "kommentar"],
}

MAX_WEEKLY_HOURS = Decimal("80")


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, format, header)."""


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ImportPlan:
    kind: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""
    records: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # the file as read, for previews

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error

    @property
    def columns(self) -> list[str]:
        return COLUMNS[self.kind]

    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "unchanged": 0}
        for row in self.rows:
            counts[row["action"]] += 1
        counts["bad"] = len({e.line for e in self.errors})
        return counts

    def preview(self, limit: int = 200) -> tuple[list[dict], list[dict]]:
        """(bad rows, first ``limit`` good rows) as {line, values, reasons | action} for the preview table."""
        reasons: dict[int, list[str]] = defaultdict(list)
        for error in self.errors:
            reasons[error.line].append(error.message)
        actions = {row["line"]: row["action"] for row in self.rows}
        bad, good = [], []
        for line, row in self.records:
            values = [row.get(column, "") for column in self.columns]
            if line in reasons:
                bad.append({"line": line, "values": values, "reasons": reasons[line]})
            elif len(good) < limit:
                good.append({"line": line, "values": values, "action": actions.get(line, "unchanged")})
        return bad, good

    def messages(self) -> list[str]:
        return [self.file_error] if self.file_error else [str(e) for e in self.errors]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    advisories: int = 0  # made at once by the sweep after an absence import


# --- reading the file ------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    try:
        return decode_text(data)
    except TableFileError as exc:
        raise ImportFileError(str(exc)) from exc


def _csv_records(data: bytes) -> list[tuple[int, list[str]]]:
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    records = []
    try:
        for values in reader:
            records.append((reader.line_num, [v.strip() for v in values]))
    except csv.Error as exc:
        raise ImportFileError(
            _("Line %(line)d cannot be read as CSV: %(error)s") % {"line": reader.line_num, "error": exc}
        ) from exc
    return records


def _xlsx_records(data: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(_("The file cannot be read as an Excel workbook (.xlsx).")) from exc
    try:
        sheet = workbook.worksheets[0]
        return [
            (number, [cell_text(v) for v in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()


def _header_key(text: str) -> str:
    return re.sub(r"[\s\-./]+", "_", text.strip().casefold()).strip("_")


def _accepted_headers(kind: str) -> dict[str, str]:
    """Every header name accepted for ``kind`` (its English keys, labels in da/nb/en, payroll aliases)."""
    accepted: dict[str, str] = {}
    for column in COLUMNS[kind]:
        for alias in HEADER_ALIASES.get(column, []):
            accepted.setdefault(_header_key(alias), column)
    for language in ("en", "nb", "da"):
        with translation.override(language):
            for column in COLUMNS[kind]:
                accepted[_header_key(str(COLUMN_LABELS[column]))] = column
    for column in COLUMNS[kind]:
        accepted[column] = column
    return accepted


def _column_for(header: str, kind: str) -> str:
    key = _header_key(header)
    return _accepted_headers(kind).get(key, key)


def read_records(data: bytes, filename: str, kind: str) -> list[tuple[int, dict[str, str]]]:
    """The file's data rows as (line number, {column: text}); header checked, blank rows skipped."""
    is_xlsx = filename.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04"
    if not is_xlsx and not filename.lower().endswith((".csv", ".txt")):
        raise ImportFileError(_("Upload a CSV file (.csv) or an Excel workbook (.xlsx)."))
    records = _xlsx_records(data) if is_xlsx else _csv_records(data)
    records = [(n, values) for n, values in records if any(values)]
    if not records:
        raise ImportFileError(_("The file is empty: it needs a header row with the column names."))
    header_line, header = records[0]
    expected = COLUMNS[kind]
    header = [_column_for(h, kind) for h in header]
    missing = [c for c in expected if c not in header and c not in OPTIONAL_COLUMNS[kind]]
    if missing:
        raise ImportFileError(
            _("Line %(line)d (the header row) is missing the column(s) %(missing)s. Expected: %(expected)s.")
            % {"line": header_line, "missing": ", ".join(missing), "expected": ",".join(expected)}
        )
    duplicates = sorted({h for h in header if h and header.count(h) > 1})
    if duplicates:
        raise ImportFileError(
            _("Line %(line)d (the header row) names the column(s) %(columns)s more than once.")
            % {"line": header_line, "columns": ", ".join(duplicates)}
        )
    rows = []
    for line, values in records[1:]:
        if len(values) > len(header) and any(values[len(header) :]):
            row = {"__width__": str(len(values))}
        else:
            row = {}
        for index, column in enumerate(header):
            if column in expected:
                row[column] = values[index] if index < len(values) else ""
        rows.append((line, row))
    return rows


# --- value parsers (each returns the value or raises ValueError with the message) ---------------------


def _parse_date(column: str, text: str, *, required: bool) -> date | None:
    if not text:
        if required:
            raise ValueError(_("%(column)s is missing") % {"column": column})
        return None
    try:
        return parse_day(text)
    except ValueError:
        raise ValueError(
            _("%(column)s '%(value)s' is not a valid date (DD-MM-YYYY, DD.MM.YYYY or YYYY-MM-DD)")
            % {"column": column, "value": text}
        ) from None


def _parse_decimal(column: str, text: str) -> Decimal:
    number = text.replace(".", "") if "," in text and "." in text else text  # 1.234,50 from Danish Excel
    try:
        value = Decimal(number.replace(",", "."))
    except InvalidOperation:
        raise ValueError(
            _("%(column)s '%(value)s' is not a number") % {"column": column, "value": text}
        ) from None
    if not value.is_finite():
        raise ValueError(_("%(column)s '%(value)s' is not a number") % {"column": column, "value": text})
    return value


def _required(row: dict[str, str], column: str) -> str:
    value = row.get(column, "")
    if not value:
        raise ValueError(_("%(column)s is missing") % {"column": column})
    return value


class _RowCollector:
    """Collects the errors of one row so that every problem of the row is reported, not just the first."""

    def __init__(self, plan: ImportPlan, line: int) -> None:
        self.plan, self.line, self.failed = plan, line, False

    def take(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ValueError as exc:
            self.error(str(exc))
            return None

    def error(self, message: str) -> None:
        self.failed = True
        self.plan.errors.append(RowError(self.line, message))


def _check_width(collector: _RowCollector, row: dict[str, str], kind: str) -> None:
    width = row.pop("__width__", None)
    if width is not None:
        collector.error(
            _("has %(found)s values but the header has fewer columns (a comma inside a value must be quoted)")
            % {"found": width}
        )


Progress = Callable[[int, int], None]
PROGRESS_EVERY = 1000  # rows between two progress reports


class _Reporting:
    """The records, reporting (rows done, rows in all) to ``progress`` every ``every`` rows of the first
    pass of the validation and once at its end."""

    def __init__(self, records: list, progress: Progress, every: int) -> None:
        self.records, self.progress, self.every, self.done = records, progress, every, False

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self):
        total = len(self.records)
        for index, record in enumerate(self.records, start=1):
            yield record
            if not self.done and index % self.every == 0 and index < total:
                self.progress(index, total)
        if not self.done:
            self.done = True
            self.progress(total, total)


def parse_import(
    organization: Organization,
    kind: str,
    data: bytes,
    filename: str,
    *,
    progress: Progress | None = None,
    progress_every: int = PROGRESS_EVERY,
) -> ImportPlan:
    """Read and validate a whole file; nothing is written. ``progress(rows_done, rows_total)`` is called
    every ``progress_every`` rows while the rows are checked (the web import shows it as a bar)."""
    plan = ImportPlan(kind=kind)
    try:
        records = read_records(data, filename, kind)
    except ImportFileError as exc:
        plan.file_error = str(exc)
        return plan
    if not records:
        plan.file_error = _("The file has a header row but no data rows.")
        return plan
    plan.records = [(line, dict(row)) for line, row in records]
    if progress is not None:
        progress(0, len(records))
        records = _Reporting(records, progress, max(progress_every, 1))
    {"units": _validate_units, "employees": _validate_employees, "absences": _validate_absences}[kind](
        organization, records, plan
    )
    plan.errors.sort(key=lambda e: e.line)
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
        if code and len(code) > OrgUnit._meta.get_field("code").max_length:
            c.error(_("code '%(value)s' is too long") % {"value": code})
        if name and len(name) > OrgUnit._meta.get_field("name").max_length:
            c.error(_("name is too long"))
        if code and code in first_line:
            c.error(
                _("unit code '%(code)s' appears twice (also on line %(other)d)")
                % {"code": code, "other": first_line[code]}
            )
        elif code:
            first_line[code] = line
        if code and parent_code == code:
            c.error(_("unit '%(code)s' cannot be its own parent") % {"code": code})
        rows.append(
            {"line": line, "code": code, "name": name, "parent_code": parent_code, "failed": c.failed}
        )
    file_codes = {r["code"] for r in rows if r["code"]}
    for r in rows:
        if r["parent_code"] and r["parent_code"] not in file_codes and r["parent_code"] not in existing:
            plan.errors.append(
                RowError(r["line"], _("unknown parent_code '%(code)s'") % {"code": r["parent_code"]})
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
            plan.errors.append(
                RowError(
                    r["line"],
                    _("unit '%(code)s' is part of a cycle of parents (a unit cannot be below itself)")
                    % {"code": r["code"]},
                )
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


def _apply_units(organization: Organization, plan: ImportPlan) -> ImportResult:
    result = ImportResult()
    by_code = {u.code: u for u in OrgUnit.objects.filter(organization=organization)}
    for r in plan.rows:
        action = r["action"]
        if action == "unchanged":
            result.unchanged += 1
            continue
        parent = by_code[r["parent_code"]] if r["parent_code"] else None
        if action == "create":
            fields = {"organization": organization, "code": r["code"], "name": r["name"]}
            unit = (
                OrgUnit.objects.add_root(fields)
                if parent is None
                else OrgUnit.objects.add_child(parent, fields)
            )
            by_code[unit.code] = unit
            result.created += 1
            continue
        unit = OrgUnit.objects.get(pk=by_code[r["code"]].pk)  # fresh path: earlier moves may have changed it
        if unit.name != r["name"]:
            unit.name = r["name"]
            unit.save(update_fields=["name"])
        current_parent = OrgUnit.objects.get_parent(unit, update=True)
        if (current_parent.code if current_parent else "") != r["parent_code"]:
            if parent is None:
                OrgUnit.objects.move(unit, OrgUnit.objects.get_first_root_node(), pos="sorted-sibling")
            else:
                OrgUnit.objects.move(unit, OrgUnit.objects.get(pk=parent.pk), pos="sorted-child")
        by_code = {u.code: u for u in OrgUnit.objects.filter(organization=organization)}
        result.updated += 1
    return result


# --- employees -------------------------------------------------------------------------------------


def _validate_employees(organization: Organization, records, plan: ImportPlan) -> None:
    from .models import Employee

    units = dict(OrgUnit.objects.filter(organization=organization).values_list("code", "pk"))
    leaders = {
        email.lower(): user_id
        for email, user_id in Membership.objects.filter(organization=organization).values_list(
            "user__email", "user_id"
        )
    }
    existing = {
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
    number_max = Employee._meta.get_field("employee_number").max_length
    name_max = Employee._meta.get_field("name").max_length
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
            c.error(_("employee_number '%(value)s' is too long") % {"value": number})
        if name and len(name) > name_max:
            c.error(_("name is too long"))
        if number and number in first_line:
            c.error(
                _("employee_number '%(number)s' appears twice (also on line %(other)d)")
                % {"number": number, "other": first_line[number]}
            )
        elif number:
            first_line[number] = line
        if unit_code and unit_code not in units:
            c.error(_("unknown unit_code '%(code)s'") % {"code": unit_code})
        if leader_email and leader_email not in leaders:
            c.error(
                _("leader_email '%(email)s' is not a user of this organisation")
                % {"email": row["leader_email"]}
            )
        hours = None
        if hours_text:
            hours = c.take(_parse_decimal, "weekly_hours", hours_text)
            if hours is not None:
                hours = hours.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)  # as stored
            if hours is not None and not (0 < hours <= MAX_WEEKLY_HOURS):
                c.error(
                    _("weekly_hours %(value)s must be more than 0 and at most %(max)s")
                    % {"value": hours_text, "max": MAX_WEEKLY_HOURS}
                )
                hours = None
        if start and end and end < start:
            c.error(
                _("employment_end %(end)s is before employment_start %(start)s")
                % {"end": end.isoformat(), "start": start.isoformat()}
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


def _apply_employees(organization: Organization, plan: ImportPlan) -> ImportResult:
    from .models import Employee
    from .rollups import rollups_refresh

    fields = ["name", "unit_id", "leader_id", "weekly_hours", "employment_start", "employment_end"]
    result = ImportResult()
    new, changed = [], []
    for r in plan.rows:
        values = {f: r[f] for f in fields}
        if r["action"] == "create":
            new.append(Employee(organization=organization, employee_number=r["employee_number"], **values))
        elif r["action"] == "update":
            changed.append(Employee(pk=r["pk"], organization=organization, **values))
        else:
            result.unchanged += 1
    Employee.objects.bulk_create(new, batch_size=2000)
    Employee.objects.bulk_update(changed, [f.removesuffix("_id") for f in fields], batch_size=2000)
    rollups_refresh(employee_ids=[employee.pk for employee in changed])
    result.created, result.updated = len(new), len(changed)
    return result


# --- absence registrations ------------------------------------------------------------------------


def _overlaps(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return a_start <= (b_end or date.max) and b_start <= (a_end or date.max)


def _span(start: date, end: date | None) -> str:
    last = end.isoformat() if end else _("ongoing")
    return f"{start.isoformat()}\u2013{last}"


def _validate_absences(organization: Organization, records, plan: ImportPlan) -> None:
    from .health import HealthTerms, note_check
    from .models import AbsenceRegistration, AbsenceType, Employee

    employment: dict[str, tuple[int, date, date | None]] = {
        number: (pk, first, last)
        for number, pk, first, last in Employee.objects.filter(organization=organization).values_list(
            "employee_number", "pk", "employment_start", "employment_end"
        )
    }
    employees = {number: pk for number, (pk, _first, _last) in employment.items()}
    type_codes = set(AbsenceType.values)
    terms = HealthTerms.active()
    type_names = {}  # "Egen sygdom", "Own illness", "egen sykdom": the type's name in any interface language
    for language in ("en", "nb", "da"):
        with translation.override(language):
            type_names.update({str(label).casefold(): code for code, label in AbsenceType.choices})
    parsed = []
    for line, row in records:
        c = _RowCollector(plan, line)
        _check_width(c, row, "absences")
        number = c.take(_required, row, "employee_number")
        type_code = c.take(_required, row, "absence_type")
        if type_code and type_code not in type_codes:
            type_code = type_names.get(type_code.casefold(), type_code)
        start = c.take(_parse_date, "start_date", row.get("start_date", ""), required=True)
        end = c.take(_parse_date, "end_date", row.get("end_date", ""), required=False)
        fraction_text = row.get("fraction", "")
        fraction = Decimal(1)
        if fraction_text:
            fraction = c.take(_parse_decimal, "fraction", fraction_text)
            if fraction is not None:
                # As stored (3 decimals): a re-import then compares equal (Excel writes 0.1 + 0.2 long).
                fraction = fraction.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
            if fraction is not None and not (0 < fraction <= 1):
                c.error(
                    _("fraction %(value)s must be more than 0 and at most 1 (1 = the whole working day)")
                    % {"value": fraction_text}
                )
        note = row.get("note")  # None: the file has no note column
        if note:
            try:
                note = note_check(note, terms=terms)
            except ValidationError as exc:
                c.error(_("note: %(reason)s") % {"reason": " ".join(exc.messages)})
        if number and number not in employees:
            # Also for another organisation's employee: the number is simply unknown here.
            c.error(_("unknown employee_number '%(number)s'") % {"number": number})
        if type_code and type_code not in type_codes:
            c.error(
                _("unknown absence_type '%(code)s' (use one of %(codes)s)")
                % {"code": type_code, "codes": ", ".join(type_codes_sorted())}
            )
        if start and end and end < start:
            c.error(
                _("end_date %(end)s is before start_date %(start)s")
                % {"end": end.isoformat(), "start": start.isoformat()}
            )
        elif start and number in employment:
            _pk, first, last = employment[number]
            if start < first:
                c.error(
                    _("start_date %(start)s is before employee %(number)s's employment_start %(first)s")
                    % {"start": start.isoformat(), "number": number, "first": first.isoformat()}
                )
            elif last is not None and max(start, end or start) > last:  # an open end stops with it
                c.error(
                    _("the absence runs past employee %(number)s's employment_end %(last)s")
                    % {"number": number, "last": last.isoformat()}
                )
        if c.failed:
            continue
        parsed.append(
            {
                "line": line,
                "employee_number": number,
                "employee_id": employees[number],
                "absence_type": type_code,
                "start_date": start,
                "end_date": end,
                "fraction": fraction,
                "note": note,
            }
        )
    employee_ids = {r["employee_id"] for r in parsed}
    existing_by_employee: dict[int, list[dict]] = defaultdict(list)
    candidates = AbsenceRegistration.objects.filter(employee__organization=organization)
    if parsed:
        # Only registrations that can match or overlap a row: those touching the file's period.
        first = min(r["start_date"] for r in parsed)
        last = None if any(r["end_date"] is None for r in parsed) else max(r["end_date"] for r in parsed)
        candidates = candidates.filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        if last is not None:
            candidates = candidates.filter(start_date__lte=last)
    if len(employee_ids) < 5000:  # a short IN list helps; a long one costs more than it saves
        candidates = candidates.filter(employee_id__in=employee_ids)
    fields = ("pk", "employee_id", "absence_type", "start_date", "end_date", "fraction", "note")
    for values in candidates.values_list(*fields):
        if values[1] in employee_ids:
            existing_by_employee[values[1]].append(dict(zip(fields, values, strict=True)))
    by_employee: dict[int, list[dict]] = defaultdict(list)
    for r in parsed:
        by_employee[r["employee_id"]].append(r)
    failed_lines: set[int] = set()
    for employee_id, rows in by_employee.items():
        existing = {
            (e["absence_type"], e["start_date"]): e for e in existing_by_employee.get(employee_id, [])
        }
        seen_keys: dict[tuple, int] = {}
        rows.sort(key=lambda r: (r["start_date"], r["line"]))
        for r in rows:
            key = (r["absence_type"], r["start_date"])
            if key in seen_keys:
                plan.errors.append(
                    RowError(
                        r["line"],
                        _(
                            "the same registration (employee %(number)s, %(type)s from %(start)s) "
                            "is also on line %(other)d"
                        )
                        % {
                            "number": r["employee_number"],
                            "type": r["absence_type"],
                            "start": r["start_date"].isoformat(),
                            "other": seen_keys[key],
                        },
                    )
                )
                failed_lines.add(r["line"])
                continue
            seen_keys[key] = r["line"]
            match = existing.get(key)
            r["pk"] = match["pk"] if match else None
            if r["note"] is None:
                r["note"] = match["note"] if match else ""
            if match is None:
                r["action"] = "create"
            elif (match["end_date"], match["fraction"], match["note"]) == (
                r["end_date"],
                r["fraction"],
                r["note"],
            ):
                r["action"] = "unchanged"
            else:
                r["action"] = "update"
        # Overlaps within the file: rows are sorted by start, so compare each with every later one it reaches.
        for i, r in enumerate(rows):
            for other in rows[i + 1 :]:
                if other["start_date"] > (r["end_date"] or date.max):
                    break
                if other["line"] in failed_lines or r["line"] in failed_lines:
                    continue
                plan.errors.append(
                    RowError(
                        other["line"],
                        _("overlaps line %(other)d for employee %(number)s (%(span)s)")
                        % {
                            "other": r["line"],
                            "number": r["employee_number"],
                            "span": _span(r["start_date"], r["end_date"]),
                        },
                    )
                )
                failed_lines.add(other["line"])
        # Overlaps with registrations already in the portal that this file does not replace.
        replaced = {r.get("pk") for r in rows if r.get("pk")}
        for r in rows:
            if r["line"] in failed_lines:
                continue
            for e in existing_by_employee.get(employee_id, []):
                if e["pk"] in replaced:
                    continue
                if _overlaps(r["start_date"], r["end_date"], e["start_date"], e["end_date"]):
                    plan.errors.append(
                        RowError(
                            r["line"],
                            _("overlaps an existing registration of employee %(number)s (%(type)s, %(span)s)")
                            % {
                                "number": r["employee_number"],
                                "type": e["absence_type"],
                                "span": _span(e["start_date"], e["end_date"]),
                            },
                        )
                    )
                    failed_lines.add(r["line"])
                    break
    plan.rows = sorted((r for r in parsed if r["line"] not in failed_lines), key=lambda r: r["line"])


def type_codes_sorted() -> list[str]:
    from .models import AbsenceType

    return list(AbsenceType.values)


def _apply_absences(organization: Organization, plan: ImportPlan) -> ImportResult:
    """Bulk write, then one spell re-derivation for the affected employees (the services' bulk path).

    Corrections that shorten a registration are written before those that lengthen one, so no moment
    of the transaction has two registrations of an employee overlapping (PostgreSQL's exclusion
    constraint checks every row as it is written).
    """
    from .models import AbsenceRegistration
    from .rollups import rollups_refresh
    from .services import spells_rederive_many

    result = ImportResult()
    new, shrink, grow = [], [], []
    current_end = dict(
        AbsenceRegistration.objects.filter(
            pk__in=[r["pk"] for r in plan.rows if r["action"] == "update"]
        ).values_list("pk", "end_date")
    )
    for r in plan.rows:
        values = {"end_date": r["end_date"], "fraction": r["fraction"], "note": r["note"]}
        if r["action"] == "create":
            new.append(
                AbsenceRegistration(
                    employee_id=r["employee_id"],
                    absence_type=r["absence_type"],
                    start_date=r["start_date"],
                    **values,
                )
            )
        elif r["action"] == "update":
            registration = AbsenceRegistration(pk=r["pk"], **values)
            old_end, new_end = current_end.get(r["pk"]) or date.max, r["end_date"] or date.max
            (shrink if new_end <= old_end else grow).append(registration)
        else:
            result.unchanged += 1
    for batch in (shrink, grow):
        AbsenceRegistration.objects.bulk_update(batch, ["end_date", "fraction", "note"], batch_size=2000)
    AbsenceRegistration.objects.bulk_create(new, batch_size=2000)
    result.created, result.updated = len(new), len(shrink) + len(grow)
    affected = sorted({r["employee_id"] for r in plan.rows if r["action"] != "unchanged"})
    if affected:
        spells_rederive_many(organization=organization, employee_ids=affected)
        rollups_refresh(employee_ids=affected)
    return result


# --- writing ---------------------------------------------------------------------------------------

_APPLY = {"units": _apply_units, "employees": _apply_employees, "absences": _apply_absences}


@transaction.atomic
def apply_import(*, organization: Organization, plan: ImportPlan) -> ImportResult:
    """Write a validated plan. Refuses a plan with errors: a file is imported whole or not at all."""
    if not plan.ok:
        raise ValueError("an import plan with errors cannot be applied")
    from .statistics import bump_statistics_version

    with transaction.atomic():
        result = _APPLY[plan.kind](organization, plan)
        bump_statistics_version(organization.pk)
    if plan.kind == "absences" and (result.created or result.updated):
        # Advisories already due show in the queue now, not after the next morning's sweep (which runs
        # anyway). The import queued the employees it touched, so this is the short daily run.
        from django.utils import timezone

        from .services import advisory_sweep

        result.advisories = advisory_sweep(as_of=timezone.localdate(), organization=organization).created
    return result


def import_file(
    *,
    organization: Organization,
    kind: str,
    data: bytes,
    filename: str,
    progress: Progress | None = None,
) -> tuple[ImportPlan, ImportResult | None]:
    """Validate and, when the whole file is valid, import it (used by the commands and the web import's
    worker task): validated again in the same transaction as the write, so it is all or nothing."""
    with transaction.atomic():
        plan = parse_import(organization, kind, data, filename, progress=progress)
        if not plan.ok:
            return plan, None
        return plan, apply_import(organization=organization, plan=plan)


# --- the import commands ---------------------------------------------------------------------------


def add_command_arguments(parser) -> None:
    parser.add_argument("file", help="CSV (UTF-8, comma-separated, header row) or XLSX file")
    parser.add_argument("--organization", required=True, help="slug of the organisation")


def run_import_command(command, kind: str, options: dict) -> None:
    """Shared body of import_units / import_employees / import_absences: errors to stderr, exit 1."""
    from pathlib import Path

    from django.core.management.base import CommandError

    organization = Organization.objects.filter(slug=options["organization"]).first()
    if organization is None:
        raise CommandError(f"unknown organisation '{options['organization']}'")
    path = Path(options["file"])
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
    plan, result = import_file(organization=organization, kind=kind, data=data, filename=path.name)
    if result is None:
        for message in plan.messages():
            command.stderr.write(message)
        bad = len({e.line for e in plan.errors})
        raise CommandError(
            f"{path.name}: nothing imported ({bad} bad row(s))" if bad else f"{path.name}: nothing imported"
        )
    command.stdout.write(
        f"{path.name}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged"
        + (f", {result.advisories} advisories due now" if kind == "absences" else "")
    )
