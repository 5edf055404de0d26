"""Loads the seed documents' organisations and content plus generated demo data.

Each app contributes through ``apps/<app>/demo.py`` with a ``seed(ctx: DemoContext)`` function; they
run in dependency order. The generator is seeded, so the same arguments give the same data.
"""

from __future__ import annotations

import random
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from apps.core.demo import DEMO_PASSWORD, DemoContext
from apps.core.modules import optional_module
from apps.organizations.demo import MUNICIPALITIES, municipality_share
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
        parser.add_argument(
            "--municipalities",
            type=int,
            default=1,
            help="Municipalities in all (at most 98): Norddjurs and generated ones of the same shape.",
        )
        parser.add_argument(
            "--national-employees",
            type=int,
            default=0,
            help="With --municipalities: employees in the whole country, shared by population among the"
            " municipalities other than Norddjurs (which has --employees).",
        )
        parser.add_argument("--random-seed", type=int, default=2026)
        parser.add_argument(
            "--today", type=date.fromisoformat, default=None, help="Pretend today is this date."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when the demo organisations already exist."
        )
        parser.add_argument(
            "--no-logins",
            action="store_true",
            help="Do not list the demo log-ins at the end (bin/run lists them later).",
        )
        parser.add_argument(
            "--logins",
            action="store_true",
            help="Only list the demo log-ins in the database, as a table (with --url: where to log in).",
        )
        parser.add_argument("--url", default="", help="The portal's address, printed above the log-ins.")

    def handle(self, *args, **options) -> None:
        if options["logins"]:
            self._print_table(options["url"])
            return
        if options["if_empty"] and Organization.objects.filter(slug="norddjurs").exists():
            self.stdout.write("Demo data already loaded.")
            if not options["no_logins"]:
                self._print_logins_from_db()
            return
        municipalities = options["municipalities"]
        if not 1 <= municipalities <= len(MUNICIPALITIES) + 1:
            raise CommandError(f"--municipalities must be between 1 and {len(MUNICIPALITIES) + 1}.")
        others = options["national_employees"] - options["employees"]
        if municipalities > 1 and others <= 0:
            raise CommandError("--municipalities needs --national-employees larger than --employees.")
        ctx = DemoContext(
            rng=random.Random(options["random_seed"]),
            today=options["today"] or date.today(),
            employees=options["employees"],
            years=options["years"],
            out=self.stdout,
            other_municipalities=municipality_share(others, municipalities - 1) if municipalities > 1 else [],
        )
        for label in APPS_IN_ORDER:
            module = optional_module(f"apps.{label}.demo")
            if module is None:
                continue
            started = time.perf_counter()
            with transaction.atomic():
                module.seed(ctx)
            self.stdout.write(f"  {label}: {time.perf_counter() - started:.1f} s")
        if not options["no_logins"]:
            self._print_logins(ctx.logins)

    def _print_logins(self, logins: list[tuple[str, str]]) -> None:
        self.stdout.write(self.style.SUCCESS(f"\nDemo log-ins (password for all: {DEMO_PASSWORD}):"))
        for email, description in logins[:MAX_LISTED_LOGINS]:
            self.stdout.write(f"  {email:<40} {description}")
        if len(logins) > MAX_LISTED_LOGINS:
            self.stdout.write(
                f"  … and {len(logins) - MAX_LISTED_LOGINS} more demo accounts with the same password"
            )

    def _print_table(self, url: str) -> None:
        """The demo log-ins as a table, for bin/run to print once the server answers."""
        from apps.organizations.demo import describe_demo_accounts

        logins = describe_demo_accounts()
        if not logins:
            self.stdout.write("No demo accounts in the database (run manage.py seed_demo).")
            return
        shown = logins[:MAX_LISTED_LOGINS]
        width = max(len("E-mail"), *(len(email) for email, _who in shown))
        who_width = min(max(len("Who"), *(len(who) for _email, who in shown)), 70)
        rule = f"+-{'-' * width}-+-{'-' * who_width}-+"
        lines = []
        if url:
            lines.append(self.style.SUCCESS(f"The portal runs at {url}"))
        lines += [f"Demo log-ins, the password for all: {DEMO_PASSWORD}", rule]
        lines.append(f"| {'E-mail':<{width}} | {'Who':<{who_width}} |")
        lines.append(rule)
        for email, who in shown:
            if len(who) > who_width:
                who = who[: who_width - 1] + "…"
            lines.append(f"| {email:<{width}} | {who:<{who_width}} |")
        lines.append(rule)
        if len(logins) > MAX_LISTED_LOGINS:
            lines.append(f"… and {len(logins) - MAX_LISTED_LOGINS} more demo accounts with the same password")
        self.stdout.write("\n".join(["", *lines, ""]))

    def _print_logins_from_db(self) -> None:
        from apps.organizations.demo import describe_demo_accounts

        self._print_logins(describe_demo_accounts())
