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


COUNTRY_CSV_COLUMNS = ["organization", *CSV_COLUMNS[1:], "as_of"]
COUNTRY = "country"


def country_csv_rows(stats: dict) -> list[list[str]]:
    """The rows of ``absence_stats --country``: per organisation (by slug) and then for the whole
    country (``country``), a row per absence type and one ``total`` over the types counting for the
    percentage; ``as_of`` is the last day of the rolling year (an earlier month end for an organisation
    whose rows of the window retention has deleted)."""
    rows = []
    groups = [(row["slug"], row, row["as_of"]) for row in stats["organizations"]]
    groups.append((COUNTRY, stats["country"], stats["as_of"]))
    for name, row, as_of in groups:
        for group in [*row["types"], {**row["total"], "absence_type": "total"}]:
            rows.append(
                [
                    name,
                    group["absence_type"],
                    *(_csv_value(group[c]) for c in CSV_COLUMNS[2:]),
                    as_of.isoformat(),
                ]
            )
    return rows
