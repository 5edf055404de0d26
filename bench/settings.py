"""Settings of the benchmark: the real settings, served over plain HTTP on 127.0.0.1 only.

The harness points DATABASE_URL at its own database (portal_bench_<size>) before Django starts and
adds one URL, ``/bench/floor/``, the floor of the page measurements (bench/urls.py).
"""

import os

os.environ.setdefault("SECRET_KEY", "benchmark-only-key-never-used-for-real-data")

from strategy_portal.settings import *  # noqa: E402, F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
# Plain HTTP on the loopback interface: no HTTPS redirect, cookies without the Secure flag.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Templates call {% static %}; the plain storage needs no collectstatic manifest.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# One JSON line per request would dominate the load run's output; warnings and errors still show.
LOGGING["root"]["level"] = os.environ.get("LOG_LEVEL", "WARNING")  # noqa: F405
LOGGING["loggers"]["portal.request"]["level"] = os.environ.get("REQUEST_LOG_LEVEL", "WARNING")  # noqa: F405
# Mail the sweep may send goes nowhere.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
