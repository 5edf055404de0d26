"""Downloads as Danish Excel opens them: BOM, separator and decimal mark by language, no formulas."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from apps.core.exports import csv_text, is_formula_like, table_response, unescape_cell

ATTACKS = ['=HYPERLINK("http://evil.example";"Klik")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1"]


@pytest.mark.parametrize("text", ATTACKS)
def test_formula_like_text_is_guarded_in_csv_and_restored_on_import(text):
    assert is_formula_like(text)
    with translation.override("da"):
        written = csv_text(["Titel"], [[text]])
    cell = next(csv.reader(io.StringIO(written.lstrip("\ufeff").splitlines()[1]), delimiter=";"))[0]
    assert cell == "'" + text
    assert unescape_cell(cell) == text


@pytest.mark.parametrize("text", ["-12", "+4,5", "Ærø", "a=b", "'quoted"])
def test_plain_numbers_and_ordinary_text_are_left_alone(text):
    assert not is_formula_like(text)
    assert unescape_cell(text) == text


def test_danish_and_norwegian_use_semicolons_and_decimal_commas_english_commas_and_points():
    rows = [["Ærø", Decimal("12.50"), 3, date(2026, 3, 1), None]]
    with translation.override("da"):
        danish = csv_text(["Ø", "Tal", "Antal", "Dato", "Tom"], rows)
    with translation.override("nb"):
        norwegian = csv_text(["Ø", "Tal", "Antal", "Dato", "Tom"], rows)
    with translation.override("en"):
        english = csv_text(["O", "Number", "Count", "Date", "Empty"], rows)
    assert danish.startswith("\ufeff") and english.startswith("\ufeff")
    assert danish.splitlines()[1] == "Ærø;12,50;3;2026-03-01;"
    assert norwegian.splitlines()[1] == danish.splitlines()[1]
    assert english.splitlines()[1] == "Ærø,12.50,3,2026-03-01,"


def test_the_csv_survives_a_windows_1252_reading_where_every_letter_exists_there():
    """What Excel does with a file that has a BOM is read UTF-8; without it, the letters would garble."""
    with translation.override("da"):
        response = table_response(fmt="csv", filename="t", header=["Navn"], rows=[["Søren Ærø"]])
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.content.decode("utf-8-sig").splitlines()[1] == "Søren Ærø"
    assert response["Content-Disposition"] == 'attachment; filename="t.csv"'


def test_xlsx_keeps_formula_like_text_as_text_and_numbers_as_numbers():
    with translation.override("da"):
        response = table_response(
            fmt="xlsx",
            filename="t",
            header=["Titel", "Beløb", "Dato"],
            rows=[[ATTACKS[0], Decimal("1500.50"), date(2026, 3, 1)]],
        )
    sheet = load_workbook(io.BytesIO(response.content)).active
    title, amount, day = sheet[2]
    assert title.data_type == "s" and title.value == ATTACKS[0]
    assert amount.value == 1500.5
    assert day.value.date() == date(2026, 3, 1)
    assert [c.value for c in sheet[1]] == ["Titel", "Beløb", "Dato"]


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError):
        table_response(fmt="ods", filename="t", header=[], rows=[])


def test_file_names_keep_danish_letters_as_the_ascii_spelling_writes_them():
    from apps.core.exports import file_slug

    assert file_slug("Fraværsregistreringer") == "fravaersregistreringer"
    assert file_slug("Årsrapport 2026 – Søgård") == "aarsrapport-2026-soegaard"
    assert file_slug("Plan") == "plan"
