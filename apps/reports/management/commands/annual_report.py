from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.organizations.models import Organization
from apps.reports import services
from apps.reports.models import AnnualReport, ReportGeneration


class Command(BaseCommand):
    help = "Build an organisation's annual report as PDF (creates a draft report with defaults if needed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", required=True, help="The organisation's slug.")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--output", required=True, type=Path, help="Where to write the PDF.")

    def handle(self, *args, **options) -> None:
        try:
            organization = Organization.objects.get(slug=options["organization"])
        except Organization.DoesNotExist as exc:
            raise CommandError(f"No organisation with the slug {options['organization']!r}.") from exc
        year = options["year"]
        if not 2000 <= year <= 2100:
            raise CommandError("The year must be between 2000 and 2100.")
        report = AnnualReport.objects.filter(organization=organization, year=year).first()
        if report is None:
            report = services.annual_report_create(organization=organization, year=year)
            self.stdout.write(f"Created a draft report: {report.title}")
        generation = ReportGeneration.objects.create(report=report)
        generation = services.report_generate(report_id=report.pk, generation_id=generation.pk)
        if generation.status != ReportGeneration.Status.DONE:
            raise CommandError(f"The PDF could not be built: {generation.error}")
        output: Path = options["output"]
        output.parent.mkdir(parents=True, exist_ok=True)
        with generation.file.open("rb") as source:
            output.write_bytes(source.read())
        self.stdout.write(self.style.SUCCESS(f"Wrote {output} ({output.stat().st_size} bytes)."))
