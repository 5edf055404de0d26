"""How the statistics' queries read the registrations still running (no last day yet): from the
covering index alone. Those rows are spread over the whole table, one heap page each; at 500,000
employees reading them from the heap cost about 0.17 s in each of the year's, Bradford's and the
neighbouring months' queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.absence.models import AbsenceRegistration
from apps.absence.rollups import rollups_refresh
from apps.absence.statistics.figures import unit_statistics

from .test_statistics_views import add_employees

pytestmark = pytest.mark.postgres

AS_OF = date(2026, 11, 23)


def test_the_ongoing_registrations_are_read_from_the_index_alone(org):
    employees = add_employees(org, "A1", 6)
    AbsenceRegistration.objects.bulk_create(
        AbsenceRegistration(employee=e, absence_type="sick", start_date=date(2026, 11, 2), end_date=None)
        for e in employees
    )
    rollups_refresh(employee_ids=[e.pk for e in employees])
    cache.clear()
    # Inside the test's transaction every query runs on this connection, none on a parallel one.
    with CaptureQueriesContext(connection) as queries:
        figures = unit_statistics(org, AS_OF)
    sick = next(t for t in figures["units"][0]["types"] if t["absence_type"] == "sick")
    assert sick["calendar_days"] == 6 * 5 + 6 * 22  # March's five days and November's 22 so far
    ongoing = [q["sql"] for q in queries.captured_queries if "reg.end_date IS NULL AND" in q["sql"]]
    assert len(ongoing) >= 3  # the year, Bradford and the neighbouring months
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        for sql in ongoing:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Index Only Scan using absence_reg_ongoing" in plan, plan
