"""Cached statistics: a write the figures depend on shows at once; a repeat read costs no statistics SQL;
the page shows the chosen unit and the units directly below it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.absence import services
from apps.absence.imports.applying import import_file
from apps.absence.models import AbsenceRegistration, AdvisoryPolicy
from apps.absence.statistics.figures import monthly_series, unit_statistics
from tests.conftest import unit

from .test_statistics_views import AS_OF, add_employees

AS_OF_DATE = date.fromisoformat(AS_OF)


def url(org):
    return reverse("absence:statistics", args=[org.slug])


def days_of(stats, code, absence_type="sick"):
    row = next(u for u in stats["units"] if u["code"] == code)
    return next(t for t in row["types"] if t["absence_type"] == absence_type)["calendar_days"]


@pytest.fixture
def staff(org):
    return add_employees(org, "A1", 6)


def test_a_new_registration_changes_the_figures_shown(login, hr_user, org, staff):
    client = login(hr_user)
    before = client.get(url(org), {"as_of": AS_OF}).context["stats"]
    assert days_of(before, "A1") == 30
    services.absence_register(
        employee=staff[0], absence_type="sick", start_date=date(2026, 3, 16), end_date=date(2026, 3, 17)
    )
    after = client.get(url(org), {"as_of": AS_OF})
    assert days_of(after.context["stats"], "A1") == 32
    assert days_of(after.context["stats"], "A") == 32


def test_changing_and_deleting_a_registration_changes_the_figures(org, staff):
    registration = AbsenceRegistration.objects.filter(employee=staff[0]).get()
    assert days_of(unit_statistics(org, AS_OF_DATE, suppress=False), "A1") == 30
    services.absence_update(
        registration=registration,
        absence_type="sick",
        start_date=date(2026, 3, 2),
        end_date=date(2026, 3, 3),
        fraction=Decimal("1"),
    )
    assert days_of(unit_statistics(org, AS_OF_DATE, suppress=False), "A1") == 27
    services.absence_delete(registration=registration)
    assert days_of(unit_statistics(org, AS_OF_DATE, suppress=False), "A1") == 25


def test_an_import_changes_the_figures(org, staff):
    assert days_of(unit_statistics(org, AS_OF_DATE, suppress=False), "A1") == 30
    number = staff[1].employee_number
    data = f"employee_number,absence_type,start_date,end_date\n{number},sick,2026-03-20,2026-03-22\n"
    plan, result = import_file(organization=org, kind="absences", data=data.encode(), filename="a.csv")
    assert plan.ok, plan.messages()
    assert result.created == 1
    assert days_of(unit_statistics(org, AS_OF_DATE, suppress=False), "A1") == 33


def test_moving_an_employee_and_changing_the_policy_change_the_figures(org, staff):
    assert days_of(unit_statistics(org, AS_OF_DATE, suppress=False), "B") == 0
    staff[0].unit = unit(org, "B")
    staff[0].save(update_fields=["unit"])
    assert days_of(unit_statistics(org, AS_OF_DATE, suppress=False), "B") == 5
    policy = AdvisoryPolicy.objects.get_or_create(organization=org)[0]
    assert monthly_series(org, AS_OF_DATE, suppress=False)[0]["months"][-1]["absence_days"] > 0
    settings = {**policy.type_settings, "sick": {"advisories": True, "percentage": False, "bradford": True}}
    services.advisory_policy_update(policy=policy, type_settings=settings)
    assert monthly_series(org, AS_OF_DATE, suppress=False)[0]["months"][-1]["absence_days"] == 0


def test_a_repeat_read_is_served_from_the_cache(org, staff, django_assert_num_queries):
    first = unit_statistics(org, AS_OF_DATE)
    with django_assert_num_queries(1):  # the statistics version only
        again = unit_statistics(org, AS_OF_DATE)
    assert again == first
    # Suppression depends on the viewer: another set of exempt units is computed, not shared.
    exempt = unit_statistics(org, AS_OF_DATE, exempt_unit_ids={unit(org, "A1").pk})
    assert exempt["units"] is not first["units"]


def test_page_shows_the_unit_and_its_children_with_links_below(login, hr_user, org, staff):
    client = login(hr_user)
    response = client.get(url(org), {"as_of": AS_OF})
    shown = [row["code"] for row in response.context["rows"]]
    assert shown == ["A", "A1", "B"]  # A1a, below A1, is one click away
    body = response.content.decode()
    assert "?unit=A1&amp;as_of=2026-03-31" in body
    below = client.get(url(org), {"unit": "A1", "as_of": AS_OF})
    assert [row["code"] for row in below.context["rows"]] == ["A1", "A1a"]
    # The CSV keeps every unit.
    csv_lines = client.get(reverse("absence:statistics_csv", args=[org.slug]), {"as_of": AS_OF}).content
    assert "\nA1a;Egen sygdom;" in csv_lines.decode()


def test_page_query_count_is_within_budget_and_does_not_grow(
    login, hr_user, org, staff, django_assert_max_num_queries
):
    from tests.factories import add_unit

    client = login(hr_user)
    with django_assert_max_num_queries(20) as first:
        client.get(url(org), {"as_of": AS_OF})
    parent = unit(org, "B")
    for n in range(10):
        add_unit(org, f"B{n}", parent=parent)
        add_employees(org, f"B{n}", 6)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(url(org), {"as_of": AS_OF})
    # A cached page costs far fewer queries.
    with django_assert_max_num_queries(10):
        client.get(url(org), {"as_of": AS_OF})


def test_the_collector_rests_while_the_figures_are_read_back(monkeypatch, org, staff):
    """Reading a whole organisation's figures back makes thousands of small objects; a collection
    in the middle of that walked every object of the process (a pause of a tenth of a second)."""
    import gc

    from apps.absence.statistics import cache as statistics_cache

    seen = []
    real_get = statistics_cache.cache.get

    def get(key, *args, **kwargs):
        seen.append(gc.isenabled())
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(statistics_cache.cache, "get", get)
    assert gc.isenabled()
    first = unit_statistics(org, AS_OF_DATE)
    again = unit_statistics(org, AS_OF_DATE)
    assert again == first and seen == [False, False]
    assert gc.isenabled()
