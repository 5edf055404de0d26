from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.absence.models import AbsenceRegistration, Advisory, EmployeeAccessLog
from apps.absence.sweep import advisory_sweep
from apps.organizations.models import Role
from tests.conftest import _user_with
from tests.factories import EmployeeFactory, register_absence

pytestmark = pytest.mark.django_db
UNION_SIDE = [Role.STEWARD, Role.BOARD, Role.STAFF, Role.MED, Role.SAFETY_REP]


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def sick_employee(employee, employer, today):
    register_absence(employee, today - timedelta(days=4))
    advisory_sweep(as_of=today, organization=employer, notify=False)
    return employee


def individual_urls(employer, employee):
    advisory = Advisory.objects.filter(employee=employee).first()
    registration = AbsenceRegistration.objects.filter(employee=employee).first()
    return [
        ("get", reverse("absence:queue", args=[employer.slug])),
        ("get", reverse("absence:my_queue", args=[employer.slug])),
        ("get", reverse("absence:employees", args=[employer.slug])),
        ("get", reverse("absence:employee", args=[employer.slug, employee.pk])),
        ("get", reverse("absence:employee_export", args=[employer.slug, employee.pk])),
        ("get", reverse("absence:registration_create", args=[employer.slug, employee.pk])),
        ("get", reverse("absence:registration_edit", args=[employer.slug, registration.pk])),
        ("post", reverse("absence:registration_delete", args=[employer.slug, registration.pk])),
        ("post", reverse("absence:advisory_step", args=[employer.slug, advisory.pk])),
    ]


# Queue ----------------------------------------------------------------------------------------------


def test_hr_sees_due_and_overdue_advisories_not_future_or_closed(
    login, hr_user, sick_employee, employer, today
):
    response = login(hr_user).get(reverse("absence:queue", args=[employer.slug]))
    assert response.status_code == 200
    rows = response.context["advisories"]
    assert [(a.kind, a.day) for a in rows] == [("contact", 1), ("contact", 3)]
    assert sick_employee.name in response.text
    assert all(a.due_date < today for a in rows)
    rows[0].status = "closed"
    rows[0].save(update_fields=["status"])
    response = login(hr_user).get(reverse("absence:queue", args=[employer.slug]))
    assert [(a.kind, a.day) for a in response.context["advisories"]] == [("contact", 3)]


def test_leader_queue_shows_only_their_employees(login, leader, sick_employee, employer, today):
    stranger = EmployeeFactory(unit=employer.units.get(code="B"))
    register_absence(stranger, today)
    advisory_sweep(as_of=today, organization=employer, notify=False)
    response = login(leader).get(reverse("absence:queue", args=[employer.slug]))
    assert {a.employee_id for a in response.context["advisories"]} == {sick_employee.pk}
    mine = login(leader).get(reverse("absence:my_queue", args=[employer.slug]))
    assert {a.employee_id for a in mine.context["advisories"]} == {sick_employee.pk}


def test_leader_on_record_outside_their_unit_still_sees_the_employee(login, leader, employer, today):
    outside = EmployeeFactory(unit=employer.units.get(code="B"), leader=leader)
    register_absence(outside, today)
    advisory_sweep(as_of=today, organization=employer, notify=False)
    client = login(leader)
    assert client.get(reverse("absence:employee", args=[employer.slug, outside.pk])).status_code == 200
    mine = client.get(reverse("absence:my_queue", args=[employer.slug]))
    assert [a.employee_id for a in mine.context["advisories"]] == [outside.pk]


def test_queue_filters_by_unit_and_leader(login, hr_user, sick_employee, employer, today):
    other = EmployeeFactory(unit=employer.units.get(code="B"))
    register_absence(other, today)
    advisory_sweep(as_of=today, organization=employer, notify=False)
    client = login(hr_user)
    by_unit = client.get(reverse("absence:queue", args=[employer.slug]), {"unit": "B"})
    assert {a.employee_id for a in by_unit.context["advisories"]} == {other.pk}
    by_leader = client.get(
        reverse("absence:queue", args=[employer.slug]), {"leader": sick_employee.leader_id}
    )
    assert {a.employee_id for a in by_leader.context["advisories"]} == {sick_employee.pk}


def test_queue_htmx_returns_only_the_results_fragment(login, hr_user, sick_employee, employer):
    response = login(hr_user).get(reverse("absence:queue", args=[employer.slug]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="queue-results"' in response.text
    assert "<html" not in response.text


def test_queue_anonymous_redirects_to_login(client, employer):
    response = client.get(reverse("absence:queue", args=[employer.slug]))
    assert response.status_code == 302 and "/login/" in response.url


def test_queue_other_organisation_is_404(login, hr_user_other, employer):
    assert login(hr_user_other).get(reverse("absence:queue", args=[employer.slug])).status_code == 404


def test_queue_wrong_method_is_405(login, hr_user, employer):
    assert login(hr_user).post(reverse("absence:queue", args=[employer.slug])).status_code == 405


# Union side and other organisations never reach individual data ------------------------------------


@pytest.mark.parametrize("role", UNION_SIDE)
def test_union_side_roles_get_403_on_every_individual_page(login, employer, sick_employee, role):
    user = _user_with(employer, role, email=f"{role}@example.org")
    client = login(user)
    for method, url in individual_urls(employer, sick_employee):
        response = getattr(client, method)(url, {"to_status": "seen"} if method == "post" else None)
        assert response.status_code == 403, (role, url)
    assert AbsenceRegistration.objects.filter(employee=sick_employee).exists()
    assert not EmployeeAccessLog.objects.exists()


def test_other_organisation_gets_404_everywhere(login, hr_user_other, employer, sick_employee):
    client = login(hr_user_other)
    for method, url in individual_urls(employer, sick_employee):
        assert getattr(client, method)(url).status_code == 404, url


def _missing_urls(employer):
    """Every individual page of numbers that do not exist (an employee, registration or advisory)."""
    missing = 999_999
    return [
        ("get", reverse("absence:employee", args=[employer.slug, missing])),
        ("get", reverse("absence:employee_export", args=[employer.slug, missing])),
        ("get", reverse("absence:access_log", args=[employer.slug, missing])),
        ("get", reverse("absence:registration_create", args=[employer.slug, missing])),
        ("get", reverse("absence:registration_edit", args=[employer.slug, missing])),
        ("post", reverse("absence:registration_delete", args=[employer.slug, missing])),
        ("post", reverse("absence:advisory_step", args=[employer.slug, missing])),
        ("post", reverse("absence:note_review", args=[employer.slug, missing])),
    ]


def test_leader_of_another_unit_cannot_tell_the_employee_exists(login, employer, sick_employee):
    """Outside the leader's employees an employee is answered as one that does not exist (404), so a
    leader cannot try numbers to learn who is employed elsewhere or has absence on record."""
    other_leader = _user_with(employer, Role.LEADER, "B", email="leader-b@example.org")
    client = login(other_leader)
    for method, url in individual_urls(employer, sick_employee)[3:]:
        response = getattr(client, method)(url, {"to_status": "seen"} if method == "post" else None)
        assert response.status_code == 404, url
    for method, url in _missing_urls(employer):
        assert getattr(client, method)(url).status_code == 404, url
    assert client.get(reverse("absence:queue", args=[employer.slug])).context["advisories"] == []
    assert AbsenceRegistration.objects.filter(employee=sick_employee).exists()
    assert not EmployeeAccessLog.objects.filter(user=other_leader).exists()


@pytest.mark.parametrize("role", UNION_SIDE)
def test_union_side_roles_get_403_whether_or_not_the_number_exists(login, employer, role):
    """A role that sees no one's individual data is refused before any number is looked up: the same
    403 for a number that exists and for one that does not."""
    client = login(_user_with(employer, role, email=f"{role}@example.org"))
    for method, url in _missing_urls(employer):
        assert getattr(client, method)(url).status_code == 403, (role, url)


# Status steps -------------------------------------------------------------------------------------


def test_step_without_js_redirects_back_and_records_the_note(login, leader, sick_employee, employer):
    advisory = Advisory.objects.filter(employee=sick_employee).first()
    url = reverse("absence:advisory_step", args=[employer.slug, advisory.pk])
    queue_url = reverse("absence:queue", args=[employer.slug])
    response = login(leader).post(url, {"to_status": "contact_made", "note": "Phoned", "next": queue_url})
    assert response.status_code == 302 and response.url == queue_url
    advisory.refresh_from_db()
    assert advisory.status == "contact_made"
    assert list(advisory.events.values_list("by", "note")) == [(leader.pk, "Phoned")]


def test_step_with_htmx_returns_the_updated_row(login, hr_user, sick_employee, employer):
    advisory = Advisory.objects.filter(employee=sick_employee).first()
    url = reverse("absence:advisory_step", args=[employer.slug, advisory.pk])
    response = login(hr_user).post(url, {"to_status": "seen"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.text.strip().startswith(f'<tr id="advisory-{advisory.pk}"')
    assert 'value="contact_made"' in response.text


def test_step_backwards_is_refused(login, hr_user, sick_employee, employer):
    advisory = Advisory.objects.filter(employee=sick_employee).first()
    url = reverse("absence:advisory_step", args=[employer.slug, advisory.pk])
    client = login(hr_user)
    client.post(url, {"to_status": "closed"})
    response = client.post(url, {"to_status": "seen"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    advisory.refresh_from_db()
    assert advisory.status == "closed"


def test_step_get_is_405(login, hr_user, sick_employee, employer):
    advisory = Advisory.objects.filter(employee=sick_employee).first()
    url = reverse("absence:advisory_step", args=[employer.slug, advisory.pk])
    assert login(hr_user).get(url).status_code == 405


# Timeline, access log, export -----------------------------------------------------------------------


def test_timeline_shows_spells_registrations_advisories_and_logs_each_view(
    login, hr_user, leader, sick_employee, employer
):
    url = reverse("absence:employee", args=[employer.slug, sick_employee.pk])
    response = login(leader).get(url)
    assert response.status_code == 200
    assert len(response.context["timeline"]["spells"]) == 1
    assert len(response.context["timeline"]["advisories"]) == 2
    assert response.context["access_log"] is None  # the log is for HR
    response = login(hr_user).get(url)
    log = response.context["access_log"]
    assert [(entry.user_id, entry.action) for entry in log] == [
        (hr_user.pk, "view_page"),
        (leader.pk, "view_page"),
    ]
    assert EmployeeAccessLog.objects.filter(employee=sick_employee).count() == 2


def test_timeline_query_count_does_not_grow(
    login, hr_user, employee, employer, today, django_assert_max_num_queries
):
    client = login(hr_user)
    url = reverse("absence:employee", args=[employer.slug, employee.pk])
    register_absence(employee, today - timedelta(days=300), today - timedelta(days=299))
    advisory_sweep(as_of=today, organization=employer, notify=False)
    with django_assert_max_num_queries(22):
        client.get(url)
    for offset in range(280, 20, -20):
        register_absence(employee, today - timedelta(days=offset), today - timedelta(days=offset - 1))
    with django_assert_max_num_queries(22):
        client.get(url)


def test_gdpr_export_is_one_json_file_and_is_logged(login, hr_user, sick_employee, employer):
    response = login(hr_user).get(reverse("absence:employee_export", args=[employer.slug, sick_employee.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = response.json()
    assert data["employee"]["employee_number"] == sick_employee.employee_number
    assert len(data["registrations"]) == 1 and len(data["advisories"]) == 2
    assert "diagnosis" not in response.text
    assert EmployeeAccessLog.objects.get(employee=sick_employee).action == "gdpr_export"


def test_leader_may_not_export(login, leader, sick_employee, employer):
    url = reverse("absence:employee_export", args=[employer.slug, sick_employee.pk])
    assert login(leader).get(url).status_code == 403


# Registration form ----------------------------------------------------------------------------------


def test_hr_registers_absence_and_spells_follow(login, hr_user, employee, employer):
    url = reverse("absence:registration_create", args=[employer.slug, employee.pk])
    data = {"absence_type": "sick", "start_date": "2026-03-02", "end_date": "2026-03-04", "fraction": "1"}
    response = login(hr_user).post(url, data)
    assert response.status_code == 302
    assert list(employee.spells.values_list("start_date", "end_date")) == [
        (date(2026, 3, 2), date(2026, 3, 4))
    ]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"start_date": "2026-03-05", "end_date": "2026-03-04", "fraction": "1"}, "end_date"),
        ({"start_date": "2026-03-05", "fraction": "0"}, "fraction"),
        ({"start_date": "2026-03-05", "fraction": "1.5"}, "fraction"),
        ({"start_date": "2026-02-31", "fraction": "1"}, "start_date"),
        ({"start_date": "2026-03-03", "fraction": "1"}, "start_date"),
    ],
)
def test_bad_registration_says_what_at_the_field_and_saves_nothing(
    login, hr_user, employee, employer, data, field
):
    register_absence(employee, date(2026, 3, 2), date(2026, 3, 3))
    url = reverse("absence:registration_create", args=[employer.slug, employee.pk])
    response = login(hr_user).post(url, {"absence_type": "sick", **data})
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert 'aria-invalid="true"' in response.text
    assert AbsenceRegistration.objects.filter(employee=employee).count() == 1


def test_registration_for_another_organisations_employee_is_404(login, hr_user, other_org):
    stranger = EmployeeFactory(unit=other_org.units.get(code="X"))
    url = reverse("absence:registration_create", args=[other_org.slug, stranger.pk])
    assert (
        login(hr_user)
        .post(url, {"absence_type": "sick", "start_date": "2026-03-02", "fraction": "1"})
        .status_code
        == 404
    )
    assert not AbsenceRegistration.objects.exists()


def test_edit_sets_a_later_end_date(login, hr_user, employee, employer):
    registration = register_absence(employee, date(2026, 3, 2), None)
    url = reverse("absence:registration_edit", args=[employer.slug, registration.pk])
    data = {"absence_type": "sick", "start_date": "2026-03-02", "end_date": "2026-03-20", "fraction": "1"}
    assert login(hr_user).post(url, data).status_code == 302
    assert employee.spells.get().end_date == date(2026, 3, 20)


def test_registration_form_wrong_method(login, hr_user, employee, employer):
    url = reverse("absence:registration_create", args=[employer.slug, employee.pk])
    assert login(hr_user).put(url).status_code == 405


def test_delete_registration(login, hr_user, employee, employer):
    registration = register_absence(employee, date(2026, 3, 2), date(2026, 3, 3))
    url = reverse("absence:registration_delete", args=[employer.slug, registration.pk])
    assert login(hr_user).post(url).status_code == 302
    assert not employee.spells.exists()


# Employee list and policy ---------------------------------------------------------------------------


def test_employee_list_search_and_htmx(login, hr_user, employee, employer, django_assert_max_num_queries):
    client = login(hr_user)
    url = reverse("absence:employees", args=[employer.slug])
    with django_assert_max_num_queries(10):
        response = client.get(url, {"q": employee.name})
    assert list(response.context["page"].object_list) == [employee]
    for _ in range(20):
        EmployeeFactory(unit=employee.unit)
    with django_assert_max_num_queries(10):
        response = client.get(url, HTTP_HX_REQUEST="true")
    assert "<html" not in response.text and response.text.count("<tr>") == 22


def test_employee_list_pages_keep_the_search_and_show_everyone_once(login, hr_user, employee, employer):
    """Keyset pages of 50: the next and previous links keep the search; no one is skipped or repeated."""
    import re

    for index in range(119):
        EmployeeFactory(unit=employee.unit, name=f"Kim Testesen {index % 7}")
    client = login(hr_user)
    url = reverse("absence:employees", args=[employer.slug])
    response = client.get(url, {"q": "Testesen"})
    seen = list(response.context["page"].object_list)
    while response.context["page"].has_next:
        link = re.search(r'href="(\?[^"]*after=[^"]+)"', response.text)[1].replace("&amp;", "&")
        assert "q=Testesen" in link
        response = client.get(url + link)
        seen += response.context["page"].object_list
    assert len(seen) == 119 and len({e.pk for e in seen}) == 119
    assert [(e.name, e.employee_number, e.pk) for e in seen] == sorted(
        (e.name, e.employee_number, e.pk) for e in seen
    )
    back = re.search(r'href="(\?[^"]*before=[^"]+)"', response.text)[1].replace("&amp;", "&")
    assert list(client.get(url + back).context["page"].object_list) == seen[50:100]


@pytest.mark.postgres
def test_an_employee_list_page_is_read_in_index_order_not_sorted(login, hr_user, employee, employer):
    """At 50,000 employees sorting the organisation for each page of 50 cost 18 ms of the database's
    time per view; the list's index gives the page in its order."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(55):
        EmployeeFactory(unit=employee.unit)
    client = login(hr_user)
    url = reverse("absence:employees", args=[employer.slug])
    next_page = client.get(url).context["page"].next_cursor
    assert next_page
    for query in ({}, {"after": next_page}):  # the first page and the one after it
        with CaptureQueriesContext(connection) as queries:
            client.get(url, query)
        ordered = 'ORDER BY "absence_employee"."name"'
        page_sql = next(q["sql"] for q in queries.captured_queries if ordered in q["sql"])
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_sort = off")  # a sort is then chosen only if nothing else can
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {page_sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "absence_employee_list_idx" in plan and "Sort" not in plan, plan


POLICY_FORM = {
    "preset": "1-3-10",
    "day_counting": "calendar",
    "extra_days_off": "06-05, 12-24, 12-31",
    "advisory_types": ["sick", "sick_partial", "sick_s56", "pregnancy", "work_injury"],
    "percentage_types": ["sick", "sick_partial"],
    "bradford_types": ["sick"],
    "spells_rule_count": "3",
    "spells_rule_months": "6",
    "days_rule_count": "15",
    "days_rule_months": "12",
    "short_absence_max_days": "14",
    "bradford_bands": "51, 201, 401, 601",
    "work_injury_report_days": "14",
    "retention_years": "5",
}


def test_policy_form_shows_the_stored_policy(login, hr_user, employer):
    response = login(hr_user).get(reverse("absence:policy", args=[employer.slug]))
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert initial["preset"] == "1-3-10" and initial["bradford_bands"] == "51, 201, 401, 601"
    assert initial["spells_rule_count"] == 3 and "child_sick" not in initial["advisory_types"]


def test_policy_switch_to_1_5_14_and_type_flags(login, hr_user, employer, employee):
    register_absence(employee, date(2026, 3, 2), date(2026, 3, 3), absence_type="child_sick")
    assert not employee.spells.exists()
    url = reverse("absence:policy", args=[employer.slug])
    data = {
        **POLICY_FORM,
        "preset": "1-5-14",
        "retention_years": "10",
        "advisory_types": [*POLICY_FORM["advisory_types"], "child_sick"],
        "days_rule_count": "",
        "days_rule_months": "",
    }
    assert login(hr_user).post(url, data).status_code == 302
    policy = employer.advisory_policy
    policy.refresh_from_db()
    assert policy.contact_days == [1, 5, 14] and policy.retention_years == 10
    assert policy.frequent_rules == [{"kind": "spells", "count": 3, "months": 6}]
    assert policy.types_for("bradford") == ["sick"]
    assert employee.spells.count() == 1  # child's sick days now count, so the spells were re-derived


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"preset": "custom", "custom_days": "1, x"}, "custom_days"),
        ({"bradford_bands": "201, 51"}, "bradford_bands"),
        ({"days_rule_months": ""}, "days_rule_months"),
        ({"extra_days_off": "31-12"}, "extra_days_off"),
        ({"retention_years": "0"}, "retention_years"),
    ],
)
def test_policy_bad_input(login, hr_user, employer, change, field):
    url = reverse("absence:policy", args=[employer.slug])
    response = login(hr_user).post(url, {**POLICY_FORM, **change})
    assert response.status_code == 422 and field in response.context["form"].errors
    employer.advisory_policy.refresh_from_db()
    assert employer.advisory_policy.extra_days_off == ["06-05", "12-24", "12-31"]


def test_policy_is_hr_only(login, leader, employer):
    assert login(leader).get(reverse("absence:policy", args=[employer.slug])).status_code == 403


def test_home_shows_advisories_to_hr_but_not_to_stewards(login, hr_user, shop_steward, employer):
    assert reverse("absence:queue", args=[employer.slug]) in login(hr_user).get(reverse("core:home")).text
    assert (
        reverse("absence:queue", args=[employer.slug])
        not in login(shop_steward).get(reverse("core:home")).text
    )


def test_every_page_sends_anonymous_users_to_login(client, employer, sick_employee):
    urls = [url for _method, url in individual_urls(employer, sick_employee)]
    urls.append(reverse("absence:policy", args=[employer.slug]))
    for url in urls:
        response = client.post(url) if url.endswith(("/step/", "/delete/")) else client.get(url)
        assert response.status_code == 302 and "/login/" in response.url, url


@pytest.mark.parametrize("name", ["queue", "my_queue", "employees", "employee", "employee_export"])
def test_read_only_pages_refuse_post(login, hr_user, employer, sick_employee, name):
    args = [employer.slug] + (
        [sick_employee.pk] if name.startswith("employee_") or name == "employee" else []
    )
    assert login(hr_user).post(reverse(f"absence:{name}", args=args)).status_code == 405


def test_registration_delete_asks_first(login, hr_user, employer, sick_employee):
    """One click on the employee's page used to delete at once (a new user's finding): it now leads to
    a page saying what goes and what it changes, and only its POST deletes."""
    registration = AbsenceRegistration.objects.get(employee=sick_employee)
    url = reverse("absence:registration_delete", args=[employer.slug, registration.pk])
    hr_user.language = "en"
    hr_user.save(update_fields=["language"])
    client = login(hr_user)
    employee_page = client.get(reverse("absence:employee", args=[employer.slug, sick_employee.pk])).text
    assert f'<a href="{url}">' in employee_page and f'action="{url}"' not in employee_page
    response = client.get(url)
    assert response.status_code == 200
    assert f'action="{url}"' in response.text and 'method="post"' in response.text
    assert "cannot be brought back" in response.text
    assert registration.get_absence_type_display() in response.text
    assert AbsenceRegistration.objects.filter(pk=registration.pk).exists()
    assert EmployeeAccessLog.objects.filter(employee=sick_employee, action="edit_form").exists()
    assert client.post(url).status_code == 302
    assert not AbsenceRegistration.objects.filter(pk=registration.pk).exists()


def test_registration_delete_page_refuses_the_leader_and_the_union_side(
    login, leader, employer, sick_employee
):
    registration = AbsenceRegistration.objects.get(employee=sick_employee)
    url = reverse("absence:registration_delete", args=[employer.slug, registration.pk])
    assert login(leader).get(url).status_code == 403
    board = _user_with(employer, Role.BOARD, email="board-x@example.org")
    assert login(board).get(url).status_code == 403
    assert AbsenceRegistration.objects.filter(pk=registration.pk).exists()


def test_hr_scoped_to_a_unit_sees_only_that_subtree(login, employer, sick_employee, today):
    hr_b = _user_with(employer, Role.HR, "B", email="hr-b@example.org")
    in_b = EmployeeFactory(unit=employer.units.get(code="B"))
    register_absence(in_b, today)
    advisory_sweep(as_of=today, organization=employer, notify=False)
    client = login(hr_b)
    response = client.get(reverse("absence:queue", args=[employer.slug]))
    assert {a.employee_id for a in response.context["advisories"]} == {in_b.pk}
    # Outside the subtree the employee is not found, as for any scoped role.
    assert client.get(reverse("absence:employee", args=[employer.slug, sick_employee.pk])).status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "queue",
        "my_queue",
        "employees",
        "policy",
        "note_review_list",
        "import",
        "statistics",
        "statistics_xlsx",
    ],
)
@pytest.mark.parametrize("role", [Role.ADMIN, Role.BOARD, Role.HR])
def test_a_unions_absence_pages_do_not_exist(client, name, role):
    """A union employs no one here: its absence pages are not found, even for its administrator, rather
    than an empty queue or statistics of nobody (a new user's finding: the board reached the statistics
    page of its union by the address)."""
    from tests.factories import OrganizationFactory

    union = OrganizationFactory(name="Forbundet", slug="forbundet", kind="union")
    user = _user_with(union, role, email=f"{role}@forbundet.example")
    client.force_login(user)
    assert client.get(reverse(f"absence:{name}", args=[union.slug])).status_code == 404
