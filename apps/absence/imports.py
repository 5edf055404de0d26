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

import bisect
import csv
import io
import itertools
import os
import re
import zipfile
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import sql
from apps.core.exports import (
    TableFileError,
    cell_text,
    detect_encoding,
    parse_day,
    sniff_delimiter,
    text_lines,
)
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


# The reasons of at most this many bad rows are kept (the first ones in the file); the rest are counted.
# A payroll file of a million bad rows is refused just the same, with memory to spare.
ERROR_DETAIL_ROWS = 1000


@dataclass
class ImportPlan:
    """The outcome of checking a file: for units and employees the rows as dicts (``rows``), for absence
    registrations a compact table (``table``), so a million-row payroll export fits in little memory."""

    kind: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""
    row_count: int = 0  # data rows in the file
    table: AbsenceTable | None = None
    has_notes: bool = False  # the absence file has a note column (without one, notes stay as they are)
    reader: RecordReader | None = None  # the file, read again for the preview
    _bad: bytearray = field(default_factory=bytearray, repr=False)  # 1 at the index of a bad line
    _trimmed: bool = field(default=False, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error

    @property
    def columns(self) -> list[str]:
        return COLUMNS[self.kind]

    def add_error(self, line: int, message: str) -> None:
        if line >= len(self._bad):
            self._bad.extend(bytes(line + 1 - len(self._bad) + 4096))
        self._bad[line] = 1
        self.errors.append(RowError(line, message))
        if len(self.errors) > 2 * ERROR_DETAIL_ROWS:
            self._trim_errors()

    def _trim_errors(self) -> None:
        """Keep the reasons of the first ERROR_DETAIL_ROWS bad lines (all of each line's reasons)."""
        self.errors.sort(key=lambda e: e.line)
        lines = sorted({e.line for e in self.errors})
        if len(lines) > ERROR_DETAIL_ROWS:
            last = lines[ERROR_DETAIL_ROWS - 1]
            self.errors = [e for e in self.errors if e.line <= last]
            self._trimmed = True

    def finish_errors(self) -> None:
        self._trim_errors()

    def is_bad(self, line: int) -> bool:
        return line < len(self._bad) and self._bad[line] == 1

    @property
    def bad_rows(self) -> int:
        return self._bad.count(1)

    def counts(self) -> dict[str, int]:
        if self.table is not None:
            counts = self.table.counts()
        else:
            counts = {"create": 0, "update": 0, "unchanged": 0}
            for row in self.rows:
                counts[row["action"]] += 1
        counts["bad"] = self.bad_rows
        return counts

    def _action_of(self, line: int) -> str | None:
        if self.table is not None:
            return self.table.action_of(line)
        if not hasattr(self, "_actions"):
            self._actions = {row["line"]: row["action"] for row in self.rows}
        return self._actions.get(line)

    def preview(self, limit: int = 200) -> tuple[list[dict], list[dict]]:
        """(bad rows whose reasons are kept, first ``limit`` good rows) as {line, values, reasons | action}
        for the preview table. The file is read again up to the last row needed, not kept in memory."""
        reasons: dict[int, list[str]] = defaultdict(list)
        for error in self.errors:
            reasons[error.line].append(error.message)
        if self.reader is None or self.file_error:
            return [], []
        last_bad = max(reasons, default=0)
        bad, good = [], []
        for line, row in self.reader:
            values = [row.get(column, "") for column in self.columns]
            if line in reasons:
                bad.append({"line": line, "values": values, "reasons": reasons[line]})
            elif len(good) < limit and not self.is_bad(line):
                good.append({"line": line, "values": values, "action": self._action_of(line) or "unchanged"})
            if len(good) >= limit and line >= last_bad:
                break
        return bad, good

    def messages(self) -> list[str]:
        if self.file_error:
            return [self.file_error]
        messages = [str(e) for e in self.errors]
        shown = len({e.line for e in self.errors})
        if self.bad_rows > shown:
            messages.append(
                _("… and %(count)d more bad rows (the first %(shown)d are listed).")
                % {"count": self.bad_rows - shown, "shown": shown}
            )
        return messages


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    advisories: int = 0  # made at once by the sweep after an absence import


# --- reading the file ------------------------------------------------------------------------------
#
# A file is a stream: bytes (tests, small uploads), a path (the commands) or an open binary file (the
# stored upload). It is read row by row, never whole, so memory stays flat in the file's size.

Source = bytes | str | os.PathLike | BinaryIO


@contextmanager
def _binary(source: Source) -> Iterator[BinaryIO]:
    if isinstance(source, bytes | bytearray | memoryview):
        yield io.BytesIO(bytes(source))
    elif isinstance(source, str | os.PathLike):
        with open(source, "rb") as stream:
            yield stream
    else:
        source.seek(0)
        yield source


def _is_xlsx(stream: BinaryIO, filename: str) -> bool:
    stream.seek(0)
    start = stream.read(4)
    stream.seek(0)
    return filename.lower().endswith(".xlsx") or start == b"PK\x03\x04"


def _csv_records(stream: BinaryIO, encoding: str) -> Iterator[tuple[int, list[str]]]:
    lines = text_lines(stream, encoding)
    first = next(lines, "")
    reader = csv.reader(itertools.chain([first], lines), delimiter=sniff_delimiter(first))
    try:
        for values in reader:
            yield reader.line_num, [v.strip() for v in values]
    except csv.Error as exc:
        raise ImportFileError(
            _("Line %(line)d cannot be read as CSV: %(error)s") % {"line": reader.line_num, "error": exc}
        ) from exc


def _open_workbook(stream: BinaryIO):
    from openpyxl import load_workbook

    try:
        return load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(_("The file cannot be read as an Excel workbook (.xlsx).")) from exc


def _xlsx_records(stream: BinaryIO) -> Iterator[tuple[int, list[str]]]:
    workbook = _open_workbook(stream)
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [cell_text(v) for v in values]
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


def _header_columns(kind: str, line: int, names: list[str]) -> list[str]:
    """The columns the header row names (in the file's order), or ImportFileError."""
    accepted = _accepted_headers(kind)
    header = [accepted.get(_header_key(name), _header_key(name)) for name in names]
    expected = COLUMNS[kind]
    missing = [c for c in expected if c not in header and c not in OPTIONAL_COLUMNS[kind]]
    if missing:
        raise ImportFileError(
            _("Line %(line)d (the header row) is missing the column(s) %(missing)s. Expected: %(expected)s.")
            % {"line": line, "missing": ", ".join(missing), "expected": ",".join(expected)}
        )
    duplicates = sorted({h for h in header if h and header.count(h) > 1})
    if duplicates:
        raise ImportFileError(
            _("Line %(line)d (the header row) names the column(s) %(columns)s more than once.")
            % {"line": line, "columns": ", ".join(duplicates)}
        )
    return header


class RecordReader:
    """The data rows of a file as (line number, {column: text}): header checked, blank rows skipped.

    Iterating reads the file again from its start, one row at a time. Problems with the file as a whole
    (not CSV or .xlsx, encoding, header, a broken line) raise ImportFileError while iterating.
    """

    def __init__(self, source: Source, filename: str, kind: str) -> None:
        self.source, self.filename, self.kind = source, filename, kind
        self.columns: list[str] = []
        self._estimate: int | None = None

    def estimate(self) -> int:
        """About how many data rows the file has (for the progress bar), from a quick pass."""
        if self._estimate is None:
            with _binary(self.source) as stream:
                if _is_xlsx(stream, self.filename):
                    workbook = _open_workbook(stream)
                    try:
                        self._estimate = max((workbook.worksheets[0].max_row or 1) - 1, 0)
                    finally:
                        workbook.close()
                else:
                    self._estimate = max(self._encoding(stream)[1] - 1, 0)
        return self._estimate

    def _encoding(self, stream: BinaryIO) -> tuple[str, int]:
        try:
            return detect_encoding(stream)
        except TableFileError as exc:
            raise ImportFileError(str(exc)) from exc

    def _raw(self, stream: BinaryIO) -> Iterator[tuple[int, list[str]]]:
        if _is_xlsx(stream, self.filename):
            yield from _xlsx_records(stream)
            return
        if not self.filename.lower().endswith((".csv", ".txt")):
            raise ImportFileError(_("Upload a CSV file (.csv) or an Excel workbook (.xlsx)."))
        encoding, lines = self._encoding(stream)
        if self._estimate is None:
            self._estimate = max(lines - 1, 0)
        try:
            yield from _csv_records(stream, encoding)
        except TableFileError as exc:
            raise ImportFileError(str(exc)) from exc

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        expected = COLUMNS[self.kind]
        with _binary(self.source) as stream:
            header: list[str] | None = None
            for line, values in self._raw(stream):
                if not any(values):
                    continue
                if header is None:
                    header = self.columns = _header_columns(self.kind, line, values)
                    continue
                row = (
                    {"__width__": str(len(values))}
                    if len(values) > len(header) and any(values[len(header) :])
                    else {}
                )
                for index, column in enumerate(header):
                    if column in expected:
                        row[column] = values[index] if index < len(values) else ""
                yield line, row
            if header is None:
                raise ImportFileError(_("The file is empty: it needs a header row with the column names."))


def read_records(data: Source, filename: str, kind: str) -> list[tuple[int, dict[str, str]]]:
    """The file's data rows as a list (small files: the template files' tests, the views' previews)."""
    return list(RecordReader(data, filename, kind))


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
        self.plan.add_error(self.line, message)


def _check_width(collector: _RowCollector, row: dict[str, str], kind: str) -> None:
    width = row.pop("__width__", None)
    if width is not None:
        collector.error(
            _("has %(found)s values but the header has fewer columns (a comma inside a value must be quoted)")
            % {"found": width}
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
        plan.file_error, plan.rows, plan.table, plan.errors = str(exc), [], None, []
        return plan
    if not plan.row_count:
        plan.file_error, plan.rows, plan.table, plan.errors = (
            _("The file has a header row but no data rows."),
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
            plan.add_error(r["line"], _("unknown parent_code '%(code)s'") % {"code": r["parent_code"]})
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
                _("unit '%(code)s' is part of a cycle of parents (a unit cannot be below itself)")
                % {"code": r["code"]},
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


OPEN = date.max.toordinal()  # the last day of a registration that goes on
CREATE, UPDATE, UNCHANGED, FAILED = 0, 1, 2, 3
_ACTION_NAMES = {CREATE: "create", UPDATE: "update", UNCHANGED: "unchanged"}


class AbsenceTable:
    """The good rows of an absence file, one column per array: about 40 bytes a row instead of a dict's
    kilobyte, so a million-row payroll export is checked and imported in flat memory. Days are ordinals
    (OPEN for a registration that goes on), shares absent are in thousandths, notes are kept only where
    a row has one."""

    def __init__(self, type_codes: list[str]) -> None:
        self.type_codes = type_codes
        self.line = array("l")
        self.employee = array("q")
        self.type = array("b")
        self.start = array("l")
        self.end = array("l")
        self.fraction = array("l")  # thousandths
        self.notes: dict[int, str] = {}  # row index -> note, for rows with a note
        self.action = bytearray()
        self.pk = array("q")  # the registration a row matches (0: none)
        self.old_end = array("l")  # the matched registration's last day before the import

    def __len__(self) -> int:
        return len(self.line)

    def append(
        self,
        line: int,
        employee: int,
        type_index: int,
        start: date,
        end: date | None,
        fraction: int,
        note: str,
    ) -> None:
        index = len(self.line)
        self.line.append(line)
        self.employee.append(employee)
        self.type.append(type_index)
        self.start.append(start.toordinal())
        self.end.append(end.toordinal() if end else OPEN)
        self.fraction.append(fraction)
        if note:
            self.notes[index] = note
        self.action.append(CREATE)
        self.pk.append(0)
        self.old_end.append(0)

    def day(self, ordinal: int) -> date | None:
        return None if ordinal == OPEN else date.fromordinal(ordinal)

    def counts(self) -> dict[str, int]:
        return {name: self.action.count(code) for code, name in _ACTION_NAMES.items()}

    def action_of(self, line: int) -> str | None:
        index = bisect.bisect_left(self.line, line)
        if index < len(self.line) and self.line[index] == line:
            return _ACTION_NAMES.get(self.action[index])
        return None

    def by_employee(self) -> Iterator[tuple[int, list[int]]]:
        """(employee pk, row indexes sorted by first day and line) for each employee, in pk order: the
        indexes are gathered per employee in compact arrays, so no object is made per row."""
        rows_of: dict[int, array] = {}
        for index, employee in enumerate(self.employee):
            indexes = rows_of.get(employee)
            if indexes is None:
                indexes = rows_of[employee] = array("l")
            indexes.append(index)
        start = self.start
        for employee in sorted(rows_of):
            yield employee, sorted(rows_of.pop(employee), key=lambda i: (start[i], i))


def _existing_registrations(organization: Organization, table: AbsenceTable, with_notes: bool):
    """The registrations that can match or overlap a row (of the file's employees, touching its period),
    ordered by employee, as a stream: (employee pk, [(pk, type, start, end, thousandths, note), ...])."""
    from .models import AbsenceRegistration

    candidates = AbsenceRegistration.objects.filter(employee__organization=organization)
    first = date.fromordinal(min(table.start))
    last = max(table.end)
    candidates = candidates.filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
    if last != OPEN:
        candidates = candidates.filter(start_date__lte=date.fromordinal(last))
    employee_ids = set(table.employee)
    if len(employee_ids) < 5000:  # a short IN list helps; a long one costs more than it saves
        candidates = candidates.filter(employee_id__in=employee_ids)
    fields = ["employee_id", "pk", "absence_type", "start_date", "end_date", "fraction"]
    if with_notes:
        fields.append("note")
    current, group = None, []
    for values in candidates.order_by("employee_id", "start_date").values_list(*fields).iterator(5000):
        employee_id, pk, type_code, start, end, fraction = values[:6]
        if employee_id not in employee_ids:
            continue
        if employee_id != current:
            if group:
                yield current, group
            current, group = employee_id, []
        group.append((pk, type_code, start, end, int(fraction * 1000), values[6] if with_notes else ""))
    if group:
        yield current, group


def _validate_absences(organization: Organization, records, plan: ImportPlan) -> None:
    from .health import HealthTerms, note_check
    from .models import AbsenceType, Employee

    employment: dict[str, tuple[int, date, date | None]] = {
        number: (pk, first, last)
        for number, pk, first, last in Employee.objects.filter(organization=organization).values_list(
            "employee_number", "pk", "employment_start", "employment_end"
        )
    }
    type_codes = list(AbsenceType.values)
    type_index = {code: index for index, code in enumerate(type_codes)}
    terms = HealthTerms.active()
    type_names = {}  # "Egen sygdom", "Own illness", "egen sykdom": the type's name in any interface language
    for language in ("en", "nb", "da"):
        with translation.override(language):
            type_names.update({str(label).casefold(): code for code, label in AbsenceType.choices})
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
                    _("fraction %(value)s must be more than 0 and at most 1 (1 = the whole working day)")
                    % {"value": fraction_text}
                )
        note = row.get("note") or ""
        if note:
            try:
                note = note_check(note, terms=terms)
            except ValidationError as exc:
                c.error(_("note: %(reason)s") % {"reason": " ".join(exc.messages)})
        if number and number not in employment:
            # Also for another organisation's employee: the number is simply unknown here.
            c.error(_("unknown employee_number '%(number)s'") % {"number": number})
        if type_code and type_code not in type_index:
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
        table.append(
            line, employment[number][0], type_index[type_code], start, end, int(fraction * 1000), note
        )
    plan.has_notes = has_notes
    if len(table):
        number_of = {pk: number for number, (pk, _first, _last) in employment.items()}
        _match_and_check_overlaps(organization, table, plan, number_of)


def _match_and_check_overlaps(organization, table: AbsenceTable, plan: ImportPlan, number_of) -> None:
    """Per employee (one at a time, in pk order, beside the stream of their registrations in the portal):
    match each row to what exists, and refuse duplicates and overlaps in the file or with the portal."""
    codes, day = table.type_codes, table.day
    existing_stream = _existing_registrations(organization, table, plan.has_notes)
    pending = next(existing_stream, None)
    for employee_id, rows in table.by_employee():
        while pending is not None and pending[0] < employee_id:
            pending = next(existing_stream, None)
        existing = pending[1] if pending is not None and pending[0] == employee_id else []
        number = number_of[employee_id]
        by_key = {(e[1], e[2].toordinal()): e for e in existing}
        seen: dict[tuple[str, int], int] = {}
        failed: set[int] = set()
        for i in rows:
            key = (codes[table.type[i]], table.start[i])
            if key in seen:
                plan.add_error(
                    table.line[i],
                    _(
                        "the same registration (employee %(number)s, %(type)s from %(start)s) "
                        "is also on line %(other)d"
                    )
                    % {
                        "number": number,
                        "type": key[0],
                        "start": day(table.start[i]).isoformat(),
                        "other": seen[key],
                    },
                )
                failed.add(i)
                continue
            seen[key] = table.line[i]
            match = by_key.get(key)
            if match is None:
                table.action[i] = CREATE
                continue
            pk, _type, _start, end, fraction, note = match
            table.pk[i] = pk
            old_end = end.toordinal() if end else OPEN
            table.old_end[i] = old_end
            same = old_end == table.end[i] and fraction == table.fraction[i]
            if plan.has_notes:
                same = same and note == table.notes.get(i, "")
            table.action[i] = UNCHANGED if same else UPDATE
        # Overlaps within the file: rows are sorted by start, so compare each with every later one it reaches.
        for position, i in enumerate(rows):
            for other in rows[position + 1 :]:
                if table.start[other] > table.end[i]:
                    break
                if other in failed or i in failed:
                    continue
                plan.add_error(
                    table.line[other],
                    _("overlaps line %(other)d for employee %(number)s (%(span)s)")
                    % {
                        "other": table.line[i],
                        "number": number,
                        "span": _span(day(table.start[i]), day(table.end[i])),
                    },
                )
                failed.add(other)
        # Overlaps with registrations already in the portal that this file does not replace.
        replaced = {table.pk[i] for i in rows if table.pk[i]}
        for i in rows:
            if i in failed:
                continue
            for pk, type_code, start, end, _fraction, _note in existing:
                if pk in replaced:
                    continue
                if _overlaps(day(table.start[i]), day(table.end[i]), start, end):
                    plan.add_error(
                        table.line[i],
                        _("overlaps an existing registration of employee %(number)s (%(type)s, %(span)s)")
                        % {"number": number, "type": type_code, "span": _span(start, end)},
                    )
                    failed.add(i)
                    break
        for i in failed:
            table.action[i] = FAILED


def type_codes_sorted() -> list[str]:
    from .models import AbsenceType

    return list(AbsenceType.values)


WRITE_BATCH = 2000


def _apply_absences(organization: Organization, plan: ImportPlan) -> ImportResult:
    """Write the table in batches, then one spell re-derivation for the affected employees (the services'
    bulk path). New registrations go in with COPY on PostgreSQL.

    Corrections that shorten a registration are written before those that lengthen one, so no moment
    of the transaction has two registrations of an employee overlapping (PostgreSQL's exclusion
    constraint checks every row as it is written).
    """
    from .models import AbsenceRegistration
    from .rollups import rollups_refresh
    from .services import spells_rederive_many

    table = plan.table
    assert table is not None
    result = ImportResult()
    codes, day, notes = table.type_codes, table.day, table.notes
    thousandths = Decimal("0.001")
    fields = ["end_date", "fraction", "note"] if plan.has_notes else ["end_date", "fraction"]
    affected: set[int] = set()
    for growing in (False, True):
        batch = []
        for i in range(len(table)):
            if table.action[i] != UPDATE or (table.end[i] > table.old_end[i]) != growing:
                continue
            registration = AbsenceRegistration(
                pk=table.pk[i], end_date=day(table.end[i]), fraction=table.fraction[i] * thousandths
            )
            registration.note = notes.get(i, "")
            batch.append(registration)
            affected.add(table.employee[i])
            result.updated += 1
            if len(batch) == WRITE_BATCH:
                AbsenceRegistration.objects.bulk_update(batch, fields)
                batch = []
        if batch:
            AbsenceRegistration.objects.bulk_update(batch, fields)
    now = timezone.now()

    def new_rows() -> Iterator[tuple]:
        for i in range(len(table)):
            if table.action[i] == CREATE:
                affected.add(table.employee[i])
                yield (
                    table.employee[i],
                    codes[table.type[i]],
                    day(table.start[i]),
                    day(table.end[i]),
                    table.fraction[i] * thousandths,
                    notes.get(i, ""),
                    now,
                )

    result.created = sql.insert_rows(
        AbsenceRegistration,
        ["employee_id", "absence_type", "start_date", "end_date", "fraction", "note", "created_at"],
        new_rows(),
    )
    result.unchanged = table.action.count(UNCHANGED)
    if affected:
        spells_rederive_many(organization=organization, employee_ids=sorted(affected))
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
        from .services import advisory_sweep

        result.advisories = advisory_sweep(as_of=timezone.localdate(), organization=organization).created
    return result


def import_file(
    *,
    organization: Organization,
    kind: str,
    data: Source,
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
    parser.add_argument(
        "file",
        help="CSV (UTF-8 or Windows-1252, ';' or ',' separated, header row) or XLSX file; read as a stream",
    )
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
        stream = path.open("rb")
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
    with stream:
        plan, result = import_file(organization=organization, kind=kind, data=stream, filename=path.name)
    if result is None:
        for message in plan.messages():
            command.stderr.write(message)
        bad = plan.bad_rows
        raise CommandError(
            f"{path.name}: nothing imported ({bad} bad row(s))" if bad else f"{path.name}: nothing imported"
        )
    command.stdout.write(
        f"{path.name}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged"
        + (f", {result.advisories} advisories due now" if kind == "absences" else "")
    )
