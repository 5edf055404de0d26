"""Loads the seed documents' organisations and content plus generated demo data.

Each app contributes through ``apps/<app>/demo.py`` with a ``seed(ctx: DemoContext)`` function; they
run in dependency order. The generator is seeded, so the same arguments give the same data.
"""

from __future__ import annotations

import random
import time
from datetime import date
from importlib import import_module

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from apps.core.demo import DEMO_PASSWORD, DemoContext
from apps.organizations.models import Organization

MAX_LISTED_LOGINS = 30
APPS_IN_ORDER = ["organizations", "strategy", "clubs", "meetings", "absence", "pool", "reports"]


class Command(BaseCommand):
    help = "Load the demo organisations, seed fixtures and generated data (deterministic)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--employees", type=int, default=400, help="Generated employees in the municipality."
        )
        parser.add_argument("--years", type=int, default=2, help="Years of generated absence history.")
        parser.add_argument("--random-seed", type=int, default=2026)
        parser.add_argument(
            "--today", type=date.fromisoformat, default=None, help="Pretend today is this date."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the demo organisations already exist."
        )

    def handle(self, *args, **options) -> None:
        if options["if_empty"] and Organization.objects.filter(slug="norddjurs").exists():
            self.stdout.write("Demo data already loaded.")
            self._print_logins_from_db()
            return
        ctx = DemoContext(
            rng=random.Random(options["random_seed"]),
            today=options["today"] or date.today(),
            employees=options["employees"],
            years=options["years"],
            out=self.stdout,
        )
        for label in APPS_IN_ORDER:
            try:
                module = import_module(f"apps.{label}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"apps.{label}.demo":
                    raise
                continue
            started = time.perf_counter()
            with transaction.atomic():
                module.seed(ctx)
            self.stdout.write(f"  {label}: {time.perf_counter() - started:.1f} s")
        self._print_logins(ctx.logins)

    def _print_logins(self, logins: list[tuple[str, str]]) -> None:
        self.stdout.write(self.style.SUCCESS(f"\nDemo log-ins (password for all: {DEMO_PASSWORD}):"))
        for email, description in logins[:MAX_LISTED_LOGINS]:
            self.stdout.write(f"  {email:<40} {description}")
        if len(logins) > MAX_LISTED_LOGINS:
            self.stdout.write(
                f"  … and {len(logins) - MAX_LISTED_LOGINS} more demo accounts with the same password"
            )

    def _print_logins_from_db(self) -> None:
        from apps.organizations.demo import describe_demo_accounts

        self._print_logins(describe_demo_accounts())
