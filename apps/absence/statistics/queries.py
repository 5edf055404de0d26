"""The statistics' queries: population, absence and Bradford rows grouped by (period, unit, type), all
computed in the database, whatever the number of employees, registrations or units (see the package's
docstring for the method)."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar, copy_context
from datetime import date, timedelta
from functools import partial
from typing import Any, Literal

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

from apps.core import sql
from apps.core.replica import replica_reads
from apps.organizations.models import Organization

from ..models import (
    AbsenceMonth,
    AbsencePersonYear,
    AbsenceRegistration,
    AbsenceUnitMonth,
    AbsenceUnitYear,
    AdvisoryPolicy,
    Employee,
    StatisticsVersion,
)
from ..rollups import day_bits, month_number, month_start
from ..spells import WorkCalendar
from ..unit_rollups import ALL_COUNTING, rollups_key
from .periods import FAR, Period, bradford_window, epoch_day, last_day_of_month
from .workdays import WorkingDays

logger = logging.getLogger(__name__)

# The type code of the rows that describe several types together (see ``absence_rows``); the units'
# monthly rollups store them under the same code.
ALL_TYPES = ALL_COUNTING


# Inside a reporting transaction: what it has read once and reads again from memory (else None).
_REPORTING: ContextVar[dict | None] = ContextVar("absence_reporting_transaction", default=None)


@contextmanager
def reporting_transaction(*, replica: bool = True):
    """One read transaction for the figures of a page (consistent between the queries), on the read
    replica when there is one (``replica=False``: always the primary, for figures a write depends on).
    On PostgreSQL with enough memory that the hash joins and aggregates of a whole organisation need
    no temporary files, and without JIT compilation: the row estimates of the month spans are far too
    high, and compiling costs seconds where the queries themselves take a fraction of one.

    Begun outside any other transaction on PostgreSQL, it reads one snapshot (REPEATABLE READ), which
    ``in_parallel`` shares with the connections it reads on at the same time."""
    if _REPORTING.get() is not None:
        yield  # already inside one (the statistics page computes both its parts in one)
        return
    with replica_reads() if replica else nullcontext(DEFAULT_DB_ALIAS) as alias, sql.reading_from(alias):
        connection = connections[alias]
        shared = (
            getattr(settings, "ABSENCE_STATISTICS_PARALLEL_READS", False)
            and connection.vendor == "postgresql"
            and not connection.in_atomic_block
        )
        with transaction.atomic(using=alias):
            memo: dict = {}
            if shared:
                with connection.cursor() as cursor:  # the transaction's first statement
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            sql.set_local(work_mem="64MB", jit="off", **_OWN_CORES if shared else {})
            if shared:  # now, outside any savepoint (no subtransaction may export one)
                snapshot = sql.fetch("SELECT pg_export_snapshot()")[0][0]
                if not _SNAPSHOT_ID.fullmatch(snapshot):
                    raise ValueError(f"unexpected snapshot id {snapshot!r}")
                memo = {"parallel": alias, "snapshot": snapshot}
            token = _REPORTING.set(memo)
            try:
                yield
            finally:
                _REPORTING.reset(token)


# The queries read at the same time take the cores: none of them asks for parallel workers as well.
_OWN_CORES = {"max_parallel_workers_per_gather": "0"}

_SNAPSHOT_ID = re.compile(r"[0-9A-F]+-[0-9A-F]+(-[0-9]+)?")

# Extra connections one process may have reading at the same time (gunicorn threads, several cold
# pages at once); a call finding none free runs in turn on the caller's connection instead.
PARALLEL_CONNECTIONS = 4
_connections_free = threading.BoundedSemaphore(PARALLEL_CONNECTIONS)


class _NoSnapshot(Exception):
    """A thread could not connect or import the snapshot (e.g. a replica address that leads to
    another server than the one it was exported on)."""


def in_parallel(*calls: Callable[[], Any]) -> list:
    """The results of ``calls`` (functions of no arguments that read through ``sql.fetch`` and the
    ORM, never write), computed at the same time inside a reporting transaction that reads one
    snapshot: the first here, each of the others on a connection of its own that imports the snapshot
    (``pg_export_snapshot``), so that they all read exactly the same rows. Elsewhere (nested in another
    transaction, SQLite, ``settings.ABSENCE_STATISTICS_PARALLEL_READS`` off, inside one of the others)
    one after another; so is a call for which the process has no connection to spare
    (``PARALLEL_CONNECTIONS``) or whose connection cannot import the snapshot. PostgreSQL runs each
    query on one core; the statistics' three big reads (the year, Bradford, the months around it)
    then take about the longest one's time, not their sum."""
    memo = _REPORTING.get()
    alias = memo.get("parallel") if memo is not None else None
    if alias is None or len(calls) < 2:
        return [call() for call in calls]
    assert memo is not None
    snapshot = memo["snapshot"]
    slots = [_connections_free.acquire(blocking=False) for _call in calls[1:]]
    try:
        if not any(slots):
            return [call() for call in calls]
        with ThreadPoolExecutor(max_workers=sum(slots), thread_name_prefix="statistics") as pool:
            futures = {
                index: pool.submit(copy_context().run, _in_snapshot, alias, snapshot, call)
                for index, (call, slot) in enumerate(zip(calls[1:], slots, strict=True), start=1)
                if slot
            }
            results = [calls[0]()]
            for index, call in enumerate(calls[1:], start=1):
                if index not in futures:
                    results.append(call())
                    continue
                try:
                    results.append(futures[index].result())
                except _NoSnapshot as exc:
                    logger.warning("Reading in turn: no connection in the snapshot (%s).", exc.__cause__)
                    results.append(call())
            return results
    finally:
        for slot in slots:
            if slot:
                _connections_free.release()


def _in_snapshot(alias: str, snapshot: str, call: Callable[[], Any]) -> Any:
    """``call()`` on this thread's own connection to ``alias``, in a read-only transaction that reads
    the exported ``snapshot`` (a reporting transaction of its own: nothing inside runs in parallel)."""
    connection = connections[alias]
    try:
        try:
            connection.ensure_connection()
        except DatabaseError as exc:  # e.g. too many connections: the caller reads in turn
            raise _NoSnapshot from exc
        with transaction.atomic(using=alias):
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
            except DatabaseError as exc:
                raise _NoSnapshot from exc
            sql.set_local(work_mem="64MB", jit="off", **_OWN_CORES)
            token = _REPORTING.set({})
            try:
                return call()
            finally:
                _REPORTING.reset(token)
    finally:
        connections.close_all()  # this thread's connections: the pool's threads end with the call


class Organizations:
    """Several organisations read as one (the country's figures, ``statistics.country``): the queries
    that take it keep the rows of all of them, and grouped ``BY_ORGANIZATION`` sum them per
    organisation. Every one of them must have its unit rollups made under ``units_key`` (or none
    under ""), for the policy whose calendar the queries are given."""

    __slots__ = ("ids", "units_key")

    def __init__(self, ids: list[int], units_key: str) -> None:
        self.ids = sorted(ids)
        self.units_key = units_key


# ``group_of`` of the queries: sum the rows per organisation (of ``Organizations``), not per unit.
BY_ORGANIZATION: Literal["organization"] = "organization"
Grouping = dict[int, int] | Literal["organization"] | None


def _org_where(alias: str, organization: Organization | Organizations, params: list) -> str:
    """SQL keeping the rows of table ``alias`` of the organisation (or of each of ``Organizations``);
    its parameters are appended to ``params``."""
    if isinstance(organization, Organizations):
        params.extend(organization.ids)
        return f"{alias}.organization_id IN ({', '.join(['%s'] * len(organization.ids))})"
    params.append(organization.pk)
    return f"{alias}.organization_id = %s"


def _periods_cte(periods: list[Period]) -> str:
    values = ", ".join(
        f"({p.index}, {epoch_day(p.start)}, {epoch_day(p.end)}, {month_number(p.start)})" for p in periods
    )
    return f"periods(idx, ps, pe, m) AS (VALUES {values})"


def _grouping(group_of: Grouping, alias: str = "e") -> tuple[str, str, str]:
    """(CTE, join, unit column) that sum the rows of table ``alias`` of each unit into its group's
    (``group_of``: unit id -> group unit id), or into their organisation (``BY_ORGANIZATION``), or
    nothing: the rows stay per unit. Only integers from the database go in."""
    if group_of == BY_ORGANIZATION:
        return "", "", f"{alias}.organization_id"
    if not group_of:
        return "", "", f"{alias}.unit_id"
    values = ", ".join(f"({int(unit)}, {int(group)})" for unit, group in group_of.items())
    return f"grp(u, g) AS (VALUES {values}),", f"JOIN grp ON grp.u = {alias}.unit_id", "grp.g"


def _types_where(alias: str, types: list[str] | None, params: list, *, also: tuple[str, ...] = ()) -> str:
    """SQL keeping the rows of table ``alias`` of ``types`` (and of the codes ``also``; None: every
    type); its parameters are appended to ``params``."""
    if types is None:
        return ""
    wanted = [*types, *also]
    if not wanted:
        return "AND 1 = 0"
    params.extend(wanted)
    return f"AND {alias}.absence_type IN ({', '.join(['%s'] * len(wanted))})"


def _new_spells(spells: bool) -> str:
    """SQL: the spells of a segment ``s`` of a period in an ``AbsenceMonth`` row ``am``: the
    registrations beginning in it that continue none, and one more when the period begins on a day
    the row covers that is no new registration's first day or a continuing one's (see
    ``_rollup_absence_rows``); 0 without ``spells``."""
    if not spells:
        return "0"
    return f"""{sql.popcount("am.starts & s.days")}
                   + CASE WHEN (am.continued & s.first) <> 0
                            OR (am.days & s.first & ~am.starts & ~am.continued) <> 0 THEN 1 ELSE 0 END"""


def _unit_filter(unit_ids: list[int] | None, params: list, alias: str = "e") -> tuple[str, str]:
    """The subtree as a list of unit ids (already loaded): PostgreSQL estimates ``unit_id IN (...)``
    from its statistics, where a join on ``path LIKE`` looked like one row and led to nested loops."""
    if unit_ids is None:
        return "", ""
    if not unit_ids:
        return "", "AND 1 = 0"
    params.extend(unit_ids)
    return "", f"AND {alias}.unit_id IN ({', '.join(['%s'] * len(unit_ids))})"


def _previous_cte(
    organization: Organization | Organizations,
    first_end: date,
    last_end: date,
    unit_ids: list[int] | None,
    types: list[str] | None,
    params: list,
) -> str:
    """Registrations that may be continued by a later one: those of the scope ending in the window.

    For a subtree materialised, so that PostgreSQL joins it by hash: otherwise it takes nested index
    look-ups per registration, whose cost it underestimates there. For the whole organisation it
    hashes anyway, and materialising would only add a copy.
    """
    reg, emp = AbsenceRegistration._meta.db_table, Employee._meta.db_table
    org_where = _org_where("pe", organization, params)
    params.extend([first_end, last_end])
    type_where = _types_where("pr", types, params)
    _join, unit_where = _unit_filter(unit_ids, params, alias="pe")
    materialized = sql.materialized() if unit_ids is not None else ""
    # Only table names computed here are interpolated; values go in as parameters.
    return f"""prev AS {materialized} (
            SELECT pr.employee_id, pr.absence_type, pr.end_date
            FROM {reg} pr JOIN {emp} pe ON pe.id = pr.employee_id
            WHERE {org_where} AND pr.end_date >= %s AND pr.end_date <= %s
              {type_where} {unit_where}
        )"""  # noqa: S608


def absence_rows(
    days: WorkingDays, organization: Organization | Organizations, periods: list[Period], unit_ids, **options
):
    """(period, unit id, type, spells, calendar days, weekday count × weekly hours × fraction, people)
    per group (a group's figures may come in several rows, to be added up), from the monthly rollups
    (``_unit_month_rows``, ``_rollup_absence_rows``), or inside ``reading_raw_rows()``
    from the registrations themselves (``_raw_absence_rows``: the reference the tests compare with).
    ``people_only``: only the people are wanted; the sums of the units' rollup rows then come as 0
    (a quarter of a million rows fewer numbers to convert for the neighbouring months' suppression).
    ``packed``: only the people, as (unit id, type, people of period ``i`` at bits ``PACK_BITS * i``)
    summed over the periods (indexes 0-63): one row per unit and type. ``part="sums"``: the people
    are not wanted (they may come as 0: the units' rollups then read no employee's year).
    Under the units' rollups of the policy in force: whole months without spells from the units' rows
    (``_unit_month_rows``), other periods inside two calendar years from the units' rows and the
    employees' years (``_unit_year_rows``)."""
    people_only = options.pop("people_only", False)
    packed = options.pop("packed", False)
    part = options.pop("part", "all")
    in_sql = packed and sql.postgresql()
    fetch = partial(_fetch_packed, periods=periods) if in_sql else sql.fetch

    def plain(rows: list) -> list:  # rows fetched as they are: packed here when packed is wanted
        return _pack(rows) if packed else rows

    def units(rows: list) -> list:  # rows fetched by ``fetch``: packed already on PostgreSQL
        return rows if in_sql else plain(rows)

    if _READ_RAW.get():
        return plain(_raw_absence_rows(days, organization, periods, unit_ids, **options))
    people_types = options.get("people_types")
    types = options.get("types")
    if (
        not people_types
        or _READ_EMPLOYEE_MONTHS.get()
        or _units_key(organization) != rollups_key(people_types, days.calendar)
        # The units' rows of type * count the people of every counting type.
        or (types is not None and not set(people_types) <= set(types))
    ):
        return plain(_rollup_absence_rows(days, organization, periods, unit_ids, **options))
    rows: list = []
    whole: list[Period] = []
    if not options.get("spells", True):
        whole = [p for p in periods if p.start.day == 1 and p.end == last_day_of_month(p.start)]
    if whole:
        rows += units(
            _unit_month_rows(
                days,
                organization,
                whole,
                unit_ids,
                people_only=people_only or packed,
                packed=in_sql,
                fetch=fetch,
                **options,
            )
        )
    rest = [p for p in periods if p not in whole]
    years = [p for p in rest if in_two_years(p)]
    if years:
        # Packed, only the people are wanted: no spells (no look-up of the registrations continued).
        year_options = {**options, "spells": False, "part": "people"} if packed else {**options, "part": part}
        rows += units(_unit_year_rows(days, organization, years, unit_ids, fetch=fetch, **year_options))
    others = [p for p in rest if p not in years]
    if others:
        rows += plain(_rollup_absence_rows(days, organization, others, unit_ids, **options))
    return rows


# Bits per month of the people packed into one integer per unit and type (``absence_rows(packed=True)``,
# ``suppression.MonthPeople``): up to 2,097,151 people, more than any organisation employs (checked
# where they are summed up the tree). Three months fill a signed 64-bit integer of the database.
PACK_BITS = 21
_PER_WORD = 3
_WORD_BITS = PACK_BITS * _PER_WORD


def _pack(rows: list) -> list[tuple[int, str, int]]:
    """(unit id, type, people of period ``i`` at bits ``PACK_BITS * i``) of ``absence_rows``' rows."""
    return [
        (unit_id, code, int(people) << (PACK_BITS * idx))
        for idx, unit_id, code, _spells, _days, _hours, people in rows
    ]


def _words(periods: list[Period]) -> int:
    """How many 64-bit words the packed people of ``periods`` take (their indexes must be 0-63)."""
    if any(not 0 <= p.index < 64 for p in periods):
        raise ValueError("packed people need period indexes 0-63")
    return max(p.index for p in periods) // _PER_WORD + 1


def _word_sql(alias: str, word: int) -> str:
    """SQL: the people of a row of ``alias`` (its ``idx`` and ``people``) at their bits in ``word``."""
    return (
        f"CASE WHEN {alias}.idx / {_PER_WORD} = {word}"
        f" THEN CAST({alias}.people AS bigint) << ({PACK_BITS} * ({alias}.idx %% {_PER_WORD})) ELSE 0 END"
    )


def _fetch_packed(query: str, params: list, *, periods: list[Period]) -> list[tuple[int, str, int]]:
    """``_pack`` of the rows of ``query`` done in the database: a row per unit and type instead of one
    per period too, the periods' people in 64-bit integers of three periods each."""
    sums = ", ".join(f"CAST(SUM({_word_sql('r', word)}) AS bigint)" for word in range(_words(periods)))
    wrapped = f"""
        SELECT r.unit_id, r.code, {sums}
        FROM ({query}) r(idx, unit_id, code, spells, days, hours, people)
        GROUP BY r.unit_id, r.code
    """  # noqa: S608 - integers and a query of this module only
    return _unpacked_words(sql.fetch(wrapped, params))


def _unpacked_words(rows: list) -> list[tuple[int, str, int]]:
    """(unit id, type, one integer) of rows (unit id, type, word 0, word 1, ...) of 64-bit words."""
    result = []
    for unit_id, code, *values in rows:
        # The words' fields do not overlap: a word holds three fields, 63 bits.
        packed = 0
        for word, value in enumerate(values):
            if value:
                packed |= value << (_WORD_BITS * word)
        result.append((unit_id, code, packed))
    return result


def rollup_state(organization_id: int) -> tuple[date | None, str]:
    """(``raw_data_from``, ``unit_rollups``) of the organisation's ``StatisticsVersion``: read once
    per reporting transaction, where the figures are read (the replica, when there is one)."""
    memo = _REPORTING.get()
    if memo is not None and ("version", organization_id) in memo:
        return memo["version", organization_id]
    rows = sql.fetch(
        StatisticsVersion.objects.filter(organization_id=organization_id).values_list(
            "raw_data_from", "unit_rollups"
        )
    )
    version = rows[0] if rows else (None, "")
    if memo is not None:
        memo["version", organization_id] = version
    return version


def _units_key(organization: Organization | Organizations) -> str:
    """The key the organisation's unit rollups were made for (for ``Organizations``: each one's)."""
    if isinstance(organization, Organizations):
        return organization.units_key
    return rollup_state(organization.pk)[1]


_READ_RAW: ContextVar[bool] = ContextVar("absence_statistics_read_raw", default=False)


_READ_EMPLOYEE_MONTHS: ContextVar[bool] = ContextVar("absence_statistics_employee_months", default=False)


@contextmanager
def reading_employee_months():
    """Compute the month-by-month figures from the employees' monthly rollups, not the units' (tests
    compare the two)."""
    token = _READ_EMPLOYEE_MONTHS.set(True)
    try:
        yield
    finally:
        _READ_EMPLOYEE_MONTHS.reset(token)


@contextmanager
def reading_raw_rows():
    """Compute the figures from the registrations instead of the rollups (tests compare the two)."""
    token = _READ_RAW.set(True)
    try:
        yield
    finally:
        _READ_RAW.reset(token)


def _segment_rows(calendar: WorkCalendar, periods: list[Period]) -> list[tuple[int, int, int, int, int]]:
    """(period index, month number, the period's days of the month as bits, those of them that are
    working days, the bit of the period's first day or 0) of each period cut at month ends."""
    rows = []
    for p in periods:
        day = p.start
        while day <= p.end:
            number = month_number(day)
            until = min(p.end, month_start(number + 1) - timedelta(days=1))
            days = day_bits(day.day, until.day)
            working = sum(
                1 << (d - 1)
                for d in range(day.day, until.day + 1)
                if calendar.is_working_day(day.replace(day=d))
            )
            first = 1 << (day.day - 1) if day == p.start else 0
            rows.append((p.index, number, days, working, first))
            day = until + timedelta(days=1)
    return rows


def _segments(calendar: WorkCalendar, periods: list[Period]) -> str:
    """VALUES of ``_segment_rows``: seg(idx, m, days, working, first)."""
    values = ", ".join(
        f"({idx}, {m}, {days}, {working}, {first})"
        for idx, m, days, working, first in (_segment_rows(calendar, periods))
    )
    return f"seg(idx, m, days, working, first) AS (VALUES {values})"


def _ongoing_cte(
    organization: Organization | Organizations,
    last: date,
    unit_ids: list[int] | None,
    types: list[str] | None,
    group_of: Grouping,
    params: list,
    continues: str = "0",
) -> str:
    """``o``: the ongoing registrations (no last day yet) begun by ``last``, as day numbers, with their
    unit (or group) and hours a working day; its parameters are appended to ``params``. ``continues``:
    SQL giving 1 where the registration (``reg``) continues one ending the day before."""
    reg, emp = AbsenceRegistration._meta.db_table, Employee._meta.db_table
    group_join, unit_column = _grouping(group_of)[1:]
    org_where = _org_where("e", organization, params)
    params.append(last)
    type_where = _types_where("reg", types, params)
    _join, unit_where = _unit_filter(unit_ids, params)
    return f"""o AS (
            SELECT {unit_column} AS unit_id, reg.absence_type, reg.employee_id,
                   {sql.as_exact("e.weekly_hours")} * {sql.as_exact("reg.fraction")} AS hours,
                   {sql.day_number("reg.start_date")} AS rs,
                   {sql.day_number("e.employment_start")} AS es,
                   COALESCE({sql.day_number("e.employment_end")}, {FAR}) AS ee,
                   {continues} AS continues
            FROM {reg} reg JOIN {emp} e ON e.id = reg.employee_id
            {group_join}
            WHERE reg.end_date IS NULL AND {org_where} AND reg.start_date <= %s
              {type_where} {unit_where}
        )"""  # noqa: S608 - table names, expressions and placeholders only


def _ongoing_ctes(
    organization: Organization | Organizations,
    periods: list[Period],
    unit_ids: list[int] | None,
    types: list[str] | None,
    group_of: Grouping,
    spells: bool,
    params: list,
) -> str:
    """CTEs ``o`` (``_ongoing_cte``) and ``c``: each ongoing registration per period, clipped to it and
    to the employment (a..b), and whether it starts a spell of it (a registration continuing one of
    its type ending the day before starts one only where the period begins on a day it covers); with
    ``spells``, whether one of its type ends the day before it begins. Their parameters are appended to
    ``params``.

    That registration is looked up for each ongoing one (few: one per employee at most), in the
    employee's registrations: not joined from all the registrations ending in the periods, which for
    the country's figures meant hashing millions of rows to find ten thousand. Only one ending
    inside the periods can matter (one beginning at or before a period's start starts a spell of it
    anyway, and the day before a later start is inside the periods)."""
    last = max(p.end for p in periods)
    ctes = []
    continues = "0"
    if spells:
        reg = AbsenceRegistration._meta.db_table
        continues = f"""CASE WHEN EXISTS (
                SELECT 1 FROM {reg} pr WHERE pr.employee_id = reg.employee_id
                   AND pr.absence_type = reg.absence_type AND pr.end_date = {sql.day_before("reg.start_date")}
            ) THEN 1 ELSE 0 END"""  # noqa: S608 - a table name and an expression only
    ctes.append(_ongoing_cte(organization, last, unit_ids, types, group_of, params, continues))
    ctes.append(f"""c AS (
            SELECT p.idx, o.unit_id, o.absence_type, o.employee_id, o.hours,
                   CASE WHEN o.continues = 0 OR o.rs <= p.ps THEN 1 ELSE 0 END AS new_spell,
                   {sql.greatest("o.rs", "o.es", "p.ps")} AS a, {sql.least(str(FAR), "o.ee", "p.pe")} AS b
            FROM o CROSS JOIN periods p
        )""")  # noqa: S608 - expressions only
    return ", ".join(ctes)


def _rollup_absence_rows(
    days: WorkingDays,
    organization: Organization | Organizations,
    periods: list[Period],
    unit_ids: list[int] | None,
    *,
    types: list[str] | None = None,
    spells: bool = True,
    months: bool = False,
    group_of: Grouping = None,
    people_types: list[str] | None = None,
):
    """What ``_raw_absence_rows`` gives, read from ``AbsenceMonth`` (ended registrations) and from the
    ongoing registrations (few: one per employee at most).

    A rollup row's part of a period is its day bits inside the period's part of the month. A
    registration starts a spell of the period when it does not continue an earlier one and its first
    day is in the period (``starts``), or when the period begins on a day it covers: it had begun
    earlier (the day is no row's first day), or it begins that day continuing one (``continued``).
    People are the distinct employees with any day in the period, counted over all its months at once:
    the rows are summed per employee first (one aggregation), and a group's people are then its rows.
    ``months`` is accepted for the raw function's sake: the rollups are by month anyway.
    """
    table = AbsenceMonth._meta.db_table
    first, last = min(p.start for p in periods), max(p.end for p in periods)
    group_cte, rollup_join, rollup_unit = _grouping(group_of, "am")
    # Parameters in the order their placeholders appear: prev, o, the rollup part of x, all types.
    params: list = []
    ongoing = _ongoing_ctes(organization, periods, unit_ids, types, group_of, spells, params)
    org_where = _org_where("am", organization, params)
    params.extend([month_number(first), month_number(last)])
    type_where = _types_where("am", types, params)
    _join, rollup_unit_where = _unit_filter(unit_ids, params, alias="am")
    rollup_part = f"""
            SELECT s.idx, {rollup_unit} AS unit_id, am.absence_type, am.employee_id,
                   {_new_spells(spells)} AS spells,
                   {sql.popcount("am.days & s.days")} AS days,
                   {sql.popcount("am.days & s.working")} * am.hours AS hours
            FROM {table} am JOIN seg s ON s.m = am.month {rollup_join}
            WHERE {org_where} AND am.month >= %s AND am.month <= %s
              {type_where} {rollup_unit_where}"""  # noqa: S608 - table names and placeholders only
    wd = days.between("c.a", "c.b")
    all_types = ""
    if people_types:
        all_types = f"""
        UNION ALL
        SELECT a.idx, a.unit_id, '{ALL_TYPES}', 0, 0, 0, COUNT(*)
        FROM (SELECT DISTINCT d.idx, d.unit_id, d.employee_id FROM d
              WHERE d.absence_type IN ({", ".join(["%s"] * len(people_types))})) a
        GROUP BY a.idx, a.unit_id"""  # noqa: S608 - placeholders and a constant only
        params.extend(people_types)
    query = f"""
        WITH {_periods_cte(periods)}, {_segments(days.calendar, periods)}, {group_cte}
        {ongoing},
        x AS (
            {rollup_part}
            UNION ALL
            SELECT c.idx, c.unit_id, c.absence_type, c.employee_id,
                   {"c.new_spell" if spells else "0"}, c.b - c.a + 1, {wd} * c.hours
            FROM c WHERE c.a <= c.b
        ),
        d AS (
            SELECT x.idx, x.unit_id, x.absence_type, x.employee_id,
                   SUM(x.spells) AS spells, SUM(x.days) AS days, SUM(x.hours) AS hours
            FROM x
            WHERE x.days > 0
            GROUP BY x.idx, x.unit_id, x.absence_type, x.employee_id
        )
        SELECT d.idx, d.unit_id, d.absence_type, SUM(d.spells), SUM(d.days), SUM(d.hours), COUNT(*)
        FROM d
        GROUP BY d.idx, d.unit_id, d.absence_type
        {all_types}
    """  # noqa: S608
    return sql.fetch(query, params)


def _ongoing_month_ctes(
    days: WorkingDays,
    organization: Organization | Organizations,
    periods: list[Period],
    unit_ids: list[int] | None,
    types: list[str] | None,
    group_of: Grouping,
    people_types: list[str],
    params: list,
) -> str:
    """``o`` (``_ongoing_cte``), ``c`` (each ongoing registration in each whole month ``periods`` it
    reaches) and ``n``: per month its days, hours, and whether its employee is one more person of the
    type (``new_person``: no ended registration of the type that month) or of the counting types
    (``new_any``); its parameters are appended to ``params``."""
    months_table = AbsenceMonth._meta.db_table
    last = max(p.end for p in periods)
    people_list = ", ".join(["%s"] * len(people_types))
    ongoing = _ongoing_cte(organization, last, unit_ids, types, group_of, params)
    params.extend([min(month_number(p.start) for p in periods), month_number(last)])  # k: the months
    params.extend(people_types)  # ka: their ended ones of these types
    params.extend(people_types)  # n: the type is one of them
    wd = days.between("c.a", "c.b")
    return f"""{ongoing},
        c AS (
            SELECT p.idx, p.m, o.unit_id, o.absence_type, o.employee_id, o.hours,
                   {sql.greatest("o.rs", "o.es", "p.ps")} AS a, {sql.least(str(FAR), "o.ee", "p.pe")} AS b
            FROM o CROSS JOIN periods p
        ),
        k AS (
            SELECT DISTINCT am.employee_id, am.month, am.absence_type
            FROM {months_table} am
            WHERE am.employee_id IN (SELECT o.employee_id FROM o) AND am.month >= %s AND am.month <= %s
        ),
        ka AS (
            SELECT DISTINCT k.employee_id, k.month FROM k WHERE k.absence_type IN ({people_list})
        ),
        n AS (
            SELECT c.idx, c.unit_id, c.absence_type, c.employee_id, c.b - c.a + 1 AS days,
                   {wd} * c.hours AS hours,
                   CASE WHEN k.employee_id IS NULL THEN 1 ELSE 0 END AS new_person,
                   CASE WHEN c.absence_type IN ({people_list}) AND ka.employee_id IS NULL
                        THEN 1 ELSE 0 END AS new_any
            FROM c
            LEFT JOIN k ON k.employee_id = c.employee_id AND k.month = c.m AND k.absence_type = c.absence_type
            LEFT JOIN ka ON ka.employee_id = c.employee_id AND ka.month = c.m
            WHERE c.a <= c.b
        )"""  # noqa: S608 - table names, expressions and placeholders only


def _unit_month_rows(
    days: WorkingDays,
    organization: Organization | Organizations,
    periods: list[Period],
    unit_ids: list[int] | None,
    *,
    types: list[str] | None = None,
    group_of: Grouping = None,
    people_types: list[str],
    people_only: bool = False,
    packed: bool = False,
    fetch: Callable[[str, list], list] = sql.fetch,
    **_options,
):
    """What ``_rollup_absence_rows`` gives without spells for periods that are whole calendar months,
    read from the units' monthly rollups (``AbsenceUnitMonth``: a few rows per unit and month) and the
    ongoing registrations. People add up over units (an employee is in one); an ongoing registration
    adds its employee to a month's people only where their ended ones of the type (for ``ALL_TYPES``:
    of any of ``people_types``) do not have them already. ``people_only``: the rollups' sums as 0.
    ``packed`` (PostgreSQL): ``_pack`` of the people, the units' months read from their years
    (``_packed_unit_years``)."""
    group_cte, rollup_join, rollup_unit = _grouping(group_of, "um")
    params: list = []
    ongoing = _ongoing_month_ctes(
        days, organization, periods, unit_ids, types, group_of, people_types, params
    )
    if packed:
        return _packed_unit_years(
            organization,
            periods,
            unit_ids,
            types,
            group_of,
            f"{_periods_cte(periods)}, {group_cte} {ongoing}",
            params,
        )
    months = [min(month_number(p.start) for p in periods), month_number(max(p.end for p in periods))]
    org_where = _org_where("um", organization, params)
    params.extend(months)
    type_where = _types_where("um", types, params, also=(ALL_TYPES,))
    _join, unit_where = _unit_filter(unit_ids, params, alias="um")
    sums = "0, 0" if people_only else "um.days, um.hours"
    query = f"""
        WITH {_periods_cte(periods)}, {group_cte}
        {ongoing}
        SELECT p.idx, {rollup_unit}, um.absence_type, 0, {sums}, um.people
        FROM {AbsenceUnitMonth._meta.db_table} um JOIN periods p ON p.m = um.month {rollup_join}
        WHERE {org_where} AND um.month >= %s AND um.month <= %s {type_where} {unit_where}
        UNION ALL
        SELECT n.idx, n.unit_id, n.absence_type, 0, SUM(n.days), SUM(n.hours), SUM(n.new_person)
        FROM n
        GROUP BY n.idx, n.unit_id, n.absence_type
        UNION ALL
        SELECT n.idx, n.unit_id, '{ALL_TYPES}', 0, 0, 0, COUNT(DISTINCT n.employee_id)
        FROM n WHERE n.new_any = 1
        GROUP BY n.idx, n.unit_id
    """  # noqa: S608 - table names, integers and placeholders only
    return fetch(query, params)


def _packed_unit_years(
    organization: Organization | Organizations,
    periods: list[Period],
    unit_ids: list[int] | None,
    types: list[str] | None,
    group_of: Grouping,
    ctes: str,
    params: list,
) -> list[tuple[int, str, int]]:
    """The packed people of ``_unit_month_rows`` (``ctes``: its CTEs, ``params`` theirs): the units'
    months from their years (``AbsenceUnitYear``: a row per unit, type and year instead of one per
    month too), each month's column shifted to its period's bits, the ongoing registrations' people
    (``n``) packed alike, summed per unit and type."""
    words = _words(periods)
    _cte, join, unit = _grouping(group_of, "uy")
    # Per year, per word: the columns of its months, each shifted to its period's place in the word.
    terms: dict[int, list[list[str]]] = {}
    for p in periods:
        year, month = divmod(month_number(p.start), 12)
        word, place = divmod(p.index, _PER_WORD)
        column = f"CAST(uy.people_{month + 1} AS bigint)"
        terms.setdefault(year, [[] for _word in range(words)])[word].append(
            f"({column} << {PACK_BITS * place})" if place else column
        )
    selects = []
    for year, year_terms in sorted(terms.items()):
        org_where = _org_where("uy", organization, params)
        params.append(year)
        type_where = _types_where("uy", types, params, also=(ALL_TYPES,))
        _join, unit_where = _unit_filter(unit_ids, params, alias="uy")
        columns = ", ".join(" + ".join(word_terms) or "CAST(0 AS bigint)" for word_terms in year_terms)
        selects.append(f"""SELECT {unit}, uy.absence_type, {columns}
            FROM {AbsenceUnitYear._meta.db_table} uy {join}
            WHERE {org_where} AND uy.year = %s {type_where} {unit_where}""")  # noqa: S608
    ongoing_words = ", ".join(_word_sql("q", word) for word in range(words))
    selects.append(f"""SELECT q.unit_id, q.code, {ongoing_words}
        FROM (
            SELECT n.idx, n.unit_id, n.absence_type AS code, SUM(n.new_person) AS people
            FROM n GROUP BY n.idx, n.unit_id, n.absence_type
            UNION ALL
            SELECT n.idx, n.unit_id, '{ALL_TYPES}', COUNT(DISTINCT n.employee_id)
            FROM n WHERE n.new_any = 1 GROUP BY n.idx, n.unit_id
        ) q""")  # noqa: S608 - integers only
    sums = ", ".join(f"CAST(SUM(r.w{word}) AS bigint)" for word in range(words))
    names = ", ".join(f"w{word}" for word in range(words))
    query = f"""
        WITH {ctes}
        SELECT r.unit_id, r.code, {sums}
        FROM ({" UNION ALL ".join(selects)}) r(unit_id, code, {names})
        GROUP BY r.unit_id, r.code
    """  # noqa: S608 - table names, integers and placeholders only
    return _unpacked_words(sql.fetch(query, params))


def in_two_years(period: Period) -> bool:
    """Whether the period lies inside its last day's calendar year and the year before: what one
    ``AbsencePersonYear`` row per person covers (a rolling year always does)."""
    return period.start.year >= period.end.year - 1


def _unit_year_rows(
    days: WorkingDays,
    organization: Organization | Organizations,
    periods: list[Period],
    unit_ids: list[int] | None,
    *,
    types: list[str] | None = None,
    spells: bool = True,
    group_of: Grouping = None,
    people_types: list[str],
    part: str = "all",
    fetch: Callable[[str, list], list] = sql.fetch,
    **_options,
):
    """What ``_rollup_absence_rows`` gives for periods inside two calendar years (``in_two_years``),
    read from the units' monthly rollups where a period covers a whole month, from the employees' ones
    only for its cut months (at most its first and last), and for the people from the employees'
    years (``AbsencePersonYear``).

    Sums add up over months and units. A whole month's spells are its ``starts``, or its ``spells``
    (also the spell going on at its first day) when the period begins with it. People are the distinct
    employees with absence in the period: those whose year row has a bit of one of its whole months,
    plus those with absence in its cut months or an ongoing registration in it whose year row has none.
    ``types`` must hold every one of ``people_types`` (the type ``*`` rows count those).

    ``part="people"``: only the people (the sums as 0; with ``spells=False`` no look-up of the
    registrations continued either)."""
    um_table, months_table = AbsenceUnitMonth._meta.db_table, AbsenceMonth._meta.db_table
    year_table = AbsencePersonYear._meta.db_table
    segments = _segment_rows(days.calendar, periods)
    year_of = {p.index: p.end.year for p in periods}
    full = {number: day_bits(1, last_day_of_month(month_start(number)).day) for _i, number, *_r in segments}
    whole = [(idx, m, first_bit) for idx, m, bits, _w, first_bit in segments if bits == full[m]]
    cut = [segment for segment in segments if segment[2] != full[segment[1]]]
    # Per period the bits of its whole months in its year rows (``masks``), and of all its months.
    masks, hits = dict.fromkeys(year_of, 0), dict.fromkeys(year_of, 0)
    for idx, number, bits, _working, _first in segments:
        bit = 1 << (number - (year_of[idx] - 1) * 12)
        hits[idx] |= bit
        if bits == full[number]:
            masks[idx] |= bit
    group_cte = _grouping(group_of)[0]

    people_list = ", ".join(["%s"] * len(people_types))
    # Parameters in the order their placeholders appear.
    params: list = []
    ctes = [_periods_cte(periods)]
    masks_values = ", ".join(f"({idx}, {year_of[idx]}, {bits}, {hits[idx]})" for idx, bits in masks.items())
    ctes.append(f"masks(idx, y, bits, hit) AS (VALUES {masks_values})")
    ctes.append(_ongoing_ctes(organization, periods, unit_ids, types, group_of, spells, params))
    # The SELECTs summed: (part, SQL, the parameters of its own placeholders, after all the CTEs').
    sums: list[tuple[str, str, list]] = [
        (
            "sums",
            f"""SELECT c.idx, c.unit_id, c.absence_type, {"c.new_spell" if spells else "0"} AS spells,
                   c.b - c.a + 1 AS days, {days.between("c.a", "c.b")} * c.hours AS hours, 0 AS people
            FROM c WHERE c.a <= c.b""",  # noqa: S608 - expressions only
            [],
        )
    ]
    # The people of the cut months and of the ongoing registrations, by (period, type or *, employee).
    ongoing_people = f"""SELECT c.idx, c.unit_id, c.absence_type, c.employee_id FROM c WHERE c.a <= c.b
            UNION ALL
            SELECT c.idx, c.unit_id, '{ALL_TYPES}', c.employee_id FROM c
            WHERE c.a <= c.b AND c.absence_type IN ({people_list})"""  # noqa: S608 - placeholders
    cut_people = f"""SELECT cut.idx, cut.unit_id, cut.absence_type, cut.employee_id
            FROM cut WHERE cut.days > 0
            UNION ALL
            SELECT cut.idx, cut.unit_id, '{ALL_TYPES}', cut.employee_id FROM cut
            WHERE cut.days > 0 AND cut.absence_type IN ({people_list})"""  # noqa: S608 - placeholders
    if cut:
        values = ", ".join(
            f"({idx}, {m}, {bits}, {working}, {first})" for idx, m, bits, working, first in cut
        )
        _cte, join, unit = _grouping(group_of, "am")
        org_where = _org_where("am", organization, params)
        cut_months = sorted({m for _idx, m, *_rest in cut})
        params.extend(cut_months)
        type_where = _types_where("am", types, params)
        _join, unit_where = _unit_filter(unit_ids, params, alias="am")
        ctes.append(f"seg(idx, m, days, working, first) AS (VALUES {values})")
        ctes.append(f"""cut AS (
            SELECT s.idx, {unit} AS unit_id, am.absence_type, am.employee_id, {_new_spells(spells)} AS spells,
                   {sql.popcount("am.days & s.days")} AS days,
                   {sql.popcount("am.days & s.working")} * am.hours AS hours
            FROM {months_table} am JOIN seg s ON s.m = am.month {join}
            WHERE {org_where} AND am.month IN ({", ".join(["%s"] * len(cut_months))})
              {type_where} {unit_where}
        )""")  # noqa: S608 - table names, integers and placeholders only
        sums.append(
            (
                "sums",
                """SELECT cut.idx, cut.unit_id, cut.absence_type, cut.spells, cut.days, cut.hours, 0
            FROM cut WHERE cut.days > 0""",
                [],
            )
        )
    if whole:
        # The people of the whole months (W): each person's year row with a bit of one of them, counted
        # straight from the covering index. The cut months' and ongoing registrations' people then count
        # only where they are not in W: a cut month's person has a year row (their month row sets its
        # bit), so they count where that row has a bit of the cut months only (``h``); an ongoing
        # registration's person is looked up.
        _cte, join, unit = _grouping(group_of, "py")
        years = sorted(set(year_of.values()))
        py_params: list = []
        py_where = _org_where("py", organization, py_params)
        py_params.extend([years[0], years[-1]])
        type_where = _types_where("py", types, py_params, also=(ALL_TYPES,))
        _join, unit_where = _unit_filter(unit_ids, py_params, alias="py")
        whole_people = f"""SELECT k.idx, {unit} AS unit_id, py.absence_type, 0 AS spells, 0 AS days,
                   0 AS hours, COUNT(*) AS people
            FROM {year_table} py JOIN masks k ON k.y = py.year {join}
            WHERE {py_where} AND py.year >= %s AND py.year <= %s AND (py.months & k.bits) <> 0
              {type_where} {unit_where}
            GROUP BY 1, 2, 3"""  # noqa: S608 - table names and placeholders only
        sums.append(("people", whole_people, py_params))
        if cut:
            # Materialized: a hash join with the cut months' people, not a lookup for each of them.
            ctes.append(f"""h AS {sql.materialized()} (
                SELECT k.idx, py.absence_type, py.employee_id
                FROM {year_table} py JOIN masks k ON k.y = py.year
                WHERE {_org_where("py", organization, params)} AND py.year >= %s AND py.year <= %s
                  AND (py.months & k.hit) <> 0 AND (py.months & k.bits) = 0
            )""")  # noqa: S608 - a table name and placeholders only
            params.extend([years[0], years[-1]])
        present = f"""SELECT q.idx, q.unit_id, q.absence_type, q.employee_id
            FROM ({ongoing_people}) q JOIN masks k ON k.idx = q.idx
            WHERE NOT EXISTS (
                SELECT 1 FROM {year_table} py
                WHERE py.employee_id = q.employee_id AND py.absence_type = q.absence_type
                  AND py.year = k.y AND (py.months & k.bits) <> 0
            )"""  # noqa: S608 - a table name only
        params.extend(people_types)
        if cut:
            present += f"""
            UNION ALL
            SELECT q.idx, q.unit_id, q.absence_type, q.employee_id
            FROM ({cut_people}) q
            JOIN h ON h.idx = q.idx AND h.absence_type = q.absence_type AND h.employee_id = q.employee_id"""  # noqa: S608
            params.extend(people_types)
        _cte, join, unit = _grouping(group_of, "um")
        values = ", ".join(f"({idx}, {m}, {first_bit})" for idx, m, first_bit in whole)
        ctes.append(f"w(idx, m, first) AS (VALUES {values})")
        spells_sql = "CASE WHEN w.first <> 0 THEN um.spells ELSE um.starts END" if spells else "0"
        um_params: list = []
        um_org_where = _org_where("um", organization, um_params)
        um_params.extend([min(m for _i, m, _f in whole), max(m for _i, m, _f in whole)])
        # The units' rows of type * (people only) are counted from the year rows.
        um_where = _types_where("um", types, um_params) or f"AND um.absence_type <> '{ALL_TYPES}'"
        _join, unit_where = _unit_filter(unit_ids, um_params, alias="um")
        whole_sums = f"""SELECT w.idx, {unit} AS unit_id, um.absence_type, {spells_sql} AS spells,
                   um.days, um.hours, 0 AS people
            FROM {um_table} um JOIN w ON w.m = um.month {join}
            WHERE {um_org_where} AND um.month >= %s AND um.month <= %s
              {um_where} {unit_where}"""  # noqa: S608 - table names, integers and placeholders only
        sums.append(("sums", whole_sums, um_params))
    else:
        present = ongoing_people
        params.extend(people_types)
        if cut:
            present += f" UNION ALL {cut_people}"
            params.extend(people_types)
    ctes.append(f"v AS (SELECT DISTINCT q.idx, q.unit_id, q.absence_type, q.employee_id FROM ({present}) q)")  # noqa: S608
    sums.append(
        (
            "people",
            """SELECT v.idx, v.unit_id, v.absence_type, 0 AS spells, 0 AS days, 0 AS hours, COUNT(*) AS people
            FROM v GROUP BY 1, 2, 3""",
            [],
        )
    )
    chosen = [(sql_text, own) for kind, sql_text, own in sums if part in ("all", kind)]
    for _sql, own in chosen:
        params.extend(own)
    query = f"""
        WITH {group_cte} {", ".join(ctes)}
        SELECT r.idx, r.unit_id, r.absence_type, SUM(r.spells), SUM(r.days), SUM(r.hours), SUM(r.people)
        FROM ({" UNION ALL ".join(sql_text for sql_text, _own in chosen)}) r
        GROUP BY r.idx, r.unit_id, r.absence_type
    """  # noqa: S608 - table names, integers and placeholders only
    return fetch(query, params)


def _raw_absence_rows(
    days: WorkingDays,
    organization: Organization | Organizations,
    periods: list[Period],
    unit_ids: list[int] | None,
    *,
    types: list[str] | None = None,
    spells: bool = True,
    months: bool = False,
    group_of: Grouping = None,
    people_types: list[str] | None = None,
):
    """(period, unit id, type, spells, calendar days, weekday count × weekly hours × fraction, people)
    per group; people are the distinct employees with absence of the type in the period.

    ``people_types``: also one row per (period, group) with type ``ALL_TYPES`` whose people are the
    distinct employees with absence of any of these types (the others' figures in it are 0): what a
    total over several types describes, where the people of the types may overlap.

    ``group_of``: sum the units' rows into groups in SQL (see ``_grouping``): thousands of units fewer.

    ``months``: the periods are calendar months; on PostgreSQL each registration is then paired only
    with the months it spans (generate_series), not compared with every period.

    ``spells=False`` (the monthly chart) leaves out the spell count and its self-join.
    """
    reg, emp = AbsenceRegistration._meta.db_table, Employee._meta.db_table
    first, last = min(p.start for p in periods), max(p.end for p in periods)
    params: list = []
    previous_cte = previous_join = ""
    if spells:
        # A registration continues the previous one of its type when that ended the day before (there
        # is at most one: registrations of an employee never overlap). A hash join, not a window
        # function: no sort of every registration of the window.
        previous_cte = _previous_cte(organization, first - timedelta(days=1), last, unit_ids, types, params)
        previous_cte += ","
        day_before = sql.day_before("reg.start_date")
        previous_join = f"""
            LEFT JOIN prev ON prev.employee_id = reg.employee_id
                 AND prev.absence_type = reg.absence_type AND prev.end_date = {day_before}"""
        continues = "prev.employee_id IS NOT NULL"
        new_spell = "CASE WHEN r.continues = 0 OR r.rs <= p.ps THEN 1 ELSE 0 END"
    else:
        continues, new_spell = "1 = 0", "0"
    org_where = _org_where("e", organization, params)
    params.extend([last, first])
    type_where = _types_where("reg", types, params)
    unit_join, unit_where = _unit_filter(unit_ids, params)
    month_span, period_join = "", "FROM r JOIN periods p ON r.rs <= p.pe AND r.re >= p.ps"
    if len(periods) == 1:
        # WHERE already keeps the registrations of the one period; repeating it on the day numbers
        # only spoils PostgreSQL's row estimate (and with it the join plan).
        period_join = "FROM r CROSS JOIN periods p"
    months_join = sql.join_months("r.start_date", "r.end_date", first, last, alias="g") if months else None
    if months_join is not None:
        month_span = """
                   reg.start_date, reg.end_date,"""
        period_join = f"FROM r {months_join} JOIN periods p ON p.m = g.m"
    wd = days.between("c.a", "c.b")
    # Only table names and integers computed here are interpolated; values go in as parameters. The
    # clipping test (a <= b) sits inside the sums, not in WHERE, so that PostgreSQL estimates the row
    # count right and aggregates with a hash.
    group_cte, group_join, unit_column = _grouping(group_of)
    all_types = ""
    if people_types:
        all_types = f"""
        UNION ALL
        SELECT c.idx, c.unit_id, '{ALL_TYPES}', 0, 0, 0,
               COUNT(DISTINCT CASE WHEN c.a <= c.b THEN c.employee_id END)
        FROM c
        WHERE c.absence_type IN ({", ".join(["%s"] * len(people_types))})
        GROUP BY c.idx, c.unit_id"""  # noqa: S608 - placeholders and a constant only
        params.extend(people_types)
    query = f"""
        WITH {_periods_cte(periods)}, {group_cte} {previous_cte}
        r AS (
            SELECT {unit_column} AS unit_id, reg.absence_type, reg.employee_id,
                   {sql.as_exact("e.weekly_hours")} * {sql.as_exact("reg.fraction")}
                       AS hours,{month_span}
                   {sql.day_number("reg.start_date")} AS rs,
                   COALESCE({sql.day_number("reg.end_date")}, {FAR}) AS re,
                   {sql.day_number("e.employment_start")} AS es,
                   COALESCE({sql.day_number("e.employment_end")}, {FAR}) AS ee,
                   CASE WHEN {continues} THEN 1 ELSE 0 END AS continues
            FROM {reg} reg
            JOIN {emp} e ON e.id = reg.employee_id
            {group_join}
            {previous_join}
            {unit_join}
            WHERE {org_where} AND reg.start_date <= %s
              AND (reg.end_date IS NULL OR reg.end_date >= %s) {type_where} {unit_where}
        ),
        c AS (
            SELECT p.idx, r.unit_id, r.absence_type, r.employee_id, r.hours, {new_spell} AS new_spell,
                   {sql.greatest("r.rs", "r.es", "p.ps")} AS a,
                   {sql.least("r.re", "r.ee", "p.pe")} AS b
            {period_join}
        )
        SELECT c.idx, c.unit_id, c.absence_type,
               SUM(CASE WHEN c.a <= c.b THEN c.new_spell ELSE 0 END),
               SUM(CASE WHEN c.a <= c.b THEN c.b - c.a + 1 ELSE 0 END),
               SUM(CASE WHEN c.a <= c.b THEN {wd} * c.hours ELSE 0 END),
               COUNT(DISTINCT CASE WHEN c.a <= c.b THEN c.employee_id END)
        FROM c
        GROUP BY c.idx, c.unit_id, c.absence_type
        {all_types}
    """  # noqa: S608
    return sql.fetch(query, params)


def population_rows(
    days: WorkingDays,
    organization: Organization | Organizations,
    periods: list[Period],
    unit_ids: list[int] | None,
    group_of: Grouping = None,
):
    """(period, unit id, employees, weekday count × weekly hours of the employment) per group.

    Employees are first summed per unit and employment clipped to the periods: most share the same
    clipped employment, so the periods are joined to a few hundred groups, not to every employee.
    """
    emp = Employee._meta.db_table
    first, last = epoch_day(min(p.start for p in periods)), epoch_day(max(p.end for p in periods))
    params: list = []
    org_where = _org_where("e", organization, params)
    params.extend([max(p.end for p in periods), min(p.start for p in periods)])
    unit_join, unit_where = _unit_filter(unit_ids, params)
    wd = days.between("c.a", "c.b")
    # Only table names and integers computed here are interpolated; values go in as parameters.
    group_cte, group_join, unit_column = _grouping(group_of)
    query = f"""
        WITH {_periods_cte(periods)}, {group_cte}
        g AS (
            SELECT {unit_column} AS unit_id,
                   {sql.greatest(sql.day_number("e.employment_start"), str(first))} AS es,
                   {sql.least(f"COALESCE({sql.day_number('e.employment_end')}, {FAR})", str(last))} AS ee,
                   SUM({sql.as_float("e.weekly_hours")}) AS hours, COUNT(*) AS n
            FROM {emp} e {group_join} {unit_join}
            WHERE {org_where} AND e.employment_start <= %s
              AND (e.employment_end IS NULL OR e.employment_end >= %s) {unit_where}
            GROUP BY 1, 2, 3
        ),
        c AS (
            SELECT p.idx, g.unit_id, g.hours, g.n,
                   {sql.greatest("g.es", "p.ps")} AS a, {sql.least("g.ee", "p.pe")} AS b
            FROM g JOIN periods p ON g.es <= p.pe AND g.ee >= p.ps
        )
        SELECT c.idx, c.unit_id, SUM(c.n), SUM({wd} * c.hours)
        FROM c WHERE c.a <= c.b
        GROUP BY c.idx, c.unit_id
    """  # noqa: S608
    return sql.fetch(query, params)


def bradford_rows(
    days: WorkingDays,
    organization: Organization,
    as_of: date,
    policy: AdvisoryPolicy,
    unit_ids: list[int] | None,
):
    """(unit id, band index, employees) for employees with a Bradford factor in band 1 or higher.

    B = S² × D over the 52 weeks ending on ``as_of`` (DOMAIN.md 1.7), spells of the policy's Bradford
    types joined as DOMAIN.md 1.3 says (touching, or with the setting on, separated only by non-working
    days): the same figures as ``selectors.bradford_scores``. S counts the registrations that do not
    continue an earlier one, D their days in the window plus joined gaps, per employee in one pass.
    ``days`` must know the working days of the Bradford window. Touching spells (the default) are
    read from the monthly rollups (``_rollup_bradford_rows``), except inside ``reading_raw_rows()``.
    """
    types = policy.types_for("bradford")
    if not types or not policy.bradford_bands:
        return []
    if not policy.join_across_non_working_days and not _READ_RAW.get():
        return _rollup_bradford_rows(organization, as_of, policy, unit_ids)
    reg, emp = AbsenceRegistration._meta.db_table, Employee._meta.db_table
    window_start, _end = bradford_window(as_of)
    ws, we = epoch_day(window_start), epoch_day(as_of)
    params: list = []
    previous_cte = ""
    type_list = ", ".join(["%s"] * len(types))
    if policy.join_across_non_working_days:
        # The previous registration by LAG(); it joins when the gap holds no working day. The gap's
        # days count as absence of the spell, as DOMAIN.md 1.3 joins them.
        previous = f"""LAG(COALESCE({sql.day_number("reg.end_date")}, {FAR})) OVER (
                       PARTITION BY reg.employee_id ORDER BY reg.start_date)"""
        previous_join = ""
        gap_days = days.between("(s.prev_end + 1)", "(s.rs - 1)")
        joined_gap = f"s.prev_end IS NOT NULL AND s.prev_end < s.rs - 1 AND {gap_days} = 0"
        continues = f"CASE WHEN s.prev_end >= s.rs - 1 OR ({joined_gap}) THEN 1 ELSE 0 END"
        extra_days = f"CASE WHEN {joined_gap} THEN s.rs - s.prev_end - 1 ELSE 0 END"
    else:
        # Touching registrations: the previous one ends the day before (at most one; no overlaps). A
        # hash join, no sort. A previous registration outside the window does not count: the spell
        # then starts (for the window) with this one.
        start = sql.day_number("reg.start_date")
        previous = f"CASE WHEN prev.employee_id IS NULL THEN NULL ELSE {start} - 1 END"
        day_before = sql.day_before("reg.start_date")
        previous_cte = _previous_cte(organization, window_start, as_of, unit_ids, types, params) + ","
        previous_join = f"""
            LEFT JOIN prev ON prev.employee_id = reg.employee_id AND prev.end_date = {day_before}"""
        continues = "CASE WHEN s.prev_end IS NOT NULL THEN 1 ELSE 0 END"
        extra_days = "0"
    params.extend([organization.pk, *types, as_of, window_start])
    unit_join, unit_where = _unit_filter(unit_ids, params)
    # Only table names and integers computed here are interpolated; values go in as parameters.
    query = f"""
        WITH {previous_cte} s AS (
            SELECT reg.employee_id, e.unit_id,
                   {sql.day_number("reg.start_date")} AS rs,
                   COALESCE({sql.day_number("reg.end_date")}, {FAR}) AS re,
                   {previous} AS prev_end
            FROM {reg} reg
            JOIN {emp} e ON e.id = reg.employee_id
            {previous_join}
            {unit_join}
            WHERE e.organization_id = %s AND reg.absence_type IN ({type_list})
              AND reg.start_date <= %s AND (reg.end_date IS NULL OR reg.end_date >= %s) {unit_where}
        ),
        p AS (
            SELECT s.employee_id, s.unit_id, SUM(1 - {continues}) AS spells,
                   SUM({sql.least("s.re", str(we))} - {sql.greatest("s.rs", str(ws))} + 1 + {extra_days})
                       AS days
            FROM s GROUP BY s.employee_id, s.unit_id
        )
        {_employees_per_band(policy)}
    """  # noqa: S608
    return sql.fetch(query, params)


def _employees_per_band(policy: AdvisoryPolicy) -> str:
    """SQL: (unit id, band from 1, employees) over ``p`` (employee_id, unit_id, spells, days), the
    band of each employee's score S² × D; band 0 (below the first limit) left out."""
    band_case = " ".join(
        f"WHEN p.spells * p.spells * p.days >= {int(limit)} THEN {index}"
        for index, limit in sorted(enumerate(policy.bradford_bands, start=1), key=lambda item: -item[0])
    )
    return f"""SELECT b.unit_id, b.band, COUNT(*) FROM (
            SELECT p.unit_id, CASE {band_case} ELSE 0 END AS band FROM p
        ) b
        WHERE b.band > 0
        GROUP BY b.unit_id, b.band"""  # noqa: S608 - integers from the policy only


# Bits of the Bradford window's day string on PostgreSQL: its 13 calendar months, 32 bits from the last
# month's first day.
_WINDOW_BITS = 416


def _rollup_bradford_rows(organization: Organization, as_of: date, policy: AdvisoryPolicy, unit_ids):
    """``bradford_rows`` for touching spells, read from the monthly rollups (``AbsenceMonth``, by the
    organisation and month: the same rows read whether the database holds one organisation or a
    hundred) and the ongoing registrations.

    Registrations never overlap, and touching ones (of any of the types) make one spell, so per
    employee the absence days of the types inside the window, as bits per month (the ended ones'
    days OR the ongoing one's), give D as their count and S as their runs: a day absent whose day
    before is not. On PostgreSQL the months' bits are placed in one bit string per employee; on
    SQLite the runs are counted per month, less the month starts that continue the month before's
    last day. A spell begun before the window starts one in it, as the rows count it.

    One difference from the rows, for registrations outside the employment (imports refuse them; the
    generated demo history has some running past an employment's end): the rollups' days stop at the
    employment's ends, as every other figure of the statistics counts them, where the employee's own
    score (``selectors.bradford``) and ``reading_raw_rows()`` count every day of the registration.
    """
    types = policy.types_for("bradford")
    table, reg, emp = AbsenceMonth._meta.db_table, AbsenceRegistration._meta.db_table, Employee._meta.db_table
    window_start, _end = bradford_window(as_of)
    first, last = month_number(window_start), month_number(as_of)
    values = []
    for number in range(first, last + 1):
        start = month_start(number)
        end = last_day_of_month(start)
        inside = day_bits(max(window_start, start).day, min(as_of, end).day)
        values.append(f"({number}, {inside}, {1 << (end.day - 1)}, {epoch_day(start)}, {epoch_day(end)})")
    type_list = ", ".join(["%s"] * len(types))
    # Parameters in the order their placeholders appear: the ongoing registrations, then the rollups.
    params: list = [organization.pk, as_of, *types]
    _join, unit_where = _unit_filter(unit_ids, params)
    params.extend([organization.pk, first, last, *types])
    _join, rollup_unit_where = _unit_filter(unit_ids, params, alias="am")
    days_of = f"""
                SELECT am.employee_id, am.unit_id, s.m, am.days & s.inside AS bits, s.lastbit, s.fd
                FROM {table} am JOIN seg s ON s.m = am.month
                WHERE am.organization_id = %s AND am.month >= %s AND am.month <= %s
                  AND am.absence_type IN ({type_list}) {rollup_unit_where}
                UNION ALL
                SELECT o.employee_id, o.unit_id, s.m,
                       CASE WHEN o.rs <= s.fd THEN s.inside
                            ELSE s.inside & ~((1 << (o.rs - s.fd)) - 1) END,
                       s.lastbit, s.fd
                FROM o JOIN seg s ON o.rs <= s.ld"""  # noqa: S608 - table names and placeholders only
    if sql.postgresql():
        # The window's days as one bit string per employee (day ``d`` of the month beginning on day
        # number ``fd`` is bit ``fd - base + d - 1``): one aggregation, runs across month ends included.
        base = epoch_day(month_start(first))
        if epoch_day(month_start(last)) - base + 32 > _WINDOW_BITS:
            raise ValueError(f"a Bradford window of more than {_WINDOW_BITS} days")
        padding = f"B'0'::bit({_WINDOW_BITS - 32})::varbit"
        spells_days = f"""p AS (
            SELECT q.employee_id, q.unit_id, bit_count(q.b & ~(q.b << 1)) AS spells, bit_count(q.b) AS days
            FROM (
                SELECT u.employee_id, MAX(u.unit_id) AS unit_id,
                       BIT_OR(({padding} || CAST(u.bits AS bit(32))) << (u.fd - {base})) AS b
                FROM ({days_of}) u
                GROUP BY u.employee_id
            ) q
        )"""  # noqa: S608 - integers and a subquery only
    else:
        continued = sql.popcount(f"{sql.bit_or('x.first_bit')} & {sql.bit_or('x.last_bit')}")
        spells_days = f"""b AS (
            SELECT u.employee_id, MAX(u.unit_id) AS unit_id, u.m, {sql.bit_or("u.bits")} AS bits, u.lastbit
            FROM ({days_of}) u
            GROUP BY u.employee_id, u.m, u.lastbit
        ),
        x AS (
            SELECT b.employee_id, b.unit_id,
                   {sql.popcount("b.bits & ~(b.bits << 1)")} AS runs,
                   {sql.popcount("b.bits")} AS days,
                   CASE WHEN (b.bits & 1) <> 0 THEN 1 << (b.m - {first}) ELSE 0 END AS first_bit,
                   CASE WHEN (b.bits & b.lastbit) <> 0 THEN 1 << (b.m - {first} + 1) ELSE 0 END AS last_bit
            FROM b WHERE b.bits <> 0
        ),
        p AS (
            SELECT x.employee_id, MAX(x.unit_id) AS unit_id, SUM(x.runs) - {continued} AS spells,
                   SUM(x.days) AS days
            FROM x GROUP BY x.employee_id
        )"""  # noqa: S608 - integers and a subquery only
    # Only table names and integers computed here are interpolated; values go in as parameters.
    query = f"""
        WITH seg(m, inside, lastbit, fd, ld) AS (VALUES {", ".join(values)}),
        o AS (
            SELECT reg.employee_id, e.unit_id, {sql.day_number("reg.start_date")} AS rs
            FROM {reg} reg JOIN {emp} e ON e.id = reg.employee_id
            WHERE reg.end_date IS NULL AND e.organization_id = %s AND reg.start_date <= %s
              AND reg.absence_type IN ({type_list}) {unit_where}
        ),
        {spells_days}
        {_employees_per_band(policy)}
    """  # noqa: S608
    return sql.fetch(query, params)
