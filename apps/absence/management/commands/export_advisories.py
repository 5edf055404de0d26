import csv

from django.core.management.base import BaseCommand, CommandError

from apps.absence.models import Advisory, EmployeeAccessLog
from apps.absence.privacy import access_log_record
from apps.organizations.models import Organization

COLUMNS = ["employee_number", "spell_start", "kind", "day", "due_date", "status"]


class Command(BaseCommand):
    help = (
        "Write the organisation's advisories as CSV to stdout. Each employee in it gets a row in the access "
        "log (by the command line)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organization", metavar="SLUG", required=True)

    def handle(self, *args, organization, **options):
        org = Organization.objects.filter(slug=organization).first()
        if org is None:
            raise CommandError(f"No organisation with slug {organization!r}")
        advisories = Advisory.objects.filter(employee__organization=org)
        # Logged before a row is written: a run that breaks off half-way has still shown data.
        access_log_record(
            employees=advisories.order_by("employee_id").values_list("employee_id", flat=True).distinct(),
            user=None,
            action=EmployeeAccessLog.Action.EXPORT_CSV,
            where="manage.py export_advisories",
            via=EmployeeAccessLog.Via.COMMAND_LINE,
        )
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(COLUMNS)
        rows = advisories.order_by("employee__employee_number", "spell_start", "kind", "day").values_list(
            "employee__employee_number", "spell_start", "kind", "day", "due_date", "status"
        )
        for number, spell_start, kind, day, due, status in rows.iterator(chunk_size=5000):
            writer.writerow([number, spell_start.isoformat(), kind, day, due.isoformat(), status])
