"""Tables people download and open in a spreadsheet: CSV as Danish and Norwegian Excel reads it, and .xlsx.

Every web export goes through ``table_response`` so that each one
- starts with a byte-order mark (Excel otherwise reads UTF-8 as Windows-1252 and garbles æøå),
- separates with ";" and writes decimal commas in Danish and Norwegian (the list separator and decimal
  mark of those Windows locales), "," and "." in English,
- has headers in the user's language (the caller passes translated headers),
- never hands a spreadsheet a formula: a text cell that begins with = + - @ (or a tab or carriage return)
  is written with a leading apostrophe in CSV and as a plain text cell in .xlsx (OWASP "CSV injection").
  ``unescape_cell`` undoes the apostrophe when such a file comes back through an import.

Files coming in are read by ``decode_text`` (UTF-8 with or without a byte-order mark, or Windows-1252)
and ``sniff_delimiter``; the strategy plan import uses them. Payroll files of any size are read as a
stream by ``detect_encoding`` and ``text_lines``, which make the same decisions chunk by chunk.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import BinaryIO

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_noop

from .texts import text

FORMATS = ("csv", "xlsx")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class TableFileError(Exception):
    """A file that cannot be read as text at all (its encoding); the message is for the user."""


# UTF-8 read as Windows-1252 and saved again ("Ã¸" for "ø"): refuse rather than store garbled names.
_MOJIBAKE = re.compile("[\u00c2\u00c3][\u0080-\u00bf\u2018-\u203a\u0152-\u017e]")


def _utf16_error() -> TableFileError:
    return TableFileError(
        text(gettext_noop("The file is UTF-16 encoded. Save it as CSV in UTF-8 (“CSV UTF-8”) and try again."))
    )


def _neither_error(line: int) -> TableFileError:
    return TableFileError(
        text(
            gettext_noop(
                "The file is neither UTF-8 nor Windows-1252 encoded (line %(line)d has a character that "
                "is not valid in either). Save it as CSV in UTF-8 (“CSV UTF-8”) and try again."
            ),
            line=line,
        )
    )


def _garbled_error(line: int, garbled: str) -> TableFileError:
    return TableFileError(
        text(
            gettext_noop(
                "Line %(line)d holds “%(text)s”, which looks like Danish letters garbled by a wrong encoding "
                "(“Ã¸” for “ø”). Open the original export again and save it as CSV in UTF-8."
            ),
            line=line,
            text=garbled,
        )
    )


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark) or Windows-1252, as Danish and Norwegian Excel save CSV."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _utf16_error()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")  # "CSV (semikolonsepareret)" from Excel on Danish Windows
        except UnicodeDecodeError as exc:
            raise _neither_error(data[: exc.start].count(b"\n") + 1) from exc
    garbled = _MOJIBAKE.search(text)
    if garbled:
        raise _garbled_error(text[: garbled.start()].count("\n") + 1, garbled.group())
    return text


READ_CHUNK = 1 << 20
_CP1252_UNDEFINED = re.compile(b"[\x81\x8d\x8f\x90\x9d]")  # the bytes Windows-1252 leaves out


def detect_encoding(stream: BinaryIO, chunk_size: int = READ_CHUNK) -> tuple[str, int]:
    """(encoding, lines) of a text file read in chunks, so memory does not grow with the file: the same
    decision as ``decode_text`` for files of any size. ``stream`` is left at its start."""
    stream.seek(0)
    if stream.read(2) in (b"\xff\xfe", b"\xfe\xff"):
        raise _utf16_error()
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, lines, last = True, 0, b""
    while chunk := stream.read(chunk_size):
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
        lines += chunk.count(b"\n")
        last = chunk[-1:]
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    if last and last != b"\n":
        lines += 1
    stream.seek(0)
    if utf8:
        return "utf-8-sig", lines
    line = 1
    while chunk := stream.read(chunk_size):
        undefined = _CP1252_UNDEFINED.search(chunk)
        if undefined:
            raise _neither_error(line + chunk[: undefined.start()].count(b"\n"))
        line += chunk.count(b"\n")
    stream.seek(0)
    return "cp1252", lines


def text_lines(stream: BinaryIO, encoding: str) -> Iterator[str]:
    """The lines of a binary stream in ``encoding`` (from ``detect_encoding``), one at a time; a line with
    garbled Danish letters stops the reading with the line's number. The stream stays open."""
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        for number, line in enumerate(text, start=1):
            garbled = _MOJIBAKE.search(line)
            if garbled:
                raise _garbled_error(number, garbled.group())
            yield line
    finally:
        text.detach()


def sniff_delimiter(text: str) -> str:
    """The header row's separator: Danish and Norwegian Excel write ";", others "," (or a tab)."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NORDIC_DATE = re.compile(r"^(\d{1,2})[-.](\d{1,2})[-.](\d{4})$")  # 23-11-2026, 23.11.2026, 1.2.2026


def parse_day(text: str) -> date:
    """A date as Danish and Norwegian spreadsheets write it (day first) or ISO; ValueError otherwise."""
    nordic = _NORDIC_DATE.match(text)
    if nordic:
        day, month, year = (int(part) for part in nordic.groups())
        return date(year, month, day)
    if not _ISO_DATE.match(text):
        raise ValueError(text)
    return date.fromisoformat(text)


def cell_text(value: object) -> str:
    """A spreadsheet cell as import code reads text: dates as ISO, whole floats without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_formula_like(value: str) -> bool:
    """Text a spreadsheet would run as a formula (a plain signed number is data, not a formula)."""
    return value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value)


def unescape_cell(value: str) -> str:
    """The text as it was before ``table_response`` guarded it (for imports of our own exports)."""
    if value.startswith("'") and is_formula_like(value[1:]):
        return value[1:]
    return value


_DANISH_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def file_slug(text: str) -> str:
    """``text`` as a download's file name part: Danish and Norwegian letters written out as the ASCII
    spelling uses them (æ -> ae, ø -> oe, å -> aa), where ``slugify`` alone drops them
    ("Fraværsregistreringer" was "fravrsregistreringer", "Årsrapport" "rsrapport")."""
    return slugify(text.translate(_DANISH_LETTERS))


def _uses_decimal_comma(language: str) -> bool:
    return not language.startswith("en")


def _csv_cell(value: object, decimal_comma: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal | float):
        text = format(value, "f") if isinstance(value, Decimal) else repr(value)
        return text.replace(".", ",") if decimal_comma else text
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    return "'" + text if is_formula_like(text) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]], language: str | None = None) -> str:
    """The table as CSV text for ``language`` (default: the active one), starting with a BOM."""
    decimal_comma = _uses_decimal_comma(language or get_language() or "da")
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";" if decimal_comma else ",", lineterminator="\r\n")
    writer.writerow([_csv_cell(h, decimal_comma) for h in header])
    for row in rows:
        writer.writerow([_csv_cell(v, decimal_comma) for v in row])
    return out.getvalue()


def _xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[object]], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=(title or "Data")[:31])
    bold = Font(bold=True)

    def cell(value: object, *, header_cell: bool = False) -> WriteOnlyCell:
        if isinstance(value, Decimal):
            value = float(value)
        elif value is not None and not isinstance(value, int | float | date | datetime):
            value = str(value)
        written = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            written.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
        if header_cell:
            written.font = bold
        if isinstance(value, date) and not isinstance(value, datetime):
            written.number_format = "yyyy-mm-dd"
        return written

    sheet.append([cell(h, header_cell=True) for h in header])
    for row in rows:
        sheet.append([cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_response(
    *,
    fmt: str,
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    title: str = "",
) -> HttpResponse:
    """A download of one table as ``fmt`` ("csv" or "xlsx"); ``filename`` without its extension."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown table format {fmt!r}")
    language = get_language() or "da"
    if fmt == "csv":
        body = csv_text(header, rows, language).encode("utf-8")
    else:
        body = _xlsx_bytes(header, rows, title or filename)
    response = HttpResponse(body, content_type=_CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
