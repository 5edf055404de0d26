"""The benchmark harness's pure parts: statistics, verdicts, the table, URLs. No timing assertions."""

import pytest

from bench import core, db
from bench.core import ERROR, RAN, UNAVAILABLE, Result, Target
from bench.measure import normalise_sql, parse_locust_stats


def test_median_and_percentile():
    assert core.median([3, 1, 2]) == 2
    assert core.median([4, 1, 2, 3]) == 2.5
    assert core.median([]) is None
    assert core.percentile([1, 2, 3, 4, 5], 50) == 3
    assert core.percentile([1, 2, 3, 4, 5], 95) == pytest.approx(4.8)
    assert core.percentile([7], 99) == 7
    assert core.percentile([], 95) is None


def test_ratio_needs_a_positive_floor():
    assert core.ratio(6.0, 2.0) == 3.0
    assert core.ratio(6.0, 0) is None
    assert core.ratio(None, 2.0) is None


def test_sweep_targets_met_and_missed():
    targets = [Target("median_s", "<", 10, "< 10 s"), Target("ratio", "<", 3, "< 3× floor")]
    fast = Result(key="sweep", label="Sweep", metrics={"median_s": 2.0, "ratio": 2.5}, targets=targets)
    slow_ratio = Result(key="sweep", label="Sweep", metrics={"median_s": 2.0, "ratio": 3.5}, targets=targets)
    assert core.evaluate(fast) == core.MET
    assert core.evaluate(slow_ratio) == core.MISSED
    assert [t.text for t in core.missed_targets(slow_ratio)] == ["< 3× floor"]


def test_query_target_is_inclusive_and_equality_works():
    assert Target("queries", "<=", 20, "≤ 20").holds(20) is True
    assert Target("queries", "<=", 20, "≤ 20").holds(21) is False
    assert Target("errors", "==", 0, "no errors").holds(0) is True
    assert Target("errors", "==", 0, "no errors").holds(3) is False
    assert Target("p95_s", "<", 0.3, "p95").holds(None) is None


def test_verdicts_of_unavailable_error_and_info():
    assert (
        core.evaluate(Result(key="x", label="x", status=UNAVAILABLE, reason="no model")) == core.NOT_AVAILABLE
    )
    assert core.evaluate(Result(key="x", label="x", status=ERROR, reason="boom")) == core.FAILED
    assert core.evaluate(Result(key="m", label="m", metrics={"peak_rss_bytes": 1})) == core.INFO
    # a target whose metric was not measured cannot be called met
    partial = Result(key="p", label="p", metrics={"queries": 3}, targets=[Target("p95_s", "<", 0.2, "p95")])
    assert core.evaluate(partial) == core.NOT_AVAILABLE


def test_table_has_one_row_per_result_and_marks_misses():
    rows = [
        Result(
            key="sweep",
            label="Sweep",
            metrics={"median_s": 12.0, "floor_s": 2.0, "ratio": 6.0},
            floor_label="one SELECT",
            targets=[Target("median_s", "<", 10, "< 10 s")],
        ).to_dict(),
        Result(key="page:x", label="Page | x", status=UNAVAILABLE, reason="url missing").to_dict(),
    ]
    table = core.format_table(rows).splitlines()
    assert table[0].startswith("| Measurement | Target | Measured | Floor | Ratio | Result |")
    assert len(table) == 4
    assert "median 12.00 s" in table[2]
    assert "2.00 s (one SELECT)" in table[2]
    assert "6.0×" in table[2]
    assert "**MISSED**" in table[2]
    assert "Page \\| x" in table[3]  # a pipe in a label does not break the table
    assert "NOT AVAILABLE: url missing" in table[3]


def test_describe_measured_for_pages_and_load():
    page = Result(key="page:a", label="a", metrics={"median_s": 0.0123, "p95_s": 0.05, "queries": 7})
    assert core.describe_measured(page) == "median 12.3 ms, p95 50.0 ms, 7 queries"
    load = Result(
        key="load",
        label="load",
        metrics={"rps": 12.5, "p50_s": 0.02, "p95_s": 0.1, "p99_s": 0.2, "requests": 100, "errors": 0},
    )
    assert "12.5 req/s" in core.describe_measured(load)
    assert "100 requests, 0 errors" in core.describe_measured(load)


def test_harness_problems_are_reported():
    ok = [
        Result(key="sweep", label="s", metrics={"median_s": 1}).to_dict(),
        Result(key="page:home", label="h", status=UNAVAILABLE, reason="no view").to_dict(),
    ]
    assert core.harness_ok(ok, ["sweep", "page"]) == []
    assert core.harness_ok(ok, ["sweep", "page", "load"]) == ["load: no result recorded"]
    broken = Result(key="report", label="r", status=ERROR, reason="KeyError", details={"harness_error": True})
    assert core.harness_ok([broken.to_dict()], ["report"]) == ["report: harness error: KeyError"]
    silent = Result(key="load", label="l", status=UNAVAILABLE).to_dict()
    assert core.harness_ok([silent], ["load"]) == ["load: unavailable without a reason"]
    assert RAN == "ran"


def test_bench_database_url_keeps_server_and_replaces_name():
    url = db.bench_database_url("postgres://postgres:pw@127.0.0.1:5432/portal?sslmode=disable", "large")
    assert url == "postgres://postgres:pw@127.0.0.1:5432/portal_bench_large?sslmode=disable"
    with pytest.raises(ValueError, match="PostgreSQL"):
        db.bench_database_url("sqlite:///var/portal.sqlite3", "smoke")
    assert db.redis_url_for_bench("redis://127.0.0.1:6379/0", 8) == "redis://127.0.0.1:6379/8"
    assert db.redis_url_for_bench(None, 8) is None


def test_sizes_match_the_issue():
    assert core.SIZES["small"].employees == 5000
    assert core.SIZES["large"].employees == 50000
    assert core.SIZES["large"].years == 5
    assert all(size.load_users == 50 for name, size in core.SIZES.items() if name != "national")
    # Issue 17: 500,000 employees in 98 municipalities, 5 years; 200 users for 120 s.
    national = core.SIZES["national"]
    assert (national.national_employees, national.municipalities, national.years) == (500000, 98, 5)
    assert (national.load_users, national.load_seconds) == (200, 120)


def test_locust_statistics_are_parsed_to_seconds():
    csv_text = (
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
        "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,"
        "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%\n"
        "GET,home,10,1,20,25,10,90,5000,2.5,0.1,20,22,24,30,40,60,80,90,90,90,90\n"
        ",Aggregated,10,1,20,25,10,90,5000,2.5,0.1,20,22,24,30,40,60,80,90,90,90,90\n"
    )
    metrics, per_page = parse_locust_stats(csv_text)
    assert metrics["requests"] == 10
    assert metrics["errors"] == 1
    assert metrics["p95_s"] == pytest.approx(0.06)
    assert metrics["p99_s"] == pytest.approx(0.09)
    assert per_page["home"]["rps"] == 2.5


def test_normalised_sql_groups_queries_that_differ_only_in_literals():
    a = normalise_sql("SELECT * FROM t WHERE id = 17 AND name = 'x'")
    b = normalise_sql("SELECT * FROM t WHERE id = 4 AND name = 'it''s'")
    assert a == b == "SELECT * FROM t WHERE id = ? AND name = ?"


def test_a_partial_run_replaces_only_its_own_rows():
    from bench.run import merge_partial

    def row(key, value):
        return Result(key=key, label=key, metrics={"median_s": value}).to_dict()

    previous = {
        "machine": {"date": "d1", "git_commit": "a"},
        "dataset": {"employees": 10},
        "results": [row("sweep", 1), row("report", 5), row("memory:report", 7), row("load", 2)],
    }
    new = {
        "machine": {"date": "d2", "git_commit": "b"},
        "dataset": {"employees": 10},
        "results": [row("report", 3), row("memory:report", 4)],
    }
    merged = merge_partial(previous, new, {"report"})
    assert [r["key"] for r in merged["results"]] == ["sweep", "report", "memory:report", "load"]
    assert [r["metrics"]["median_s"] for r in merged["results"]] == [1, 3, 4, 2]
    assert merged["partial_updates"] == [{"keys": ["report"], "date": "d2", "git_commit": "b"}]
