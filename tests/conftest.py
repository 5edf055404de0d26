"""Named users and shared fixtures.

Two organisations: ``org`` (a union with a unit tree A > A1 > A1a, and B) and ``other_org``. Each
named user holds one role; ``*_other`` users belong to the other organisation.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from redis.exceptions import RedisError

from tests.factories import MembershipFactory, OrganizationFactory, Role, UserFactory, add_unit

PASSWORD = "correct-horse-battery"
REQUIRE_SERVICES = os.environ.get("PORTAL_REQUIRE_SERVICES") == "1"
CHROMIUM = "/usr/bin/chromium"


def _missing(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (PORTAL_REQUIRE_SERVICES=1: CI must run this test)")
    pytest.skip(reason)


def pytest_runtest_setup(item: pytest.Item) -> None:
    markers = {m.name for m in item.iter_markers()}
    if "postgres" in markers and settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        _missing("needs PostgreSQL: set DATABASE_URL")
    if markers & {"redis", "celery"} and not settings.REDIS_URL:
        _missing("needs Redis: set REDIS_URL")
    if "browser" in markers and not Path(CHROMIUM).exists():
        _missing(f"needs Debian's Chromium at {CHROMIUM}")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases; before they are dropped at the end of the session, this thread's
    connections are closed and other sessions still on the test database (a server or worker a test
    started and that is still shutting down) get up to 15 s to end. One that does not is named in a
    warning: CI showed "being accessed by other users" at teardown without saying whose session it was."""
    yield
    with django_db_blocker.unblock():
        from django.db import connections

        connections.close_all()
        _close_left_open()
        if connection.vendor == "postgresql":
            _wait_for_other_sessions(connection.settings_dict["NAME"])


# Where each test connection was opened (backend pid -> thread, test, caller), so that a session left on
# the test database at the end names what opened it.
_OPENED: dict[int, str] = {}


def _note_connection(sender, connection, **kwargs) -> None:
    import threading
    import traceback

    if connection.vendor != "postgresql":
        return
    try:
        pid = connection.connection.info.backend_pid
    except AttributeError:
        return
    frames = [
        f"{Path(f.filename).name}:{f.lineno}"
        for f in traceback.extract_stack(limit=40)
        if "/site-packages/" not in f.filename and "/lib/python3" not in f.filename
    ]
    test = os.environ.get("PYTEST_CURRENT_TEST", "-")
    _OPENED[pid] = f"{threading.current_thread().name} in {test} at {' < '.join(reversed(frames[-6:]))}"


def _watch_connections() -> None:
    from django.db.backends.signals import connection_created

    connection_created.connect(_note_connection, dispatch_uid="tests-opened")


_watch_connections()


def _close_left_open() -> None:
    """Close connections no longer in ``connections`` but still open, naming what opened them: a thread
    that has ended, or a wrapper replaced while a test ran. CI showed one at every run (idle, last query
    ROLLBACK), opened by a test that set up the database from inside its body
    (``request.getfixturevalue`` of a user, without ``db`` among its own fixtures); its session kept
    the test database from being dropped."""
    import gc
    import warnings

    from django.db.backends.base.base import BaseDatabaseWrapper

    gc.collect()
    for wrapper in gc.get_objects():
        # type(), not isinstance(): isinstance asks __class__, which makes a lazy object (a request's
        # CSP nonce) evaluate itself, and that raises once its response is gone.
        if (
            issubclass(type(wrapper), BaseDatabaseWrapper)
            and wrapper.vendor == "postgresql"
            and wrapper.connection is not None
        ):
            info = getattr(wrapper.connection, "info", None)
            opened = _OPENED.get(getattr(info, "backend_pid", 0), "?")
            warnings.warn(f"a connection to {wrapper.alias} was left open, opened by {opened}", stacklevel=1)
            wrapper.connection.close()


def _wait_for_other_sessions(name: str) -> None:
    import warnings

    others: list[tuple] = []
    deadline = time.monotonic() + 15
    with connection._nodb_cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT pid, application_name, client_port, backend_start, state, left(query, 200) "
                "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            others = cursor.fetchall()
            if not others or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    if others:
        warnings.warn(
            f"sessions still on {name} at teardown (this is tests-{os.getpid()}): {others}; "
            f"their processes: {_commands(others)}; "
            f"opened by: {[_OPENED.get(row[0], '?') for row in others]}",
            stacklevel=1,
        )


def _commands(sessions: list[tuple]) -> dict[str, str]:
    """The command line of each process named in the sessions' application names (tests-<pid>), where
    it still runs on this machine: which process left the session open."""
    found = {}
    for _pid, application, *_rest in sessions:
        client = application.removeprefix("tests-")
        if client.isdigit():
            try:
                found[client] = (
                    Path(f"/proc/{client}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:200]
                )
            except OSError:
                found[client] = "(gone)"
    return found


@pytest.fixture
def org(db):
    organization = OrganizationFactory(name="Testforbundet", slug="testforbundet")
    a = add_unit(organization, "A", "Area A")
    a1 = add_unit(organization, "A1", "Department A1", parent=a)
    add_unit(organization, "A1a", "Team A1a", parent=a1)
    add_unit(organization, "B", "Area B")
    return organization


@pytest.fixture
def other_org(db):
    organization = OrganizationFactory(name="Andet forbund", slug="andet-forbund")
    add_unit(organization, "X", "Area X")
    return organization


def unit(organization, code):
    return organization.units.get(code=code)


def _user_with(organization, role, unit_code=None, **user_fields):
    user = UserFactory(**user_fields)
    MembershipFactory(
        user=user,
        organization=organization,
        role=role,
        unit=organization.units.get(code=unit_code) if unit_code else None,
    )
    return user


@pytest.fixture
def board_member(org):
    return _user_with(org, Role.BOARD, email="board@example.org", first_name="Bodil")


@pytest.fixture
def union_staff(org):
    return _user_with(org, Role.STAFF, email="staff@example.org")


@pytest.fixture
def shop_steward(org):
    return _user_with(org, Role.STEWARD, "A1", email="steward@example.org")


@pytest.fixture
def steward_of_other_club(org):
    return _user_with(org, Role.STEWARD, "B", email="steward-b@example.org")


@pytest.fixture
def med_member(org):
    return _user_with(org, Role.MED, email="med@example.org")


@pytest.fixture
def hr_user(org):
    return _user_with(org, Role.HR, email="hr@example.org")


@pytest.fixture
def leader(org):
    return _user_with(org, Role.LEADER, "A1", email="leader@example.org")


@pytest.fixture
def org_admin(org):
    return _user_with(org, Role.ADMIN, email="admin@example.org")


@pytest.fixture
def board_member_other(other_org):
    return _user_with(other_org, Role.BOARD, email="board-other@example.org")


@pytest.fixture
def hr_user_other(other_org):
    return _user_with(other_org, Role.HR, email="hr-other@example.org")


@pytest.fixture
def user_without_roles(db):
    return UserFactory(email="nobody@example.org")


@pytest.fixture
def login(client):
    """``login(user)`` logs the test client in and returns it."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Call a service as if its transaction committed: what it left for ``on_commit`` (its emails,
    apps/core/mail.py) runs too. A test runs inside one transaction that never commits."""

    def call(function, /, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return call


def _start_worker(tmp_dir: Path, *, beat: bool = False):
    """A real Celery worker in its own process, on Redis, using the PostgreSQL test database."""
    if not settings.REDIS_URL:
        _missing("needs Redis: set REDIS_URL")
    db = connection.settings_dict
    env = dict(os.environ)
    if db["ENGINE"] == "django.db.backends.postgresql":
        user, host, port = db["USER"] or "postgres", db["HOST"] or "127.0.0.1", db["PORT"] or 5432
        env["DATABASE_URL"] = f"postgres://{user}@{host}:{port}/{db['NAME']}"
    else:
        _missing("a separate worker process needs the PostgreSQL test database")
    env["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    celery = shutil.which("celery") or str(Path(sys.executable).parent / "celery")
    command = [
        celery,
        "-A",
        "strategy_portal",
        "worker",
        "--pool=solo",
        "--loglevel=WARNING",
        "--without-gossip",
        "--without-mingle",
        "-n",
        f"test-{os.getpid()}@%h",
    ]
    if beat:
        env["PORTAL_BEAT_EVERY_SECONDS"] = "2"
        command += ["--beat", "--schedule", str(tmp_dir / "beat-schedule")]
    from strategy_portal.celery import app

    # Messages an earlier worker left unfinished (a killed test run) would run on this test's data.
    app.control.purge()
    worker = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(timeout=1.0):
            break
        if worker.poll() is not None:
            pytest.fail("the Celery worker exited while starting")
    else:
        worker.terminate()
        pytest.fail("the Celery worker did not answer within 60 s")
    return worker


def _stop_worker(worker) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    worker = _start_worker(tmp_path)
    yield worker
    _stop_worker(worker)


@pytest.fixture
def celery_worker_with_beat(transactional_db, tmp_path):
    """A worker with an embedded beat that runs every periodic job every 2 seconds."""
    worker = _start_worker(tmp_path, beat=True)
    yield worker
    _stop_worker(worker)


BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        _missing(f"needs Debian's Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="da-DK", base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def browser_login(page):
    """Logs a user in through the real form in the browser."""

    def _login(user, password=PASSWORD):
        page.goto("/login/")
        page.fill("input[name=username]", user.email)
        page.fill("input[name=password]", password)
        page.click("main button[type=submit]")
        page.wait_for_url(lambda url: "/login/" not in url)
        return page

    return _login


def assert_no_axe_violations(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    )
    assert results.violations_count == 0, results.generate_report()


class OwnRedis:
    """A redis-server of the test's own on a free port, which the test may stop and start again (never
    the shared server at REDIS_URL, which others use)."""

    def __init__(self, directory: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.command = [
            binary,
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        self.directory = directory
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def client(self):
        return redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1)

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.command, cwd=self.directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if self.client().ping():
                    return
            except RedisError:
                pass
            if self.process.poll() is not None:
                pytest.fail(f"redis-server on port {self.port} exited while starting")
            time.sleep(0.05)
        pytest.fail(f"redis-server on port {self.port} did not answer within 20 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None


@pytest.fixture
def own_redis(tmp_path):
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def cache_on_own_redis(own_redis, settings):
    """The cache on ``own_redis``, as settings.py configures it for REDIS_URL."""
    from apps.core.cache import _Outage

    settings.CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.OptionalRedisCache",
            "LOCATION": own_redis.url,
            "OPTIONS": settings.REDIS_SOCKET_OPTIONS,
        }
    }
    _Outage.down = False
    yield own_redis
    _Outage.down = False


@pytest.fixture
def broker_on_own_redis(own_redis):
    """Celery's broker on ``own_redis``, as settings.py configures it for REDIS_URL."""
    from strategy_portal.celery import app

    saved = app.conf.broker_url, app.conf.broker_transport_options

    def reset_pools():
        # Forget the app's pools only: kombu keeps one per broker URL and hands it out again, so
        # closing it here would leave the shared broker's pool closed for the tests after this one.
        app._pool = None
        app.amqp._producer_pool = None

    reset_pools()
    app.conf.broker_url = own_redis.url
    app.conf.broker_transport_options = {"socket_connect_timeout": 2}
    yield own_redis
    reset_pools()
    app.conf.broker_url, app.conf.broker_transport_options = saved
