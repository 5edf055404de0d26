"""The full re-sweep shared by Celery workers: one worker against two, on a copy of a seeded database.

    python -m bench.workers --size small|large [--partition 500] [--repeats 2]

Copies portal_bench_<size> (seeded by bin/bench) to a scratch database, because every run deletes the
advisories the re-sweep then makes again. For 1 and for 2 worker processes (each ``--pool=solo``, so a
process is one core) it times ``sweep_partitioned_send(...).get()``, and checks that both leave the
same advisories as one in-process full sweep. Prints one JSON line; BENCHMARKS.md quotes it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import date
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from . import db

SCRATCH = "portal_bench_workers"


def _copy_database(source_url: str) -> str:
    import psycopg
    from psycopg import sql

    parts = urlsplit(source_url)
    target = urlunsplit((parts.scheme, parts.netloc, f"/{SCRATCH}", parts.query, ""))
    with psycopg.connect(db._server_conninfo(source_url), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(SCRATCH)))
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(SCRATCH), sql.Identifier(db.database_name(source_url))
            )
        )
    return target


def _start_workers(count: int, env: dict[str, str]) -> list[subprocess.Popen]:
    workers = []
    for index in range(count):
        command = [
            sys.executable, "-m", "celery", "-A", "strategy_portal", "worker", "--pool=solo",
            "--loglevel=WARNING", "--without-gossip", "--without-mingle", "-n", f"bench-{index}@%h",
        ]  # fmt: skip
        workers.append(subprocess.Popen(command, env=env, cwd=db.ROOT))  # noqa: S603 - fixed arguments
    from strategy_portal.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        answered = app.control.ping(timeout=1.0) or []
        if len(answered) >= count:
            return workers
    raise SystemExit(f"only some of {count} workers answered")


def _stop(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.wait(timeout=30)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.workers")
    parser.add_argument("--size", default="small")
    parser.add_argument("--partition", type=int, default=500, help="employees per partition")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--as-of", default="2026-11-23")
    args = parser.parse_args(argv)
    env = db.environment(args.size)
    if not env.get("REDIS_URL"):
        raise SystemExit("the workers need Redis (REDIS_URL) as broker and result backend")
    env["DATABASE_URL"] = _copy_database(env["DATABASE_URL"])
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.db import connection

    from apps.absence.models import Advisory
    from apps.absence.sweep import advisory_sweep_partitioned
    from apps.absence.tasks import sweep_partitioned_send
    from apps.organizations.models import Organization
    from strategy_portal.celery import app

    as_of = date.fromisoformat(args.as_of)
    organization = Organization.objects.get(slug="norddjurs")
    columns = ("employee_id", "spell_id", "kind", "day", "due_date")

    def reset() -> None:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE absence_advisory CASCADE")

    reset()
    started = time.perf_counter()
    advisory_sweep_partitioned(as_of=as_of, organization=organization, size=args.partition, notify=False)
    in_process = time.perf_counter() - started
    expected = set(Advisory.objects.values_list(*columns))
    app.control.purge()
    results: dict[str, Any] = {"in_process_s": round(in_process, 2), "advisories": len(expected)}
    for count in (1, 2):
        workers = _start_workers(count, {**os.environ})
        runs = []
        try:
            for _ in range(args.repeats):
                reset()
                started = time.perf_counter()
                sweep_partitioned_send(
                    as_of=as_of, organization_id=organization.pk, size=args.partition, notify=False
                ).get(timeout=3600)
                runs.append(round(time.perf_counter() - started, 2))
                if set(Advisory.objects.values_list(*columns)) != expected:
                    raise SystemExit(f"{count} worker(s) made other advisories than the in-process run")
        finally:
            _stop(workers)
        results[f"workers_{count}_s"] = runs
    employees = organization.employees.count()
    results.update(
        {
            "employees": employees,
            "partitions": -(-employees // args.partition),
            "speed_up": round(min(results["workers_1_s"]) / min(results["workers_2_s"]), 2),
        }
    )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
