from django.core.management.base import BaseCommand, no_translations

from apps.absence.imports.command import add_command_arguments, run_import_command
from apps.absence.imports.files import COLUMNS


class Command(BaseCommand):
    help = (
        "Import employees from a CSV or XLSX file (columns: "
        + ",".join(COLUMNS["employees"])
        + "). A file with any bad row imports nothing."
    )

    def add_arguments(self, parser):
        add_command_arguments(parser)

    @no_translations
    def handle(self, *args, **options):
        run_import_command(self, "employees", options)
