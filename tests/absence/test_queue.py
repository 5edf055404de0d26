"""The advisory queue with hundreds of rows (issue 15, point 5): compact rows, filters and page size in
the URL, bulk "mark seen" / "assign to leader", and "overdue" only while the leader has not acted."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.absence import services
from apps.absence.models import NOTE_WARNING, Advisory, AdvisoryEvent, EmployeeAccessLog
from apps.absence.sweep import advisory_sweep
from apps.organizations.models import Role
from tests.conftest import _user_with
from tests.factories import EmployeeFactory, register_absence

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def sick_employee(employee, employer, today):
    """Sick for five days: the advisories of day 1 and day 3 are due (both past their date)."""
    register_absence(employee, today - timedelta(days=4))
    advisory_sweep(as_of=today, organization=employer, notify=False)
    return employee


@pytest.fixture
def stranger(employer, today):
    """An employee of unit B under another leader: not the leader fixture's to act on."""
    other_leader = _user_with(employer, Role.LEADER, "B", email="leader-b@example.org")
    person = EmployeeFactory(name="Bodil Stranger", unit=employer.units.get(code="B"), leader=other_leader)
    register_absence(person, today - timedelta(days=1))
    advisory_sweep(as_of=today, organization=employer, notify=False)
    return person


def _queue_url(employer, name="queue"):
    return reverse(f"absence:{name}", args=[employer.slug])


def _bulk_url(employer):
    return reverse("absence:advisory_bulk", args=[employer.slug])


def _row(html: str, advisory: Advisory) -> str:
    start = html.index(f'<tr id="advisory-{advisory.pk}"')
    return html[start : html.index("</tr>", start)]


def _many_advisories(employer, leader, today, n):
    """``n`` open advisories, all past their due date, without running the sweep per employee."""
    unit = employer.units.get(code="A1")
    employees = EmployeeFactory.create_batch(n, unit=unit, leader=leader)
    Advisory.objects.bulk_create(
        Advisory(
            employee=e,
            spell_start=today - timedelta(days=5),
            kind="contact",
            day=1,
            due_date=today - timedelta(days=5),
        )
        for e in employees
    )


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# Overdue: only while the leader has not reached out ------------------------------------------------


def test_an_advisory_with_contact_made_is_not_overdue_nor_in_only_overdue(
    login, hr_user, sick_employee, employer
):
    day1, day3 = Advisory.objects.filter(employee=sick_employee).order_by("day")
    services.advisory_step(advisory=day1, to_status="contact_made", by=hr_user)
    client = login(hr_user)
    html = client.get(_queue_url(employer)).text
    contacted, waiting = _row(html, day1), _row(html, day3)
    assert "absence-status-contact_made" in contacted
    assert "absence-badge-overdue" not in contacted  # not "contact made" and "overdue" at once
    assert "absence-badge-overdue" in waiting
    only_overdue = client.get(_queue_url(employer), {"overdue": "on"})
    assert [a.pk for a in only_overdue.context["advisories"]] == [day3.pk]


@pytest.mark.parametrize("status, overdue", [("new", True), ("seen", True), ("conversation_held", False)])
def test_overdue_follows_the_status(login, hr_user, sick_employee, employer, status, overdue):
    day1 = Advisory.objects.filter(employee=sick_employee).order_by("day").first()
    Advisory.objects.filter(pk=day1.pk).update(status=status)
    html = login(hr_user).get(_queue_url(employer)).text
    assert ("absence-badge-overdue" in _row(html, day1)) is overdue


def test_an_advisory_due_today_is_not_overdue(login, hr_user, employee, employer, today):
    register_absence(employee, today)
    advisory_sweep(as_of=today, organization=employer, notify=False)
    client = login(hr_user)
    (due_today,) = client.get(_queue_url(employer)).context["advisories"]
    assert due_today.due_date == today and not due_today.overdue
    assert client.get(_queue_url(employer), {"overdue": "on"}).context["advisories"] == []


def test_a_stepped_row_returned_by_htmx_drops_the_overdue_badge(login, hr_user, sick_employee, employer):
    day1 = Advisory.objects.filter(employee=sick_employee).order_by("day").first()
    client = login(hr_user)
    step = reverse("absence:advisory_step", args=[employer.slug, day1.pk])
    seen = client.post(step, {"to_status": "seen"}, headers={"HX-Request": "true"})
    assert "absence-badge-overdue" in seen.text
    contacted = client.post(step, {"to_status": "contact_made"}, headers={"HX-Request": "true"})
    assert "absence-badge-overdue" not in contacted.text


# Compact rows -------------------------------------------------------------------------------------


def test_the_note_hint_is_shown_once_above_the_table(login, hr_user, employer, leader, today):
    _many_advisories(employer, leader, today, 5)
    html = login(hr_user).get(_queue_url(employer)).text
    assert html.count(str(NOTE_WARNING)) == 1
    assert html.index('id="queue-note-hint"') < html.index("<table")
    assert html.count('aria-describedby="queue-note-hint"') == 5


def test_the_only_overdue_checkbox_sits_beside_its_label(login, hr_user, sick_employee, employer):
    html = login(hr_user).get(_queue_url(employer)).text
    group = re.search(
        r'<div class="form-group-checkbox">\s*(<input[^>]*name="overdue"[^>]*>)\s*(<label[^>]*>)', html
    )
    assert group, "the checkbox and its label in dkfds markup, the label right after the box"
    assert 'class="form-checkbox"' in group[1] and 'for="id_overdue"' in group[2]


def test_each_row_has_a_checkbox_labelled_with_employee_and_advisory(login, hr_user, sick_employee, employer):
    hr_user.language = "en"
    hr_user.save(update_fields=["language"])
    day1 = Advisory.objects.filter(employee=sick_employee).order_by("day").first()
    row = _row(login(hr_user).get(_queue_url(employer)).text, day1)
    assert f'id="choose-{day1.pk}" name="advisories" value="{day1.pk}" form="queue-bulk"' in row
    label = re.search(rf'<label for="choose-{day1.pk}">(.*?)</label>', row, re.S)[1]
    assert sick_employee.name in label and "Contact, day 1" in label


# Filters and pages in the URL ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "asked, shown", [(None, 25), ("25", 25), ("50", 50), ("100", 60), ("7", 25), ("x", 25)]
)
def test_page_sizes(login, hr_user, employer, leader, today, asked, shown):
    _many_advisories(employer, leader, today, 60)
    params = {"per_page": asked} if asked else {}
    response = login(hr_user).get(_queue_url(employer), params)
    assert response.status_code == 200
    assert len(response.context["advisories"]) == shown


def test_pagination_links_keep_the_filters(login, hr_user, employer, leader, today):
    _many_advisories(employer, leader, today, 60)
    client = login(hr_user)
    params = {"unit": "A1", "leader": str(leader.pk), "overdue": "on", "per_page": "25"}
    response = client.get(_queue_url(employer), params)
    assert len(response.context["advisories"]) == 25
    links = re.findall(r'<a class="button button-secondary" href="([^"]+)"', response.text)
    next_link = next(link for link in links if "after=" in link).replace("&amp;", "&")
    # The cursor is the last row's number: no name, date or absence in addresses, histories or logs.
    assert re.search(r"after=\d+(&|$)", next_link)
    for key, value in params.items():
        assert f"{key}={value}" in next_link
    second = client.get(next_link)
    assert len(second.context["advisories"]) == 25
    assert set(second.context["advisories"]).isdisjoint(response.context["advisories"])
    previous = next(link for link in re.findall(r'href="([^"]+)"', second.text) if "before=" in link).replace(
        "&amp;", "&"
    )
    assert all(f"{key}={value}" in previous for key, value in params.items())
    assert client.get(previous).context["advisories"] == response.context["advisories"]
    # A step or bulk action comes back to the same filtered page.
    assert 'name="next" value="/absence/' in second.text
    assert "overdue=on" in re.search(r'name="next" value="([^"]+)"', second.text)[1]


def test_next_pages_show_every_advisory_once_in_the_queue_order(login, hr_user, employer, leader, today):
    """Keyset pages: no OFFSET, no advisory skipped or repeated, and the count above the list."""
    _many_advisories(employer, leader, today, 60)
    client = login(hr_user)
    response = client.get(_queue_url(employer), {"per_page": "25"})
    assert "60 adviseringer kræver opmærksomhed." in response.text
    seen = list(response.context["advisories"])
    while response.context["page"].has_next:
        response = client.get(
            _queue_url(employer), {"per_page": "25", "after": response.context["page"].next_cursor}
        )
        seen += response.context["advisories"]
        assert "60 adviseringer kræver opmærksomhed." in response.text
    assert len(seen) == 60 and len(set(seen)) == 60
    keys = [(a.employee.unit.path, a.due_date, a.employee.name, a.kind, a.day, a.pk) for a in seen]
    assert keys == sorted(keys)


def test_a_cursor_that_is_not_one_shows_the_first_page(login, hr_user, employer, leader, today):
    _many_advisories(employer, leader, today, 30)
    client = login(hr_user)
    first = client.get(_queue_url(employer)).context["advisories"]
    for junk in ("x", "W10", "eyJhIjoxfQ", "%00"):
        response = client.get(_queue_url(employer), {"after": junk, "before": junk})
        assert response.status_code == 200 and response.context["advisories"] == first


def test_more_than_the_count_limit_says_so(login, hr_user, employer, leader, today, monkeypatch):
    from apps.absence import views

    monkeypatch.setattr(views, "COUNT_LIMIT", 40)
    _many_advisories(employer, leader, today, 60)
    response = login(hr_user).get(_queue_url(employer))
    assert "Mere end 40 adviseringer kræver opmærksomhed." in response.text


def test_the_filter_form_is_a_get_form_that_pushes_the_url(login, hr_user, sick_employee, employer):
    html = login(hr_user).get(_queue_url(employer)).text
    form = re.search(r'<form method="get"[^>]*class="portal-filters"[^>]*>', html)[0]
    assert 'hx-push-url="true"' in form and 'hx-get="' in form


def test_a_refused_unit_keeps_the_other_filters(login, hr_user, employer, leader, today):
    _many_advisories(employer, leader, today, 60)
    response = login(hr_user).get(_queue_url(employer), {"unit": "NOPE", "per_page": "50"})
    assert len(response.context["advisories"]) == 50


@pytest.mark.parametrize("per_page", [25, 100])
@pytest.mark.parametrize("htmx", [False, True])
def test_queue_query_count_does_not_grow(login, hr_user, employer, leader, today, per_page, htmx):
    client = login(hr_user)
    headers = {"HX-Request": "true"} if htmx else {}

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(_queue_url(employer), {"per_page": per_page}, headers=headers)
        assert response.status_code == 200
        assert ("<html" in response.text) is not htmx
        return len(captured), len(response.context["advisories"])

    _many_advisories(employer, leader, today, 2)
    small, rows = queries()
    assert rows == 2
    _many_advisories(employer, leader, today, per_page)
    large, rows = queries()
    assert rows == per_page
    assert large == small
    assert large <= 16


def test_my_queue_query_count_does_not_grow(login, leader, employer, today):
    client = login(leader)
    _many_advisories(employer, leader, today, 2)
    with CaptureQueriesContext(connection) as small:
        client.get(_queue_url(employer, "my_queue"), {"per_page": 100})
    _many_advisories(employer, leader, today, 100)
    with CaptureQueriesContext(connection) as large:
        response = client.get(_queue_url(employer, "my_queue"), {"per_page": 100})
    assert len(response.context["advisories"]) == 100
    assert len(large) == len(small)


# Bulk actions: who may ------------------------------------------------------------------------------


def _open_ids(*employees) -> list[int]:
    return list(Advisory.objects.filter(employee__in=employees).values_list("pk", flat=True))


def test_bulk_anonymous_is_sent_to_log_in(client, employer, sick_employee):
    response = client.post(_bulk_url(employer), {"action": "seen", "advisories": _open_ids(sick_employee)})
    assert response.status_code == 302 and "/login/" in response.url
    assert not Advisory.objects.exclude(status="new").exists()


def test_bulk_other_organisation_is_404(login, hr_user_other, employer, sick_employee):
    response = login(hr_user_other).post(
        _bulk_url(employer), {"action": "seen", "advisories": _open_ids(sick_employee)}
    )
    assert response.status_code == 404
    assert not Advisory.objects.exclude(status="new").exists()


@pytest.mark.parametrize("role", [Role.STEWARD, Role.BOARD])
def test_bulk_union_side_is_403(login, employer, sick_employee, role):
    user = _user_with(employer, role, email=f"{role}@example.org")
    response = login(user).post(
        _bulk_url(employer), {"action": "seen", "advisories": _open_ids(sick_employee)}
    )
    assert response.status_code == 403
    assert not Advisory.objects.exclude(status="new").exists()
    assert not EmployeeAccessLog.objects.exists()


def test_bulk_get_is_405(login, hr_user, employer):
    assert login(hr_user).get(_bulk_url(employer)).status_code == 405


def test_a_leader_marks_their_own_employees_advisories_seen(login, leader, sick_employee, employer):
    leader.language = "en"
    leader.save(update_fields=["language"])
    queue = _queue_url(employer, "my_queue") + "?overdue=on"
    response = login(leader).post(
        _bulk_url(employer),
        {"action": "seen", "advisories": _open_ids(sick_employee), "next": queue},
        follow=True,
    )
    assert response.redirect_chain == [(queue, 302)]
    assert _messages(response) == ["2 advisories are now “Seen”."]
    assert set(Advisory.objects.values_list("status", flat=True)) == {"seen"}
    assert set(AdvisoryEvent.objects.values_list("by", "from_status", "to_status")) == {
        (leader.pk, "new", "seen")
    }
    logged = EmployeeAccessLog.objects.filter(where="absence:advisory_bulk")
    assert list(logged.values_list("employee", "user", "action")) == [
        (sick_employee.pk, leader.pk, "list_row")
    ]


def test_a_leader_may_not_touch_another_leaders_employee_and_nothing_is_done(
    login, leader, sick_employee, stranger, employer
):
    leader.language = "en"
    leader.save(update_fields=["language"])
    response = login(leader).post(
        _bulk_url(employer),
        {"action": "seen", "advisories": _open_ids(sick_employee, stranger)},
        follow=True,
    )
    assert _messages(response) == ["1 of the chosen advisories is not yours to act on. Nothing was changed."]
    assert stranger.name not in _messages(response)[0]
    assert set(Advisory.objects.values_list("status", flat=True)) == {"new"}
    assert not AdvisoryEvent.objects.exists()
    assert not EmployeeAccessLog.objects.filter(where="absence:advisory_bulk").exists()


def test_a_leader_may_not_assign(login, leader, sick_employee, employer):
    response = login(leader).post(
        _bulk_url(employer),
        {"action": "assign", "advisories": _open_ids(sick_employee), "leader": leader.pk},
    )
    assert response.status_code == 403
    assert not Advisory.objects.exclude(assigned_leader=None).exists()


def test_an_advisory_of_another_organisation_is_refused_like_any_other(
    login, hr_user, sick_employee, employer, other_org
):
    foreign = EmployeeFactory(organization=other_org, unit=other_org.units.get(code="X"))
    register_absence(foreign, timezone.localdate() - timedelta(days=1))
    advisory_sweep(as_of=timezone.localdate(), organization=other_org, notify=False)
    response = login(hr_user).post(
        _bulk_url(employer), {"action": "seen", "advisories": _open_ids(sick_employee, foreign)}
    )
    assert response.status_code == 302
    assert set(Advisory.objects.values_list("status", flat=True)) == {"new"}


# Bulk actions: what they do -----------------------------------------------------------------------


def test_hr_scoped_to_a_unit_is_refused_whole_for_one_advisory_outside_it(
    login, employer, sick_employee, stranger
):
    hr_b = _user_with(employer, Role.HR, "B", email="hr-b@example.org")
    response = login(hr_b).post(
        _bulk_url(employer), {"action": "seen", "advisories": _open_ids(sick_employee, stranger)}
    )
    assert response.status_code == 302
    assert set(Advisory.objects.values_list("status", flat=True)) == {"new"}
    login(hr_b).post(_bulk_url(employer), {"action": "seen", "advisories": _open_ids(stranger)})
    assert set(Advisory.objects.filter(employee=stranger).values_list("status", flat=True)) == {"seen"}


def test_mark_seen_leaves_advisories_further_along_and_says_so(login, hr_user, sick_employee, employer):
    hr_user.language = "en"
    hr_user.save(update_fields=["language"])
    day1, day3 = Advisory.objects.filter(employee=sick_employee).order_by("day")
    services.advisory_step(advisory=day1, to_status="contact_made", by=hr_user)
    response = login(hr_user).post(
        _bulk_url(employer), {"action": "seen", "advisories": [day1.pk, day3.pk]}, follow=True
    )
    assert _messages(response) == ["1 advisory is now “Seen”. 1 was already further along and is unchanged."]
    day1.refresh_from_db()
    day3.refresh_from_db()
    assert (day1.status, day3.status) == ("contact_made", "seen")


def test_mark_seen_is_all_or_nothing_when_one_step_fails(hr_user, sick_employee, monkeypatch):
    advisories = list(Advisory.objects.filter(employee=sick_employee).order_by("pk"))
    real_step = services.advisory_step
    calls = []

    def failing_second(**kwargs):
        calls.append(kwargs["advisory"].pk)
        if len(calls) == 2:
            raise services.ValidationError("The database said no.")
        return real_step(**kwargs)

    monkeypatch.setattr(services, "advisory_step", failing_second)
    with pytest.raises(services.ValidationError):
        services.advisories_mark_seen(advisories=advisories, by=hr_user)
    assert len(calls) == 2
    assert set(Advisory.objects.values_list("status", flat=True)) == {"new"}
    assert not AdvisoryEvent.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"action": "seen", "advisories": []}, "Choose at least one advisory."),
        ({"action": "assign"}, "Choose the leader who is to follow the advisories up."),
        (
            {"action": "assign", "leader": "hr"},
            "That leader cannot be chosen; reload the page and try again.",
        ),
        ({"action": "seen", "advisories": ["abc"]}, "The chosen advisories could not be read"),
        ({"action": "shred"}, "Select a valid choice."),
    ],
)
def test_bulk_bad_input_says_what_and_changes_nothing(login, hr_user, sick_employee, employer, data, message):
    hr_user.language = "en"
    hr_user.save(update_fields=["language"])
    data = {"advisories": _open_ids(sick_employee), **data}
    if data.get("leader") == "hr":
        data["leader"] = hr_user.pk  # HR, not a leader: not offered
    response = login(hr_user).post(_bulk_url(employer), data, follow=True)
    assert any(message in text for text in _messages(response)), _messages(response)
    assert set(Advisory.objects.values_list("status", flat=True)) == {"new"}
    assert not Advisory.objects.exclude(assigned_leader=None).exists()


def test_hr_assigns_a_leader_who_then_follows_them_up(login, hr_user, sick_employee, stranger, employer):
    other_leader = stranger.leader
    hr_user.language = "en"
    hr_user.save(update_fields=["language"])
    ids = _open_ids(sick_employee)
    client = login(hr_user)
    queue_page = client.get(_queue_url(employer)).text
    assert f'<option value="{other_leader.pk}">' in queue_page  # offered in the bulk form
    response = client.post(
        _bulk_url(employer), {"action": "assign", "advisories": ids, "leader": other_leader.pk}, follow=True
    )
    assert _messages(response) == [f"2 advisories are now followed up by {other_leader}."]
    assert set(Advisory.objects.filter(pk__in=ids).values_list("assigned_leader", flat=True)) == {
        other_leader.pk
    }
    assert f"Followed up by {other_leader}" in _row(response.text, Advisory.objects.get(pk=ids[0]))
    # The assigned leader's own queue has them (beside their own employee's), and they may act on them.
    leader_client = login(other_leader)
    mine = leader_client.get(_queue_url(employer, "my_queue"))
    assert {a.employee_id for a in mine.context["advisories"]} == {sick_employee.pk, stranger.pk}
    step = reverse("absence:advisory_step", args=[employer.slug, ids[0]])
    assert leader_client.post(step, {"to_status": "seen"}).status_code == 302
    assert Advisory.objects.get(pk=ids[0]).status == "seen"
    # HR's leader filter finds them by the leader who follows them up.
    by_leader = login(hr_user).get(_queue_url(employer), {"leader": other_leader.pk})
    assert {a.employee_id for a in by_leader.context["advisories"]} == {sick_employee.pk, stranger.pk}


def test_bulk_with_htmx_answers_with_a_client_redirect(login, hr_user, sick_employee, employer):
    queue = _queue_url(employer) + "?per_page=50"
    response = login(hr_user).post(
        _bulk_url(employer),
        {"action": "seen", "advisories": _open_ids(sick_employee), "next": queue},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and response["HX-Redirect"] == queue
    assert set(Advisory.objects.values_list("status", flat=True)) == {"seen"}


def test_bulk_never_sends_the_user_to_another_site(login, hr_user, sick_employee, employer):
    response = login(hr_user).post(
        _bulk_url(employer),
        {"action": "seen", "advisories": _open_ids(sick_employee), "next": "//evil.example/"},
    )
    assert response.url == _queue_url(employer)


@pytest.mark.postgres
def test_the_leader_filter_reads_the_organisations_leaders_from_an_index(
    login, hr_user, sick_employee, employer
):
    """At national size a scan of every employee of the country cost 75 ms per view of the queue; the
    index on (organisation, leader) reads only this organisation's."""
    client = login(hr_user)
    url = reverse("absence:queue", args=[employer.slug])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    leaders_sql = next(q["sql"] for q in queries.captured_queries if '"leader_id" IS NULL' in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {leaders_sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "absence_emp_org_leader_idx" in plan, plan


def test_hr_for_the_whole_organisation_gets_the_queue_without_a_lookup_of_every_employee(
    login, hr_user, sick_employee, employer
):
    """The organisation's advisories are joined to their employees once: an "employee in (every one of
    the organisation's)" made PostgreSQL hash the whole organisation for each page and count."""
    client = login(hr_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("absence:queue", args=[employer.slug]))
    assert response.context["advisories"]
    queue_sql = [q["sql"] for q in queries.captured_queries if '"absence_advisory"."due_date" <=' in q["sql"]]
    assert len(queue_sql) == 2  # the page and its count
    assert not any('"absence_advisory"."employee_id" IN (SELECT' in sql for sql in queue_sql)
