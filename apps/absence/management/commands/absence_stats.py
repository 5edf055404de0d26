import csv
from datetime import date

from django.core.management.base import BaseCommand, CommandError, no_translations

from apps.absence.statistics.export import CSV_COLUMNS, csv_rows
from apps.absence.statistics.figures import unit_statistics
from apps.organizations.models import Organization


class Command(BaseCommand):
    help = (
        "Absence statistics as CSV on stdout: one row per unit (its whole subtree) and absence type over the "
        "12 months up to --as-of, plus one row per unit with absence_type 'bradford' whose employees column "
        "holds the number of employees per Bradford band (e.g. '0-50:40;51-200:5;...')."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organization", required=True, help="slug of the organisation")
        parser.add_argument("--as-of", required=True, help="last day of the rolling year, YYYY-MM-DD")
        parser.add_argument(
            "--suppress",
            action="store_true",
            help="hide figures of groups under ABSENCE_MIN_GROUP_SIZE employees (as the union side sees it)",
        )

    @no_translations
    def handle(self, *args, **options):
        organization = Organization.objects.filter(slug=options["organization"]).first()
        if organization is None:
            raise CommandError(f"unknown organisation '{options['organization']}'")
        try:
            as_of = date.fromisoformat(options["as_of"])
        except ValueError:
            raise CommandError(f"--as-of '{options['as_of']}' is not a valid date (YYYY-MM-DD)") from None
        stats = unit_statistics(organization, as_of, suppress=options["suppress"])
        if stats["as_of"] != as_of:
            self.stderr.write(
                f"Individual data of the 12 months up to {as_of} is partly deleted (retention); for that "
                "time figures were kept up to each month end: these are the 12 months up to "
                f"{stats['as_of']}."
            )
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(csv_rows(stats))
