"""Which advisories the sweep must make sure exist (its candidates), read set-based from the spells.

``sweep.py`` runs the sweep and writes what is missing; the date rules themselves (working days, due
days, frequent-absence triggers) are the pure functions of ``spells.py``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Set as AbstractSet
from datetime import date, timedelta
from typing import NamedTuple

from django.db.models import Q

from apps.core import sql
from apps.organizations.models import Organization

from .models import Advisory, AdvisoryPolicy, Spell
from .spells import ONE_DAY, DayPlan, WorkCalendar, add_months, frequent_triggers


class SweepScope(NamedTuple):
    """What a daily sweep needs to look at. ``pending``: the employees whose spells changed since the last
    sweep, each with the first day of the earliest spell that changed. ``since``: the day the previous
    sweep covered. For everyone else only spells still running after ``since`` can have anything new
    due, because every advisory falls on a day of its spell."""

    since: date
    pending: dict[int, date]


class Candidate(NamedTuple):
    """An advisory the sweep would create (a plain tuple: model instances cost too much at scale)."""

    employee_id: int
    spell_id: int
    spell_start: date
    kind: str
    day: int
    due_date: date
    late: bool


SpellRow = tuple[int, int, date, "date | None", bool]  # id, employee, start, end, includes work injury
SPELL_COLUMNS = ("pk", "employee_id", "start_date", "end_date", "includes_work_injury")


class _Rules(NamedTuple):
    """What every part of one sweep shares: the policy and the dates it gives. ``horizon``: spells that
    ended before it, and frequent-absence advisories due before it, give nothing. ``lookback``: the
    earliest end of a spell the frequent-absence rules still count."""

    as_of: date
    policy: AdvisoryPolicy
    calendar: WorkCalendar
    horizon: date
    lookback: date
    short_from: date  # a spell that started on or after this day is short (DOMAIN.md 1.6)
    plan: DayPlan

    @classmethod
    def of(cls, policy: AdvisoryPolicy, as_of: date) -> _Rules:
        horizon = as_of - timedelta(days=policy.late_horizon_days)
        longest = max((int(r["months"]) for r in policy.frequent_rules or []), default=0)
        # The window of a firing due on the horizon reaches back to add_months(horizon, -longest);
        # month ends make that a few days earlier than add_months(as_of, -longest) - the horizon.
        lookback = min(
            horizon,
            add_months(as_of, -longest) - timedelta(days=policy.late_horizon_days),
            add_months(horizon, -longest) - ONE_DAY,
        )
        short_from = as_of - timedelta(days=policy.short_absence_max_days - 1)
        calendar = WorkCalendar.for_policy(policy)
        return cls(as_of, policy, calendar, horizon, lookback, short_from, DayPlan(policy, calendar))

    def is_short(self, start: date, end: date | None) -> bool:
        return (end is not None and (end - start).days < self.policy.short_absence_max_days) or (
            start >= self.short_from
        )

    def day_candidates(self, spells: list[SpellRow], after: date | None = None) -> list[Candidate]:
        """Contact and legal advisories of the spells, only those due after ``after`` if given."""
        candidates = []
        as_of, horizon, due = self.as_of, self.horizon, self.plan.due
        for spell_id, employee_id, start, end, work_injury in spells:
            if end is not None and end < horizon:
                continue
            for kind, day, due_date in due(start, end, as_of, work_injury):
                if after is None or due_date > after:
                    candidates.append(
                        Candidate(employee_id, spell_id, start, kind, day, due_date, due_date < as_of)
                    )
        return candidates

    def frequent_candidates(
        self,
        spells: list[SpellRow],
        *,
        fired: dict[int, dict[int, list[date]]],
        since: date | None = None,
        changed_from: dict[int, date] | None = None,
        growing: AbstractSet[int] = frozenset(),
    ) -> list[Candidate]:
        """Frequent-absence advisories from spells ordered by employee and start.

        ``fired``: employee -> rule number -> the due dates of that rule's advisories already made, in
        order. A rule fires again only more than its months after the previous firing, and a firing
        made earlier counts even when its spells are older than the look-back (or gone by retention).

        The daily run (``since`` given) needs of an employee in ``changed_from`` the firings due on or
        after the day the change reached back to, or after ``since``; of one in ``growing`` (a short
        spell still running after ``since``) those due after ``since``. Without ``since``: all.
        """
        rules = self.policy.frequent_rules or []
        if not rules:
            return []
        changed_from = changed_from or {}
        by_employee: dict[int, list[tuple[int, date, date | None]]] = defaultdict(list)
        starts: dict[int, date] = {}
        max_days, short_from = self.policy.short_absence_max_days, self.short_from
        for spell_id, employee_id, start, end, _work_injury in spells:
            if (end is not None and (end - start).days < max_days) or start >= short_from:  # is_short
                by_employee[employee_id].append((spell_id, start, end))
                starts[spell_id] = start
        candidates = []
        floor = self.horizon - ONE_DAY
        as_of = self.as_of
        for employee_id, employee_spells in by_employee.items():
            limit = floor
            if employee_id in changed_from:
                limit = max(floor, min(changed_from[employee_id] - ONE_DAY, since or floor))
            elif since is not None and employee_id in growing:
                limit = max(floor, since)
            elif since is not None:
                continue  # nothing of theirs changed or ran on: nothing new can be due
            for spell_id, number, due in frequent_triggers(
                employee_spells, rules, as_of, after=limit, fired=fired.get(employee_id)
            ):
                if due > limit:
                    candidates.append(
                        Candidate(
                            employee_id,
                            spell_id,
                            starts[spell_id],
                            Advisory.Kind.FREQUENT,
                            number,
                            due,
                            due < as_of,
                        )
                    )
        return candidates


def _window(queryset, rules: _Rules):
    return (
        queryset.filter(Q(end_date__isnull=True) | Q(end_date__gte=rules.lookback))
        .values_list(*SPELL_COLUMNS)
        .order_by("employee_id", "start_date")
    )


def candidate_advisories(
    organization: Organization,
    as_of: date,
    policy: AdvisoryPolicy,
    scope: SweepScope | None = None,
    employee_range: tuple[int, int] | None = None,
) -> tuple[list[Candidate], int]:
    """The advisories due on ``as_of`` or earlier that a sweep must make sure exist, and the number of
    employees it looked at.

    With no ``scope``: every advisory of everyone. With a scope (the daily run): every advisory of the
    employees whose spells changed; of everyone else only what can have come due since ``scope.since``,
    which is the contact and legal days of running spells and, during a running short spell, the rules
    on days of absence (a rule on the number of spells fires on the first day of a new spell, and a new
    spell is a change).

    With ``employee_range`` (first, last employee id): only the employees in it.
    """
    rules = _Rules.of(policy, as_of)
    org_spells = Spell.objects.filter(employee__organization=organization, start_date__lte=as_of)
    if employee_range is not None:
        org_spells = org_spells.filter(employee_id__gte=employee_range[0], employee_id__lte=employee_range[1])
    if scope is None:
        spells = sql.fetch(_window(org_spells, rules))
        fired = _frequent_firings(organization, None, employee_range) if policy.frequent_rules else {}
        candidates = rules.day_candidates(spells) + rules.frequent_candidates(spells, fired=fired)
        return candidates, len({row[1] for row in spells})
    pending, since = scope.pending, scope.since
    if employee_range is not None:
        first, last = employee_range
        pending = {employee: day for employee, day in pending.items() if first <= employee <= last}
    running = [
        row
        for row in sql.fetch(
            org_spells.filter(Q(end_date__isnull=True) | Q(end_date__gt=since)).values_list(*SPELL_COLUMNS)
        )
        if row[1] not in pending
    ]
    candidates = rules.day_candidates(running, after=since)
    growing: set[int] = set()
    if policy.frequent_rules:
        # A short spell still running after ``since``: a rule on days can be reached during it, and a
        # rule on spells fires on its first day, which may come after the change was swept (a spell
        # registered in advance).
        growing = {row[1] for row in running if rules.is_short(row[2], row[3])}
    followed = sorted(growing.union(pending))
    spells = _spells_of(organization, followed, rules)
    # A changed employee: every advisory from the earliest changed spell on, before it what came due.
    changed = [row for row in spells if row[1] in pending and row[2] >= pending[row[1]]]
    before = [row for row in spells if row[1] in pending and row[2] < pending[row[1]]]
    candidates += rules.day_candidates(changed) + rules.day_candidates(before, after=since)
    if policy.frequent_rules:
        candidates += rules.frequent_candidates(
            spells,
            fired=_frequent_firings(organization, followed),
            since=since,
            changed_from=pending,
            growing=growing,
        )
    return candidates, len(pending) + len({row[1] for row in running})


def _frequent_firings(
    organization: Organization, employee_ids: list[int] | None, employee_range: tuple[int, int] | None = None
) -> dict[int, dict[int, list[date]]]:
    """employee -> rule number -> due dates of the frequent-absence advisories made so far, in order
    (of the organisation's employees, those with an id in ``employee_range``, or of these)."""
    rows = (
        Advisory.objects.filter(kind=Advisory.Kind.FREQUENT)
        .order_by("employee_id", "day", "due_date")
        .values_list("employee_id", "day", "due_date")
    )
    if employee_ids is None:
        rows = rows.filter(employee__organization=organization)
        if employee_range is not None:
            rows = rows.filter(employee_id__gte=employee_range[0], employee_id__lte=employee_range[1])
        found = sql.fetch(rows)
    else:
        found = sql.rows_for_ids(rows, "employee_id", employee_ids)
    fired: dict[int, dict[int, list[date]]] = defaultdict(lambda: defaultdict(list))
    for employee_id, number, due in found:
        fired[employee_id][number].append(due if isinstance(due, date) else date.fromisoformat(due))
    return fired


def _spells_of(organization: Organization, employee_ids: list[int], rules: _Rules) -> list[SpellRow]:
    """The spells of these employees that the rules look at, if they (still) belong to the
    organisation."""
    theirs = Spell.objects.filter(employee__organization=organization, start_date__lte=rules.as_of)
    return sql.rows_for_ids(_window(theirs, rules), "employee_id", employee_ids)
