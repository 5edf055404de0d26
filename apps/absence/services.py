"""Writes of the absence follow-up: registrations, spell derivation, the sweep, status steps, retention,
the access log and the GDPR export. Every function is keyword-only and runs in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple
from uuid import uuid4

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Min, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core import sql
from apps.organizations.models import Organization

from .health import note_check
from .models import (
    LEGAL_MILESTONE_DAYS,
    AbsenceRegistration,
    AbsenceType,
    Adjustment,
    Advisory,
    AdvisoryEvent,
    AdvisoryPolicy,
    ContactForm,
    Employee,
    EmployeeAccessLog,
    FollowUpOutcome,
    ImportJob,
    PendingSweep,
    Spell,
    StatisticsSnapshot,
    StatisticsVersion,
    SweepState,
    overlapping_registrations,
)
from .rollups import rollups_refresh
from .selectors import policy_for
from .spells import ONE_DAY, DayPlan, WorkCalendar, add_months, derive_spells, frequent_triggers
from .statistics import bump_statistics_version, snapshots_to_freeze

logger = logging.getLogger(__name__)

# Rows per INSERT of the access log: a queue page (100) is one, a command-line export of thousands a few.
ACCESS_LOG_BATCH = 2000
OVERLAP_MESSAGE = _("This employee already has absence registered in this period.")


# Registrations --------------------------------------------------------------------------------------


def _validate_registration(
    *,
    employee: Employee,
    absence_type: str,
    start_date: date,
    end_date: date | None,
    fraction: Decimal,
    note: str = "",
    exclude_pk=None,
) -> str:
    """The cleaned note; a ValidationError per field for anything the registration may not hold."""
    errors: dict[str, Any] = {}
    try:
        note = note_check(note)
    except ValidationError as exc:
        errors["note"] = exc.messages
    if absence_type not in AbsenceType.values:
        errors["absence_type"] = _("Unknown absence type.")
    if end_date is not None and end_date < start_date:
        errors["end_date"] = _("The last day cannot be before the first day.")
    if not (Decimal("0") < fraction <= Decimal("1")):
        errors["fraction"] = _("The fraction must be above 0 and at most 1.")
    if start_date < employee.employment_start:
        errors["start_date"] = _("The employment began on %(day)s: there can be no absence before it.") % {
            "day": date_format(employee.employment_start, "SHORT_DATE_FORMAT")
        }
    last_day = employee.employment_end
    # An open end is fine (ongoing sickness of someone leaving): it stops with the employment.
    if (
        last_day is not None
        and max(start_date, end_date or start_date) > last_day
        and "end_date" not in errors
    ):
        field = "start_date" if start_date > last_day else "end_date"
        errors.setdefault(
            field,
            _("The employment ended on %(day)s: the absence cannot run past it.")
            % {"day": date_format(last_day, "SHORT_DATE_FORMAT")},
        )
    if errors:
        raise ValidationError(errors)
    if overlapping_registrations(employee.pk, start_date, end_date, exclude_pk=exclude_pk).exists():
        raise ValidationError({"start_date": OVERLAP_MESSAGE})
    return note


def _lock_employee(employee: Employee) -> Employee:
    # Serialises registrations of one employee so the overlap check cannot race (SQLite has no exclusion
    # constraint; on PostgreSQL the constraint is the last line of defence).
    # FOR NO KEY UPDATE: a sweep inserting advisories for this employee (a foreign-key share lock) need
    # not wait for it.
    return Employee.objects.select_for_update(no_key=True).select_related("organization").get(pk=employee.pk)


def _save_checked(registration: AbsenceRegistration, **kwargs) -> None:
    try:
        with transaction.atomic():
            registration.save(**kwargs)
    except IntegrityError as exc:
        if "no_overlap" in str(exc):
            raise ValidationError({"start_date": OVERLAP_MESSAGE}) from exc
        raise


@transaction.atomic
def absence_register(
    *,
    employee: Employee,
    absence_type: str,
    start_date: date,
    end_date: date | None = None,
    fraction: Decimal = Decimal("1"),
    note: str = "",
) -> AbsenceRegistration:
    employee = _lock_employee(employee)
    note = _validate_registration(
        employee=employee,
        absence_type=absence_type,
        start_date=start_date,
        end_date=end_date,
        fraction=fraction,
        note=note,
    )
    registration = AbsenceRegistration(
        employee=employee,
        absence_type=absence_type,
        start_date=start_date,
        end_date=end_date,
        fraction=fraction,
        note=note,
    )
    _save_checked(registration)
    spells_rederive(employee=employee)
    _sweep_on_commit(employee.organization_id)
    return registration


@transaction.atomic
def absence_update(
    *,
    registration: AbsenceRegistration,
    absence_type: str,
    start_date: date,
    end_date: date | None,
    fraction: Decimal,
    note: str | None = None,
) -> AbsenceRegistration:
    """Change a registration; ``note=None`` keeps its note as it is."""
    employee = _lock_employee(registration.employee)
    note = _validate_registration(
        employee=employee,
        absence_type=absence_type,
        start_date=start_date,
        end_date=end_date,
        fraction=fraction,
        note=registration.note if note is None else note,
        exclude_pk=registration.pk,
    )
    registration.absence_type, registration.start_date = absence_type, start_date
    registration.end_date, registration.fraction, registration.note = end_date, fraction, note
    _save_checked(registration, update_fields=["absence_type", "start_date", "end_date", "fraction", "note"])
    spells_rederive(employee=employee)
    _sweep_on_commit(employee.organization_id)
    return registration


@transaction.atomic
def absence_delete(*, registration: AbsenceRegistration) -> None:
    employee = _lock_employee(registration.employee)
    registration.delete()
    bump_statistics_version(employee.organization_id)
    rollups_refresh(employee_ids=[employee.pk])
    spells_rederive(employee=employee)
    _sweep_on_commit(employee.organization_id)


def _sweep_on_commit(organization_id: int) -> None:
    """Sweep the organisation once the change is committed, so advisories already due show within
    seconds. The change queued its employee, so it is the short daily run. With the broker down the
    save still stands (``robust``): the morning sweep makes the advisory then."""
    from .tasks import sweep_advisories_task

    transaction.on_commit(lambda: sweep_advisories_task.delay(organization_id=organization_id), robust=True)


# Spells ---------------------------------------------------------------------------------------------


def _sync_spells(
    organization_id: int,
    employee_ids: list[int],
    derived: dict[int, list],
    existing: dict[int, dict[date, Spell]],
) -> None:
    """Make the Spell rows match the derived spells, keeping rows (and advisories) whose start persists,
    and queue the employees whose spells changed for the next sweep."""
    to_create: list[Spell] = []
    to_update: list[Spell] = []
    vanished: list[int] = []
    changed: dict[int, date] = {}  # employee -> first day of the earliest spell that changed

    def note(employee_id: int, start: date) -> None:
        changed[employee_id] = min(start, changed.get(employee_id, start))

    for employee_id in employee_ids:
        current = existing.get(employee_id, {})
        fresh = {s.start: s for s in derived.get(employee_id, [])}
        for start, spell in current.items():
            if start not in fresh:
                vanished.append(spell.pk)
                note(employee_id, start)
        for start, new in fresh.items():
            old = current.get(start)
            if old is None:
                note(employee_id, start)
                to_create.append(
                    Spell(
                        employee_id=employee_id,
                        start_date=start,
                        end_date=new.end,
                        includes_work_injury=new.includes_work_injury,
                    )
                )
            elif old.end_date != new.end or old.includes_work_injury != new.includes_work_injury:
                note(employee_id, start)
                old.end_date, old.includes_work_injury = new.end, new.includes_work_injury
                to_update.append(old)
    # Queue first: a writer that must wait for a sweep then waits before it holds any spell.
    sweep_queue_add(organization_id=organization_id, changed=changed)
    if vanished:
        # A correction removed the spell: untouched advisories go, acted-on ones keep their history.
        Advisory.objects.filter(spell_id__in=vanished, status=Advisory.Status.NEW).delete()
        Spell.objects.filter(pk__in=vanished).delete()
    if to_update:
        Spell.objects.bulk_update(to_update, ["end_date", "includes_work_injury"], batch_size=5000)
    if to_create:
        Spell.objects.bulk_create(to_create, batch_size=5000)


@transaction.atomic
def spells_rederive(*, employee: Employee, policy: AdvisoryPolicy | None = None) -> list[Spell]:
    """Re-derive one employee's spells from their registrations (DOMAIN.md 1.3)."""
    policy = policy or policy_for(employee.organization)
    counting = policy.types_for("advisories")
    rows = employee.registrations.values_list("pk", "absence_type", "start_date", "end_date")
    derived = derive_spells(
        rows,
        counting_types=counting,
        join_across_non_working_days=policy.join_across_non_working_days,
        calendar=WorkCalendar.for_policy(policy),
    )
    existing = {s.start_date: s for s in employee.spells.all()}
    _sync_spells(employee.organization_id, [employee.pk], {employee.pk: derived}, {employee.pk: existing})
    return list(employee.spells.order_by("start_date"))


@transaction.atomic
def spells_rederive_many(
    *, organization: Organization, employee_ids: list[int] | None = None, chunk_size: int = 2000
) -> None:
    """Re-derive spells for many employees (imports, the demo, a policy change), in batches.

    Call it in a transaction: on PostgreSQL it first waits for a running sweep of the organisation
    (which holds its sweep state), so a long import and a sweep never lock each other's rows in a
    cycle; sweeps that start meanwhile wait for the import instead.
    """
    sql.lock_shared(SweepState.objects.filter(organization=organization))
    policy = policy_for(organization)
    counting = policy.types_for("advisories")
    calendar = WorkCalendar.for_policy(policy)
    if employee_ids is None:
        employee_ids = list(Employee.objects.filter(organization=organization).values_list("pk", flat=True))
    ids = sorted(set(employee_ids))
    for chunk in sql.chunks(ids, chunk_size):
        rows: dict[int, list] = defaultdict(list)
        for employee_id, *row in AbsenceRegistration.objects.filter(
            employee_id__in=chunk, absence_type__in=counting
        ).values_list("employee_id", "pk", "absence_type", "start_date", "end_date"):
            rows[employee_id].append(tuple(row))
        derived = {
            employee_id: derive_spells(
                rows.get(employee_id, []),
                counting_types=counting,
                join_across_non_working_days=policy.join_across_non_working_days,
                calendar=calendar,
            )
            for employee_id in chunk
        }
        existing: dict[int, dict[date, Spell]] = defaultdict(dict)
        for spell in Spell.objects.filter(employee_id__in=chunk):
            existing[spell.employee_id][spell.start_date] = spell
        _sync_spells(organization.pk, chunk, derived, existing)


@transaction.atomic
def advisory_policy_update(*, policy: AdvisoryPolicy, **fields: Any) -> AdvisoryPolicy:
    """Save the policy; spells are re-derived because the counting types or joining may have changed."""
    for name, value in fields.items():
        setattr(policy, name, value)
    policy.full_clean()
    policy.save()
    spells_rederive_many(organization=policy.organization)
    return policy


# The sweep ------------------------------------------------------------------------------------------


@dataclass
class SweepResult:
    organizations: int = 0
    candidates: int = 0
    created: int = 0
    employees: int = 0  # employees whose spells were looked at
    full: int = 0  # organisations that needed a full sweep (first run, policy change, earlier day)
    by_kind: dict[str, int] = field(default_factory=dict)


class Candidate(NamedTuple):
    """An advisory the sweep would create (a plain tuple: model instances cost too much at scale)."""

    employee_id: int
    spell_id: int
    spell_start: date
    kind: str
    day: int
    due_date: date
    late: bool


# The policy fields the advisories depend on: when any of them changes, the next sweep looks at everyone.
SWEEP_POLICY_FIELDS = (
    "contact_days",
    "day_counting",
    "extra_days_off",
    "join_across_non_working_days",
    "type_settings",
    "frequent_rules",
    "short_absence_max_days",
    "work_injury_report_days",
    "late_horizon_days",
)
# Above this many changed employees one pass over everyone is cheaper than a long list of ids.
DAILY_SCOPE_MAX_PENDING = 10000


def policy_fingerprint(policy: AdvisoryPolicy) -> str:
    data = {name: getattr(policy, name) for name in SWEEP_POLICY_FIELDS}
    data["legal_milestone_days"] = list(LEGAL_MILESTONE_DAYS)
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


class SweepScope(NamedTuple):
    """What a daily sweep needs to look at. ``pending``: the employees whose spells changed since the last
    sweep, each with the first day of the earliest spell that changed. ``since``: the day the previous
    sweep covered. For everyone else only spells still running after ``since`` can have anything new
    due, because every advisory falls on a day of its spell."""

    since: date
    pending: dict[int, date]


def sweep_queue_add(*, organization_id: int, changed: dict[int, date]) -> None:
    """Queue employees whose spells changed for the next sweep, in the transaction of the change.

    The upsert locks a row that is already waiting, so a sweep taking the queue skips it until this
    transaction ends; a row the sweep has just taken makes this wait for the sweep, then comes back.
    """
    if not changed:
        return
    now = timezone.now()
    ids = sorted(changed)  # one lock order for every writer
    PendingSweep.objects.bulk_create(
        [
            PendingSweep(
                employee_id=employee_id,
                organization_id=organization_id,
                marked_at=now,
                changed_from=changed[employee_id],
            )
            for employee_id in ids
        ],
        update_conflicts=True,
        unique_fields=["employee"],
        update_fields=["marked_at", "organization"],
        batch_size=5000,
    )
    # A row that was waiting already keeps the earlier day (many different days: the earliest for all).
    by_day: dict[date, list[int]] = defaultdict(list)
    for employee_id in ids:
        by_day[changed[employee_id]].append(employee_id)
    if len(by_day) > 20:
        by_day = {min(by_day): ids}
    for day, employee_ids in by_day.items():
        for chunk in sql.chunks(employee_ids):
            PendingSweep.objects.filter(employee_id__in=chunk, changed_from__gt=day).update(changed_from=day)


def _take_pending(organization: Organization) -> dict[int, date]:
    """Delete and return the organisation's queued employees that no writer holds. The statements after
    this one see every spell change whose row it took (READ COMMITTED); a row a writer holds stays for
    the next sweep, since that writer's changes are not visible yet."""
    taken = sql.delete_returning(
        PendingSweep.objects.filter(organization=organization), "employee_id", "changed_from"
    )
    return {
        employee_id: day if isinstance(day, date) else date.fromisoformat(day) for employee_id, day in taken
    }


def _sweep_begin(
    organization: Organization, as_of: date, fingerprint: str, *, full: bool
) -> tuple[SweepState, SweepScope | None, bool]:
    """Lock the organisation's sweep state (sweeps of one organisation run one after the other) and
    decide what this sweep must look at. Returns (state, scope or None for everyone, moves_forward)."""
    SweepState.objects.bulk_create([SweepState(organization=organization)], ignore_conflicts=True)
    state = SweepState.objects.select_for_update().get(organization=organization)
    if state.swept_through is not None and as_of < state.swept_through:
        # A run for an earlier day (a catch-up or a test): look at everyone, leave queue and state alone.
        return state, None, False
    pending = _take_pending(organization)
    if (
        full
        or state.swept_through is None
        or state.policy_fingerprint != fingerprint
        or len(pending) > DAILY_SCOPE_MAX_PENDING
    ):
        return state, None, True
    return state, SweepScope(state.swept_through, pending), True


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
        growing: set[int] = frozenset(),
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


def _candidate_advisories(
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
    rows = Advisory.objects.filter(kind=Advisory.Kind.FREQUENT).order_by("employee_id", "day", "due_date")
    rows = rows.values_list("employee_id", "day", "due_date")
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


def _create_missing(candidates: list[Candidate]) -> int:
    """Insert the candidates that do not exist yet, skipping any made meanwhile; returns how many were
    new. Reading the (spell, kind, day) that exist is far cheaper than sending every candidate to the
    database to be refused there."""
    existing = set(
        sql.rows_for_ids(
            Advisory.objects.values_list("spell_id", "kind", "day"),
            "spell_id",
            {c.spell_id for c in candidates},
        )
    )
    now = timezone.now()
    return sql.insert_new_rows(
        Advisory,
        [*Candidate._fields, "status", "created_at", "updated_at"],
        [
            (*c, Advisory.Status.NEW, now, now)
            for c in candidates
            if (c.spell_id, c.kind, c.day) not in existing
        ],
        unique=("spell_id", "kind", "day"),
    )


SWEEP_ATTEMPTS = 3


SWEEP_CHUNK_EMPLOYEES = 5000  # a sweep that looks at more employees than this goes through them in slices


def _employee_ranges(organization: Organization, size: int) -> list[tuple[int, int]]:
    """The organisation's employee ids as (first, last) ranges of ``size`` employees each."""
    ids = list(Employee.objects.filter(organization=organization).order_by("pk").values_list("pk", flat=True))
    return [(chunk[0], chunk[-1]) for chunk in sql.chunks(ids, size)]


def _sweep_organization(
    organization: Organization, as_of: date, *, full: bool
) -> tuple[SweepScope | None, Counter, int, int]:
    """Sweep one organisation; returns (scope, candidates by kind, employees looked at, created).

    A full sweep, or a daily one after a big import, goes through the employees a slice at a time
    (their candidates depend only on their own spells and advisories), so its memory stays flat in the
    organisation's size."""
    policy = policy_for(organization)
    fingerprint = policy_fingerprint(policy)
    state, scope, forward = _sweep_begin(organization, as_of, fingerprint, full=full)
    if scope is None or len(scope.pending) > SWEEP_CHUNK_EMPLOYEES:
        ranges: list[tuple[int, int] | None] = list(_employee_ranges(organization, SWEEP_CHUNK_EMPLOYEES))
    else:
        ranges = [None]
    by_kind: Counter = Counter()
    employees = created = 0
    for employee_range in ranges:
        candidates, looked_at = _candidate_advisories(organization, as_of, policy, scope, employee_range)
        created += _create_missing(candidates)
        by_kind.update(c.kind for c in candidates)
        employees += looked_at
    if forward:
        state.swept_through = max(as_of, state.swept_through or as_of)
        state.policy_fingerprint = fingerprint
        state.swept_at = timezone.now()
        state.save()
    return scope, by_kind, employees, created


def advisory_sweep(
    *, as_of: date, organization: Organization | None = None, notify: bool = True, full: bool = False
) -> SweepResult:
    """Create every advisory that is due on ``as_of`` or earlier and does not exist yet.

    Set-based and idempotent: the candidates are computed from the spells and inserted with
    ``ON CONFLICT DO NOTHING`` on the unique (spell, kind, day), so a second or concurrent run adds
    nothing and loses nothing. Each organisation runs in its own transaction, and sweeps of one
    organisation wait for each other on its ``SweepState`` row.

    The daily run looks only at the employees whose spells changed since the previous sweep and at
    spells that ran past the day it covered (``SweepScope``); ``full=True``, a first run, a changed
    policy or a run for an earlier day than the last one looks at everyone.
    """
    result = SweepResult()
    organizations = (
        [organization]
        if organization is not None
        else list(Organization.objects.filter(employees__isnull=False).distinct())
    )
    for org in organizations:
        for attempt in range(1, SWEEP_ATTEMPTS + 1):
            try:
                with transaction.atomic():
                    scope, by_kind, employees, created = _sweep_organization(org, as_of, full=full)
                break
            except (IntegrityError, OperationalError):
                # A correction deleted a spell between our read and our insert, or the database broke a
                # lock cycle: nothing was written, so the same run starts over.
                if attempt == SWEEP_ATTEMPTS:
                    raise
        result.organizations += 1
        result.full += scope is None
        result.employees += employees
        result.candidates += sum(by_kind.values())
        result.created += max(created, 0)
        for kind, count in by_kind.items():
            result.by_kind[kind] = result.by_kind.get(kind, 0) + count
        advisory_notify_leaders(organization=org, send=notify)
    return result


# The full re-sweep in partitions, shared by workers ------------------------------------------------


class SweepPartition(NamedTuple):
    organization_id: int
    first_employee_id: int
    last_employee_id: int


@dataclass
class PartitionedSweep:
    """A full re-sweep split into partitions (an organisation's employees, SWEEP_CHUNK_EMPLOYEES at a
    time); ``fingerprints`` are the organisations' policies when it began."""

    as_of: date
    partitions: list[SweepPartition]
    fingerprints: dict[int, str]
    forward: list[int]  # organisations whose sweep state moves to ``as_of`` when it is finished


def advisory_sweep_plan(
    *, as_of: date, organization: Organization | None = None, size: int | None = None
) -> PartitionedSweep:
    """Begin a full re-sweep of one organisation or all: take each one's queue of changes (the
    partitions look at everyone, so they cover them) and cut its employees into partitions. Changes
    made while the partitions run are queued again by the services and taken by the next sweep."""
    size = size or SWEEP_CHUNK_EMPLOYEES
    organizations = (
        [organization]
        if organization is not None
        else list(Organization.objects.filter(employees__isnull=False).distinct().order_by("pk"))
    )
    plan = PartitionedSweep(as_of=as_of, partitions=[], fingerprints={}, forward=[])
    for org in organizations:
        with transaction.atomic():
            fingerprint = policy_fingerprint(policy_for(org))
            _state, _scope, forward = _sweep_begin(org, as_of, fingerprint, full=True)
        plan.fingerprints[org.pk] = fingerprint
        if forward:
            plan.forward.append(org.pk)
        plan.partitions += [
            SweepPartition(org.pk, first, last) for first, last in _employee_ranges(org, size)
        ]
    return plan


def advisory_sweep_partition(*, partition: SweepPartition, as_of: date) -> dict[str, int]:
    """One partition of a full re-sweep: every advisory due of these employees that does not exist yet.
    Idempotent (ON CONFLICT DO NOTHING), so a partition run twice or beside a daily sweep adds nothing
    twice."""
    organization = Organization.objects.get(pk=partition.organization_id)
    employee_range = (partition.first_employee_id, partition.last_employee_id)
    for attempt in range(1, SWEEP_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                policy = policy_for(organization)
                candidates, employees = _candidate_advisories(
                    organization, as_of, policy, None, employee_range
                )
                created = _create_missing(candidates)
            break
        except (IntegrityError, OperationalError):
            if attempt == SWEEP_ATTEMPTS:
                raise
    return {"created": max(created, 0), "candidates": len(candidates), "employees": employees}


def advisory_sweep_finish(
    plan: PartitionedSweep, outcomes: list[dict[str, int]], *, notify: bool = True
) -> SweepResult:
    """After every partition: move the sweep states on (unless a policy changed meanwhile, so the next
    sweep looks at everyone again) and mail the leaders once."""
    result = SweepResult(organizations=len(plan.fingerprints), full=len(plan.fingerprints))
    for outcome in outcomes:
        result.created += outcome["created"]
        result.candidates += outcome["candidates"]
        result.employees += outcome["employees"]
    for organization_id in plan.forward:
        with transaction.atomic():
            state = SweepState.objects.select_for_update().get(organization_id=organization_id)
            state.swept_through = max(plan.as_of, state.swept_through or plan.as_of)
            state.policy_fingerprint = plan.fingerprints[organization_id]
            state.swept_at = timezone.now()
            state.save()
    for organization in Organization.objects.filter(pk__in=plan.fingerprints):
        advisory_notify_leaders(organization=organization, send=notify)
    return result


def advisory_sweep_partitioned(
    *, as_of: date, organization: Organization | None = None, size: int | None = None, notify: bool = True
) -> SweepResult:
    """The full re-sweep, partition after partition in this process: exactly what the workers do in
    parallel (``tasks.sweep_advisories_partitioned_task``), and the reference their result is tested
    against."""
    plan = advisory_sweep_plan(as_of=as_of, organization=organization, size=size)
    outcomes = [advisory_sweep_partition(partition=p, as_of=as_of) for p in plan.partitions]
    return advisory_sweep_finish(plan, outcomes, notify=notify)


@transaction.atomic
def advisory_notify_leaders(*, organization: Organization, send: bool = True) -> int:
    """Email each leader once about their new contact advisories; returns the number of emails.

    Rows are claimed with SELECT ... FOR UPDATE SKIP LOCKED and stamped, so concurrent sweeps never
    mail the same advisory twice. The mail names no absence type and no health detail.
    """
    claimed = list(
        Advisory.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(employee__organization=organization, kind=Advisory.Kind.CONTACT, notified_at__isnull=True)
        .values_list("pk", "employee__leader_id")
    )
    if not claimed:
        return 0
    now = timezone.now()
    ids = [pk for pk, _leader in claimed]
    for chunk in sql.chunks(ids, 10000):  # keeps each statement under the bind-parameter limit
        Advisory.objects.filter(pk__in=chunk).update(notified_at=now)
    per_leader: dict[int, int] = defaultdict(int)
    for _pk, leader_id in claimed:
        if leader_id is not None:
            per_leader[leader_id] += 1
    if not send or not per_leader:
        return 0
    transaction.on_commit(lambda: _send_leader_mails(organization.pk, dict(per_leader)))
    return len(per_leader)


def _send_leader_mails(organization_id: int, per_leader: dict[int, int]) -> None:
    from apps.organizations.models import User

    organization = Organization.objects.get(pk=organization_id)
    path = reverse("absence:my_queue", args=[organization.slug])
    base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
    for leader in User.objects.filter(pk__in=per_leader, is_active=True):
        with translation.override(leader.language or organization.language or settings.LANGUAGE_CODE):
            subject = gettext("An employee of yours has an advisory due")
            body = gettext(
                "One or more of your employees has a follow-up advisory due in the cooperation portal "
                "(%(count)d new). Open your list of advisories to see what to do:\n\n%(url)s\n"
            ) % {"count": per_leader[leader.pk], "url": f"{base}{path}"}
        send_mail(subject, body, None, [leader.email], fail_silently=True)


# Status steps ---------------------------------------------------------------------------------------


def _follow_up_errors(
    *, contact_form: str, outcome: str, adjustments: list[str], note: str
) -> tuple[dict[str, list[str]], str]:
    errors: dict[str, list[str]] = {}
    if contact_form and contact_form not in ContactForm.values:
        errors["contact_form"] = [gettext("Unknown contact form.")]
    if outcome and outcome not in FollowUpOutcome.values:
        errors["outcome"] = [gettext("Unknown outcome.")]
    if any(code not in Adjustment.values for code in adjustments):
        errors["adjustments"] = [gettext("Unknown adjustment.")]
    elif Adjustment.NONE in adjustments and len(adjustments) > 1:
        errors["adjustments"] = [gettext("“None” cannot be chosen together with an adjustment.")]
    try:
        note = note_check(note)
    except ValidationError as exc:
        errors["note"] = exc.messages
    return errors, note


@transaction.atomic
def advisory_step(
    *,
    advisory: Advisory,
    to_status: str,
    by,
    contact_form: str = "",
    outcome: str = "",
    adjustments: list[str] | tuple[str, ...] = (),
    next_contact: date | None = None,
    note: str = "",
) -> Advisory:
    """Move an advisory forward (new → seen → contact made → conversation held → closed), recording
    what the follow-up found in structured fields and a short note that holds no health details."""
    advisory = Advisory.objects.select_for_update().get(pk=advisory.pk)
    order = list(Advisory.Status.values)
    errors, note = _follow_up_errors(
        contact_form=contact_form, outcome=outcome, adjustments=list(adjustments), note=note
    )
    if to_status not in order or order.index(to_status) <= order.index(advisory.status):
        errors["status"] = [gettext("This advisory cannot move to that status.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    AdvisoryEvent.objects.create(
        advisory=advisory,
        from_status=advisory.status,
        to_status=to_status,
        contact_form=contact_form,
        outcome=outcome,
        adjustments=list(adjustments),
        next_contact=next_contact,
        note=note,
        by=by,
        at=now,
    )
    advisory.status = to_status
    advisory.save(update_fields=["status", "updated_at"])
    return advisory


@transaction.atomic
def advisories_mark_seen(*, advisories: Iterable[Advisory], by) -> list[Advisory]:
    """Mark several advisories seen at once, each through ``advisory_step`` (its event, its checks), in
    one transaction: all of them or none. Those already seen or further along are left as they are.
    Returns the advisories that moved."""
    ids = [advisory.pk for advisory in advisories]
    # Locked in one go, in a fixed order, so that two people ticking overlapping rows cannot deadlock.
    waiting = list(
        Advisory.objects.select_for_update().filter(pk__in=ids, status=Advisory.Status.NEW).order_by("pk")
    )
    return [advisory_step(advisory=advisory, to_status=Advisory.Status.SEEN, by=by) for advisory in waiting]


@transaction.atomic
def advisories_assign(*, advisories: Iterable[Advisory], leader) -> int:
    """Set the leader who follows these advisories up (in their queue, beside the employee's own
    leader's name). Returns the number of advisories assigned."""
    ids = [advisory.pk for advisory in advisories]
    return Advisory.objects.filter(pk__in=ids).update(assigned_leader=leader, updated_at=timezone.now())


@transaction.atomic
def advisory_note_review(*, event: AdvisoryEvent, note: str, by) -> AdvisoryEvent:
    """HR's decision on a note from before the health-text check: keep it (checked like any new note),
    shorten or rewrite it, or clear it. Either way it is no longer flagged and leaders see it again."""
    event = AdvisoryEvent.objects.select_for_update().get(pk=event.pk)
    if not event.note_needs_review:
        raise ValidationError({"note": gettext("This note has already been reviewed.")})
    try:
        event.note = note_check(note)
    except ValidationError as exc:
        raise ValidationError({"note": exc.messages}) from exc
    event.note_needs_review = False
    event.note_reviewed_by, event.note_reviewed_at = by, timezone.now()
    event.save(update_fields=["note", "note_needs_review", "note_reviewed_by", "note_reviewed_at"])
    return event


# Privacy --------------------------------------------------------------------------------------------


@transaction.atomic
def access_log_record(
    *,
    employees: Iterable[Employee | int],
    user,
    action: str,
    where: str,
    via: str = EmployeeAccessLog.Via.PORTAL,
) -> int:
    """Log that ``user`` saw these employees' absence data: one row per employee, however often they
    appear, in one INSERT whatever the number of rows. ``user`` is None for the command line.
    Returns the number of rows written."""
    ids = dict.fromkeys(e if isinstance(e, int) else e.pk for e in employees)
    label = user.email if user is not None else ""
    now = timezone.now()
    EmployeeAccessLog.objects.bulk_create(
        [
            EmployeeAccessLog(
                employee_id=pk, user=user, user_label=label, action=action, via=via, where=where, at=now
            )
            for pk in ids
        ],
        batch_size=ACCESS_LOG_BATCH,
    )
    return len(ids)


@transaction.atomic
def employee_data_export(*, employee: Employee, by, where: str) -> bytes:
    """Everything the portal holds about one employee, as one JSON file (GDPR art. 15), including
    who looked at their absence data (this export too)."""
    access_log_record(employees=[employee], user=by, action=EmployeeAccessLog.Action.GDPR_EXPORT, where=where)
    data = {
        "exported_at": timezone.now(),
        "organization": employee.organization.name,
        "employee": {
            "employee_number": employee.employee_number,
            "name": employee.name,
            "unit": employee.unit.code,
            "leader": employee.leader.email if employee.leader_id else None,
            "weekly_hours": employee.weekly_hours,
            "employment_start": employee.employment_start,
            "employment_end": employee.employment_end,
        },
        "registrations": list(
            employee.registrations.order_by("start_date").values(
                "absence_type", "start_date", "end_date", "fraction", "note", "created_at"
            )
        ),
        "spells": list(employee.spells.order_by("start_date").values("start_date", "end_date")),
        "advisories": [
            {
                "spell_start": a.spell_start,
                "kind": a.kind,
                "day": a.day,
                "due_date": a.due_date,
                "status": a.status,
                "late": a.late,
                "steps": [
                    {
                        "from": e.from_status,
                        "to": e.to_status,
                        "contact_form": e.contact_form,
                        "outcome": e.outcome,
                        "adjustments": e.adjustments,
                        "next_contact": e.next_contact,
                        "note": e.note,
                        "note_awaits_review": e.note_needs_review,
                        "by": str(e.by or ""),
                        "at": e.at,
                    }
                    for e in a.events.all()
                ],
            }
            for a in employee.advisories.order_by("due_date").prefetch_related("events__by")
        ],
        "access_log": [
            {
                "at": entry.at,
                "user": entry.who,
                "user_email": entry.user.email if entry.user_id else entry.user_label,
                "action": entry.action,
                "what": entry.get_action_display(),
                "via": entry.via,
                "where": entry.where,
            }
            for entry in employee.access_log.select_related("user").order_by("at", "pk")
        ],
    }
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


# Retention ------------------------------------------------------------------------------------------


@dataclass
class RetentionResult:
    registrations: int = 0
    advisories: int = 0
    spells: int = 0
    employees: int = 0
    snapshots: int = 0


@transaction.atomic
def retention_apply(*, as_of: date, organization: Organization | None = None) -> RetentionResult:
    """Delete individual absence data older than the organisation's retention period (DOMAIN.md 1.9).

    First the figures of every period the deletion would change are frozen from the rows
    (``statistics.snapshots_to_freeze``, aggregates only); the statistics read them for windows that
    begin before the cut-off, so every figure stays as it was. Registrations that ended before the
    cut-off go, and employees whose employment ended before it go entirely. Safe to run twice, daily or
    after a long pause: each run freezes only the periods no earlier run froze.
    """
    result = RetentionResult()
    organizations = (
        [organization]
        if organization
        else list(Organization.objects.filter(employees__isnull=False).distinct())
    )
    for org in organizations:
        policy = policy_for(org)
        try:
            cutoff = as_of.replace(year=as_of.year - policy.retention_years)
        except ValueError:
            cutoff = as_of.replace(year=as_of.year - policy.retention_years, day=28)
        # One run per organisation at a time: a second one would freeze figures from rows being deleted.
        version, _created = StatisticsVersion.objects.select_for_update().get_or_create(
            organization=org, defaults={"token": uuid4().hex}
        )
        gone_employees = Employee.objects.filter(organization=org, employment_end__lt=cutoff)
        old = AbsenceRegistration.objects.filter(employee__organization=org).filter(
            Q(end_date__lt=cutoff) | Q(employee__in=gone_employees)
        )
        firsts = [
            old.aggregate(first=Min("start_date"))["first"],
            gone_employees.aggregate(first=Min("employment_start"))["first"],
        ]
        snapshots = snapshots_to_freeze(org, cutoff, min((d for d in firsts if d), default=None))
        StatisticsSnapshot.objects.bulk_create(snapshots, batch_size=200)
        result.snapshots += len(snapshots)
        keeping = set(old.exclude(employee__in=gone_employees).values_list("employee_id", flat=True))
        result.registrations += old.delete()[1].get(AbsenceRegistration._meta.label, 0)
        rollups_refresh(employee_ids=keeping)  # those who go lose theirs with them
        result.advisories += (
            Advisory.objects.filter(employee__organization=org)
            .filter(
                Q(spell__end_date__lt=cutoff)
                | Q(spell__isnull=True, due_date__lt=cutoff)
                | Q(employee__in=gone_employees)
            )
            .delete()[1]
            .get(Advisory._meta.label, 0)
        )
        # The employees who stay lose old spells that frequent-absence rules may still count: the next
        # daily sweep looks at them again, as a sweep over everyone would.
        sweep_queue_add(
            organization_id=org.pk,
            changed=dict(
                Spell.objects.filter(employee__organization=org, end_date__lt=cutoff)
                .exclude(employee__in=gone_employees)
                .values("employee_id")
                .annotate(first=Min("start_date"))
                .values_list("employee_id", "first")
            ),
        )
        result.spells += (
            Spell.objects.filter(employee__organization=org)
            .filter(Q(end_date__lt=cutoff) | Q(employee__in=gone_employees))
            .delete()[1]
            .get(Spell._meta.label, 0)
        )
        EmployeeAccessLog.objects.filter(employee__organization=org, at__date__lt=cutoff).delete()
        result.employees += gone_employees.delete()[1].get(Employee._meta.label, 0)
        version.token = uuid4().hex  # as bump_statistics_version: cached figures are not read again
        version.raw_data_from = max(cutoff, version.raw_data_from or cutoff)
        version.save(update_fields=["token", "raw_data_from"])
    return result


# Import jobs (web imports run by the worker) ---------------------------------------------------------

IMPORT_PREVIEW_ROWS = 200  # good rows, and bad rows, kept for the preview page
IMPORT_PROGRESS_KEY = "absence:import-job:{pk}:progress"


class ImportQueueUnavailable(Exception):
    """The job could not be handed to the worker (the broker is unreachable)."""


def _send_or_raise(task, job_id: int) -> None:
    from kombu.exceptions import OperationalError as BrokerError

    try:
        task.delay(job_id)
    except (BrokerError, OSError) as error:
        logger.warning("import job %s could not be queued: %s", job_id, error)
        raise ImportQueueUnavailable from error


def _job_file_drop(job: ImportJob) -> None:
    """The stored payroll file goes as soon as it is no longer needed (finished, refused, discarded)."""
    if job.file:
        job.file.delete(save=False)
    job.file = ""


def _job_fail(job_id: int, reason: str) -> ImportJob:
    job = ImportJob.objects.select_related("organization", "uploaded_by").get(pk=job_id)
    _job_file_drop(job)
    job.status = ImportJob.Status.FAILED
    job.failure = reason
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "status", "failure", "finished_at"])
    return job


def _job_language(job: ImportJob) -> str:
    user = job.uploaded_by
    return (user.language if user is not None else "") or job.organization.language


def _job_mail(job: ImportJob, template: str) -> None:
    """Tell the uploader how the job went: counts and a link, never a name, number or absence."""
    from django.template.loader import render_to_string

    from .imports import KINDS

    user = job.uploaded_by
    if user is None or not user.email:
        return
    with translation.override(_job_language(job)):
        base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
        context = {
            "job": job,
            "kind": KINDS.get(job.kind, job.kind),
            "organization": job.organization,
            "url": base + reverse("absence:import_job", args=[job.organization.slug, job.pk]),
        }
        subject = render_to_string(f"absence/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"absence/email/{template}.txt", context)
    send_mail(subject, body, None, [user.email], fail_silently=True)


@transaction.atomic
def import_job_start(*, organization: Organization, kind: str, upload, user) -> ImportJob:
    """Store the uploaded file and have the worker check it once this transaction has committed.

    Raises ``ImportQueueUnavailable`` (after the commit) when the broker refuses the job: the job is then
    marked failed and its file deleted, so nothing waits for ever.
    """
    from .tasks import check_import_job_task

    job = ImportJob(organization=organization, kind=kind, uploaded_by=user, filename=upload.name[:255])
    job.file.save(upload.name, upload, save=False)
    job.save()

    def send() -> None:
        try:
            _send_or_raise(check_import_job_task, job.pk)
        except ImportQueueUnavailable:
            _job_fail(job.pk, gettext("The job queue was not reachable, so the file was not checked."))
            raise

    transaction.on_commit(send)
    return job


def import_job_check(*, job_id: int) -> ImportJob:
    """The worker's first step: read and validate the stored file (nothing is written to the data), keep
    the counts and the first rows for the preview, and mail the uploader.

    Not one transaction on purpose: each progress step is committed so the page polling the job sees
    the bar move.
    """
    from .imports import parse_import

    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.CHECKING, rows_done=0, rows_total=0
    )
    job = ImportJob.objects.select_related("organization", "uploaded_by").get(pk=job_id)
    if not claimed:  # checked already, or being checked by another copy of the task
        return job

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(
            rows_done=done, rows_total=total, heartbeat_at=timezone.now()
        )

    try:
        with job.file.open("rb") as stored, translation.override(_job_language(job)):
            plan = parse_import(job.organization, job.kind, stored.file, job.filename, progress=progress)
            bad, good = plan.preview(limit=IMPORT_PREVIEW_ROWS)
            messages = [str(m) for m in plan.messages()]
    except Exception:
        logger.exception("import job %s could not be checked", job_id)
        job = _job_fail(job_id, gettext("The file could not be checked. Nothing was imported."))
        _job_mail(job, "import_failed")
        return job
    job.refresh_from_db(fields=["rows_done", "rows_total"])
    job.counts = {**plan.counts(), "rows": plan.row_count}
    job.file_error = messages[0] if plan.file_error else ""
    job.error_total = job.counts["bad"]
    job.row_errors = [
        {**row, "reasons": [str(r) for r in row["reasons"]]} for row in bad[:IMPORT_PREVIEW_ROWS]
    ]
    job.preview_rows = good
    job.status = ImportJob.Status.CHECKED
    job.checked_at = timezone.now()
    if not plan.ok:
        _job_file_drop(job)  # refused: the uploader corrects the file and uploads it again
    job.save()
    _job_mail(job, "import_checked")
    return job


@transaction.atomic
def import_job_confirm(*, job: ImportJob) -> ImportJob:
    """The uploader confirms a checked file: the worker imports it once this has committed. With the
    broker down the job goes back to checked (``ImportQueueUnavailable``), so it can be confirmed later."""
    from .tasks import apply_import_job_task

    updated = ImportJob.objects.filter(
        pk=job.pk, status=ImportJob.Status.CHECKED, error_total=0, file_error=""
    ).update(status=ImportJob.Status.IMPORTING, rows_done=0, heartbeat_at=timezone.now())
    if not updated:
        raise ValidationError(_("This file cannot be imported (any more)."))
    job.status, job.rows_done = ImportJob.Status.IMPORTING, 0

    def send() -> None:
        try:
            _send_or_raise(apply_import_job_task, job.pk)
        except ImportQueueUnavailable:
            ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.IMPORTING).update(
                status=ImportJob.Status.CHECKED
            )
            raise

    transaction.on_commit(send)
    return job


def import_job_apply(*, job_id: int) -> ImportJob:
    """The worker's second step: validate again and write, in one transaction (all or nothing, as the
    command-line import). Progress goes to the cache: the rows of an open transaction are invisible to
    the page that polls."""
    from django.core.cache import cache

    from .imports import import_file

    key = IMPORT_PROGRESS_KEY.format(pk=job_id)

    def progress(done: int, total: int) -> None:
        cache.set(key, [done, total], 3600)

    try:
        with transaction.atomic():
            job = (
                ImportJob.objects.select_for_update(of=("self",))
                .select_related("organization", "uploaded_by")
                .get(pk=job_id)
            )
            if job.status != ImportJob.Status.IMPORTING:  # done already by another copy of the task
                return job
            with job.file.open("rb") as stored, translation.override(_job_language(job)):
                plan, result = import_file(
                    organization=job.organization,
                    kind=job.kind,
                    data=stored.file,
                    filename=job.filename,
                    progress=progress,
                )
                bad = plan.preview(limit=IMPORT_PREVIEW_ROWS)[0] if result is None else []
                messages = [str(m) for m in plan.messages()]
            _job_file_drop(job)
            job.finished_at = timezone.now()
            if result is None:
                # The data changed since the check (someone registered an overlapping absence): refused
                # as a whole, with the rows that are now wrong.
                job.status = ImportJob.Status.CHECKED
                job.counts = {**plan.counts(), "rows": plan.row_count}
                job.file_error = messages[0] if plan.file_error else ""
                job.error_total = job.counts["bad"]
                job.row_errors = [
                    {**row, "reasons": [str(r) for r in row["reasons"]]} for row in bad[:IMPORT_PREVIEW_ROWS]
                ]
                job.preview_rows = []
            else:
                job.status = ImportJob.Status.DONE
                job.created, job.updated = result.created, result.updated
                job.unchanged, job.advisories = result.unchanged, result.advisories
                job.rows_done = job.rows_total
                job.preview_rows, job.row_errors = [], []  # the rows are in the data now
            job.save()
    except Exception:
        logger.exception("import job %s could not be imported", job_id)
        job = _job_fail(job_id, gettext("The import failed. Nothing was imported."))
        _job_mail(job, "import_failed")
        return job
    finally:
        cache.delete(key)
    _job_mail(job, "import_done" if job.status == ImportJob.Status.DONE else "import_checked")
    return job


@transaction.atomic
def import_job_discard(*, job: ImportJob) -> None:
    """The uploader drops a checked or finished job; its file goes with it."""
    if job.is_running and job.status != ImportJob.Status.QUEUED:
        raise ValidationError(_("The file is being checked or imported; wait until it is finished."))
    _job_file_drop(job)
    job.delete()


IMPORT_STALE_AFTER = timedelta(minutes=15)  # no sign of life for this long: the worker lost the job
IMPORT_MAX_ATTEMPTS = 2  # times a stuck job is sent again before it is failed


def import_jobs_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Jobs stuck in the queue or in a worker that died are sent again, then failed (the beat runs this
    every few minutes). A job shows life by its heartbeat (upload, each progress step of the check,
    confirmation); a job being imported holds its row locked for the whole write, so it is left alone
    while its worker lives, however long the file. A failed job's file is deleted and its uploader told.
    Returns {"resent": n, "failed": n}."""
    from .tasks import apply_import_job_task, check_import_job_task

    now = now or timezone.now()
    outcome = {"resent": 0, "failed": 0}
    stale = ImportJob.objects.filter(status__in=ImportJob.RUNNING, heartbeat_at__lt=now - IMPORT_STALE_AFTER)
    for job_id in stale.values_list("pk", flat=True):
        with transaction.atomic():
            job = (
                ImportJob.objects.select_for_update(skip_locked=True)
                .filter(pk=job_id, status__in=ImportJob.RUNNING, heartbeat_at__lt=now - IMPORT_STALE_AFTER)
                .first()
            )
            if job is None:  # being imported right now (its worker holds the row), or moved on
                continue
            if job.attempts >= IMPORT_MAX_ATTEMPTS:
                failed = True
            else:
                failed = False
                job.attempts += 1
                job.heartbeat_at = now
                if job.status == ImportJob.Status.CHECKING:
                    job.status = ImportJob.Status.QUEUED  # the check starts again from the file
                job.save(update_fields=["attempts", "heartbeat_at", "status"])
                task = (
                    apply_import_job_task
                    if job.status == ImportJob.Status.IMPORTING
                    else check_import_job_task
                )
                transaction.on_commit(lambda task=task, pk=job.pk: task.delay(pk))
        if failed:
            job = _job_fail(
                job_id,
                gettext(
                    "The worker stopped before the file was finished. Nothing was imported; upload it again."
                ),
            )
            _job_mail(job, "import_failed")
            outcome["failed"] += 1
        else:
            outcome["resent"] += 1
    if outcome["resent"] or outcome["failed"]:
        logger.warning("stuck import jobs: %(resent)d sent again, %(failed)d failed", outcome)
    return outcome


def import_job_progress(job: ImportJob) -> tuple[int, int]:
    """(rows done, rows in all) of a job: from the job, or from the cache while it is being imported."""
    if job.status == ImportJob.Status.IMPORTING:
        from django.core.cache import cache

        cached = cache.get(IMPORT_PROGRESS_KEY.format(pk=job.pk))
        if cached:
            return cached[0], cached[1]
        return 0, job.rows_total
    return job.rows_done, job.rows_total
