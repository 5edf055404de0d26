"""Cold statistics read their big queries (the year, Bradford, the months around the year) at the
same time, on extra connections that import the reporting transaction's snapshot (PostgreSQL, outside
any other transaction): the same figures as read one after another, and not a row someone commits
in between."""

from __future__ import annotations

import random
import threading
import time
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import DataError, OperationalError, connections, transaction

from apps.absence.models import AbsenceRegistration, Employee
from apps.absence.rollups import rollups_refresh
from apps.absence.statistics import queries
from apps.absence.statistics.figures import page_figures, unit_statistics
from apps.absence.statistics.queries import in_parallel, reporting_transaction
from apps.core import sql

from .test_statistics_views import add_employees

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

AS_OF = date(2026, 11, 23)


def absence_of_a_year(org) -> None:
    """Employees in every unit with registrations of several types over two years, some touching,
    some ongoing: figures, Bradford bands and small groups to hide in each query."""
    rng = random.Random(17)
    employees = []
    for code, count in (("A", 4), ("A1", 9), ("A1a", 7), ("B", 3)):
        employees += add_employees(org, code, count, sick=False)
    rows = []
    for employee in employees:
        day = date(2024, 11, 1) + timedelta(days=rng.randint(0, 60))
        while day < AS_OF:
            length = rng.randint(1, 9)
            end = day + timedelta(days=length - 1)
            ongoing = end >= AS_OF
            rows.append(
                AbsenceRegistration(
                    employee=employee,
                    absence_type=rng.choice(["sick", "sick", "child_sick", "care_day", "sick_partial"]),
                    start_date=day,
                    end_date=None if ongoing else end,
                )
            )
            day = end + timedelta(days=rng.choice([1, 1, 20, 45, 90]))
    AbsenceRegistration.objects.bulk_create(rows)
    rollups_refresh(employee_ids=[e.pk for e in employees])


@pytest.fixture
def threads(monkeypatch) -> list[str]:
    """The names of the threads that read in a snapshot of their own (``_in_snapshot``)."""
    names: list[str] = []
    real = queries._in_snapshot

    def spy(*args):
        names.append(threading.current_thread().name)
        return real(*args)

    monkeypatch.setattr(queries, "_in_snapshot", spy)
    return names


def test_the_figures_read_at_the_same_time_are_those_read_one_after_another(org, settings, threads):
    absence_of_a_year(org)
    settings.ABSENCE_STATISTICS_PARALLEL_READS = True
    cache.clear()
    at_once = unit_statistics(org, AS_OF)
    page_at_once = page_figures(org, AS_OF)
    # Bradford and the neighbouring months beside the year, for the figures and again for the page,
    # whose chart is read beside its year.
    assert len(threads) == 5 and all(name.startswith("statistics") for name in threads)
    assert any(row["suppressed"] for row in at_once["units"]), "nothing small to hide: a weak test"
    assert any(any(row["bradford"]["bands"][1:]) for row in at_once["units"] if not row["suppressed"])

    settings.ABSENCE_STATISTICS_PARALLEL_READS = False
    threads.clear()
    cache.clear()
    assert unit_statistics(org, AS_OF) == at_once
    assert page_figures(org, AS_OF) == page_at_once
    assert threads == []


def test_reads_at_the_same_time_see_the_snapshot_of_the_first_not_a_later_commit(org, settings, threads):
    settings.ABSENCE_STATISTICS_PARALLEL_READS = True
    [employee] = add_employees(org, "A1", 1, sick=False)

    def count() -> int:
        return sql.fetch("SELECT count(*) FROM absence_absenceregistration")[0][0]

    def someone_else_registers() -> None:
        try:
            AbsenceRegistration.objects.create(
                employee=Employee.objects.get(pk=employee.pk), absence_type="sick", start_date=AS_OF
            )
        finally:
            connections.close_all()

    with reporting_transaction():
        before = count()
        other = threading.Thread(target=someone_else_registers)
        other.start()
        other.join()
        assert in_parallel(count, count, count) == [before] * 3
    assert len(threads) == 2
    assert count() == before + 1


def backends(*, settle_to: int | None = None) -> int:
    """Connections to the test database other than this one. ``settle_to``: wait up to 5 s for that
    many: a closed connection's server process leaves ``pg_stat_activity`` a moment after the close
    (a connection left open never does)."""
    deadline = time.monotonic() + 5
    while True:
        count = sql.fetch(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )[0][0]
        if settle_to is None or count == settle_to or time.monotonic() > deadline:
            return count
        time.sleep(0.05)


def count_registrations() -> int:
    return sql.fetch("SELECT count(*) FROM absence_absenceregistration")[0][0]


def test_a_connection_that_cannot_import_the_snapshot_reads_in_turn_on_the_first(
    org, settings, threads, caplog
):
    """A replica address that leads to another server than the one the snapshot was exported on (a
    reader endpoint over several standbys) cannot import it: that read then runs on the first
    connection, in the same snapshot, and the page still comes."""
    settings.ABSENCE_STATISTICS_PARALLEL_READS = True
    add_employees(org, "A1", 3)
    idle = backends()
    with reporting_transaction():
        memo = queries._REPORTING.get()
        memo["snapshot"] = "0000000F-0000FFFF-1"  # exported nowhere
        assert in_parallel(count_registrations, count_registrations, count_registrations) == [3, 3, 3]
    assert len(threads) == 2
    assert "Reading in turn" in caplog.text
    assert backends(settle_to=idle) == idle


def test_an_error_in_a_read_at_the_same_time_reaches_the_caller_and_leaves_no_connection(org, settings):
    settings.ABSENCE_STATISTICS_PARALLEL_READS = True
    idle = backends()

    def broken() -> int:
        return sql.fetch("SELECT 1 / 0")[0][0]

    with pytest.raises(DataError), reporting_transaction():
        in_parallel(count_registrations, broken)
    assert backends(settle_to=idle) == idle
    assert count_registrations() == 0  # the first connection is usable after it


def test_without_a_connection_to_spare_the_reads_run_in_turn(org, settings, threads, monkeypatch):
    settings.ABSENCE_STATISTICS_PARALLEL_READS = True
    monkeypatch.setattr(queries, "_connections_free", threading.BoundedSemaphore(1))
    queries._connections_free.acquire()  # another cold page of this process has it
    with reporting_transaction():
        assert in_parallel(count_registrations, count_registrations) == [0, 0]
    assert threads == []


def test_inside_another_transaction_the_reads_run_one_after_another(org, settings, threads):
    """A transaction already open (a write, the retention job) has no snapshot of its own to share:
    its uncommitted rows would be missing on other connections."""
    settings.ABSENCE_STATISTICS_PARALLEL_READS = True
    absence_of_a_year(org)
    cache.clear()
    with transaction.atomic():
        add_employees(org, "B", 1, start_number=90)  # not committed: only this connection sees it
        inside = unit_statistics(org, AS_OF, suppress=False)
    assert threads == []
    row = next(row for row in inside["units"] if row["code"] == "B")
    assert row["employees"] == 4


def test_a_connection_that_cannot_be_made_reads_in_turn_on_the_first(org, settings, threads, monkeypatch):
    """The database refusing another connection (``max_connections`` reached) costs the page its
    speed, not its figures."""
    from django.db.backends.base.base import BaseDatabaseWrapper

    settings.ABSENCE_STATISTICS_PARALLEL_READS = True
    add_employees(org, "A1", 2)
    real = BaseDatabaseWrapper.ensure_connection

    def refused(self):
        if threading.current_thread().name.startswith("statistics"):
            raise OperationalError("FATAL: sorry, too many clients already")
        return real(self)

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refused)
    with reporting_transaction():
        assert in_parallel(count_registrations, count_registrations) == [2, 2]
    assert len(threads) == 1
