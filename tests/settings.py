"""Test settings: the real settings module, with TESTING on (set before it is imported)."""

import os

os.environ.setdefault("TESTING", "1")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

from strategy_portal.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns on every request otherwise
# On PostgreSQL a second alias, as a read replica would be (apps/core/replica.py); the tests that
# use it turn PORTAL_READ_REPLICA on.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # Each process's sessions say whose they are (pg_stat_activity.application_name): the teardown
    # names any session left on the test database, and the pid tells the test run from a worker or
    # server it started.
    DATABASES["default"]["OPTIONS"] = {  # noqa: F405
        **DATABASES["default"].get("OPTIONS", {}),  # noqa: F405
        "application_name": f"tests-{os.getpid()}",
    }
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
