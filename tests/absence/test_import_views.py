"""The browser import flow: upload → the worker checks (eager here) → preview with per-row errors (nothing
saved) → confirm → the worker imports. The job's own views are tested in test_import_jobs.py."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from apps.absence.models import AbsenceRegistration, Employee, ImportJob
from strategy_portal.celery import app
from tests.conftest import unit

GOOD = b"employee_number,absence_type,start_date,end_date,fraction\n100,sick,2026-03-02,2026-03-06,1\n"
BAD = GOOD + b"100,sick,2026-02-31,,1\n999,flu,2026-03-02,,0\n"


@pytest.fixture(autouse=True)
def eager_jobs(settings, tmp_path):
    """Tasks run in the request's process as soon as they are sent; uploads go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path
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


def committed():
    """Run what the request sends on commit (the test's transaction never commits)."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def upload(client, org, content, name="absences.csv", kind="absences"):
    """Upload and let the worker check the file; follows to the job page."""
    with committed():
        response = client.post(
            reverse("absence:import", args=[org.slug]),
            {"kind": kind, "file": SimpleUploadedFile(name, content, content_type="text/csv")},
        )
    if response.status_code != 302:
        return response
    return client.get(response["Location"])


def confirm(client, org):
    job = ImportJob.objects.latest("created_at")
    with committed():
        response = client.post(reverse("absence:import_job_confirm", args=[org.slug, job.pk]))
    return response


def test_upload_form(login, hr_user, staff):
    response = login(hr_user).get(reverse("absence:import", args=[staff.slug]))
    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content


def test_upload_page_names_the_columns_as_the_templates_head_them(login, hr_user, staff):
    """The templates are headed in the reader's language; the page named the columns by their English
    keys only (a new user's finding). Both are accepted, and both are shown."""
    hr_user.language = "da"
    hr_user.save(update_fields=["language"])
    page = login(hr_user).get(reverse("absence:import", args=[staff.slug])).content.decode()
    assert "Medarbejdernummer, Fraværstype, Første dag, Sidste dag, Andel, Note" in page
    assert "<code>employee_number,absence_type,start_date,end_date,fraction,note</code>" in page
    assert "“Sidste dag” er tom, mens fraværet løber" in page


def test_preview_then_confirm_imports(login, hr_user, staff):
    client = login(hr_user)
    response = upload(client, staff, GOOD)
    assert response.status_code == 200
    assert response.templates[0].name == "absence/import_job.html"
    assert response.context["counts"]["create"] == 1
    assert AbsenceRegistration.objects.count() == 0  # nothing saved at preview
    response = confirm(client, staff)
    assert response.status_code == 302
    assert AbsenceRegistration.objects.count() == 1
    page = client.get(response["Location"])
    assert page.context["job"].status == ImportJob.Status.DONE
    assert "Nye: 1." in page.content.decode()  # the page speaks Danish by default


def test_preview_lists_every_bad_row_and_offers_no_confirm(login, hr_user, staff):
    client = login(hr_user)
    response = upload(client, staff, BAD)
    body = response.content.decode()
    bad = response.context["job"].row_errors
    assert [row["line"] for row in bad] == [3, 4]
    assert "2026-02-31" in body and "999" in body and "flu" in body
    assert len(bad[1]["reasons"]) == 3  # unknown number, unknown type, fraction 0
    assert "/confirm/" not in body
    assert AbsenceRegistration.objects.count() == 0


def test_confirm_revalidates_against_current_data(login, hr_user, staff):
    client = login(hr_user)
    upload(client, staff, GOOD)
    # Someone registered an overlapping absence between preview and confirm.
    AbsenceRegistration.objects.create(
        employee=Employee.objects.get(),
        absence_type="care_day",
        start_date=date(2026, 3, 3),
        end_date=date(2026, 3, 3),
    )
    response = client.get(confirm(client, staff)["Location"])
    assert response.context["job"].row_errors[0]["line"] == 2
    assert "/confirm/" not in response.content.decode()
    assert AbsenceRegistration.objects.count() == 1


def test_wrong_encoding_is_shown_on_the_job_page(login, hr_user, staff):
    client = login(hr_user)
    response = upload(
        client,
        staff,
        b"employee_number,absence_type,start_date,end_date,fraction\n\x81,sick,2026-03-02,,\n",
    )
    assert response.status_code == 200
    job = response.context["job"]
    assert job.file_error and job.file_error in response.content.decode()
    assert not job.file  # a refused file is not kept


def test_a_wrong_file_type_is_refused_at_the_field(login, hr_user, staff):
    response = upload(login(hr_user), staff, GOOD, name="absences.pdf")
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert b'aria-invalid="true"' in response.content
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("fixture", ["med_member", "shop_steward", "leader", "board_member", "union_staff"])
def test_other_roles_get_403(request, login, staff, fixture):
    client = login(request.getfixturevalue(fixture))
    assert client.get(reverse("absence:import", args=[staff.slug])).status_code == 403
    assert upload(client, staff, GOOD).status_code == 403
    assert not ImportJob.objects.exists()
    assert AbsenceRegistration.objects.count() == 0


def test_other_organisation_gets_404(login, hr_user_other, staff):
    client = login(hr_user_other)
    assert client.get(reverse("absence:import", args=[staff.slug])).status_code == 404
    assert upload(client, staff, GOOD).status_code == 404


def test_anonymous_goes_to_login(client, staff):
    response = client.get(reverse("absence:import", args=[staff.slug]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_wrong_methods(login, hr_user, staff):
    client = login(hr_user)
    assert client.put(reverse("absence:import", args=[staff.slug])).status_code == 405


def test_admin_may_import(login, org_admin, staff):
    client = login(org_admin)
    upload(client, staff, GOOD)
    confirm(client, staff)
    assert AbsenceRegistration.objects.count() == 1


def test_units_upload(login, hr_user, org):
    from pathlib import Path

    data = (Path(__file__).resolve().parents[2] / "fixtures" / "absence" / "units.csv").read_bytes()
    client = login(hr_user)
    response = upload(client, org, data, name="units.csv", kind="units")
    assert response.context["counts"]["create"] == 3
    confirm(client, org)
    assert org.units.filter(code="NK-SU-HJE").exists()


def test_xlsx_upload(login, hr_user, staff):
    from pathlib import Path

    for number in ("1001", "1002", "1003"):
        Employee.objects.create(
            organization=staff,
            unit=unit(staff, "B"),
            employee_number=number,
            name=f"Person {number}",
            weekly_hours=Decimal("37"),
            employment_start=date(2020, 1, 1),
        )
    data = (Path(__file__).resolve().parents[2] / "fixtures" / "absence" / "absences.xlsx").read_bytes()
    client = login(hr_user)
    response = upload(client, staff, data, name="absences.xlsx")
    assert response.context["counts"]["create"] == 5
    confirm(client, staff)
    assert AbsenceRegistration.objects.count() == 5


@pytest.mark.parametrize("kind", ["units", "employees", "absences"])
def test_template_files_carry_the_headers_the_import_reads(login, hr_user, staff, kind):
    """A template downloaded in Danish, filled in Excel and uploaded again is understood."""
    from openpyxl import load_workbook

    from apps.absence.imports.files import COLUMNS, read_records

    client = login(hr_user)
    xlsx = client.get(reverse("absence:import_template", args=[staff.slug, kind, "xlsx"]))
    assert xlsx.status_code == 200
    header = [c.value for c in load_workbook(io.BytesIO(xlsx.content)).active[1]]
    csv_file = client.get(reverse("absence:import_template", args=[staff.slug, kind, "csv"]))
    assert csv_file.content.decode("utf-8-sig").splitlines()[0] == ";".join(header)
    assert header != COLUMNS[kind]  # in the user's language, not the keys
    assert read_records(csv_file.content, "template.csv", kind) == []  # the header is accepted


def test_template_permissions(client, login, hr_user_other, leader, staff):
    url = reverse("absence:import_template", args=[staff.slug, "units", "csv"])
    assert client.get(url).status_code == 302
    assert login(hr_user_other).get(url).status_code == 404
    assert login(leader).get(url).status_code == 403
    assert login(leader).post(url).status_code == 405


def test_unknown_template_is_404(login, hr_user, staff):
    client = login(hr_user)
    assert (
        client.get(reverse("absence:import_template", args=[staff.slug, "salaries", "csv"])).status_code
        == 404
    )
    assert (
        client.get(reverse("absence:import_template", args=[staff.slug, "units", "ods"])).status_code == 404
    )


@pytest.mark.parametrize("headers", [{}, {"HTTP_HX_REQUEST": "true"}], ids=["plain", "htmx"])
def test_a_refused_upload_is_400_with_the_form_and_its_errors(login, hr_user, staff, headers):
    client = login(hr_user)
    wrong_type = client.post(
        reverse("absence:import", args=[staff.slug]),
        {"kind": "absences", "file": SimpleUploadedFile("absences.pdf", b"%PDF-1.7")},
        **headers,
    )
    assert wrong_type.status_code == 400
    assert "Upload en CSV-fil (.csv)" in wrong_type.content.decode()
    assert 'aria-invalid="true"' in wrong_type.content.decode()
    no_file = client.post(reverse("absence:import", args=[staff.slug]), {"kind": "absences"}, **headers)
    assert no_file.status_code == 400 and no_file.context["form"].errors["file"]
    assert not AbsenceRegistration.objects.filter(start_date=date(2026, 3, 2)).exists()
