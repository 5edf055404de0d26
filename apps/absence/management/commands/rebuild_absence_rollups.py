from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.absence.rollups import rollups_rebuild
from apps.absence.statistics.cache import bump_statistics_version
from apps.organizations.models import Organization


class Command(BaseCommand):
    help = (
        "Rebuild the monthly absence rollups the statistics read from the registrations, for one "
        "organisation or all. Writes keep them up to date; this is for repairs and after bulk loads "
        "that bypass the portal."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organization", help="slug of the organisation (default: all with employees)")

    def handle(self, *args, **options):
        if options["organization"]:
            organizations = list(Organization.objects.filter(slug=options["organization"]))
            if not organizations:
                raise CommandError(f"unknown organisation '{options['organization']}'")
        else:
            organizations = list(Organization.objects.filter(employees__isnull=False).distinct())
        for organization in organizations:
            with transaction.atomic():
                rows = rollups_rebuild(organization=organization)
                bump_statistics_version(organization.pk)
            self.stdout.write(f"{organization.slug}: {rows} monthly rows")
