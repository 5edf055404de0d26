"""What a payroll file holds (the columns of each kind, the header names accepted) and reading it.

A file is a stream: bytes (tests, small uploads), a path (the commands) or an open binary file (the
stored upload). It is read row by row, never whole, so memory stays flat in the file's size.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

from django.utils import translation
from django.utils.translation import gettext_lazy, gettext_noop

from apps.core import texts
from apps.core.exports import TableFileError, cell_text, detect_encoding, sniff_delimiter, text_lines

from ..models import NOTE_MAX_LENGTH

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
    "parent_code": [
        "overordnet_kode",
        "overordnet_enhed",
        "overordnet_enhet",
        "forælder_kode",
        "overordnet_enheds_kode",  # the templates' headers until December 2026
        "overordnet_enhets_kode",
    ],
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


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, format, header)."""


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
        if "field larger than field limit" in str(exc):
            message = texts.text(
                gettext_noop(
                    "Line %(line)d has a value longer than %(limit)s characters, far more than any column "
                    "of the file needs (a note holds at most %(note)d). Check that the line is not missing "
                    "a closing quotation mark."
                ),
                line=reader.line_num,
                limit=texts.number(csv.field_size_limit()),
                note=NOTE_MAX_LENGTH,
            )
        else:  # Python's own wording is English and technical
            message = texts.text(
                gettext_noop(
                    "Line %(line)d cannot be read as CSV. Check its quotation marks and separators, or save "
                    "the file again from the payroll system or Excel as CSV."
                ),
                line=reader.line_num,
            )
        raise ImportFileError(message) from exc


def _open_workbook(stream: BinaryIO):
    from openpyxl import load_workbook

    try:
        return load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(
            texts.text(gettext_noop("The file cannot be read as an Excel workbook (.xlsx)."))
        ) from exc


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


def column_labels(kind: str) -> list[Any]:
    """The columns of a kind of file as the import templates head them (lazily, in the reader's language)."""
    return [COLUMN_LABELS[column] for column in COLUMNS.get(kind, [])]


def _labels(columns: list[str]) -> texts.Said:
    return texts.listed([texts.label(COLUMN_LABELS[column]) for column in columns])


def _missing_columns_message(kind: str, line: int, names: list[str], missing: list[str]) -> texts.Said:
    """What is wrong with a header row that lacks required columns, in the user's words: the columns by
    their labels (as in the template file), and the likely cause when there is one (a separator that
    was not recognised, a file of another kind)."""
    message = texts.text(
        gettext_noop(
            "Line %(line)d (the header row) is missing the column(s) %(missing)s. Expected: %(expected)s."
        ),
        line=line,
        missing=_labels(missing),
        expected=_labels(COLUMNS[kind]),
    )
    if len([name for name in names if name.strip()]) <= 1:
        hint = texts.text(
            gettext_noop(
                "The header row reads as one single column, so the separator between the columns was not "
                "recognised: save the file with semicolons, commas or tabs between the columns."
            )
        )
        return texts.joined(message, hint)
    for other, columns in COLUMNS.items():
        if other == kind:
            continue
        accepted = _accepted_headers(other)
        named = {accepted.get(_header_key(name)) for name in names}
        if all(column in named for column in columns if column not in OPTIONAL_COLUMNS[other]):
            hint = texts.text(
                gettext_noop(
                    "The header row is that of a file of %(other)s: choose that as the file's content."
                ),
                other=texts.lower(texts.label(KINDS[other])),
            )
            return texts.joined(message, hint)
    return message


def _header_columns(kind: str, line: int, names: list[str]) -> list[str]:
    """The columns the header row names (in the file's order), or ImportFileError."""
    accepted = _accepted_headers(kind)
    header = [accepted.get(_header_key(name), _header_key(name)) for name in names]
    expected = COLUMNS[kind]
    missing = [c for c in expected if c not in header and c not in OPTIONAL_COLUMNS[kind]]
    if missing:
        raise ImportFileError(_missing_columns_message(kind, line, names, missing))
    duplicates = sorted({h for h in header if h and header.count(h) > 1})
    if duplicates:
        raise ImportFileError(
            texts.text(
                gettext_noop(
                    "Line %(line)d (the header row) names the column(s) %(columns)s more than once."
                ),
                line=line,
                columns=", ".join(duplicates),
            )
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
            raise ImportFileError(texts.reason(exc)) from exc

    def _raw(self, stream: BinaryIO) -> Iterator[tuple[int, list[str]]]:
        if _is_xlsx(stream, self.filename):
            yield from _xlsx_records(stream)
            return
        if not self.filename.lower().endswith((".csv", ".txt")):
            raise ImportFileError(
                texts.text(gettext_noop("Upload a CSV file (.csv) or an Excel workbook (.xlsx)."))
            )
        encoding, lines = self._encoding(stream)
        if self._estimate is None:
            self._estimate = max(lines - 1, 0)
        try:
            yield from _csv_records(stream, encoding)
        except TableFileError as exc:
            raise ImportFileError(texts.reason(exc)) from exc

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
                raise ImportFileError(
                    texts.text(
                        gettext_noop("The file is empty: it needs a header row with the column names.")
                    )
                )


def read_records(data: Source, filename: str, kind: str) -> list[tuple[int, dict[str, str]]]:
    """The file's data rows as a list (small files: the template files' tests, the views' previews)."""
    return list(RecordReader(data, filename, kind))
