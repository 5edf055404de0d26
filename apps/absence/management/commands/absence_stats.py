import csv
from datetime import date

from django.core.management.base import BaseCommand, CommandError, no_translations

from apps.absence.forms import STATISTICS_EARLIEST_AS_OF
from apps.absence.statistics.country import country_statistics
from apps.absence.statistics.export import COUNTRY_CSV_COLUMNS, CSV_COLUMNS, country_csv_rows, csv_rows
from apps.absence.statistics.figures import unit_statistics
from apps.organizations.models import Organization


class Command(BaseCommand):
    help = (
        "Absence statistics as CSV on stdout: one row per unit (its whole subtree) and absence type over the "
        "12 months up to --as-of, plus one row per unit with absence_type 'bradford' whose employees column "
        "holds the number of employees per Bradford band (e.g. '0-50:40;51-200:5;...'). With --country "
        "instead of --organization: one row per organisation with employees and absence type, and a 'total' "
        "row, each organisation by its own policy, then the same for the whole country (organization "
        "'country'); for the platform's operator, not suppressed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organization", help="slug of the organisation")
        parser.add_argument(
            "--country",
            action="store_true",
            help="every organisation with employees and the whole country, instead of one organisation",
        )
        parser.add_argument("--as-of", required=True, help="last day of the rolling year, YYYY-MM-DD")
        parser.add_argument(
            "--suppress",
            action="store_true",
            help="hide figures of groups under ABSENCE_MIN_GROUP_SIZE employees (as the union side sees it)",
        )

    @no_translations
    def handle(self, *args, **options):
        if bool(options["organization"]) == bool(options["country"]):
            raise CommandError("give either --organization or --country")
        try:
            as_of = date.fromisoformat(options["as_of"])
        except ValueError:
            raise CommandError(f"--as-of '{options['as_of']}' is not a valid date (YYYY-MM-DD)") from None
        if as_of < STATISTICS_EARLIEST_AS_OF:
            raise CommandError(f"--as-of must be {STATISTICS_EARLIEST_AS_OF.isoformat()} or later")
        writer = csv.writer(self.stdout, lineterminator="\n")
        if options["country"]:
            if options["suppress"]:
                raise CommandError(
                    "the country's figures are for the platform's operator and are not suppressed; "
                    "leave out --suppress"
                )
            stats = country_statistics(as_of)
            writer.writerow(COUNTRY_CSV_COLUMNS)
            writer.writerows(country_csv_rows(stats))
            return
        organization = Organization.objects.filter(slug=options["organization"]).first()
        if organization is None:
            raise CommandError(f"unknown organisation '{options['organization']}'")
        stats = unit_statistics(organization, as_of, suppress=options["suppress"])
        if stats["as_of"] != as_of:
            self.stderr.write(
                f"Individual data of the 12 months up to {as_of} is partly deleted (retention); for that "
                "time figures were kept up to each month end: these are the 12 months up to "
                f"{stats['as_of']}."
            )
        writer.writerow(CSV_COLUMNS)
        writer.writerows(csv_rows(stats))
