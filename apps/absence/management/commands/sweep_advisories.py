from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.absence.sweep import advisory_sweep
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
        parser.add_argument(
            "--partitioned",
            action="store_true",
            help=(
                "with --full: cut the employees into partitions and hand them to the Celery workers "
                "(needs Redis as result backend; without it the partitions run here, one after another)"
            ),
        )
        parser.add_argument("--timeout", type=int, default=3600, help="seconds to wait for the workers")

    def handle(
        self, *args, organization=None, as_of=None, full=False, partitioned=False, timeout=3600, **options
    ):
        try:
            day = date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--as-of must be a date as YYYY-MM-DD, not {as_of!r}") from exc
        org = None
        if organization:
            org = Organization.objects.filter(slug=organization).first()
            if org is None:
                raise CommandError(f"No organisation with slug {organization!r}")
        if partitioned:
            if not full:
                raise CommandError("--partitioned is for the full re-sweep: add --full")
            self._partitioned(day, org, timeout)
            return
        result = advisory_sweep(as_of=day, organization=org, full=full)
        self.stdout.write(
            f"Sweep as of {day.isoformat()}: {result.created} new advisories "
            f"({result.candidates} due among {result.employees} employees looked at, "
            f"{result.organizations} organisations, {result.full} of them looked at in full)."
        )

    def _partitioned(self, day, org, timeout: int) -> None:
        from django.conf import settings

        from apps.absence.sweep import advisory_sweep_partitioned
        from apps.absence.tasks import sweep_partitioned_send

        if getattr(settings, "CELERY_RESULT_BACKEND", None):
            outcome = sweep_partitioned_send(as_of=day, organization_id=org.pk if org else None).get(
                timeout=timeout
            )
            where = "by the workers"
        else:
            result = advisory_sweep_partitioned(as_of=day, organization=org)
            outcome = {
                "created": result.created,
                "candidates": result.candidates,
                "employees": result.employees,
            }
            where = "here (no result backend for the workers)"
        self.stdout.write(
            f"Full re-sweep as of {day.isoformat()} in partitions, {where}: {outcome['created']} new "
            f"advisories ({outcome['candidates']} due among {outcome['employees']} employees)."
        )
