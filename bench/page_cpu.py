"""Where a page's time goes: this process's CPU (Python: views, forms, templates) and the database's
time (SQL) per benchmarked page, on a seeded benchmark database. The load run is bound by CPU on 2
cores, so CPU per request is what decides how many requests a second the machine serves.

    python -m bench.page_cpu --size large [--repeats 15] [--only absence_queue,organization]

Median of ``--repeats`` warm requests through Django's test client (no HTTP, no gunicorn); the
database must have been seeded by ``bin/bench --size <size> --prepare-only`` first.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from . import db


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.page_cpu")
    parser.add_argument("--size", default="large")
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--only", default="", help="page keys, comma-separated")
    args = parser.parse_args(argv)
    os.environ.update(db.environment(args.size))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .measure import Unavailable, _client_for
    from .pages import PAGES, resolve_page

    only = set(filter(None, args.only.split(",")))
    total_cpu = total_sql = 0.0
    print(f"{'page':24} {'wall ms':>8} {'cpu ms':>8} {'sql ms':>8} {'queries':>8}")
    for page in PAGES:
        if only and page.key not in only:
            continue
        try:
            path, users = resolve_page(page)
        except Unavailable as exc:
            print(f"{page.key:24} not available: {exc}")
            continue
        client = next((c for c in map(_client_for, users) if c.get(path).status_code == 200), None)
        if client is None:
            print(f"{page.key:24} no demo user gets 200")
            continue
        for _ in range(3):  # warm: caches, templates, the database's buffers
            client.get(path)
        wall, cpu, sql, queries = [], [], [], 0
        for _ in range(args.repeats):
            with CaptureQueriesContext(connection) as captured:
                started, started_cpu = time.perf_counter(), time.process_time()
                client.get(path)
                cpu.append(time.process_time() - started_cpu)
                wall.append(time.perf_counter() - started)
            sql.append(sum(float(q["time"]) for q in captured.captured_queries))
            queries = len(captured.captured_queries)
        row = [statistics.median(values) * 1000 for values in (wall, cpu, sql)]
        total_cpu, total_sql = total_cpu + row[1], total_sql + row[2]
        print(f"{page.key:24} {row[0]:8.1f} {row[1]:8.1f} {row[2]:8.1f} {queries:8d}")
    print(f"{'sum':24} {'':8} {total_cpu:8.1f} {total_sql:8.1f}")


if __name__ == "__main__":
    main()
