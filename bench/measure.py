"""The measurements. Each returns ``Result`` objects and never raises: a missing target is reported
as not available with the reason, a target that fails is reported as an error with its message."""

from __future__ import annotations

import cProfile
import io
import json
import math
import pstats
import re
import socket
import subprocess
import sys
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.core.management import call_command, get_commands
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from . import core
from .core import ERROR, RAN, UNAVAILABLE, Result, Size, Target
from .schema import SchemaMissing, absence_schema

ROOT = Path(__file__).resolve().parent.parent
ORG = "norddjurs"


class Unavailable(Exception):  # noqa: N818 - a state, not a failure of the harness
    """What the measurement needs is not there (yet)."""


class TargetFailed(Exception):  # noqa: N818
    """The code under measurement raised or answered with an error."""


def call_target(fn: Callable, *args, **kwargs):
    """Run code under measurement; its exceptions become ``TargetFailed`` with the innermost frame."""
    try:
        return fn(*args, **kwargs)
    except (Unavailable, TargetFailed):
        raise
    except Exception as exc:
        frames = traceback.extract_tb(exc.__traceback__)
        where = next(
            (
                f"{Path(f.filename).relative_to(ROOT)}:{f.lineno}"
                for f in reversed(frames)
                if _in_project(f.filename)
            ),
            "",
        )
        first_line = (str(exc).strip().splitlines() or [""])[0]
        message = f"{type(exc).__name__}: {first_line}"[:300]
        raise TargetFailed(message + (f" (at {where})" if where else "")) from exc


def _in_project(filename: str) -> bool:
    try:
        Path(filename).resolve().relative_to(ROOT)
    except ValueError:
        return False
    return "/.venv/" not in filename


@dataclass
class Context:
    size: Size
    as_of: date
    year: int
    results_dir: Path
    work_dir: Path  # scratch files (HTML, PDFs, locust CSV, gunicorn log) under var/bench/<size>
    env: dict[str, str]
    log: Callable[[str], None] = print
    # key -> a callable that runs the measured code once, for EXPLAIN ANALYZE and profiles.
    replays: dict[str, Callable[[], Any]] = field(default_factory=dict)
    # pages that answered 200: (key, path, user email) — the load run's mix
    page_mix: list[tuple[str, str, str]] = field(default_factory=list)
    org_cache: dict[str, Any] = field(default_factory=dict)


def guarded(key: str, label: str, fn: Callable[[], list[Result] | Result]) -> list[Result]:
    """Run one measurement; whatever happens, return results with a status and a reason."""
    try:
        out = fn()
        return out if isinstance(out, list) else [out]
    except (Unavailable, SchemaMissing, NoReverseMatch, ImportError) as exc:
        return [Result(key=key, label=label, status=UNAVAILABLE, reason=str(exc) or type(exc).__name__)]
    except TargetFailed as exc:
        return [Result(key=key, label=label, status=ERROR, reason=str(exc))]
    except Exception as exc:  # the harness itself broke; say where
        return [
            Result(
                key=key,
                label=label,
                status=ERROR,
                reason=f"{type(exc).__name__}: {exc}"[:300],
                details={"harness_error": True, "traceback": traceback.format_exc()[-3000:]},
            )
        ]


def timed(
    fn: Callable[[], Any],
    repeats: int,
    before: Callable[[], Any] | None = None,
    *,
    budget_s: float | None = None,
    min_runs: int = 5,
) -> list[float]:
    """Run ``fn`` ``repeats`` times; with ``budget_s``, stop early (after ``min_runs``) once the runs
    took that long in total, so one slow page cannot hold the whole benchmark up."""
    runs: list[float] = []
    for _ in range(repeats):
        if budget_s is not None and len(runs) >= min_runs and sum(runs) > budget_s:
            break
        if before:
            before()
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return runs


def organization(ctx: Context, slug: str = ORG):
    from apps.organizations.models import Organization

    if slug not in ctx.org_cache:
        org = Organization.objects.filter(slug=slug).first()
        if org is None:
            raise Unavailable(f"organisation {slug} is not in the benchmark database")
        ctx.org_cache[slug] = org
    return ctx.org_cache[slug]


def require_command(name: str) -> None:
    if name not in get_commands():
        raise Unavailable(f"manage.py {name} does not exist yet")


def run_child(ctx: Context, args: list[str], timeout: int) -> dict:
    """Run ``python -m bench.child ARGS`` and return its result line."""
    command = [sys.executable, "-m", "bench.child", *args]
    try:
        proc = subprocess.run(  # noqa: S603 - our own module with fixed arguments
            command, env=ctx.env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise TargetFailed(f"{' '.join(args[:1])} did not finish within {timeout} s") from exc
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("BENCH-RESULT "):
            return json.loads(line.removeprefix("BENCH-RESULT "))
    error = (proc.stderr or proc.stdout).strip().splitlines()
    message = error[-1] if error else f"exit status {proc.returncode}"
    if "Unknown command" in message:
        raise Unavailable(message)
    raise TargetFailed(f"bench.child {args[0]} failed: {message}"[:400])


def metrics_of(runs: list[float], floor_runs: list[float] | None) -> dict[str, Any]:
    m: dict[str, Any] = {
        "runs_s": [round(r, 4) for r in runs],
        "median_s": core.median(runs),
        "p95_s": core.percentile(runs, 95),
    }
    if floor_runs:
        m["floor_runs_s"] = [round(r, 5) for r in floor_runs]
        m["floor_s"] = core.median(floor_runs)
        m["ratio"] = core.ratio(m["median_s"], m["floor_s"])
    return m


# --- the dataset ------------------------------------------------------------------------------------


def measure_dataset(ctx: Context) -> list[Result]:
    """Checks the seeded data has the shape the issue asks for (point 1), from the database."""
    from django.apps import apps

    from apps.organizations.models import OrgUnit

    org = organization(ctx)
    n = ctx.size.employees
    schema = absence_schema()
    employees = schema.employee._default_manager.filter(**{schema.employee_org_lookup: org}).count()
    units = OrgUnit.objects.filter(organization=org)
    depth = max(units.values_list("depth", flat=True), default=0)
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT count(*) FROM "{schema.reg_table}" r '  # noqa: S608 - names from model meta
            f'JOIN "{schema.emp_table}" e ON e.id = r."{schema.reg_employee}" '
            f'JOIN "{schema.unit_table}" u ON u.id = e."{schema.emp_unit}" WHERE {schema.org_filter_sql()}',
            {"org": org.pk},
        )
        registrations = cursor.fetchone()[0]
        cursor.execute(
            f'SELECT r."{schema.reg_type}", count(*) FROM "{schema.reg_table}" r '  # noqa: S608 - model meta
            f"GROUP BY 1 ORDER BY 2 DESC"
        )
        mix = {str(k): v for k, v in cursor.fetchall()}
        cursor.execute(
            f'SELECT width_bucket(coalesce(r."{schema.reg_end}", %s) - r."{schema.reg_start}" + 1, '  # noqa: S608
            f'ARRAY[2, 4, 8, 15, 29, 57]), count(*) FROM "{schema.reg_table}" r GROUP BY 1 ORDER BY 1',
            [ctx.as_of],
        )
        labels = ["1 day", "2-3", "4-7", "8-14", "15-28", "29-56", "57+"]
        lengths = {labels[b]: c for b, c in cursor.fetchall()}

    def count(label: str) -> int | None:
        try:
            return apps.get_model(label).objects.count()
        except LookupError:
            return None

    metrics = {
        "employees": employees,
        "unit_depth": depth,
        "units": units.count(),
        "registrations": registrations,
        "registrations_per_employee_year": round(registrations / max(employees * ctx.size.years, 1), 2),
        "strategy_plans": count("strategy.StrategyPlan"),
        "clubs": count("clubs.Club"),
        "club_meetings": count("clubs.ClubMeeting"),
        "committees": count("meetings.Committee"),
        "committee_meetings": count("meetings.Meeting"),
        "agenda_items": count("meetings.AgendaItem"),
    }
    expected = {
        "employees": n,
        "unit_depth": 4,
        "units": n // 25,
        "registrations_per_employee_year": 6,
        "strategy_plans": 20 if n >= 5000 else None,
        "clubs": n // 25,
        "committees": n // 100,
    }
    if ctx.size.municipalities > 1:
        from apps.organizations.models import Organization

        with connection.cursor() as cursor:
            cursor.execute(f'SELECT count(*) FROM "{schema.reg_table}"')  # noqa: S608 - model meta
            country_registrations = cursor.fetchone()[0]
        country_employees = schema.employee._default_manager.count()
        metrics.update(
            municipalities=Organization.objects.filter(kind=Organization.Kind.EMPLOYER).count(),
            employees_country=country_employees,
            registrations_country=country_registrations,
            registrations_per_employee_year_country=round(
                country_registrations / max(country_employees * ctx.size.years, 1), 2
            ),
        )
        expected.update(
            municipalities=ctx.size.municipalities,
            employees_country=ctx.size.national_employees,
            registrations_per_employee_year_country=6,
        )
    off = []
    for key, want in expected.items():
        have = metrics.get(key)
        if want is None:
            continue
        if (
            have is None
            or abs(have - want) > max(0.25 * want, 1)
            and key not in ("strategy_plans", "unit_depth")
        ):
            off.append(f"{key} {have} (expected about {want})")
        elif key in ("strategy_plans", "unit_depth") and have < want:
            off.append(f"{key} {have} (expected {want})")
    metrics["matches"] = 0 if off else 1
    national = (
        f" --municipalities {ctx.size.municipalities} --national-employees {ctx.size.national_employees}"
        if ctx.size.municipalities > 1
        else ""
    )
    return [
        Result(
            key="dataset",
            label=f"Dataset shape ({ORG}, seed_demo --employees {n} --years {ctx.size.years}{national})",
            metrics=metrics,
            targets=[Target("matches", "==", 1, "as the issue describes")],
            details={
                "expected": expected,
                "off": off,
                "absence_type_mix": mix,
                "spell_lengths_days": lengths,
            },
        )
    ]


# --- the sweep ------------------------------------------------------------------------------------


def sweep_floor_sql(schema, *, use_spells: bool, window: bool) -> str:
    """One SELECT over what the sweep reads: the organisation's spells (else registrations) that
    reach into the look-back window."""
    if use_spells and schema.spell:
        table, employee, start, end = schema.spell
    else:
        table, employee, start, end = schema.reg_table, schema.reg_employee, schema.reg_start, schema.reg_end
    since = f' AND (r."{end}" IS NULL OR r."{end}" >= %(since)s)' if window else ""
    return (
        f'SELECT count(*), max(r."{start}"), '  # noqa: S608 - names from model meta
        f'sum(LEAST(coalesce(r."{end}", %(as_of)s), %(as_of)s) - r."{start}" + 1) '
        f'FROM "{table}" r JOIN "{schema.emp_table}" e ON e.id = r."{employee}" '
        f'JOIN "{schema.unit_table}" u ON u.id = e."{schema.emp_unit}" '
        f'WHERE {schema.org_filter_sql()} AND r."{start}" <= %(as_of)s{since}'
    )


def sweep_lookback(org, as_of: date) -> tuple[date, str]:
    """The earliest end date the sweep looks at: the sweep's own (apps/absence/candidates.py, _Rules)."""
    try:
        from apps.absence.candidates import _Rules
        from apps.absence.selectors import policy_for

        return (
            _Rules.of(policy_for(org), as_of).lookback,
            "the sweep's own look-back (late horizon and longest frequent-absence rule)",
        )
    except Exception:
        return as_of - timedelta(days=365), "12 months (the sweep's policy could not be read)"


def yesterdays_import(org, as_of: date) -> dict[int, date]:
    """The employees a day's payroll import changes: absence that began on ``as_of`` and absence that
    ended the day before, each with the first day of the spell it touched (as the app queues them)."""
    from django.db.models import Min, Q

    from apps.absence.models import AbsenceRegistration, Spell

    day_before = as_of - timedelta(days=1)
    touched = AbsenceRegistration.objects.filter(employee__organization=org).filter(
        Q(start_date=as_of) | Q(end_date=day_before)
    )
    return dict(
        Spell.objects.filter(employee_id__in=touched.values("employee_id"), start_date__lte=as_of)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day_before))
        .values("employee_id")
        .annotate(first=Min("start_date"))
        .values_list("employee_id", "first")
    )


def daily_sweep_floor(schema, org, as_of: date, lookback: date, changed: dict[int, date]):
    """A stricter floor for the daily run: one SELECT over only the spells that run reads - the spells
    still running after yesterday, and the look-back window of the employees it must follow through
    their history (those the import changed, and those with a running short spell, for the rules on
    days of absence). Returns (sql, params)."""
    from django.db.models import F, Q

    from apps.absence.models import Spell
    from apps.absence.selectors import policy_for

    since = as_of - timedelta(days=1)
    short = policy_for(org).short_absence_max_days
    growing = (
        Spell.objects.filter(employee__organization=org, start_date__lte=as_of)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=since))
        .filter(
            Q(start_date__gte=as_of - timedelta(days=short - 1))
            | Q(end_date__lt=F("start_date") + timedelta(days=short))
        )
        .values_list("employee_id", flat=True)
    )
    ids = sorted(set(changed) | set(growing))
    table, employee, start, end = schema.spell
    sql = (
        f'SELECT count(*), max(r."{start}"), '  # noqa: S608 - names from model meta
        f'sum(LEAST(coalesce(r."{end}", %(as_of)s), %(as_of)s) - r."{start}" + 1) '
        f'FROM "{table}" r JOIN "{schema.emp_table}" e ON e.id = r."{employee}" '
        f'JOIN "{schema.unit_table}" u ON u.id = e."{schema.emp_unit}" '
        f'WHERE {schema.org_filter_sql()} AND r."{start}" <= %(as_of)s AND (r."{end}" IS NULL '
        f'OR r."{end}" > %(yesterday)s OR (r."{employee}" = ANY(%(ids)s) AND r."{end}" >= %(since)s))'
    )
    return sql, {"org": org.pk, "as_of": as_of, "yesterday": since, "since": lookback, "ids": ids}


def swept_yesterday_then_imported(org, as_of: date, changed: dict[int, date], fingerprint: str) -> None:
    """The state a daily sweep starts from: the organisation swept through the day before, then the
    employees of that day's payroll import queued (as the app queues them)."""
    from apps.absence.models import SweepState
    from apps.absence.sweep import sweep_queue_add

    SweepState.objects.update_or_create(
        organization=org,
        defaults={"swept_through": as_of - timedelta(days=1), "policy_fingerprint": fingerprint},
    )
    sweep_queue_add(organization_id=org.pk, changed=changed)


def measure_sweep(ctx: Context) -> list[Result]:
    """The daily sweep (the morning after yesterday's sweep and import) and the full re-sweep that a
    first run or a policy change makes, both in rolled-back transactions so every run does the same."""
    label = f"Advisory sweep, daily run, whole organisation ({ORG})"
    require_command("sweep_advisories")
    org = organization(ctx)
    schema = absence_schema()
    as_of = ctx.as_of.isoformat()
    try:
        from apps.absence.models import SweepState  # noqa: F401 - is there a daily sweep state at all
        from apps.absence.selectors import policy_for
        from apps.absence.sweep import policy_fingerprint
    except ImportError as exc:
        raise Unavailable(f"the absence app has no daily sweep state: {exc}") from exc
    changed = yesterdays_import(org, ctx.as_of)
    seen: dict[str, str] = {}

    def run(*extra: str) -> float:
        """One sweep; only the command is timed, not the day set up before it."""
        with transaction.atomic():
            if not extra:  # yesterday was swept, then yesterday's import arrived
                swept_yesterday_then_imported(org, ctx.as_of, changed, policy_fingerprint(policy_for(org)))
            out = io.StringIO()
            started = time.perf_counter()
            call_target(
                call_command, "sweep_advisories", "--organization", ORG, "--as-of", as_of, *extra, stdout=out
            )
            seconds = time.perf_counter() - started
            seen[" ".join(extra) or "daily"] = out.getvalue().strip()
            transaction.set_rollback(True)
        return seconds

    lookback, lookback_source = sweep_lookback(org, ctx.as_of)
    sql = sweep_floor_sql(schema, use_spells=True, window=True)
    params = {"org": org.pk, "as_of": ctx.as_of, "since": lookback}
    rows: dict[str, Any] = {}

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows["floor"] = cursor.fetchone()

    daily_runs = [run() for _ in range(max(ctx.size.repeats, 5))]
    full_runs = [run("--full") for _ in range(ctx.size.repeats)]
    floor_runs = timed(floor, max(ctx.size.repeats, 5))
    own_sql, own_params = (None, None)
    if schema.spell:
        own_sql, own_params = daily_sweep_floor(schema, org, ctx.as_of, lookback, changed)

    def own_floor():
        assert own_sql is not None  # timed only when there is one
        with connection.cursor() as cursor:
            cursor.execute(own_sql, own_params)
            rows["own"] = cursor.fetchone()

    own_floor_runs = timed(own_floor, max(ctx.size.repeats, 5)) if own_sql else []
    ctx.replays["sweep"] = lambda: run()
    with connection.cursor() as cursor:
        cursor.execute(sweep_floor_sql(schema, use_spells=False, window=True), params)
        registrations = cursor.fetchone()
    floor_label = (
        "one SELECT over the same spells" if schema.spell else "one SELECT over the same registrations"
    )
    common = {
        "as_of": as_of,
        "floor_sql": sql,
        "lookback_from": lookback.isoformat(),
        "lookback_source": lookback_source,
        "rows_read_by_floor": rows["floor"][0],
        "registrations_in_window": registrations[0],
    }
    sweep = Result(
        key="sweep",
        label=label,
        metrics=metrics_of(daily_runs, floor_runs),
        floor_label=floor_label,
        targets=[Target("median_s", "<", 10, "< 10 s"), Target("ratio", "<", 3, "< 3× floor")],
        details={
            **common,
            "mode": (
                "sweep_advisories after a daily sweep of the day before and a payroll import that changed "
                f"{len(changed)} employees, in a rolled-back transaction (the same work each run)"
            ),
            "employees_changed_by_the_import": len(changed),
            "command_output": seen.get("daily", ""),
        },
    )
    full = Result(
        key="sweep:full",
        label=f"Advisory sweep, full re-sweep after a policy change ({ORG})",
        metrics=metrics_of(full_runs, floor_runs),
        floor_label=floor_label,
        targets=[Target("median_s", "<", 10, "< 10 s")]
        # Issue 17 point 2 at national size: the ratio too (it was reported there, never judged).
        + ([Target("ratio", "<=", 5, "<= 5× floor")] if ctx.size.national_employees else []),
        details={
            **common,
            "mode": "sweep_advisories --full in a rolled-back transaction: every employee, every advisory",
            "command_output": seen.get("--full", ""),
        },
    )
    # Peak memory in a process of its own, for the larger of the two: the full re-sweep.
    child = run_child(ctx, ["sweep", "--organization", ORG, "--as-of", as_of, "--full"], timeout=1800)
    memory = Result(
        key="memory:sweep",
        label="Peak memory of the sweep (full re-sweep, own process)",
        metrics={"peak_rss_bytes": child["peak_rss_bytes"], "seconds": child["seconds"]},
        details={"baseline_rss_bytes": child["baseline_rss_bytes"], "note": "VmHWM of the child process"},
    )
    own = Result(
        key="sweep:own-rows",
        label=f"Advisory sweep, daily run, against only the rows it reads ({ORG})",
        metrics=metrics_of(daily_runs, own_floor_runs),
        floor_label="one SELECT over the running spells and the changed or growing employees' window",
        targets=[Target("ratio", "<", 3, "< 3× floor")],
        details={
            "as_of": as_of,
            "floor_sql": own_sql,
            "employees_followed_through_their_history": len(own_params["ids"]) if own_params else None,
            "rows_read_by_floor": rows.get("own", [None])[0],
            "note": "the same daily runs as the row above, next to a floor that reads only what they read",
        },
    )
    if not own_sql:
        own.status, own.reason = UNAVAILABLE, "the absence app has no spells table"
    return [sweep, own, full, memory]


def measure_country(ctx: Context) -> list[Result]:
    """Issue 17 target 1: the daily sweep of every organisation in the country at once, the morning
    after yesterday's sweep and yesterday's payroll import in each, in a rolled-back transaction."""
    require_command("sweep_advisories")
    from apps.absence.models import AdvisoryPolicy
    from apps.absence.selectors import policy_for
    from apps.absence.sweep import policy_fingerprint
    from apps.organizations.models import Organization

    schema = absence_schema()
    orgs = list(
        Organization.objects.filter(pk__in=AdvisoryPolicy.objects.values("organization_id")).order_by("pk")
    )
    as_of = ctx.as_of.isoformat()
    changed = {org.pk: yesterdays_import(org, ctx.as_of) for org in orgs}
    fingerprints = {org.pk: policy_fingerprint(policy_for(org)) for org in orgs}
    outputs: list[str] = []

    def run() -> float:
        with transaction.atomic():
            for org in orgs:
                swept_yesterday_then_imported(org, ctx.as_of, changed[org.pk], fingerprints[org.pk])
            out = io.StringIO()
            started = time.perf_counter()
            call_target(call_command, "sweep_advisories", "--as-of", as_of, stdout=out)
            seconds = time.perf_counter() - started
            outputs.append(out.getvalue().strip())
            transaction.set_rollback(True)
        return seconds

    # The stricter floor of each organisation (only the rows its daily run reads), one SELECT each.
    floors = []
    for org in orgs:
        lookback, _source = sweep_lookback(org, ctx.as_of)
        floors.append(daily_sweep_floor(schema, org, ctx.as_of, lookback, changed[org.pk]))

    def floor():
        with connection.cursor() as cursor:
            for sql, params in floors:
                cursor.execute(sql, params)
                cursor.fetchone()

    runs = [run() for _ in range(ctx.size.repeats)]
    floor_runs = timed(floor, max(ctx.size.repeats, 5))
    employees = schema.employee._default_manager.count()
    return [
        Result(
            key="country",
            label=f"Advisory sweep, daily run, the whole country ({len(orgs)} organisations)",
            metrics=metrics_of(runs, floor_runs),
            floor_label="one SELECT per organisation over only the spells its daily run reads",
            targets=[Target("median_s", "<", 30, "< 30 s"), Target("ratio", "<=", 3, "<= 3× floor")],
            details={
                "as_of": as_of,
                "organisations": len(orgs),
                "employees": employees,
                "employees_changed_by_the_imports": sum(len(c) for c in changed.values()),
                "command_output": outputs[-1] if outputs else "",
            },
        )
    ]


# --- absence statistics ---------------------------------------------------------------------------


def stats_floor_sql(schema, *, country: bool = False) -> str:
    """One GROUP BY over the registrations of the window: of one organisation's subtree (``%(org)s``,
    ``%(path)s``), or with ``country`` of every organisation."""
    start, end = f'r."{schema.reg_start}"', f'r."{schema.reg_end}"'
    scope = (
        ""
        if country
        else f'JOIN "{schema.emp_table}" e ON e.id = r."{schema.reg_employee}" '
        f'JOIN "{schema.unit_table}" u ON u.id = e."{schema.emp_unit}" '
        f"WHERE {schema.org_filter_sql()} AND u.path LIKE %(path)s AND "
    )
    return (
        f'SELECT r."{schema.reg_type}", count(*), count(DISTINCT r."{schema.reg_employee}"), '  # noqa: S608
        f"sum(LEAST(coalesce({end}, %(as_of)s), %(as_of)s) - GREATEST({start}, %(since)s) + 1) "
        f'FROM "{schema.reg_table}" r {scope if scope else "WHERE "}'
        f"{start} <= %(as_of)s AND ({end} IS NULL OR {end} >= %(since)s) "
        f'GROUP BY r."{schema.reg_type}"'
    )


def _country_statistics(ctx: Context, schema) -> Result:
    """Issue 17 point 3: every organisation's whole-organisation figures and the country's, cold."""
    try:
        from apps.absence.statistics.country import country_statistics
    except ImportError as exc:
        raise Unavailable(f"apps.absence.statistics.country is not there: {exc}") from exc
    from django.core.cache import cache

    sql = stats_floor_sql(schema, country=True)
    params = {"as_of": ctx.as_of, "since": ctx.as_of - timedelta(days=364)}
    organizations = len(call_target(country_statistics, ctx.as_of)["organizations"])

    def once():
        return call_target(country_statistics, ctx.as_of)

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    runs = timed(once, ctx.size.repeats, before=cache.clear)
    floor_runs = timed(floor, max(ctx.size.repeats, 5))
    ctx.replays["statistics:country"] = once
    return Result(
        key="statistics:country",
        label=f"Absence statistics, whole country ({organizations} organisations with employees)",
        metrics=metrics_of(runs, floor_runs),
        floor_label="one GROUP BY over the country's rows",
        targets=[Target("median_s", "<", 1, "< 1 s"), Target("ratio", "<=", 3, "<= 3× floor")],
        details={"floor_sql": sql, "cache": "cleared before each timed run (the figures are not cached)"},
    )


def mid_level_unit(ctx: Context, org):
    """The depth-2 unit (an area below the top) with the most employees in its subtree."""
    from apps.organizations.models import OrgUnit

    schema = absence_schema()
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT a.id, count(e.id) FROM "{schema.unit_table}" a '  # noqa: S608 - names from model meta
            f"JOIN \"{schema.unit_table}\" u ON u.path LIKE a.path || '%%' "
            "AND u.organization_id = a.organization_id "
            f'JOIN "{schema.emp_table}" e ON e."{schema.emp_unit}" = u.id '
            "WHERE a.organization_id = %s AND a.depth = 2 GROUP BY a.id ORDER BY 2 DESC, 1 LIMIT 1",
            [org.pk],
        )
        row = cursor.fetchone()
    if row is None:
        raise Unavailable(f"{org.slug} has no depth-2 unit with employees")
    return OrgUnit.objects.get(pk=row[0]), row[1]


def measure_statistics(ctx: Context) -> list[Result]:
    try:
        from apps.absence.statistics.figures import unit_statistics
    except ImportError as exc:
        raise Unavailable(f"apps.absence.statistics.figures.unit_statistics is not there: {exc}") from exc
    from django.core.cache import cache

    org = organization(ctx)
    schema = absence_schema()
    sql = stats_floor_sql(schema)
    unit, unit_employees = mid_level_unit(ctx, org)
    results = []
    for key, label, scope, path in (
        ("statistics:org", f"Absence statistics, whole organisation ({ORG})", None, ""),
        (
            "statistics:unit",
            f"Absence statistics, one mid-level unit ({unit.code}, {unit_employees} employees)",
            unit,
            unit.path,
        ),
    ):

        def once(scope=scope):
            return call_target(unit_statistics, org, ctx.as_of, unit=scope, suppress=True)

        params = {
            "org": org.pk,
            "as_of": ctx.as_of,
            "since": ctx.as_of - timedelta(days=364),
            "path": path + "%",
        }

        def floor(params=params):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchall()

        # Cold: whatever the statistics cache, each timed run computes from the rows.
        runs = timed(once, ctx.size.repeats, before=cache.clear)
        warm = timed(once, 1)[0]
        floor_runs = timed(floor, max(ctx.size.repeats, 5))

        def replay(once=once):
            cache.clear()
            return once()

        ctx.replays[key] = replay
        metrics = metrics_of(runs, floor_runs)
        targets = [Target("median_s", "<", 2, "< 2 s")]
        if scope is None and ctx.size.national_employees:  # issue 17 point 3, at national size
            targets = [Target("median_s", "<", 1, "< 1 s"), Target("ratio", "<=", 3, "<= 3× floor")]
        results.append(
            Result(
                key=key,
                label=label,
                metrics=metrics,
                floor_label="one GROUP BY over the same rows",
                targets=targets,
                details={"warm_s": warm, "floor_sql": sql, "cache": "cleared before each timed run"},
            )
        )
    if ctx.size.national_employees:
        results.append(_country_statistics(ctx, schema))
    # Peak memory in a process of its own: the whole organisation's figures, cold.
    child = run_child(
        ctx, ["statistics", "--organization", ORG, "--as-of", ctx.as_of.isoformat()], timeout=1800
    )
    results.append(
        Result(
            key="memory:statistics",
            label="Peak memory of the statistics (whole organisation, cold, own process)",
            metrics={"peak_rss_bytes": child["peak_rss_bytes"], "seconds": child["seconds"]},
            details={"baseline_rss_bytes": child["baseline_rss_bytes"], "note": "VmHWM of the child process"},
        )
    )
    return results


# --- pages ----------------------------------------------------------------------------------------


def _client_for(email: str) -> Client:
    from apps.organizations.models import User

    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        raise Unavailable(f"demo user {email} does not exist")
    client = Client()
    client.force_login(user)
    return client


# Seconds of timed requests per page after which no further runs are started (at least 5 are).
PAGE_BUDGET_S = 30


def measure_pages(ctx: Context) -> list[Result]:
    import gc

    from .pages import PAGES, resolve_page

    # As strategy_portal/wsgi.py does in every web worker: what is loaded by now is never collected.
    gc.freeze()

    results = []
    floors: dict[str, list[float]] = {}
    for page in PAGES:
        key = f"page:{page.key}"
        label = f"Page: {page.label}"

        def run(page=page, key=key, label=label):
            path, candidates = resolve_page(page)
            tried = []
            for email in candidates:
                try:
                    client = _client_for(email)
                except Unavailable:
                    continue
                response = call_target(client.get, path)
                if response.status_code == 200:
                    break
                tried.append(f"{email.split('@')[0]}: HTTP {response.status_code}")
            else:
                raise TargetFailed(f"GET {path} did not answer 200 ({'; '.join(tried) or 'no demo user'})")
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            # Read now: every request start empties the connection's query log.
            query_count = len(queries)
            runs = timed(lambda: client.get(path), ctx.size.page_repeats, budget_s=PAGE_BUDGET_S)
            if email not in floors:
                floor_client = _client_for(email)
                floor_path = reverse("bench_floor")
                floor_client.get(floor_path)
                floors[email] = timed(lambda: floor_client.get(floor_path), ctx.size.page_repeats)
            metrics = metrics_of(runs, floors[email])
            metrics["queries"] = query_count
            ctx.page_mix.append((page.key, path, email))
            ctx.replays[key] = lambda: client.get(path)
            return Result(
                key=key,
                label=f"{label} ({path})",
                metrics=metrics,
                floor_label="minimal logged-in view, same middleware",
                targets=[
                    Target("queries", "<=", 20, "≤ 20 queries"),
                    Target("p95_s", "<", 0.2, "p95 < 200 ms"),
                ],
                details={"path": path, "user": email, "bytes": len(response.content)},
            )

        results.extend(guarded(key, label, run))
    return results


# --- annual report --------------------------------------------------------------------------------


def largest_organization(ctx: Context):
    """The organisation with the most employees in the absence data (else: the most memberships)."""
    from django.db.models import Count

    from apps.organizations.models import Organization

    try:
        schema = absence_schema()
        row = (
            schema.employee._default_manager.values(schema.employee_org_lookup)
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        if row:
            return Organization.objects.get(pk=row[schema.employee_org_lookup]), row["n"], "employees"
    except SchemaMissing:
        pass
    org = Organization.objects.annotate(n=Count("memberships")).order_by("-n").first()
    if org is None:
        raise Unavailable("no organisations in the benchmark database")
    return org, org.n, "memberships"


def measure_report(ctx: Context) -> list[Result]:
    require_command("annual_report")
    org, count, what = largest_organization(ctx)
    work = ctx.work_dir / "report"
    work.mkdir(parents=True, exist_ok=True)
    runs, peaks, children = [], [], []
    for index in range(ctx.size.repeats):
        child = run_child(
            ctx,
            [
                "report",
                "--organization",
                org.slug,
                "--year",
                str(ctx.year),
                "--output",
                str(work / f"report-{index}.pdf"),
                "--html-dir",
                str(work / "html"),
            ],
            timeout=1800,
        )
        runs.append(child["seconds"])
        peaks.append(child["peak_rss_bytes"])
        children.append(child)
    floor_runs = []
    for _ in range(ctx.size.repeats):
        floor = run_child(
            ctx,
            ["weasyprint", "--html-dir", str(work / "html"), "--output", str(work / "floor.pdf")],
            timeout=1800,
        )
        floor_runs.append(floor["seconds"])

    def replay():
        call_target(
            call_command,
            "annual_report",
            "--organization",
            org.slug,
            "--year",
            str(ctx.year),
            "--output",
            str(work / "replay.pdf"),
            stdout=io.StringIO(),
        )

    ctx.replays["report"] = replay
    report = Result(
        key="report",
        label=f"Annual report PDF, {org.slug} {ctx.year} ({count} {what})",
        metrics=metrics_of(runs, floor_runs),
        floor_label="WeasyPrint alone on the same HTML",
        targets=[Target("median_s", "<", 20, "< 20 s")],
        details={"pdf_bytes": children[-1]["pdf_bytes"], "documents": children[-1]["documents"]},
    )
    memory = Result(
        key="memory:report",
        label="Peak memory of the annual report (own process)",
        metrics={"peak_rss_bytes": max(peaks)},
        details={"baseline_rss_bytes": children[-1]["baseline_rss_bytes"]},
    )
    return [report, memory]


# --- payroll import -----------------------------------------------------------------------------

IMPORT_ORG = "bench-import"
IMPORT_EMPLOYEES = 20_000


def import_organization(ctx: Context):
    """An organisation of its own for the import (so the other measurements' data stay as seeded):
    one unit and IMPORT_EMPLOYEES employees without absence."""
    from apps.absence.models import Employee
    from apps.organizations.models import Organization, OrgUnit

    org = Organization.objects.filter(slug=IMPORT_ORG).first()
    if org is None:
        org = Organization.objects.create(
            name="Import benchmark", slug=IMPORT_ORG, kind=Organization.Kind.EMPLOYER
        )
    if Employee.objects.filter(organization=org).count() != IMPORT_EMPLOYEES:
        Employee.objects.filter(organization=org).delete()
        unit = OrgUnit.objects.filter(organization=org).first() or OrgUnit.add_root(
            organization=org, code="IMP", name="Import"
        )
        start = ctx.as_of - timedelta(days=3 * 365)
        Employee.objects.bulk_create(
            (
                Employee(
                    organization=org,
                    unit=unit,
                    employee_number=f"I{number:06d}",
                    name=f"Medarbejder {number}",
                    weekly_hours=37,
                    employment_start=start,
                )
                for number in range(IMPORT_EMPLOYEES)
            ),
            batch_size=5000,
        )
    return org


def write_import_files(ctx: Context, org, rows: int) -> tuple[Path, Path]:
    """The payroll file as Danish Excel saves it (semicolons, Windows-1252, Danish headers, day-first
    dates) and the same rows in PostgreSQL's COPY text format for the floor. Row r is employee
    r mod IMPORT_EMPLOYEES's (r div IMPORT_EMPLOYEES)-th absence: one a week, none overlapping."""
    from apps.absence.models import Employee

    work = ctx.work_dir / "import"
    work.mkdir(parents=True, exist_ok=True)
    csv_path, copy_path = work / f"fravaer-{rows}.csv", work / f"fravaer-{rows}.copy"
    if csv_path.exists() and copy_path.exists():
        return csv_path, copy_path
    ids = dict(Employee.objects.filter(organization=org).values_list("employee_number", "pk"))
    per_employee = -(-rows // IMPORT_EMPLOYEES)
    first = ctx.as_of - timedelta(days=7 * per_employee + 7)
    now = "2026-01-01 00:00:00+00"
    with (
        csv_path.open("w", encoding="cp1252", newline="") as out,
        copy_path.open("w", encoding="utf-8") as floor,
    ):
        out.write("Medarbejdernummer;Fraværstype;Første dag;Sidste dag;Andel fraværende\r\n")
        for r in range(rows):
            number = f"I{r % IMPORT_EMPLOYEES:06d}"
            start = first + timedelta(days=7 * (r // IMPORT_EMPLOYEES))
            end = start + timedelta(days=r % 3)
            fraction = "0,5" if r % 10 == 0 else "1"
            out.write(f"{number};sick;{start:%d-%m-%Y};{end:%d-%m-%Y};{fraction}\r\n")
            floor.write(f"{ids[number]}\tsick\t{start}\t{end}\t{fraction.replace(',', '.')}\t\t{now}\n")
    return csv_path, copy_path


def measure_import(ctx: Context) -> list[Result]:
    """A payroll absence file of each size through the whole import (what the worker and the command
    do), in its own process for its peak memory, next to COPY of the same rows."""
    if connection.vendor != "postgresql":
        raise Unavailable("the import floor is PostgreSQL COPY")
    org = import_organization(ctx)
    results = []
    for rows in ctx.size.import_rows:
        csv_path, copy_path = write_import_files(ctx, org, rows)
        repeats = 3 if rows <= 10_000 else 1
        children = [
            run_child(ctx, ["import", "--organization", IMPORT_ORG, "--file", str(csv_path)], timeout=3600)
            for _ in range(repeats)
        ]
        floors = [run_child(ctx, ["copy", "--file", str(copy_path)], timeout=3600) for _ in range(repeats)]
        peak = max(child["peak_rss_bytes"] for child in children)
        size_mib = csv_path.stat().st_size / 2**20
        targets = [Target("peak_rss_mib", "<", 300, "< 300 MiB")] if rows >= 1_000_000 else []
        results.append(
            Result(
                key=f"import:{rows}",
                label=f"Absence import, {rows:,} rows (Danish Excel CSV, {size_mib:.0f} MiB)",
                metrics={
                    **metrics_of([c["seconds"] for c in children], [f["seconds"] for f in floors]),
                    "peak_rss_bytes": peak,
                    "peak_rss_mib": round(peak / 2**20, 1),
                    "floor_peak_rss_mib": round(max(f["peak_rss_bytes"] for f in floors) / 2**20, 1),
                },
                floor_label="PostgreSQL COPY of the same rows",
                targets=targets,
                details={
                    "baseline_rss_mib": round(children[-1]["baseline_rss_bytes"] / 2**20, 1),
                    "created": children[-1]["created"],
                    "advisories": children[-1]["advisories"],
                },
            )
        )
    return results


# --- load run -------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    if port == 8000:  # the lead's development server
        return _free_port()
    return port


def _wait_for(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise TargetFailed(f"gunicorn exited with status {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise TargetFailed(f"gunicorn did not listen on 127.0.0.1:{port} within {timeout:.0f} s")


def measure_load(ctx: Context) -> list[Result]:
    if not ctx.page_mix:
        raise Unavailable("no page answered 200, so there is no page mix to load")
    from django.contrib.sessions.backends.db import SessionStore  # noqa: F401 - sessions live in the DB

    sessions = {}
    for _key, _path, email in ctx.page_mix:
        if email not in sessions:
            client = _client_for(email)
            sessions[email] = client.cookies["sessionid"].value
    plan = [
        {"name": key, "path": path, "session": sessions[email], "user": email}
        for key, path, email in ctx.page_mix
    ]
    work = ctx.work_dir / "load"
    work.mkdir(parents=True, exist_ok=True)
    plan_file = work / "plan.json"
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    gunicorn_log = (work / "gunicorn.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - our own WSGI app on the loopback interface
        [
            sys.executable,
            "-m",
            "gunicorn",
            "strategy_portal.wsgi:application",
            "--workers",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--chdir",
            str(ROOT),
        ],
        env=ctx.env,
        cwd=ROOT,
        stdout=gunicorn_log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for(port, server)
        warm_up(host, plan)
        csv_prefix = work / "locust"
        users = ctx.size.load_users
        locust = subprocess.run(  # noqa: S603
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(users),
                # People do not all click at the same instant: users start at 10 a second, and the
                # figures count from when all of them run (--reset-stats), for the full load_seconds.
                "--spawn-rate",
                str(LOAD_SPAWN_RATE),
                "--reset-stats",
                "--run-time",
                f"{ctx.size.load_seconds + math.ceil(users / LOAD_SPAWN_RATE)}s",
                "--host",
                host,
                "--csv",
                str(csv_prefix),
                "--only-summary",
                "--stop-timeout",
                "10",
                "--exit-code-on-error",
                "0",
                "--loglevel",
                "WARNING",
            ],
            env={**ctx.env, "BENCH_LOAD_PLAN": str(plan_file)},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=ctx.size.load_seconds + 120,
            check=False,
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        gunicorn_log.close()
    stats_file = Path(f"{csv_prefix}_stats.csv")
    if locust.returncode != 0 or not stats_file.exists():
        raise TargetFailed(f"locust failed (exit {locust.returncode}): {locust.stderr.strip()[-400:]}")
    metrics, per_page = parse_locust_stats(stats_file.read_text(encoding="utf-8"))
    failures_file = Path(f"{csv_prefix}_failures.csv")
    failures = failures_file.read_text(encoding="utf-8").splitlines()[1:6] if failures_file.exists() else []
    return [
        Result(
            key="load",
            label=(
                f"Load: gunicorn 4 workers, {users} users, {ctx.size.load_seconds} s, "
                f"{len(plan)} logged-in pages (locust on the same machine)"
            ),
            metrics=metrics,
            targets=[Target("p95_s", "<", 0.3, "p95 < 300 ms"), Target("errors", "==", 0, "no errors")],
            details={
                "per_page": per_page,
                "failures": failures,
                "wait_time": "1-5 s between requests per user",
            },
        )
    ]


LOAD_SPAWN_RATE = 10  # users started per second in the load run


def warm_up(host: str, plan: list[dict], rounds: int = 1) -> None:
    """Request every page of the mix a few times from 8 threads, so each gunicorn worker has imported,
    loaded templates and translations before the timed run (a restart is not what we measure)."""
    from concurrent.futures import ThreadPoolExecutor
    from urllib.request import Request, urlopen

    def get(entry: dict) -> None:
        request = Request(host + entry["path"], headers={"Cookie": f"sessionid={entry['session']}"})  # noqa: S310
        try:
            with urlopen(request, timeout=120) as response:  # noqa: S310 - http://127.0.0.1 only
                response.read()
        except OSError:
            pass  # the timed run counts errors

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(get, plan * rounds))


def parse_locust_stats(text: str) -> tuple[dict[str, Any], dict[str, Any]]:
    import csv

    rows = list(csv.DictReader(io.StringIO(text)))
    per_page: dict[str, Any] = {}
    metrics: dict[str, Any] = {}
    for row in rows:
        entry = {
            "requests": int(row["Request Count"]),
            "errors": int(row["Failure Count"]),
            "rps": float(row["Requests/s"]),
            "p50_s": _ms(row.get("50%")),
            "p95_s": _ms(row.get("95%")),
            "p99_s": _ms(row.get("99%")),
        }
        if row["Name"] == "Aggregated":
            metrics = entry
        else:
            per_page[row["Name"]] = entry
    if not metrics:
        raise TargetFailed("locust wrote no aggregated statistics")
    return metrics, per_page


def _ms(value: str | None) -> float | None:
    if value is None or value in ("", "N/A"):
        return None
    return float(value) / 1000


# --- diagnostics for missed targets ---------------------------------------------------------------

_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")


def normalise_sql(sql: str) -> str:
    return _LITERALS.sub("?", sql)


def diagnose(ctx: Context, results: list[Result], explain_path: Path, profile_path: Path) -> None:
    """For each missed measurement: its slowest SELECTs with EXPLAIN ANALYZE, repeated query shapes
    (N+1), and a cProfile of one run."""
    explain_out, profile_out = [], []
    for result in results:
        if result.status != RAN or not core.missed_targets(result) or result.key not in ctx.replays:
            continue
        replay = ctx.replays[result.key]
        profiler = cProfile.Profile()
        try:
            with CaptureQueriesContext(connection) as captured, template_timer() as templates:
                profiler.enable()
                try:
                    replay()
                finally:
                    profiler.disable()
        except Exception as exc:
            explain_out.append(f"## {result.key}: the replay failed: {exc}\n")
            continue
        result.details["templates"] = templates.top(8)
        queries = list(captured.captured_queries)
        shapes = Counter(normalise_sql(q["sql"]) for q in queries)
        result.details["queries_in_replay"] = len(queries)
        result.details["repeated_query_shapes"] = [
            {"count": n, "sql": sql[:300]} for sql, n in shapes.most_common(5) if n > 1
        ]
        explain_out.append(f"## {result.key} — {result.label}\n")
        explain_out.append(f"missed: {', '.join(t.text for t in core.missed_targets(result))}")
        explain_out.append(
            f"{len(queries)} queries, {sum(float(q['time']) for q in queries):.3f} s in SQL "
            "(this run had cProfile and query capture on, so it is slower than the timed runs)\n"
        )
        if result.details["templates"]:
            explain_out.append("Templates rendered (count, seconds including what they include):")
            for row in result.details["templates"]:
                explain_out.append(f"  {row['count']:>6} × {row['seconds']:7.3f} s  {row['template']}")
            explain_out.append("")
        explain_out.append("Most repeated query shapes:")
        for sql, n in shapes.most_common(5):
            explain_out.append(f"  {n:>6} × {sql[:400]}")
        explain_out.append("")
        slowest = sorted(
            # Writes are explained too: EXPLAIN ANALYZE runs them, inside a transaction rolled back below.
            (
                q
                for q in queries
                if q["sql"].lstrip().upper().startswith(("SELECT", "WITH", "INSERT", "UPDATE", "DELETE"))
            ),
            key=lambda q: float(q["time"]),
            reverse=True,
        )[:5]
        for query in slowest:
            explain_out.append(f"### {float(query['time']) * 1000:.1f} ms\n{query['sql'][:4000]}\n")
            # The session settings the code set before this query (SET LOCAL work_mem, jit, ...).
            settings_before = [
                q["sql"]
                for q in queries[: queries.index(query)]
                if q["sql"].lstrip().upper().startswith("SET ")
            ]
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    for statement in settings_before:
                        cursor.execute(statement)
                    if settings_before:
                        explain_out.append("(with " + "; ".join(settings_before) + ")")
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                    explain_out.extend(row[0] for row in cursor.fetchall())
                    transaction.set_rollback(True)
            except Exception as exc:
                explain_out.append(f"(EXPLAIN failed: {exc})")
            explain_out.append("")
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream)
        stats.sort_stats("cumulative").print_stats(r"apps/", 30)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(15)
        profile_out.append(f"## {result.key} — {result.label}\n{_trim_profile(stream.getvalue())}\n")
    if explain_out:
        explain_path.write_text("\n".join(explain_out) + "\n", encoding="utf-8")
    if profile_out:
        profile_path.write_text("\n".join(profile_out), encoding="utf-8")


class _TemplateTimes:
    def __init__(self) -> None:
        self.count: Counter[str] = Counter()
        self.seconds: defaultdict[str, float] = defaultdict(float)

    def top(self, n: int) -> list[dict]:
        return [
            {"template": name, "count": self.count[name], "seconds": round(self.seconds[name], 3)}
            for name, _ in sorted(self.seconds.items(), key=lambda item: item[1], reverse=True)[:n]
        ]


@contextmanager
def template_timer():
    """Counts renders and inclusive time per template name (which template a slow page spends in)."""
    from django.template.base import Template

    times = _TemplateTimes()
    # Template._render is private, so django-stubs does not declare it: patched through an untyped name.
    template: Any = Template
    original = template._render

    def timed_render(self, context):
        started = time.perf_counter()
        try:
            return original(self, context)
        finally:
            name = self.origin.template_name if self.origin else (self.name or "<string>")
            times.count[name] += 1
            times.seconds[name] += time.perf_counter() - started

    template._render = timed_render
    try:
        yield times
    finally:
        template._render = original


def _trim_profile(text: str) -> str:
    return text.replace(str(ROOT) + "/", "")
