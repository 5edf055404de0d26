"""Import jobs: the job page, its progress part, confirm and discard; the worker's check and import;
the uploader's emails; the broker being down; a real worker."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta
from decimal import Decimal
from html import unescape
from pathlib import Path
from unittest import mock

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from kombu.exceptions import OperationalError as BrokerError

from apps.absence.imports import jobs
from apps.absence.imports.parsing import parse_import
from apps.absence.models import AbsenceRegistration, Employee, EmployeeAccessLog, ImportJob
from apps.organizations.models import Role
from tests.absence.test_import_views import BAD, GOOD, confirm, upload
from tests.conftest import _user_with, unit

HEADER = b"employee_number,absence_type,start_date,end_date,fraction\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def eager():
    from strategy_portal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def staff(org):
    Employee.objects.create(
        organization=org,
        unit=unit(org, "A1"),
        employee_number="100",
        name="Person 100",
        weekly_hours=Decimal("37"),
        employment_start=date(2020, 1, 1),
    )
    return org


def _job(org, user, *, status=ImportJob.Status.CHECKED, **fields) -> ImportJob:
    values = {"counts": {"create": 1, "update": 0, "unchanged": 0, "bad": 0, "rows": 1}, **fields}
    return ImportJob.objects.create(
        organization=org, kind="absences", uploaded_by=user, filename="fravaer.csv", status=status, **values
    )


def _good_rows(n: int) -> list[dict]:
    return [
        {"line": i + 2, "values": ["100", "sick", f"2026-01-{i % 28 + 1:02d}", "", "1"], "action": "create"}
        for i in range(n)
    ]


def _url(name, job):
    return reverse(f"absence:{name}", args=[job.organization.slug, job.pk])


# --- who may see a job ------------------------------------------------------------------------------


def test_job_views_refuse_anonymous_other_organisation_and_other_roles(
    client, login, hr_user, hr_user_other, leader, staff
):
    job = _job(staff, hr_user, preview_rows=_good_rows(1))
    urls = [_url("import_job", job), _url("import_job_confirm", job), _url("import_job_discard", job)]
    for url in urls:
        method = client.get if url == urls[0] else client.post
        response = method(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    other = login(hr_user_other)
    assert other.get(urls[0]).status_code == 404
    assert other.post(urls[1]).status_code == 404
    assert other.post(urls[2]).status_code == 404
    client.logout()
    as_leader = login(leader)
    assert as_leader.get(urls[0]).status_code == 403
    assert as_leader.post(urls[1]).status_code == 403
    assert as_leader.post(urls[2]).status_code == 403
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED


def test_a_job_of_another_organisation_under_ones_own_address_is_404(
    login, hr_user, hr_user_other, staff, other_org
):
    foreign = _job(other_org, hr_user_other)
    client = login(hr_user)
    url = reverse("absence:import_job", args=[staff.slug, foreign.pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(reverse("absence:import_job_discard", args=[staff.slug, foreign.pk])).status_code == 404
    )
    assert ImportJob.objects.filter(pk=foreign.pk).exists()


def test_wrong_methods(login, hr_user, staff):
    job = _job(staff, hr_user)
    client = login(hr_user)
    assert client.post(_url("import_job", job)).status_code == 405
    assert client.get(_url("import_job_confirm", job)).status_code == 405
    assert client.get(_url("import_job_discard", job)).status_code == 405


def test_an_admin_sees_the_job(login, org_admin, hr_user, staff):
    job = _job(staff, hr_user, preview_rows=_good_rows(1))
    assert login(org_admin).get(_url("import_job", job)).status_code == 200


# --- the whole flow (tasks run at once) ------------------------------------------------------------


def _absences(n: int, bad_at: int | None = None) -> bytes:
    """``n`` one-day absences of employee 100, one a day from 2020 (none more than a year ahead); a bad
    date at row ``bad_at``."""
    lines = [HEADER]
    start = date(2020, 1, 1)
    for i in range(n):
        day = (start + timedelta(days=i)).isoformat()
        lines.append(f"100,sick,{'2024-02-31' if i == bad_at else day},{day},1\n".encode())
    return b"".join(lines)


def test_a_bad_row_anywhere_writes_nothing_and_the_page_shows_its_line(login, hr_user, staff, eager):
    client = login(hr_user)
    response = upload(client, staff, _absences(1500, bad_at=1234))
    job = response.context["job"]
    assert job.status == ImportJob.Status.CHECKED and job.is_refused
    assert (job.rows_done, job.rows_total) == (1500, 1500)
    assert job.error_total == 1 and job.row_errors[0]["line"] == 1236  # header + 1-based
    body = response.content.decode()
    assert "1236" in body and "2024-02-31" in body
    assert "/confirm/" not in body
    assert AbsenceRegistration.objects.count() == 0
    assert not job.file and not list(Path(job.file.storage.location).iterdir())  # the file is gone


def test_the_whole_flow_checks_previews_confirms_and_imports(login, hr_user, staff, eager):
    client = login(hr_user)
    response = upload(client, staff, _absences(1200))
    job = response.context["job"]
    assert job.is_ready and job.counts["create"] == 1200
    assert AbsenceRegistration.objects.count() == 0
    body = response.content.decode()
    assert "Import the file" in body or "Importér filen" in body or "/confirm/" in body
    done = client.get(confirm(client, staff)["Location"])
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert (job.created, job.updated, job.unchanged) == (1200, 0, 0)
    assert AbsenceRegistration.objects.count() == 1200
    assert not job.file and job.preview_rows == []  # neither the file nor its rows are kept
    assert "1200" in done.content.decode()


def test_the_uploader_gets_mails_with_a_link_and_no_personal_data(login, hr_user, staff, eager):
    client = login(hr_user)
    upload(client, staff, GOOD)
    job = ImportJob.objects.get()
    link = reverse("absence:import_job", args=[staff.slug, job.pk])
    assert len(mail.outbox) == 1
    checked = mail.outbox[0]
    assert checked.to == [hr_user.email] and link in checked.body
    confirm(client, staff)
    assert len(mail.outbox) == 2 and link in mail.outbox[1].body
    for message in mail.outbox:
        text = message.subject + message.body
        for private in ("Person 100", "100,", "sick", "2026-03-02", "absences.csv"):
            assert private not in text
    assert "1" in mail.outbox[1].body


def test_a_refused_file_is_mailed_as_refused(login, hr_user, staff, eager):
    upload(login(hr_user), staff, BAD)
    assert len(mail.outbox) == 1
    assert "999" not in mail.outbox[0].body and "2026-02-31" not in mail.outbox[0].body


def test_the_command_line_import_reports_progress_through_the_same_parser(staff):
    calls = []
    plan = parse_import(
        staff,
        "absences",
        _absences(25),
        "a.csv",
        progress=lambda done, total: calls.append((done, total)),
        progress_every=10,
    )
    assert plan.ok
    assert calls == [(0, 25), (10, 25), (20, 25), (25, 25)]
    assert parse_import(staff, "absences", _absences(3), "a.csv").ok  # the old signature still works


def test_discard_deletes_the_job_and_its_file(login, hr_user, staff, media):
    job = _job(staff, hr_user)
    job.file.save("fravaer.csv", ContentFile(GOOD))
    stored = Path(job.file.path)
    assert stored.exists()
    response = login(hr_user).post(_url("import_job_discard", job))
    assert response.status_code == 302
    assert not ImportJob.objects.exists() and not stored.exists()


def test_a_running_job_cannot_be_discarded(login, hr_user, staff):
    job = _job(staff, hr_user, status=ImportJob.Status.IMPORTING)
    login(hr_user).post(_url("import_job_discard", job))
    assert ImportJob.objects.filter(pk=job.pk).exists()


def test_the_stored_file_has_no_url(hr_user, staff):
    job = _job(staff, hr_user)
    job.file.save("fravaer.csv", ContentFile(GOOD))
    with pytest.raises(ValueError):
        job.file.url  # noqa: B018


# --- the progress part ------------------------------------------------------------------------------


def test_progress_without_javascript_is_the_whole_page_with_a_refresh_link(login, hr_user, staff):
    job = _job(staff, hr_user, status=ImportJob.Status.CHECKING, rows_done=50, rows_total=200)
    response = login(hr_user).get(_url("import_job", job))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body and 'max="200"' in body and 'value="50"' in body
    assert f'href="{_url("import_job", job)}"' in body
    assert 'hx-trigger="every 1s"' in body


def test_progress_with_htmx_is_the_status_part_only(login, hr_user, staff):
    job = _job(staff, hr_user, status=ImportJob.Status.CHECKING, rows_done=50, rows_total=200)
    response = login(hr_user).get(_url("import_job", job), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body and 'id="import-job-status"' in body
    assert 'value="50"' in body and 'hx-trigger="every 1s"' in body


def test_progress_while_importing_comes_from_the_cache(login, hr_user, staff):
    from django.core.cache import cache

    job = _job(staff, hr_user, status=ImportJob.Status.IMPORTING, rows_total=300)
    cache.set(jobs.IMPORT_PROGRESS_KEY.format(pk=job.pk), [120, 300])
    response = login(hr_user).get(_url("import_job", job), headers={"HX-Request": "true"})
    assert 'value="120"' in response.content.decode()


def test_a_finished_job_polled_by_htmx_reloads_the_page(login, hr_user, staff):
    job = _job(staff, hr_user)
    response = login(hr_user).get(_url("import_job", job), headers={"HX-Request": "true"})
    assert response.status_code == 200 and response["HX-Refresh"] == "true"
    assert "hx-trigger" not in login(hr_user).get(_url("import_job", job)).content.decode()


def test_the_job_page_logs_the_employees_its_rows_name(login, hr_user, staff):
    job = _job(staff, hr_user, preview_rows=_good_rows(3))
    login(hr_user).get(_url("import_job", job))
    log = EmployeeAccessLog.objects.get()
    assert log.employee.employee_number == "100" and log.where == "absence:import_job"


@pytest.mark.parametrize("rows", [5, 150])
def test_the_job_page_query_count_does_not_grow_with_the_rows(
    login, hr_user, staff, rows, django_assert_max_num_queries
):
    job = _job(
        staff,
        hr_user,
        preview_rows=_good_rows(rows),
        row_errors=[{"line": 1, "values": ["100", "x", "", "", ""], "reasons": ["bad"]}] * rows,
        error_total=rows,
    )
    client = login(hr_user)
    with django_assert_max_num_queries(12):
        response = client.get(_url("import_job", job))
    assert response.status_code == 200


# --- the broker being down --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_upload_with_the_broker_down_fails_the_job_and_says_so(client, org, media):
    from apps.organizations.models import Role
    from tests.conftest import _user_with

    user = _user_with(org, Role.HR, email="hr-down@example.org")
    client.force_login(user)
    with mock.patch("apps.absence.tasks.check_import_job_task.delay", side_effect=BrokerError("down")):
        response = client.post(
            reverse("absence:import", args=[org.slug]),
            {"kind": "absences", "file": SimpleUploadedFile("a.csv", GOOD, content_type="text/csv")},
        )
    assert response.status_code == 503
    assert "not reachable" in response.content.decode() or "ikke" in response.content.decode()
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and job.failure
    assert not job.file and not list((media / "imports").iterdir())


@pytest.mark.django_db(transaction=True)
def test_a_confirm_with_the_broker_down_leaves_the_job_checked(client, org):
    from apps.organizations.models import Role
    from tests.conftest import _user_with

    user = _user_with(org, Role.HR, email="hr-down@example.org")
    job = _job(org, user)
    client.force_login(user)
    with mock.patch("apps.absence.tasks.apply_import_job_task.delay", side_effect=BrokerError("down")):
        response = client.post(_url("import_job_confirm", job))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED
    page = client.get(response["Location"])
    assert page.context["job"].is_ready


# --- a real worker ----------------------------------------------------------------------------------


@pytest.mark.celery
@pytest.mark.redis
@pytest.mark.postgres
def test_a_real_worker_checks_an_uploaded_file(client, org, celery_worker_process, settings):
    from apps.organizations.models import Role
    from tests.conftest import _user_with

    settings.MEDIA_ROOT = settings.BASE_DIR / "var" / "test-media"  # the worker's (tests.settings)
    Employee.objects.create(
        organization=org,
        unit=unit(org, "A1"),
        employee_number="100",
        name="Person 100",
        weekly_hours=Decimal("37"),
        employment_start=date(2020, 1, 1),
    )
    user = _user_with(org, Role.HR, email="hr-worker@example.org")
    client.force_login(user)
    response = client.post(
        reverse("absence:import", args=[org.slug]),
        {"kind": "absences", "file": SimpleUploadedFile("a.csv", GOOD, content_type="text/csv")},
    )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        page = client.get(response["Location"], headers={"HX-Request": "true"})
        if page.has_header("HX-Refresh"):
            break
        time.sleep(0.5)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED and job.is_ready, job.failure
    assert job.counts["create"] == 1
    client.post(reverse("absence:import_job_discard", args=[org.slug, job.pk]))


# --- the browser ------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_job_page_is_accessible_while_checking_and_when_checked(org, page, browser_login):
    from apps.organizations.models import Role
    from tests.conftest import _user_with, assert_no_axe_violations

    user = _user_with(org, Role.HR, email="hr-browser@example.org")
    job = _job(org, user, status=ImportJob.Status.CHECKING, rows_done=10, rows_total=40)
    browser_login(user)
    page.goto(_url("import_job", job))
    assert page.locator("progress").count() == 1
    assert_no_axe_violations(page)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.CHECKED,
        error_total=1,
        counts={"create": 0, "update": 0, "unchanged": 0, "bad": 1, "rows": 2},
        row_errors=[{"line": 3, "values": ["999", "flu", "2026-03-02", "", "0"], "reasons": ["unknown"]}],
        preview_rows=_good_rows(1),
    )
    page.wait_for_selector("table")  # the poll sees the job finished and reloads the page
    assert page.locator("progress").count() == 0
    assert "999" in page.content()
    assert_no_axe_violations(page)


def test_the_upload_page_lists_every_column_of_each_kind(login, hr_user, staff):
    """The page's column lists are those the import reads: the absence list lacked the note, which the
    template file and the import have."""
    from apps.absence.imports.files import COLUMNS

    body = login(hr_user).get(reverse("absence:import", args=[staff.slug])).content.decode()
    listed = re.findall(r"<code>([a-z_,]+)</code>", body)
    assert listed == [",".join(COLUMNS[kind]) for kind in ("units", "employees", "absences")]
    assert "there is no place for them" not in body and "ikke plads til" not in body


# --- the messages in the reader's language ------------------------------------------------------------


def test_a_refused_file_reads_in_each_readers_language(login, hr_user, staff, eager):
    """The worker checks in the uploader's language (Danish); a colleague in HR reading the job in
    English reads the reasons in English, and the uploader still in Danish (they were kept as text in
    the uploader's language)."""
    hr_user.language = "da"
    hr_user.save(update_fields=["language"])
    colleague = _user_with(staff, Role.HR, email="hr-en@example.org", language="en")
    upload(login(hr_user), staff, BAD)
    job = ImportJob.objects.get()
    english = unescape(login(colleague).get(_url("import_job", job)).content.decode())
    assert "First day '2026-02-31' is not a valid date" in english
    assert "unknown employee number '999'" in english
    assert "er ikke en gyldig dato" not in english and "ukendt medarbejdernummer" not in english
    danish = unescape(login(hr_user).get(_url("import_job", job)).content.decode())
    assert "Første dag '2026-02-31' er ikke en gyldig dato" in danish
    assert "ukendt medarbejdernummer '999'" in danish


def test_a_file_error_reads_in_each_readers_language(login, hr_user, staff, eager):
    hr_user.language = "da"
    hr_user.save(update_fields=["language"])
    colleague = _user_with(staff, Role.HR, email="hr-en@example.org", language="en")
    upload(login(hr_user), staff, b"employee_number;absence_type\n100;sick\n")
    job = ImportJob.objects.get()
    assert "mangler kolonnen" in job.file_error  # as written, for the admin
    english = unescape(login(colleague).get(_url("import_job", job)).content.decode())
    assert "(the header row) is missing the column(s)" in english
    assert "“First day”" in english and "“Første dag”" not in english
    danish = unescape(login(hr_user).get(_url("import_job", job)).content.decode())
    assert "(overskriftsrækken) mangler kolonnen/kolonnerne" in danish and "“Første dag”" in danish


def test_a_failed_job_reads_in_each_readers_language(login, hr_user, staff):
    colleague = _user_with(staff, Role.HR, email="hr-en@example.org", language="en")
    job = _job(staff, hr_user)
    hr_user.language = "da"
    hr_user.save(update_fields=["language"])
    jobs._job_fail(job.pk, jobs.texts.text("The import failed. Nothing was imported."))
    english = unescape(login(colleague).get(_url("import_job", job)).content.decode())
    assert "The import failed. Nothing was imported." in english
    danish = unescape(login(hr_user).get(_url("import_job", job)).content.decode())
    assert "The import failed" not in danish and "Intet blev importeret" in danish


def test_an_employee_file_with_hours_out_of_range_is_refused_with_its_reason(login, hr_user, staff, eager):
    """The limit of weekly hours is a Decimal: kept as a message value it made saving the job fail, and
    the job stayed "being checked" without a reason (found by review)."""
    content = (
        b"employee_number,name,unit_code,leader_email,weekly_hours,employment_start,employment_end\n"
        b"200,Person 200,A1,,90,2020-01-01,\n"
    )
    hr_user.language = "en"
    hr_user.save(update_fields=["language"])
    upload(login(hr_user), staff, content, name="employees.csv", kind="employees")
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.CHECKED and job.error_total == 1
    page = unescape(login(hr_user).get(_url("import_job", job)).content.decode())
    assert "weekly hours 90 must be more than 0 and at most 80" in page


@pytest.mark.parametrize(
    "fields",
    [
        {
            "counts": {"bad": 1, "rows": 1},
            "error_total": 1,
            "row_errors": [{"line": 2, "values": [], "reasons": []}],
        },
        {"file_error": "The file is empty."},
        {"status": ImportJob.Status.FAILED, "failure": "The import failed."},
    ],
    ids=["refused rows", "refused file", "failed"],
)
def test_a_refused_or_failed_job_can_be_deleted_from_its_page(login, hr_user, staff, fields):
    job = _job(staff, hr_user, **fields)
    client = login(hr_user)
    page = client.get(_url("import_job", job)).content.decode()
    assert f'action="{_url("import_job_discard", job)}"' in page
    response = client.post(_url("import_job_discard", job))
    assert response.status_code == 302 and not ImportJob.objects.filter(pk=job.pk).exists()


def test_a_refused_file_names_columns_types_and_dates_as_the_reader_writes_them(login, hr_user, staff, eager):
    """A new user's finding: the problems named the file's columns by their English keys
    (``employee_number``, ``start_date``), dates as 2026-03-06 and absence types by code only."""
    hr_user.language = "da"
    hr_user.save(update_fields=["language"])
    content = (
        b"employee_number,absence_type,start_date,end_date,fraction\n"
        b"100,sick,06-03-2026,02-03-2026,1\n"
        b"100,flu,2026-04-01,,1\n"
        b"100,sick,2026-05-01,,half\n"
    )
    upload(login(hr_user), staff, content)
    job = ImportJob.objects.get()
    page = unescape(login(hr_user).get(_url("import_job", job)).content.decode())
    assert "sidste dag 02.03.2026 ligger før første dag 06.03.2026" in page
    assert "ukendt fraværstype 'flu' (brug en af “sick (Egen sygdom)”" in page
    assert "Andel 'half' er ikke et tal" in page
    assert '<th scope="col">Medarbejdernummer</th>' in page and "<code>employee_number</code>" not in page
    assert "start_date" not in page and "2026-03-02" not in page


def test_progress_counts_rows_with_the_languages_digit_grouping(login, hr_user, staff):
    hr_user.language = "da"
    hr_user.save(update_fields=["language"])
    job = _job(staff, hr_user, status=ImportJob.Status.CHECKING, rows_done=250000, rows_total=1000000)
    page = unescape(login(hr_user).get(_url("import_job", job)).content.decode())
    assert "250.000 af 1.000.000 rækker" in page and ">250.000 / 1.000.000</progress>" in page
