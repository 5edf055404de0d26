"""The rows of DESIGN.md's absence_stats CSV, for the export and the absence_stats command."""

from __future__ import annotations

CSV_COLUMNS = [
    "unit_code",
    "absence_type",
    "employees",
    "fte",
    "spells",
    "calendar_days",
    "absence_hours",
    "possible_hours",
    "absence_pct",
    "days_per_fte",
]


def _csv_value(value) -> str:
    return "" if value is None else str(value)


def csv_rows(stats: dict) -> list[list[str]]:
    """The rows of DESIGN.md's absence_stats CSV (suppressed figures are empty cells).

    After a unit's type rows comes its ``bradford`` row: ``employees`` holds "band:count" pairs joined
    by ";" (e.g. "0-50:40;51-200:5;201-400:0;401-600:1;601+:0"), the other figure columns are empty.
    """
    rows = []
    for unit in stats["units"]:
        for group in unit["types"]:
            rows.append(
                [unit["code"], group["absence_type"], *(_csv_value(group[c]) for c in CSV_COLUMNS[2:])]
            )
        bands = ";".join(
            f"{label.replace(chr(0x2013), '-')}:{_csv_value(count)}"
            for label, count in zip(stats["band_labels"], unit["bradford"]["bands"], strict=True)
        )
        rows.append([unit["code"], "bradford", bands, *[""] * (len(CSV_COLUMNS) - 3)])
    return rows
