"""The body of the import commands (import_units, import_employees, import_absences)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from apps.organizations.models import Organization

from .applying import import_file


def add_command_arguments(parser) -> None:
    parser.add_argument(
        "file",
        help="CSV (UTF-8 or Windows-1252, ';' or ',' separated, header row) or XLSX file; read as a stream",
    )
    parser.add_argument("--organization", required=True, help="slug of the organisation")


def run_import_command(command, kind: str, options: dict) -> None:
    """Shared body of import_units / import_employees / import_absences: errors to stderr, exit 1."""
    organization = Organization.objects.filter(slug=options["organization"]).first()
    if organization is None:
        raise CommandError(f"unknown organisation '{options['organization']}'")
    path = Path(options["file"])
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
    with stream:
        plan, result = import_file(organization=organization, kind=kind, data=stream, filename=path.name)
    if result is None:
        for message in plan.messages():
            command.stderr.write(message)
        bad = plan.bad_rows
        raise CommandError(
            f"{path.name}: nothing imported ({bad} bad row(s))" if bad else f"{path.name}: nothing imported"
        )
    command.stdout.write(
        f"{path.name}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged"
        + (f", {result.advisories} advisories due now" if kind == "absences" else "")
    )
