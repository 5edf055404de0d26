"""Payroll files of any size: read as a stream (the file is never held whole), bad rows counted but
only the first ones kept in detail, uploads above Django's in-memory limit accepted, and import jobs
whose worker died sent again, then failed."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from apps.absence.forms import ImportUploadForm
from apps.absence.imports import jobs
from apps.absence.imports.applying import import_file
from apps.absence.imports.parsing import parse_import
from apps.absence.imports.plan import ERROR_DETAIL_ROWS
from apps.absence.models import AbsenceRegistration, Employee, ImportJob
from apps.core.exports import TableFileError, detect_encoding
from tests.conftest import unit

HEADER = "Medarbejdernummer;Fraværstype;Første dag;Sidste dag;Andel fraværende\r\n"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def staff(org):
    a1 = unit(org, "A1")
    Employee.objects.bulk_create(
        Employee(
            organization=org,
            unit=a1,
            employee_number=str(100 + n),
            name=f"Person {n}",
            weekly_hours=Decimal("37"),
            employment_start=date(2020, 1, 1),
        )
        for n in range(20)
    )
    return org


def _rows(count: int, *, bad_every: int = 0) -> str:
    """``count`` absences as Danish Excel writes them: one a week for each of 20 employees."""
    lines = [HEADER]
    first = date(2025, 1, 6)
    for r in range(count):
        start = first + timedelta(days=7 * (r // 20))
        number = "999" if bad_every and r % bad_every == 0 else str(100 + r % 20)
        lines.append(f"{number};Egen sygdom;{start:%d-%m-%Y};{start + timedelta(days=1):%d.%m.%Y};1,0\r\n")
    return "".join(lines)


def test_a_file_object_a_path_and_bytes_give_the_same_check(staff, tmp_path):
    text = _rows(300)
    path = tmp_path / "fravaer.csv"
    path.write_bytes(text.encode("cp1252"))
    from_bytes = parse_import(staff, "absences", text.encode("cp1252"), "fravaer.csv")
    from_path = parse_import(staff, "absences", path, "fravaer.csv")
    with path.open("rb") as stream:
        from_stream = parse_import(staff, "absences", stream, "fravaer.csv")
        preview = from_stream.preview(limit=3)  # the file is read again: while it is open
    for plan in (from_bytes, from_path, from_stream):
        assert plan.ok, plan.messages()
        assert plan.counts() == {"create": 300, "update": 0, "unchanged": 0, "bad": 0}
        assert plan.row_count == 300
    assert preview == from_bytes.preview(limit=3) == from_path.preview(limit=3)
    assert [row["line"] for row in preview[1]] == [2, 3, 4]


def test_the_command_line_import_reads_the_file_as_a_stream_and_writes_it(staff, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "fravaer.csv"
    path.write_bytes(_rows(120).encode("cp1252"))
    out = io.StringIO()
    call_command("import_absences", str(path), "--organization", staff.slug, stdout=out)
    assert "120 created" in out.getvalue()
    assert AbsenceRegistration.objects.filter(employee__organization=staff).count() == 120


def test_many_bad_rows_are_all_counted_and_the_first_ones_explained(staff):
    rows = 2 * ERROR_DETAIL_ROWS + 500
    plan, result = import_file(
        organization=staff, kind="absences", data=_rows(rows, bad_every=1).encode("cp1252"), filename="f.csv"
    )
    assert result is None
    assert plan.counts()["bad"] == rows
    explained = sorted({e.line for e in plan.errors})
    assert explained == list(range(2, 2 + ERROR_DETAIL_ROWS))  # the first ones, in file order
    assert plan.messages()[-1].startswith(f"… and {rows - ERROR_DETAIL_ROWS} more bad rows")
    bad, good = plan.preview(limit=10)
    assert [row["line"] for row in bad] == explained and good == []
    assert not AbsenceRegistration.objects.exists()


def test_one_bad_row_at_the_very_end_of_a_long_file_writes_nothing(staff):
    text = _rows(3000) + "100;Egen sygdom;31-02-2026;;1\r\n"
    plan, result = import_file(
        organization=staff, kind="absences", data=text.encode("cp1252"), filename="f.csv"
    )
    assert result is None
    assert [e.line for e in plan.errors] == [3002]
    assert not AbsenceRegistration.objects.exists()


def test_an_overlap_found_after_sorting_names_both_lines(staff):
    text = (
        HEADER
        + "101;sick;01-03-2026;10-03-2026;1\r\n"
        + "100;sick;01-01-2026;;1\r\n"
        + "101;sick;05-03-2026;;1\r\n"
    )
    plan = parse_import(staff, "absences", text.encode(), "f.csv")
    assert plan.messages() == ["line 4: overlaps line 2 for employee 101 (01.03.2026\u201310.03.2026)"]


@pytest.mark.parametrize("chunk_size", [7, 64, 1 << 20])
def test_the_encoding_is_decided_chunk_by_chunk_as_for_the_whole_file(chunk_size):
    utf8 = ("Navn;Enhed\r\n" + "Søren Ærø;Åbyhøj\r\n" * 50).encode("utf-8")  # æøå split across chunks
    assert detect_encoding(io.BytesIO(utf8), chunk_size=chunk_size) == ("utf-8-sig", 51)
    cp1252 = ("Navn;Enhed\r\n" + "Søren Ærø;Åbyhøj\r\n" * 50).encode("cp1252")
    assert detect_encoding(io.BytesIO(cp1252), chunk_size=chunk_size) == ("cp1252", 51)
    broken = b"a;b\n" * 40 + b"\x81\n"
    with pytest.raises(TableFileError, match="line 41"):
        detect_encoding(io.BytesIO(broken), chunk_size=chunk_size)


def test_garbled_letters_deep_in_a_file_are_refused_with_their_line(staff):
    text = _rows(2000) + "100;sick;01-01-2027;;1 SÃ¸ren\r\n"
    plan, result = import_file(
        organization=staff, kind="absences", data=text.encode("utf-8"), filename="f.csv"
    )
    assert result is None and "Line 2002" in plan.file_error and "garbled" in plan.file_error


def test_an_upload_above_djangos_in_memory_limit_is_accepted(settings):
    settings.PORTAL_IMPORT_MAX_MB = 1024
    big = SimpleUploadedFile("fravaer.csv", b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))
    form = ImportUploadForm(data={"kind": "absences"}, files={"file": big})
    assert form.is_valid(), form.errors


def test_an_upload_above_the_configured_limit_is_refused_with_the_limit(settings):
    settings.PORTAL_IMPORT_MAX_MB = 1
    big = SimpleUploadedFile("fravaer.csv", b"x" * (2 * 1024 * 1024))
    form = ImportUploadForm(data={"kind": "absences"}, files={"file": big})
    assert not form.is_valid()
    assert "1 MB" in str(form.errors["file"])


# --- the stuck-job sweep ---------------------------------------------------------------------------


def _stuck(org, user, status, *, minutes=30, attempts=0) -> ImportJob:
    job = ImportJob.objects.create(
        organization=org,
        kind="absences",
        uploaded_by=user,
        filename="fravaer.csv",
        status=status,
        attempts=attempts,
        heartbeat_at=timezone.now() - timedelta(minutes=minutes),
    )
    job.file.save("fravaer.csv", ContentFile(_rows(3).encode()))
    return job


@pytest.fixture
def sent(monkeypatch):
    from apps.absence import tasks

    calls = []
    monkeypatch.setattr(tasks.check_import_job_task, "delay", lambda pk: calls.append(("check", pk)))
    monkeypatch.setattr(tasks.apply_import_job_task, "delay", lambda pk: calls.append(("apply", pk)))
    return calls


def test_a_job_left_in_the_queue_is_sent_again(django_capture_on_commit_callbacks, hr_user, staff, sent):
    job = _stuck(staff, hr_user, ImportJob.Status.QUEUED)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.import_jobs_sweep() == {"resent": 1, "failed": 0, "deleted": 0}
    assert sent == [("check", job.pk)]
    job.refresh_from_db()
    assert job.attempts == 1 and job.heartbeat_at > timezone.now() - timedelta(minutes=1)


def test_a_check_whose_worker_died_starts_again_and_an_import_is_sent_again(
    django_capture_on_commit_callbacks, hr_user, staff, sent
):
    checking = _stuck(staff, hr_user, ImportJob.Status.CHECKING)
    importing = _stuck(staff, hr_user, ImportJob.Status.IMPORTING)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.import_jobs_sweep()
    assert sorted(sent) == [("apply", importing.pk), ("check", checking.pk)]
    checking.refresh_from_db()
    assert checking.status == ImportJob.Status.QUEUED  # so the check can claim it again


def test_a_job_with_life_in_it_is_left_alone(django_capture_on_commit_callbacks, hr_user, staff, sent):
    _stuck(staff, hr_user, ImportJob.Status.CHECKING, minutes=2)
    _stuck(staff, hr_user, ImportJob.Status.CHECKED, minutes=600)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.import_jobs_sweep() == {"resent": 0, "failed": 0, "deleted": 0}
    assert sent == []


def test_a_job_that_keeps_getting_stuck_is_failed_its_file_deleted_and_its_uploader_told(
    django_capture_on_commit_callbacks, hr_user, staff, sent, media
):
    job = _stuck(staff, hr_user, ImportJob.Status.IMPORTING, attempts=jobs.IMPORT_MAX_ATTEMPTS)
    stored = job.file.path
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.import_jobs_sweep() == {"resent": 0, "failed": 1, "deleted": 0}
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "Nothing was imported" in job.failure_text
    assert "Intet blev importeret" in job.failure  # as the (Danish) uploader reads it, for the admin
    assert not job.file and not (media / stored).exists()
    assert sent == [] and len(mail.outbox) == 1 and mail.outbox[0].to == [hr_user.email]


def test_the_sweep_is_on_the_beat_schedule():
    from strategy_portal.celery import app

    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "apps.absence.tasks.sweep_import_jobs_task" in tasks


def test_old_jobs_are_deleted_with_their_files_and_rows(hr_user, staff, media, settings, sent):
    """A refused file's rows (its values, notes refused for health details among them) and a checked
    file never confirmed are not kept for ever: the sweep deletes jobs older than the setting, unless
    one is running (found by a new user: nothing ever removed them)."""
    settings.ABSENCE_IMPORT_JOB_KEEP_DAYS = 7
    now = timezone.now()
    refused = _stuck(staff, hr_user, ImportJob.Status.CHECKED)
    refused.row_errors = [{"line": 2, "values": ["100", "sick", "influenza"], "reasons": ["note: …"]}]
    refused.save(update_fields=["row_errors"])
    stored = refused.file.path
    recent = _stuck(staff, hr_user, ImportJob.Status.CHECKED)
    running = _stuck(staff, hr_user, ImportJob.Status.IMPORTING, minutes=1)
    old = now - timedelta(days=8)
    ImportJob.objects.filter(pk__in=[refused.pk, running.pk]).update(created_at=old)
    ImportJob.objects.filter(pk=recent.pk).update(created_at=now - timedelta(days=6))
    assert jobs.import_jobs_sweep(now=now) == {"resent": 0, "failed": 0, "deleted": 1}
    assert set(ImportJob.objects.values_list("pk", flat=True)) == {recent.pk, running.pk}
    assert not (media / stored).exists()
