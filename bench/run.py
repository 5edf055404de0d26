"""The benchmark: ``python -m bench.run --size smoke|small|large [--check-only]`` (bin/bench wraps it).

1. Points DATABASE_URL at portal_bench_<size> on the same server (created if missing), migrates and
   seeds it with ``seed_demo`` unless it already holds the same dataset (table bench_meta).
2. Measures the sweep, the absence statistics, the busiest pages, the annual report, a load run and
   peak memory, each against a floor measured in the same run.
3. Writes bench/results/<size>.json, EXPLAIN ANALYZE and profiles of missed targets, and (unless
   --check-only) the table in BENCHMARKS.md.

Exit status: 0 when every measurement ran or says why it could not, 1 when the harness itself broke.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from datetime import date
from functools import partial
from pathlib import Path

from . import core, db

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BENCHMARKS_MD = ROOT / "BENCHMARKS.md"
EXPECTED = [
    "dataset",
    "sweep",
    "sweep:own-rows",
    "sweep:full",
    "memory:sweep",
    "statistics",
    "page",
    "report",
    "memory:report",
    "load",
]
DEFAULT_TODAY = "2026-11-23"
DEFAULT_SEED = 2026
START_MARK = "<!-- bench:results:start -->"
REPEATED_QUERY_NOTE = 10  # a query shape repeated this often in one run is worth a line under the table
END_MARK = "<!-- bench:results:end -->"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S', time.gmtime())}] {message}", flush=True)


def machine_info(database_url: str) -> dict:
    info = {
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gib": _memory_gib(),
        "python": platform.python_version(),
        "os": platform.platform(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "git_commit": _git_commit(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    try:
        import psycopg

        with psycopg.connect(db._server_conninfo(database_url)) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            assert row is not None
            info["postgresql"] = row[0]
    except Exception as exc:
        info["postgresql"] = f"unknown ({exc})"
    return info


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor()
    match = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else platform.processor()


def _memory_gib() -> float | None:
    try:
        text = Path("/proc/meminfo").read_text()
    except OSError:
        return None
    match = re.search(r"^MemTotal:\s+(\d+) kB", text, re.MULTILINE)
    return round(int(match.group(1)) / 1024 / 1024, 1) if match else None


def _git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def run_measurements(ctx, only: set[str] | None, skip_load: bool) -> list:
    from . import measure

    plan = [
        ("dataset", "Dataset shape", measure.measure_dataset),
        ("sweep", "Advisory sweep", measure.measure_sweep),
        ("country", "Advisory sweep of the whole country", measure.measure_country),
        ("statistics", "Absence statistics", measure.measure_statistics),
        ("page", "Pages", measure.measure_pages),
        ("report", "Annual report PDF", measure.measure_report),
        ("import", "Payroll absence import", measure.measure_import),
        ("load", "Load run", measure.measure_load),
    ]
    # As every web and Celery worker does at its start (strategy_portal/wsgi.py, celery.py): the public
    # holiday tables are loaded before the first request or task, not inside the first timed run.
    from apps.absence.spells import load_calendar

    load_calendar()
    results = []
    vacuum_now = True  # an earlier run's rolled-back writes may still lie in the tables
    for key, label, fn in plan:
        if only and key not in only:
            continue
        if key == "country" and ctx.size.municipalities <= 1:
            continue  # one organisation: the sweep rows above are the whole country
        if vacuum_now and key != "dataset":
            vacuum()
            vacuum_now = False
        if key == "load" and skip_load:
            results.append(
                core.Result(key="load", label=label, status=core.UNAVAILABLE, reason="skipped (--skip-load)")
            )
            continue
        log(f"measuring {label}")
        started = time.perf_counter()
        out = measure.guarded(key, label, partial(fn, ctx))
        # A measurement that could not start still accounts for its memory row.
        if key in ("sweep", "report") and len(out) == 1 and out[0].status != core.RAN:
            failed = out[0]
            extra = (
                [
                    ("sweep:own-rows", "Advisory sweep, own rows"),
                    ("sweep:full", "Advisory sweep, full re-sweep"),
                ]
                if key == "sweep"
                else []
            )
            for extra_key, extra_label in [*extra, (f"memory:{key}", f"Peak memory of the {label.lower()}")]:
                out.append(
                    core.Result(key=extra_key, label=extra_label, status=failed.status, reason=failed.reason)
                )
        for result in out:
            log(f"  {result.key}: {core.evaluate(result)} {core.describe_measured(result) or result.reason}")
        log(f"  ({time.perf_counter() - started:.1f} s)")
        results.extend(out)
        vacuum_now = vacuum_now or key in WRITING_MEASUREMENTS
    return results


# Measurements that write (and roll back): the sweeps' advisories and queue, the imports' registrations,
# spells and rollups. Their dead rows would make every later measurement read through them (index-only
# scans fall back to the table's pages until they are vacuumed), so a measurement's figure would depend
# on what ran before it; the application's own tables never hold such piles of rolled-back rows.
WRITING_MEASUREMENTS = ("sweep", "country", "import")


def vacuum() -> None:
    """VACUUM (ANALYZE) the benchmark database, untimed: each measurement starts from the data as seeded."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:  # autocommit: VACUUM cannot run inside a transaction
        cursor.execute("VACUUM (ANALYZE)")
    log(f"vacuumed the database ({time.perf_counter() - started:.1f} s, not timed)")


def merge_partial(previous: dict, new: dict, only: set[str]) -> dict:
    """An ``--only`` run replaces just its own rows in the size's earlier results."""
    if "machine" not in previous or previous.get("dataset", {}).get("employees") != new["dataset"].get(
        "employees"
    ):
        return new

    def measured(key: str) -> bool:
        return any(key == k or key.startswith(k + ":") for k in only)

    new_keys = {row["key"] for row in new["results"]}
    kept = [row for row in previous["results"] if row["key"] not in new_keys and not measured(row["key"])]
    order = [row["key"] for row in previous["results"]]
    rows = kept + new["results"]
    rows.sort(key=lambda row: order.index(row["key"]) if row["key"] in order else len(order))
    partial = previous.get("partial_updates", []) + [
        {"keys": sorted(only), "date": new["machine"]["date"], "git_commit": new["machine"]["git_commit"]}
    ]
    return {**previous, "results": rows, "partial_updates": partial}


def write_benchmarks_md() -> None:
    """Regenerate the results part of BENCHMARKS.md from every bench/results/<size>.json."""
    sections = []
    loaded = {}
    for size in ("national", "large", "small", "smoke"):
        path = RESULTS / f"{size}.json"
        if path.exists():
            loaded[size] = json.loads(path.read_text(encoding="utf-8"))
    for size, data in loaded.items():
        sections.append(render_size_section(size, data))
    if len(loaded) > 1:
        sections.append(render_query_comparison(loaded))
    block = f"{START_MARK}\n" + "\n\n".join(sections) + f"\n{END_MARK}"
    text = (
        BENCHMARKS_MD.read_text(encoding="utf-8") if BENCHMARKS_MD.exists() else f"{START_MARK}\n{END_MARK}\n"
    )
    if START_MARK in text and END_MARK in text:
        head, _, rest = text.partition(START_MARK)
        _, _, tail = rest.partition(END_MARK)
        text = head + block + tail
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    BENCHMARKS_MD.write_text(text, encoding="utf-8")


def render_size_section(size: str, data: dict) -> str:
    machine = data["machine"]
    dataset = data.get("dataset") or {}
    people = f"{dataset.get('employees', 0):,} employees"
    if dataset.get("municipalities"):
        people = (
            f"{dataset.get('national_employees', 0):,} employees in {dataset['municipalities']} "
            f"municipalities (Norddjurs {dataset.get('employees', 0):,})"
        )
    lines = [
        f"## {size}: {people}, {_years(dataset.get('years'))} of absence",
        "",
        f"Run {machine['date']} at commit `{machine['git_commit']}` on {machine['nproc']} CPUs "
        f"({machine['cpu']}), {machine['memory_gib']} GiB RAM, PostgreSQL {machine['postgresql']}, "
        f"Python {machine['python']}. As-of date {data['as_of']}, report year {data['year']}, "
        f"random seed {dataset.get('random_seed', '?')}. Load average (1/5/15 min) "
        f"{_load(machine.get('load_average_at_start'))} at the start, "
        f"{_load(machine.get('load_average_at_end'))} at the end of the run.",
        "",
    ]
    counts = data.get("row_counts") or {}
    if counts:
        lines.append("Dataset: " + ", ".join(f"{n:,} {name}" for name, n in counts.items()) + ".")
    shape = next((r for r in data["results"] if r["key"] == "dataset" and r["status"] == core.RAN), None)
    if shape:
        mix = shape["details"].get("absence_type_mix") or {}
        total = sum(mix.values()) or 1
        lines.append(
            "Absence types: " + ", ".join(f"{k} {v / total:.0%}" for k, v in mix.items()) + ". Registration "
            "lengths (days): "
            + ", ".join(f"{k}: {v:,}" for k, v in shape["details"].get("spell_lengths_days", {}).items())
            + "."
        )
    if dataset.get("seed_seconds") is not None:
        per_app = ", ".join(f"{k} {v:.0f} s" for k, v in (dataset.get("seed_seconds_per_app") or {}).items())
        lines.append(f"Seeding took {dataset['seed_seconds']:.0f} s ({per_app}).")
    for update in data.get("partial_updates", []):
        lines.append(
            f"Re-measured {update['date']} at commit `{update['git_commit']}`: {', '.join(update['keys'])}."
        )
    lines += ["", core.format_table(data["results"]), ""]
    notes = []
    for row in data["results"]:
        for shape in row.get("details", {}).get("repeated_query_shapes") or []:
            if shape["count"] >= REPEATED_QUERY_NOTE:
                sql = " ".join(shape["sql"].split())[:160]
                notes.append(f"- {row['key']}: one query shape ran {shape['count']}× (N+1): `{sql}…`")
    if notes:
        lines += ["Repeated queries in missed measurements (details in the EXPLAIN file):", "", *notes, ""]
    lines.append(f"Raw numbers: `bench/results/{size}.json`.")
    return "\n".join(lines)


def _years(years) -> str:
    return "1 year" if years == 1 else f"{years} years"


def _load(values) -> str:
    return "/".join(f"{v:.1f}" for v in values) if values else "?"


def render_query_comparison(loaded: dict) -> str:
    keys = []
    for data in loaded.values():
        for row in data["results"]:
            if row["key"].startswith("page:") and row["key"] not in keys:
                keys.append(row["key"])
    sizes = list(loaded)
    lines = [
        "## Queries per page by dataset size",
        "",
        "| Page | "
        + " | ".join(f"{s} ({loaded[s].get('dataset', {}).get('employees', '?')})" for s in sizes)
        + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for key in keys:
        cells = []
        for size in sizes:
            row = next((r for r in loaded[size]["results"] if r["key"] == key), None)
            cells.append(
                str(row["metrics"].get("queries", "–")) if row and row["status"] == core.RAN else "–"
            )
        lines.append(f"| {key.removeprefix('page:')} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def row_counts() -> dict[str, int]:
    """Rows of the main tables, to show what the dataset holds."""
    from django.apps import apps
    from django.db import DatabaseError, connection

    wanted = {
        "absence registrations": "absence.AbsenceRegistration",
        "employees": "absence.Employee",
        "spells": "absence.Spell",
        "advisories": "absence.Advisory",
        "units": "organizations.OrgUnit",
        "strategy plans": "strategy.StrategyPlan",
        "initiatives": "strategy.Initiative",
        "clubs": "clubs.Club",
        "club meetings": "clubs.ClubMeeting",
        "committees": "meetings.Committee",
        "MED meetings": "meetings.Meeting",
        "agenda items": "meetings.AgendaItem",
    }
    counts = {}
    for name, label in wanted.items():
        try:
            model = apps.get_model(label)
            with connection.cursor() as cursor:
                cursor.execute(f'SELECT count(*) FROM "{model._meta.db_table}"')  # noqa: S608 - from model meta
                counts[name] = cursor.fetchone()[0]
        except (LookupError, DatabaseError):
            continue  # a model that does not exist, or whose migration is not written yet
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bin/bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(core.SIZES), default="small")
    parser.add_argument(
        "--check-only", action="store_true", help="CI smoke: check the harness, keep BENCHMARKS.md"
    )
    parser.add_argument("--reseed", action="store_true", help="drop and seed the benchmark database again")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep a database seeded with the same size and seed even if demo code or migrations changed",
    )
    parser.add_argument(
        "--only", default="", help="comma-separated: dataset,sweep,statistics,page,report,load"
    )
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument(
        "--prepare-only", action="store_true", help="create, migrate and seed; measure nothing"
    )
    parser.add_argument("--random-seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--today", default=DEFAULT_TODAY, help="the seeded 'today' and the as-of date")
    args = parser.parse_args(argv)

    size = core.SIZES[args.size]
    started = time.perf_counter()
    try:
        env = db.environment(size.name)
    except ValueError as exc:
        log(str(exc))
        return 1
    os.environ.update(env)
    url = env["DATABASE_URL"]
    RESULTS.mkdir(parents=True, exist_ok=True)
    signature = db.seed_signature(
        employees=size.employees,
        years=size.years,
        random_seed=args.random_seed,
        today=args.today,
        municipalities=size.municipalities,
        national_employees=size.national_employees,
    )
    log(f"size {size.name}: database {db.database_name(url)}")
    try:
        meta = db.prepare(url, env, signature=signature, reseed=args.reseed, reuse=args.reuse, log=log)
    except Exception as exc:
        log(f"preparing the benchmark database failed: {exc}")
        reason = f"the benchmark database could not be prepared: {str(exc).splitlines()[0][:300]}"
        rows = [core.Result(key=k, label=k, status=core.ERROR, reason=reason).to_dict() for k in EXPECTED]
        failed = {
            "size": size.name,
            "check_only": args.check_only,
            "results": rows,
            "error": str(exc)[-4000:],
        }
        (RESULTS / f"{size.name}.json").write_text(json.dumps(failed, indent=1) + "\n", encoding="utf-8")
        return 1

    if args.prepare_only:
        log(f"database ready: {meta}")
        return 0
    machine = machine_info(url)
    import django

    django.setup()
    from . import measure

    as_of = date.fromisoformat(args.today)
    work_dir = ROOT / "var" / "bench" / size.name
    shutil.rmtree(work_dir, ignore_errors=True)
    work_dir.mkdir(parents=True)
    ctx = measure.Context(
        size=size, as_of=as_of, year=as_of.year, results_dir=RESULTS, work_dir=work_dir, env=env, log=log
    )
    only = {k.strip() for k in args.only.split(",") if k.strip()} or None
    results = run_measurements(ctx, only, args.skip_load)
    # A partial (--only) run keeps the full run's diagnosis and writes its own next to it.
    stem = size.name if only is None else f"{size.name}-{'-'.join(sorted(only))}"
    explain_path = RESULTS / f"{stem}-explain.txt"
    profile_path = RESULTS / f"{stem}-profile.txt"
    for stale in (explain_path, profile_path):
        stale.unlink(missing_ok=True)
    log("diagnosing missed targets")
    try:
        measure.diagnose(ctx, results, explain_path, profile_path)
    except Exception as exc:
        log(f"diagnosis failed: {exc}")
    rows = [r.to_dict() for r in results]
    machine["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    data = {
        "size": size.name,
        "check_only": args.check_only,
        "machine": machine,
        "dataset": {k: v for k, v in meta.items() if k != "seeded_now"},
        "seeded_in_this_run": meta.get("seeded_now", False),
        "row_counts": row_counts(),
        "as_of": as_of.isoformat(),
        "year": ctx.year,
        "duration_s": round(time.perf_counter() - started, 1),
        "results": rows,
    }
    expected = EXPECTED + (["country"] if size.municipalities > 1 else [])
    problems = core.harness_ok(rows, expected if only is None else sorted(only))
    data["harness_problems"] = problems
    out = RESULTS / f"{size.name}.json"
    if only and out.exists():
        data = merge_partial(json.loads(out.read_text(encoding="utf-8")), data, only)
    out.write_text(json.dumps(data, indent=1, default=str) + "\n", encoding="utf-8")
    log(f"wrote {out.relative_to(ROOT)}")
    print(core.format_table(rows))
    if not args.check_only:
        write_benchmarks_md()
        log(f"updated {BENCHMARKS_MD.relative_to(ROOT)}")
    if problems:
        log("the harness itself broke:\n  " + "\n  ".join(problems))
        return 1
    log(f"done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
