"""The harness's own PostgreSQL database: derive its URL, create it, migrate and seed it once.

``bench_meta`` holds what the database was seeded with; a database seeded with the same employees,
years, random seed and date, whose migrations are all applied, is reused as it is.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def bench_database_url(database_url: str, size: str) -> str:
    """``database_url`` with its database name replaced by ``portal_bench_<size>``."""
    parts = urlsplit(database_url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql", "postgis"}:
        raise ValueError(f"the benchmark needs PostgreSQL; DATABASE_URL has scheme {parts.scheme!r}")
    return urlunsplit((parts.scheme, parts.netloc, f"/portal_bench_{size}", parts.query, ""))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _server_conninfo(url: str) -> str:
    """The same server, connected to the maintenance database ``postgres``."""
    parts = urlsplit(url)
    return urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))


def _connect(url: str):
    import psycopg

    return psycopg.connect(urlunsplit(("postgresql", *urlsplit(url)[1:])), autocommit=True)


def database_exists(url: str) -> bool:
    import psycopg

    with psycopg.connect(_server_conninfo(url), autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database_name(url)]).fetchone()
    return row is not None


def create_database(url: str, *, drop_first: bool = False) -> None:
    import psycopg
    from psycopg import sql

    name = database_name(url)
    with psycopg.connect(_server_conninfo(url), autocommit=True) as conn:
        if drop_first:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def read_meta(url: str) -> dict | None:
    with _connect(url) as conn:
        exists = conn.execute("SELECT to_regclass('public.bench_meta') IS NOT NULL").fetchone()[0]
        if not exists:
            return None
        row = conn.execute("SELECT value FROM bench_meta WHERE key = 'seed'").fetchone()
    return json.loads(row[0]) if row else None


def write_meta(url: str, meta: dict) -> None:
    with _connect(url) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text NOT NULL)")
        conn.execute(
            "INSERT INTO bench_meta (key, value) VALUES ('seed', %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [json.dumps(meta)],
        )


def seed_signature(
    *,
    employees: int,
    years: int,
    random_seed: int,
    today: str,
    municipalities: int = 1,
    national_employees: int = 0,
) -> dict:
    signature = {
        "employees": employees,
        "years": years,
        "random_seed": random_seed,
        "today": today,
        "code": seed_code_hash(),
    }
    if municipalities > 1:  # only then, so that the datasets seeded before keep their signature
        signature.update(municipalities=municipalities, national_employees=national_employees)
    return signature


def seed_code_hash() -> str:
    """A digest of what shapes the demo data: every demo module, fixture and migration file."""
    digest = hashlib.sha256()
    patterns = [
        "apps/*/demo.py",
        "apps/*/fixtures_data.py",
        "apps/*/migrations/*.py",
        "apps/core/management/commands/seed_demo.py",
        "fixtures/**/*",
    ]
    for pattern in patterns:
        for path in sorted(ROOT.glob(pattern)):
            if path.is_file():
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def manage(
    args: list[str], env: dict[str, str], *, log=None, check: bool = True
) -> subprocess.CompletedProcess:
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        command,
        env=env,
        cwd=ROOT,
        check=check,
        stdout=log,
        stderr=subprocess.STDOUT if log else None,
        text=True,
    )


def migrations_pending(env: dict[str, str]) -> bool:
    result = manage(["migrate", "--check", "--no-input", "-v0"], env, log=subprocess.PIPE, check=False)
    return result.returncode != 0


def prepare(
    url: str,
    env: dict[str, str],
    *,
    signature: dict,
    reseed: bool = False,
    reuse: bool = False,
    log=print,
) -> dict:
    """Make sure the database exists, is migrated and holds the demo data of ``signature``.

    Returns the stored meta data (with ``seed_seconds`` and whether this run seeded).
    """
    child_env = {**env, "DATABASE_URL": url}
    if not database_exists(url):
        log(f"creating database {database_name(url)}")
        create_database(url)
    meta = read_meta(url)
    compared = [k for k in signature if not (reuse and k == "code")]
    same = meta is not None and all(meta.get(k) == signature[k] for k in compared)
    if same and not reseed:
        assert meta is not None  # same implies meta
        pending = migrations_pending(child_env)
        if pending and reuse:
            log("applying new migrations to the seeded database (--reuse keeps its data)")
            manage(["migrate", "--no-input", "-v0"], child_env)
        if not pending or reuse:
            changed = (
                " (demo code changed since; kept because of --reuse)"
                if meta.get("code") != signature["code"]
                else ""
            )
            log(f"database {database_name(url)} already holds this dataset{changed}; not seeding again")
            return {**meta, "seeded_now": False}
    if meta is not None or reseed or same:
        log(f"recreating database {database_name(url)} (seeded with {meta}, want {signature})")
        create_database(url, drop_first=True)
    elif _has_tables(url):
        # Someone else's leftovers without our marker: start clean so seed_demo cannot collide.
        create_database(url, drop_first=True)
    log("migrating")
    started = time.perf_counter()
    manage(["migrate", "--no-input", "-v0"], child_env)
    migrate_seconds = time.perf_counter() - started
    seed_log = ROOT / "var" / "bench" / f"seed-{database_name(url)}.log"
    seed_log.parent.mkdir(parents=True, exist_ok=True)
    log(f"seeding {signature} (this can take a while; progress in {seed_log.relative_to(ROOT)})")
    started = time.perf_counter()
    with seed_log.open("w", encoding="utf-8") as out:
        result = manage(
            [
                "seed_demo",
                "--employees",
                str(signature["employees"]),
                "--years",
                str(signature["years"]),
                "--random-seed",
                str(signature["random_seed"]),
                "--today",
                signature["today"],
                *(
                    [
                        "--municipalities",
                        str(signature["municipalities"]),
                        "--national-employees",
                        str(signature["national_employees"]),
                    ]
                    if "municipalities" in signature
                    else []
                ),
            ],
            {**child_env, "PYTHONUNBUFFERED": "1"},
            log=out,
            check=False,
        )
    seed_seconds = time.perf_counter() - started
    output = seed_log.read_text(encoding="utf-8")
    if result.returncode != 0:
        raise RuntimeError(f"seed_demo failed after {seed_seconds:.0f} s:\n{output[-4000:]}")
    per_app = {}
    for line in output.splitlines():
        label, _, rest = line.strip().partition(":")
        if rest.strip().endswith(" s") and label.isidentifier():
            try:
                per_app[label] = float(rest.strip()[:-2])
            except ValueError:
                continue
    meta = {
        **signature,
        "seed_seconds": round(seed_seconds, 1),
        "seed_seconds_per_app": per_app,
        "migrate_seconds": round(migrate_seconds, 1),
        "seeded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    write_meta(url, meta)
    with _connect(url) as conn:
        conn.execute("VACUUM ANALYZE")
    return {**meta, "seeded_now": True}


def _has_tables(url: str) -> bool:
    with _connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
    return bool(row and row[0])


def redis_url_for_bench(redis_url: str | None, db: int) -> str | None:
    """The broker/cache URL on the benchmark's own Redis database number."""
    if not redis_url:
        return None
    parts = urlsplit(redis_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, ""))


def environment(size: str) -> dict[str, str]:
    """Environment for every process of the run: settings module, database, Redis."""
    base_url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/portal"
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    env["DATABASE_URL"] = bench_database_url(base_url, size)
    redis = redis_url_for_bench(os.environ.get("REDIS_URL"), int(os.environ.get("BENCH_REDIS_DB", "8")))
    if redis:
        env["REDIS_URL"] = redis
    env.setdefault("PYTHONPATH", str(ROOT))
    return env
