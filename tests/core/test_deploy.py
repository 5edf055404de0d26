"""Production settings pass Django's deployment checks and send the security headers."""

import os
import subprocess
import sys

from django.conf import settings


def test_check_deploy_is_clean_with_production_settings():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "TESTING", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "strategy_portal.settings",
            "SECRET_KEY": "x" * 30 + "-a-long-random-production-secret-key-value",
            "ALLOWED_HOSTS": "portal.example.org",
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "TESTING", "SECRET_KEY"}}
    env["DJANGO_SETTINGS_MODULE"] = "strategy_portal.settings"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_security_headers(client, db):
    response = client.get("/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_forms_need_csrf(db, board_member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": board_member.email, "password": "x"})
    assert response.status_code == 403


def test_the_web_worker_freezes_what_it_loaded_for_the_garbage_collector():
    import gc
    import importlib

    gc.unfreeze()
    import strategy_portal.wsgi

    importlib.reload(strategy_portal.wsgi)
    try:
        assert gc.get_freeze_count() > 10000
    finally:
        gc.unfreeze()


def test_web_and_celery_workers_load_the_holiday_calendar_at_start():
    """Its first use imports every country's holiday tables (about 0.3 s): at a worker's start, not in
    the first request or task."""
    import gc
    import importlib
    from datetime import date

    import strategy_portal.celery
    import strategy_portal.wsgi
    from apps.absence.spells import _public_holidays

    _public_holidays.cache_clear()
    importlib.reload(strategy_portal.wsgi)
    gc.unfreeze()
    assert date(date.today().year, 12, 25) in _public_holidays(date.today().year)
    assert _public_holidays.cache_info().hits == 1  # loaded by the worker's start, found here
    # Each process of the Celery worker's pool (prefork, as deployed) loads it as it starts.
    from celery.signals import worker_process_init

    _public_holidays.cache_clear()
    worker_process_init.send(sender=None)
    assert _public_holidays.cache_info().currsize == 1


def test_local_mode_serves_the_portals_own_pages_on_plain_http(tmp_path):
    """bin/run's mode (PORTAL_LOCAL=1, DEBUG off): no SECRET_KEY needed, plain HTTP, the static files
    from the source tree, and a page that does not exist is the portal's 404 page, not Django's debug
    page listing every URL pattern (a new user's finding)."""
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client(HTTP_HOST='127.0.0.1')\n"
        "r = c.get('/does-not-exist/')\n"
        "print(r.status_code, b'URLconf' in r.content, b'Siden findes ikke' in r.content)\n"
        "r = c.get('/static/css/portal.css')\n"
        "print(r.status_code)\n"
        "r = c.get('/login/')\n"
        "print(r.status_code, r.cookies['csrftoken']['secure'] == '')\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "TESTING", "SECRET_KEY", "DATABASE_URL"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "strategy_portal.settings",
            "PORTAL_LOCAL": "1",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'local.sqlite3'}",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == ["404 False True", "200", "200 True"], (
        result.stdout + result.stderr
    )
