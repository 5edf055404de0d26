"""Pure helpers of the harness: statistics, targets, verdicts and the Markdown table.

Nothing here touches Django or the database, so tests/bench/test_harness.py can check it directly.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

RAN = "ran"
UNAVAILABLE = "unavailable"
ERROR = "error"

MET = "MET"
MISSED = "MISSED"
INFO = "info"
NOT_AVAILABLE = "NOT AVAILABLE"
FAILED = "ERROR"


@dataclass(frozen=True)
class Size:
    name: str
    employees: int
    years: int
    repeats: int  # timed runs of the sweep, statistics and report
    page_repeats: int  # timed requests per page
    load_seconds: int
    load_users: int = 50
    import_rows: tuple[int, ...] = (10_000,)  # payroll absence files imported (rows each)
    # A national dataset: Norddjurs with ``employees`` and the other municipalities generated beside it
    # (seed_demo --municipalities), ``national_employees`` in all.
    municipalities: int = 1
    national_employees: int = 0


SIZES = {
    # CI smoke: proves the harness works end to end in a few minutes; numbers are not judged.
    "smoke": Size("smoke", employees=5000, years=1, repeats=3, page_repeats=5, load_seconds=15),
    "small": Size(
        "small",
        employees=5000,
        years=2,
        repeats=5,
        page_repeats=15,
        load_seconds=30,
        import_rows=(10_000, 100_000),
    ),
    "large": Size(
        "large",
        employees=50000,
        years=5,
        repeats=3,
        page_repeats=20,
        load_seconds=60,
        import_rows=(10_000, 100_000, 1_000_000),
    ),
    # Issue 17: about every municipal employee in Denmark, in the 98 municipalities.
    "national": Size(
        "national",
        employees=50000,
        years=5,
        repeats=3,
        page_repeats=20,
        load_seconds=120,
        load_users=200,
        import_rows=(10_000, 100_000, 1_000_000),
        municipalities=98,
        national_employees=500000,
    ),
}


def median(values: Iterable[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def percentile(values: Iterable[float], pct: float) -> float | None:
    """Linear-interpolated percentile (like numpy's default); ``pct`` in 0..100."""
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return None
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * pct / 100
    low = math.floor(rank)
    high = math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ratio(value: float | None, floor: float | None) -> float | None:
    if value is None or floor is None or floor <= 0:
        return None
    return value / floor


@dataclass(frozen=True)
class Target:
    """One condition a measurement must meet: ``metric`` of the result compared to ``limit``."""

    metric: str  # key in the result's "metrics" dict, e.g. "median_s", "ratio", "p95_s", "queries"
    op: str  # "<", "<=", "=="
    limit: float
    text: str  # how the table shows it, e.g. "< 10 s"

    def holds(self, value: float | None) -> bool | None:
        if value is None:
            return None
        if self.op == "<":
            return value < self.limit
        if self.op == "<=":
            return value <= self.limit
        if self.op == "==":
            return value == self.limit
        raise ValueError(f"unknown operator {self.op!r}")


@dataclass
class Result:
    key: str
    label: str
    status: str = RAN
    reason: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)
    floor_label: str = ""
    targets: list[Target] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    verdict: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["verdict"] = evaluate(self)
        data["measured"] = describe_measured(self)
        data["target"] = describe_targets(self.targets)
        return data


def evaluate(result: Result) -> str:
    """MET when every target holds, MISSED when one does not, INFO when there is no target."""
    if result.status == UNAVAILABLE:
        return NOT_AVAILABLE
    if result.status == ERROR:
        return FAILED
    if not result.targets:
        return INFO
    outcomes = [target.holds(result.metrics.get(target.metric)) for target in result.targets]
    if any(outcome is False for outcome in outcomes):
        return MISSED
    if any(outcome is None for outcome in outcomes):
        return NOT_AVAILABLE
    return MET


def missed_targets(result: Result) -> list[Target]:
    return [t for t in result.targets if t.holds(result.metrics.get(t.metric)) is False]


def fmt_seconds(value: float | None) -> str:
    if value is None:
        return "–"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def fmt_bytes(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value / (1024 * 1024):.0f} MiB"


def fmt_ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}×"


def describe_targets(targets: Sequence[Target]) -> str:
    return ", ".join(t.text for t in targets) if targets else "(no target; reported)"


def describe_measured(result: Result) -> str:
    """A short human description of the result's numbers for the table."""
    m = result.metrics
    if result.status != RAN:
        return "–"
    parts = []
    if "median_s" in m:
        parts.append(f"median {fmt_seconds(m['median_s'])}")
    if "p95_s" in m and "rps" not in m:
        parts.append(f"p95 {fmt_seconds(m['p95_s'])}")
    if "queries" in m:
        parts.append(f"{m['queries']} queries")
    if "rps" in m:
        parts.append(f"{m['rps']:.1f} req/s")
        parts.append(
            f"p50/p95/p99 {fmt_seconds(m.get('p50_s'))} / {fmt_seconds(m.get('p95_s'))} / "
            f"{fmt_seconds(m.get('p99_s'))}"
        )
        parts.append(f"{m.get('requests', 0)} requests, {m.get('errors', 0)} errors")
    if "unit_depth" in m:
        parts.append(
            f"{m['employees']:,} employees, {m['units']:,} units (depth {m['unit_depth']}), "
            f"{m['registrations'] or 0:,} registrations "
            f"({m['registrations_per_employee_year']} per employee-year), "
            f"{m['strategy_plans']} plans, {m['clubs']} clubs ({m['club_meetings']} meetings), "
            f"{m['committees']} committees ({m['committee_meetings']} meetings, {m['agenda_items']} items)"
        )
    if "peak_rss_bytes" in m:
        parts.append(f"peak RSS {fmt_bytes(m['peak_rss_bytes'])}")
    return ", ".join(parts)


def escape_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def format_table(results: Sequence[dict[str, Any]]) -> str:
    """Markdown table with one row per result dict (as produced by ``Result.to_dict``)."""
    lines = [
        "| Measurement | Target | Measured | Floor | Ratio | Result |",
        "|---|---|---|---|---|---|",
    ]
    for row in results:
        metrics = row.get("metrics", {})
        floor = metrics.get("floor_s")
        floor_text = f"{fmt_seconds(floor)} ({row.get('floor_label')})" if floor is not None else "–"
        verdict = row.get("verdict", "")
        if row.get("status") in (UNAVAILABLE, ERROR) and row.get("reason"):
            verdict = f"{verdict}: {row['reason'][:200]}"
        lines.append(
            "| "
            + " | ".join(
                escape_cell(cell)
                for cell in (
                    row.get("label", row.get("key", "")),
                    row.get("target", ""),
                    row.get("measured", ""),
                    floor_text,
                    fmt_ratio(metrics.get("ratio")),
                    f"**{verdict}**" if verdict.startswith((MISSED, FAILED)) else verdict,
                )
            )
            + " |"
        )
    return "\n".join(lines)


def harness_ok(results: Sequence[dict[str, Any]], expected_keys: Iterable[str]) -> list[str]:
    """Problems that mean the harness itself broke (not that a target was missed)."""
    problems = []
    by_key = {row["key"]: row for row in results}
    for key in expected_keys:
        if not any(k == key or k.startswith(key + ":") for k in by_key):
            problems.append(f"{key}: no result recorded")
    for row in results:
        if row["status"] in (UNAVAILABLE, ERROR) and not row.get("reason"):
            problems.append(f"{row['key']}: {row['status']} without a reason")
        if row["status"] == ERROR and row.get("details", {}).get("harness_error"):
            problems.append(f"{row['key']}: harness error: {row['reason']}")
    return problems
