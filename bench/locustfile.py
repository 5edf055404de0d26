"""Locust users for the load run: each logged-in user walks its pages of the mix at random.

The harness writes the mix (page name, path, session cookie of the demo user) to the file named by
BENCH_LOAD_PLAN and starts locust against gunicorn on 127.0.0.1 only.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from urllib.parse import urlsplit

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

PLAN = json.loads(open(os.environ["BENCH_LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
SESSIONS = sorted({entry["session"] for entry in PLAN})
_next_session = itertools.count()


@events.init.add_listener
def only_loopback(environment, **kwargs):
    host = urlsplit(environment.host or "").hostname
    if host != "127.0.0.1":
        raise SystemExit(f"the load run only targets 127.0.0.1, not {host!r}")


# FastHttpUser (geventhttpclient) rather than HttpUser (requests): locust runs on the same 2 cores as
# the portal, and requests' own CPU per request was about a tenth of a core at 45 requests/s.
class PortalUser(FastHttpUser):
    # People read a page before the next click: 1-5 s (mean 3 s), so 50 users offer ~17 requests/s.
    wait_time = between(1, 5)

    def on_start(self) -> None:
        session = SESSIONS[next(_next_session) % len(SESSIONS)]
        self.pages = [entry for entry in PLAN if entry["session"] == session]
        # The session the harness logged in with force_login: no password hashing in the measured run.
        self.headers = {"Cookie": f"sessionid={session}"}

    @task
    def view_page(self) -> None:
        page = random.choice(self.pages)
        with self.client.get(
            page["path"], name=page["name"], headers=self.headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
