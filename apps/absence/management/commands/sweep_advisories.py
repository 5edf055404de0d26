from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.absence.services import advisory_sweep
from apps.organizations.models import Organization


class Command(BaseCommand):
    help = "Create every advisory that is due (contact days, legal milestones, frequent absence)."

    def add_arguments(self, parser):
        parser.add_argument("--organization", metavar="SLUG")
        parser.add_argument("--as-of", metavar="YYYY-MM-DD", dest="as_of")
        parser.add_argument(
            "--full",
            action="store_true",
            help="look at every employee, not only those whose absence changed since the last sweep",
        )

    def handle(self, *args, organization=None, as_of=None, full=False, **options):
        try:
            day = date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--as-of must be a date as YYYY-MM-DD, not {as_of!r}") from exc
        org = None
        if organization:
            org = Organization.objects.filter(slug=organization).first()
            if org is None:
                raise CommandError(f"No organisation with slug {organization!r}")
        result = advisory_sweep(as_of=day, organization=org, full=full)
        self.stdout.write(
            f"Sweep as of {day.isoformat()}: {result.created} new advisories "
            f"({result.candidates} due among {result.employees} employees looked at, "
            f"{result.organizations} organisations, {result.full} of them looked at in full)."
        )
