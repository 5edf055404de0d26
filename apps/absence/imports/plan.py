"""What checking a file gives: the plan that ``applying`` writes, or the reasons it is refused."""

from __future__ import annotations

import bisect
from array import array
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext_noop

from apps.core import texts

from .files import COLUMNS, RecordReader


@dataclass(frozen=True)
class RowError:
    line: int
    message: str  # a ``texts.Said`` where the check made it: said again in the reader's language

    def __str__(self) -> str:
        return texts.text(gettext_noop("line %(line)d: %(message)s"), line=self.line, message=self.message)


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
        bad: list[dict] = []
        good: list[dict] = []
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
                texts.text(
                    gettext_noop("… and %(count)d more bad rows (the first %(shown)d are listed)."),
                    count=self.bad_rows - shown,
                    shown=shown,
                )
            )
        return messages


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
