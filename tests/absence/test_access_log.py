"""The access log (issue 14, point 3): every look at an employee's absence data leaves a row saying who,
when, what and where; HR reads it per employee; the employee's data export lists it."""

import io
import zipfile
from datetime import date, timedelta
from io import StringIO

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone

from apps.absence import urls as absence_urls
from apps.absence.models import (
    AbsenceRegistration,
    Advisory,
    Employee,
    EmployeeAccessLog,
    ImportJob,
    StatisticsSnapshot,
)
from apps.absence.privacy import access_log_record
from apps.absence.sweep import advisory_sweep
from apps.organizations.models import Role
from tests.conftest import _user_with
from tests.factories import EmployeeFactory, UserFactory, register_absence

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def walk(employer, hr_user, leader, today):
    """Two sick employees with advisories due: Alpha led by the leader, Beta by the HR user (so HR's
    own queue shows someone too)."""
    alpha = EmployeeFactory(name="Walk Alpha", unit=employer.units.get(code="A1a"), leader=leader)
    beta = EmployeeFactory(name="Walk Beta", unit=employer.units.get(code="B"), leader=hr_user)
    for employee in (alpha, beta):
        register_absence(employee, today - timedelta(days=4))
    advisory_sweep(as_of=today, organization=employer, notify=False)
    return alpha, beta


def _last_log_pk() -> int:
    return EmployeeAccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _text_of(content: bytes) -> str:
    """The text a response carries: a page, CSV or JSON as it is, an .xlsx (a zip) by its XML parts."""
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "".join(archive.read(name).decode() for name in archive.namelist())
    return content.decode()


def _assert_shown_means_logged(response, url, employees, user, since: int) -> set[str]:
    """Every employee whose name or number the response shows (a page, a CSV, a JSON file) has a log row
    from this request naming them."""
    where = resolve(url).view_name
    content = _text_of(response.content)
    shown = {e.name for e in employees if e.name in content or e.employee_number in content}
    for employee in employees:
        logged = EmployeeAccessLog.objects.filter(pk__gt=since, employee=employee, user=user, where=where)
        if employee.name in shown:
            assert logged.exists(), f"{url} shows {employee.name} and did not log it"
    return shown


# Which object the pk of each absence URL names. A new URL with a pk must be added here: the walk below
# then checks that it logs what it shows.
def _pk_objects(alpha):
    job = ImportJob.objects.create(
        organization=alpha.organization,
        kind="absences",
        filename="walk.csv",
        status=ImportJob.Status.CHECKED,
        preview_rows=[
            {"line": 2, "values": [alpha.employee_number, "sick", "2026-01-05", "", "1"], "action": "create"}
        ],
    )
    return {
        "import_job": job,
        "import_job_confirm": job,  # POST only
        "import_job_discard": job,  # POST only
        "employee": alpha,
        "employee_export": alpha,
        "access_log": alpha,
        "registration_create": alpha,
        "registration_edit": AbsenceRegistration.objects.filter(employee=alpha).first(),
        "registration_delete": AbsenceRegistration.objects.filter(employee=alpha).first(),
        "advisory_step": Advisory.objects.filter(employee=alpha).first(),
        "note_review": alpha,  # POST only: the walk's GET is refused before the pk is looked up
    }


def test_every_absence_page_that_shows_an_employee_logs_it(login, hr_user, walk, employer):
    alpha, beta = walk
    objects = _pk_objects(alpha)
    client = login(hr_user)
    pages_showing = set()
    for pattern in absence_urls.urlpatterns:
        kwargs = {}
        for name in pattern.pattern.converters:
            if name == "slug":
                kwargs[name] = employer.slug
            elif name == "pk":
                assert pattern.name in objects, f"absence:{pattern.name}: add its object to _pk_objects"
                kwargs[name] = objects[pattern.name].pk
            else:
                kwargs[name] = {"kind": "employees", "fmt": "csv"}.get(name, "walk")
        url = reverse(f"absence:{pattern.name}", kwargs=kwargs)
        for headers in ({}, {"HX-Request": "true"}):
            since = _last_log_pk()
            response = client.get(url, headers=headers)
            assert response.status_code in (200, 405), url
            if _assert_shown_means_logged(response, url, [alpha, beta], hr_user, since):
                pages_showing.add(pattern.name)
    # The walk saw the pages it is about (if a page stops showing names, this list needs a look).
    assert pages_showing >= {
        "queue",
        "my_queue",
        "employees",
        "employee",
        "employee_export",
        "access_log",
        "registration_create",
        "registration_edit",
        "import_job",
    }


@pytest.fixture
def superuser(db):
    return UserFactory(email="super@example.org", is_staff=True, is_superuser=True)


def test_every_absence_admin_page_that_shows_an_employee_logs_it(login, superuser, walk, employer):
    alpha, beta = walk
    StatisticsSnapshot.objects.create(
        organization=employer, kind="month", period=date(2019, 1, 1), figures={"working_days": 22}
    )
    access_log_record(employees=[alpha, beta], user=None, action="export_csv", where="x", via="command_line")
    ImportJob.objects.create(organization=employer, kind="absences", filename="fravaer.csv")
    client = login(superuser)
    pages_showing = set()
    for model in admin.site._registry:
        if model._meta.app_label != "absence":
            continue
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        if model is Employee:
            obj = alpha
        elif any(f.name == "employee" for f in model._meta.fields):
            obj = model.objects.filter(employee=alpha).first()
        else:
            obj = model.objects.first()
        urls = [reverse(f"{info}_changelist"), reverse(f"{info}_add")]
        urls += [reverse(f"{info}_{view}", args=[obj.pk]) for view in ("change", "history", "delete")]
        for url in urls:
            since = _last_log_pk()
            response = client.get(url)
            assert response.status_code in (200, 403), url
            if _assert_shown_means_logged(response, url, [alpha, beta], superuser, since):
                pages_showing.add(resolve(url).view_name)
    assert pages_showing >= {
        f"admin:absence_{name}_{view}"
        for name in ("employee", "absenceregistration", "spell", "advisory", "employeeaccesslog")
        for view in ("changelist", "change")
    }


def test_what_each_page_logs(login, hr_user, leader, walk, employer):
    alpha, _beta = walk
    client = login(hr_user)
    client.get(reverse("absence:queue", args=[employer.slug]))
    client.get(reverse("absence:employees", args=[employer.slug]), {"q": "Alpha"})
    client.get(reverse("absence:employee", args=[employer.slug, alpha.pk]))
    registration = AbsenceRegistration.objects.get(employee=alpha)
    client.get(reverse("absence:registration_edit", args=[employer.slug, registration.pk]))
    client.get(reverse("absence:employee_export", args=[employer.slug, alpha.pk]))
    client.get(reverse("absence:access_log", args=[employer.slug, alpha.pk]))
    login(leader).get(reverse("absence:my_queue", args=[employer.slug]))
    rows = list(
        EmployeeAccessLog.objects.filter(employee=alpha)
        .order_by("pk")
        .values_list("user__email", "user_label", "action", "via", "where")
    )
    assert rows == [
        ("hr@example.org", "hr@example.org", "list_row", "portal", "absence:queue"),
        ("hr@example.org", "hr@example.org", "list_row", "portal", "absence:employees"),
        ("hr@example.org", "hr@example.org", "view_page", "portal", "absence:employee"),
        ("hr@example.org", "hr@example.org", "edit_form", "portal", "absence:registration_edit"),
        ("hr@example.org", "hr@example.org", "gdpr_export", "portal", "absence:employee_export"),
        ("hr@example.org", "hr@example.org", "view_log", "portal", "absence:access_log"),
        ("leader@example.org", "leader@example.org", "list_row", "portal", "absence:my_queue"),
    ]


def test_a_step_with_htmx_logs_the_row_it_returns(login, leader, walk, employer):
    alpha, _beta = walk
    advisory = Advisory.objects.filter(employee=alpha).first()
    url = reverse("absence:advisory_step", args=[employer.slug, advisory.pk])
    login(leader).post(url, {"to_status": "seen"}, headers={"HX-Request": "true"})
    entry = EmployeeAccessLog.objects.get(employee=alpha)
    assert (entry.user, entry.action, entry.where) == (leader, "list_row", "absence:advisory_step")


# Set-based: a page of many rows writes its log in one INSERT -------------------------------------------


def _sick_employees(employer, leader, today, n):
    unit = employer.units.get(code="A1")
    for _ in range(n):
        register_absence(EmployeeFactory(unit=unit, leader=leader), today - timedelta(days=3))
    advisory_sweep(as_of=today, organization=employer, notify=False)


def _queries(client, url, **params) -> tuple[int, object]:
    """The number of queries of one GET, and the response; the access log is written in one INSERT."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    log_inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "absence_employeeaccesslog"')]
    assert len(log_inserts) == 1
    return len(queries), response


@pytest.mark.parametrize("name", ["queue", "my_queue", "employees"])
def test_a_list_page_logs_each_employee_once_with_the_same_queries_for_more_rows(
    login, leader, employer, today, name
):
    client = login(leader)
    url = reverse(f"absence:{name}", args=[employer.slug])
    params = {} if name == "employees" else {"per_page": 100}  # the queue's largest page: all 80 rows
    _sick_employees(employer, leader, today, 2)
    small, _ = _queries(client, url, **params)
    assert EmployeeAccessLog.objects.filter(where=f"absence:{name}").count() == 2
    _sick_employees(employer, leader, today, 38)  # two advisories each, one log row each
    EmployeeAccessLog.objects.all().delete()
    large, _ = _queries(client, url, **params)
    assert large == small
    assert EmployeeAccessLog.objects.filter(where=f"absence:{name}").count() == 40


def test_an_admin_list_page_logs_with_the_same_queries_for_more_rows(
    login, superuser, leader, employer, today
):
    client = login(superuser)
    url = reverse("admin:absence_advisory_changelist")
    _sick_employees(employer, leader, today, 2)
    small, _ = _queries(client, url)
    _sick_employees(employer, leader, today, 30)
    EmployeeAccessLog.objects.all().delete()
    large, _ = _queries(client, url)
    assert large == small
    assert EmployeeAccessLog.objects.filter(action="admin_view").count() == 32


# The log page ---------------------------------------------------------------------------------------


def _log_url(employer, employee):
    return reverse("absence:access_log", args=[employer.slug, employee.pk])


def test_hr_reads_the_log_newest_first_and_paged_and_the_read_is_logged(
    login, hr_user, leader, walk, employer
):
    alpha, _beta = walk
    login(leader).get(reverse("absence:employee", args=[employer.slug, alpha.pk]))
    call_command("export_advisories", "--organization", employer.slug, stdout=StringIO())
    hr_user.language = "en"
    hr_user.save(update_fields=["language"])
    response = login(hr_user).get(_log_url(employer, alpha))
    assert response.status_code == 200
    entries = list(response.context["page"].object_list)
    assert [(e.user, e.via, e.action, e.where) for e in entries] == [
        (hr_user, "portal", "view_log", "absence:access_log"),  # reading the log shows in it
        (None, "command_line", "export_csv", "manage.py export_advisories"),
        (leader, "portal", "view_page", "absence:employee"),
    ]
    rows = response.text.split("<tbody>")[1].split("</tbody>")[0].split("</tr>")
    assert "Read the access log" in rows[0] and str(hr_user) in rows[0]
    assert "Exported as CSV" in rows[1] and "command line" in rows[1]
    assert "Opened the absence page" in rows[2] and str(leader) in rows[2]
    for _ in range(60):
        access_log_record(employees=[alpha], user=leader, action="list_row", where="absence:queue")
    response = login(hr_user).get(_log_url(employer, alpha), {"page": 2})
    assert response.context["page"].paginator.count == 3 + 60 + 1
    assert len(response.context["page"].object_list) == 14
    assert response.context["page"].object_list[13].action == "view_page"  # the oldest comes last
    assert "?page=1" in response.text


def test_the_employee_page_links_to_the_log_for_hr_only(login, hr_user, leader, walk, employer):
    alpha, _beta = walk
    url = reverse("absence:employee", args=[employer.slug, alpha.pk])
    assert _log_url(employer, alpha) in login(hr_user).get(url).text
    assert _log_url(employer, alpha) not in login(leader).get(url).text


def test_the_organisations_admin_reads_the_log(login, org_admin, walk, employer):
    alpha, _beta = walk
    assert login(org_admin).get(_log_url(employer, alpha)).status_code == 200


def test_log_page_anonymous_is_sent_to_log_in(client, walk, employer):
    response = client.get(_log_url(employer, walk[0]))
    assert response.status_code == 302 and "/login/" in response.url
    assert not EmployeeAccessLog.objects.exists()


def test_log_page_other_organisation_is_404(login, hr_user_other, walk, employer):
    assert login(hr_user_other).get(_log_url(employer, walk[0])).status_code == 404


@pytest.mark.parametrize("role", [Role.LEADER, Role.STEWARD, Role.BOARD])
def test_log_page_leader_steward_and_board_get_403(login, walk, employer, role, leader):
    alpha, _beta = walk
    user = leader if role == Role.LEADER else _user_with(employer, role, email=f"{role}@example.org")
    assert login(user).get(_log_url(employer, alpha)).status_code == 403
    assert not EmployeeAccessLog.objects.filter(action="view_log").exists()


def test_log_page_refuses_post(login, hr_user, walk, employer):
    assert login(hr_user).post(_log_url(employer, walk[0])).status_code == 405


def test_log_page_query_count_does_not_grow(login, hr_user, leader, walk, employer):
    alpha, _beta = walk
    client = login(hr_user)
    url = _log_url(employer, alpha)
    access_log_record(employees=[alpha], user=leader, action="view_page", where="absence:employee")
    small, _ = _queries(client, url)
    for user in [leader, hr_user, None] * 20:
        access_log_record(employees=[alpha], user=user, action="view_page", where="absence:employee")
    large, response = _queries(client, url)
    assert large == small
    assert len(response.context["page"].object_list) == 50


# Export, command line, accounts, the admin ------------------------------------------------------------


def test_the_gdpr_export_lists_who_looked_with_what_and_where(login, hr_user, leader, walk, employer):
    alpha, _beta = walk
    login(leader).get(reverse("absence:my_queue", args=[employer.slug]))
    call_command("export_advisories", "--organization", employer.slug, stdout=StringIO())
    hr_user.language = "en"
    hr_user.save(update_fields=["language"])
    data = login(hr_user).get(reverse("absence:employee_export", args=[employer.slug, alpha.pk])).json()
    log = [{k: v for k, v in e.items() if k != "at"} for e in data["access_log"]]
    assert log == [
        {
            "user": str(leader),
            "user_email": "leader@example.org",
            "action": "list_row",
            "what": "Shown in a list or search result",
            "via": "portal",
            "where": "absence:my_queue",
        },
        {
            "user": "command line",
            "user_email": "",
            "action": "export_csv",
            "what": "Exported as CSV",
            "via": "command_line",
            "where": "manage.py export_advisories",
        },
        {
            "user": str(hr_user),
            "user_email": "hr@example.org",
            "action": "gdpr_export",
            "what": "Exported all data (GDPR)",
            "via": "portal",
            "where": "absence:employee_export",
        },
    ]


def test_the_command_line_export_logs_everyone_in_it_in_few_queries(walk, employer, leader, today):
    _sick_employees(employer, leader, today, 10)
    with CaptureQueriesContext(connection) as queries:
        call_command("export_advisories", "--organization", employer.slug, stdout=StringIO())
    entries = EmployeeAccessLog.objects.filter(action="export_csv", via="command_line", user=None)
    assert entries.count() == 12 == Employee.objects.filter(advisories__isnull=False).distinct().count()
    assert len(queries) < 10


def test_a_deleted_account_is_still_named_in_the_log(login, hr_user, walk, employer):
    alpha, _beta = walk
    gone = _user_with(employer, Role.HR, email="gone@example.org")
    login(gone).get(reverse("absence:employee", args=[employer.slug, alpha.pk]))
    gone.delete()
    response = login(hr_user).get(_log_url(employer, alpha))
    assert "gone@example.org" in response.text


def test_nobody_edits_the_log_in_the_admin(login, superuser, walk):
    entry = EmployeeAccessLog.objects.create(
        employee=walk[0], user=None, action="view_page", at=timezone.now(), where="absence:employee"
    )
    client = login(superuser)
    assert client.get(reverse("admin:absence_employeeaccesslog_add")).status_code == 403
    delete = reverse("admin:absence_employeeaccesslog_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert EmployeeAccessLog.objects.filter(pk=entry.pk).exists()


def test_the_migration_names_what_the_old_rows_were(hr_user, walk):
    """Rows from before the detail: a "view" was the employee page, an "export" the GDPR export."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("apps.absence.migrations.0009_access_log_detail")
    alpha, _beta = walk
    now = timezone.now()
    viewed = EmployeeAccessLog.objects.create(employee=alpha, user=hr_user, action="view", at=now)
    exported = EmployeeAccessLog.objects.create(employee=alpha, user=None, action="export", at=now)
    migration.forwards(apps, None)
    viewed.refresh_from_db()
    exported.refresh_from_db()
    assert (viewed.action, viewed.where, viewed.user_label) == (
        "view_page",
        "absence:employee",
        hr_user.email,
    )
    assert (exported.action, exported.where, exported.user_label) == (
        "gdpr_export",
        "absence:employee_export",
        "",
    )
    migration.backwards(apps, None)
    assert set(EmployeeAccessLog.objects.values_list("action", flat=True)) == {"view", "export"}
