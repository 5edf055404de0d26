"""Work the harness runs in a separate process so its time and peak memory are its own.

    python -m bench.child sweep --organization SLUG --as-of DATE [--full]
    python -m bench.child report --organization SLUG --year YEAR --output FILE.pdf --html-dir DIR
    python -m bench.child weasyprint --html-dir DIR --output FILE.pdf
    python -m bench.child import --organization SLUG --file FILE.csv
    python -m bench.child statistics --organization SLUG --as-of YYYY-MM-DD
    python -m bench.child copy --file FILE.copy

Each prints one JSON line last: seconds of the work itself (not Python/Django start-up), the peak
resident set size of the process (VmHWM) and the resident size before the work began.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import sys
import time
from pathlib import Path


def _rss_now() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _peak_rss() -> int:
    """The peak resident size of this process's own memory (VmHWM). Not ``ru_maxrss``: Linux keeps
    that across fork and exec, so a child of a big harness process reported the harness's peak."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def sweep(args: argparse.Namespace) -> dict:
    """The sweep command inside a transaction that is rolled back, so every run does the same work."""
    _setup()
    from django.core.management import call_command
    from django.db import transaction

    baseline = _rss_now()
    started = time.perf_counter()
    with transaction.atomic():
        call_command(
            "sweep_advisories",
            "--organization",
            args.organization,
            "--as-of",
            args.as_of,
            *(["--full"] if args.full else []),
            stdout=io.StringIO(),
        )
        transaction.set_rollback(True)
    return {
        "seconds": time.perf_counter() - started,
        "peak_rss_bytes": _peak_rss(),
        "baseline_rss_bytes": baseline,
    }


def statistics(args: argparse.Namespace) -> dict:
    """The suppressed statistics of the whole organisation, cold (the cache cleared first)."""
    _setup()
    from datetime import date

    from django.core.cache import cache

    from apps.absence.statistics.figures import unit_statistics
    from apps.organizations.models import Organization

    organization = Organization.objects.get(slug=args.organization)
    cache.clear()
    baseline = _rss_now()
    started = time.perf_counter()
    unit_statistics(organization, date.fromisoformat(args.as_of), suppress=True)
    return {
        "seconds": time.perf_counter() - started,
        "peak_rss_bytes": _peak_rss(),
        "baseline_rss_bytes": baseline,
    }


def report(args: argparse.Namespace) -> dict:
    """The annual report command; the HTML handed to WeasyPrint is saved for the floor."""
    _setup()
    import weasyprint
    from django.core.management import call_command

    html_dir = Path(args.html_dir)
    html_dir.mkdir(parents=True, exist_ok=True)
    captured: list[dict] = []
    original = weasyprint.HTML

    class CapturingHTML(original):  # type: ignore[misc, valid-type]
        def __init__(self, *a, **kw):
            if kw.get("string") is not None:
                path = html_dir / f"document-{len(captured)}.html"
                path.write_text(kw["string"], encoding="utf-8")
                captured.append({"html": str(path), "base_url": kw.get("base_url")})
            super().__init__(*a, **kw)

    weasyprint.HTML = CapturingHTML
    baseline = _rss_now()
    started = time.perf_counter()
    call_command(
        "annual_report",
        "--organization",
        args.organization,
        "--year",
        str(args.year),
        "--output",
        args.output,
        stdout=io.StringIO(),
    )
    seconds = time.perf_counter() - started
    (html_dir / "documents.json").write_text(json.dumps(captured), encoding="utf-8")
    output = Path(args.output)
    return {
        "seconds": seconds,
        "peak_rss_bytes": _peak_rss(),
        "baseline_rss_bytes": baseline,
        "pdf_bytes": output.stat().st_size if output.exists() else 0,
        "documents": len(captured),
    }


def weasyprint_floor(args: argparse.Namespace) -> dict:
    """WeasyPrint alone on the HTML the report produced, with the same options as apps/core/pdf.py."""
    _setup()  # the same fonts and translations are loaded; only the rendering is timed
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    documents = json.loads((Path(args.html_dir) / "documents.json").read_text(encoding="utf-8"))
    if not documents:
        raise SystemExit("the report handed no HTML to WeasyPrint")
    baseline = _rss_now()
    started = time.perf_counter()
    for index, document in enumerate(documents):
        html = Path(document["html"]).read_text(encoding="utf-8")
        pdf = HTML(string=html, base_url=document["base_url"]).write_pdf(
            font_config=FontConfiguration(), pdf_tags=True, uncompressed_pdf=False
        )
        Path(args.output).with_suffix(f".{index}.pdf").write_bytes(pdf)
    return {
        "seconds": time.perf_counter() - started,
        "peak_rss_bytes": _peak_rss(),
        "baseline_rss_bytes": baseline,
    }


def import_absences(args: argparse.Namespace) -> dict:
    """A payroll file through the import (read as a stream, checked, written, spells and the sweep),
    inside a transaction that is rolled back, so every run does the same work."""
    _setup()
    from django.db import transaction

    from apps.absence.imports.applying import import_file
    from apps.organizations.models import Organization

    organization = Organization.objects.get(slug=args.organization)
    path = Path(args.file)
    baseline = _rss_now()
    started = time.perf_counter()
    with transaction.atomic(), path.open("rb") as stream:
        plan, result = import_file(
            organization=organization, kind="absences", data=stream, filename=path.name
        )
        transaction.set_rollback(True)
    if result is None:
        raise SystemExit(f"the benchmark file was refused: {plan.messages()[:3]}")
    return {
        "seconds": time.perf_counter() - started,
        "peak_rss_bytes": _peak_rss(),
        "baseline_rss_bytes": baseline,
        "rows": plan.row_count,
        "created": result.created,
        "advisories": result.advisories,
    }


def copy_floor(args: argparse.Namespace) -> dict:
    """The floor: PostgreSQL COPY of the same rows (already as table rows) into the registrations,
    rolled back."""
    _setup()
    from django.db import connection, transaction

    path = Path(args.file)
    columns = "employee_id, absence_type, start_date, end_date, fraction, note, created_at"
    baseline = _rss_now()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor, path.open("rb") as stream:
        with cursor.cursor.copy(f"COPY absence_absenceregistration ({columns}) FROM STDIN") as copy:
            while chunk := stream.read(1 << 20):
                copy.write(chunk)
        transaction.set_rollback(True)
    return {
        "seconds": time.perf_counter() - started,
        "peak_rss_bytes": _peak_rss(),
        "baseline_rss_bytes": baseline,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.child")
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("sweep")
    p.add_argument("--organization", required=True)
    p.add_argument("--as-of", required=True)
    p.add_argument("--full", action="store_true")
    p.set_defaults(func=sweep)
    p = commands.add_parser("statistics")
    p.add_argument("--organization", required=True)
    p.add_argument("--as-of", required=True)
    p.set_defaults(func=statistics)
    p = commands.add_parser("report")
    p.add_argument("--organization", required=True)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--html-dir", required=True)
    p.set_defaults(func=report)
    p = commands.add_parser("weasyprint")
    p.add_argument("--html-dir", required=True)
    p.add_argument("--output", required=True)
    p.set_defaults(func=weasyprint_floor)
    p = commands.add_parser("import")
    p.add_argument("--organization", required=True)
    p.add_argument("--file", required=True)
    p.set_defaults(func=import_absences)
    p = commands.add_parser("copy")
    p.add_argument("--file", required=True)
    p.set_defaults(func=copy_floor)
    args = parser.parse_args(argv)
    result = args.func(args)
    sys.stdout.write("\nBENCH-RESULT " + json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
