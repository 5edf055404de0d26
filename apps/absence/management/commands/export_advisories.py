import csv

from django.core.management.base import BaseCommand, CommandError

from apps.absence.models import Advisory
from apps.organizations.models import Organization

COLUMNS = ["employee_number", "spell_start", "kind", "day", "due_date", "status"]


class Command(BaseCommand):
    help = "Write the organisation's advisories as CSV to stdout."

    def add_arguments(self, parser):
        parser.add_argument("--organization", metavar="SLUG", required=True)

    def handle(self, *args, organization, **options):
        org = Organization.objects.filter(slug=organization).first()
        if org is None:
            raise CommandError(f"No organisation with slug {organization!r}")
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(COLUMNS)
        rows = (
            Advisory.objects.filter(employee__organization=org)
            .order_by("employee__employee_number", "spell_start", "kind", "day")
            .values_list("employee__employee_number", "spell_start", "kind", "day", "due_date", "status")
        )
        for number, spell_start, kind, day, due, status in rows.iterator(chunk_size=5000):
            writer.writerow([number, spell_start.isoformat(), kind, day, due.isoformat(), status])
