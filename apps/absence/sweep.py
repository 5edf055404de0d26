"""The advisory sweep: every advisory that is due and does not exist yet is created, and the leaders are
told once (DOMAIN.md 1.4-1.6).

The daily run looks only at what changed since the previous one: the services queue the employees
whose spells changed (``sweep_queue_add``) and ``SweepState`` remembers the day each organisation was
swept through. Which advisories are due is read in ``candidates.py``; the full re-sweep can also be
cut into partitions that workers share (``advisory_sweep_plan`` and the tasks).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from django.db import IntegrityError, OperationalError, transaction
from django.urls import reverse
from django.utils import timezone

from apps.core import sql
from apps.core.collector import collector_paused
from apps.core.mail import portal_url, send_templated_email
from apps.organizations.models import Organization

from .candidates import Candidate, SweepScope, candidate_advisories
from .models import LEGAL_MILESTONE_DAYS, Advisory, AdvisoryPolicy, Employee, PendingSweep, SweepState
from .selectors import policy_for


@dataclass
class SweepResult:
    organizations: int = 0
    candidates: int = 0
    created: int = 0
    employees: int = 0  # employees whose spells were looked at
    full: int = 0  # organisations that needed a full sweep (first run, policy change, earlier day)
    by_kind: dict[str, int] = field(default_factory=dict)


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
        # Hundreds of thousands of small tuples a slice and none in a cycle: the collector would walk
        # them again and again (a sixth of a full re-sweep), so it rests meanwhile.
        with collector_paused():
            candidates, looked_at = candidate_advisories(organization, as_of, policy, scope, employee_range)
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
                with collector_paused():
                    candidates, employees = candidate_advisories(
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
    url = portal_url(reverse("absence:my_queue", args=[organization.slug]))
    for leader in User.objects.filter(pk__in=per_leader, is_active=True):
        send_templated_email(
            user=leader,
            template="absence/email/advisory_due",
            context={"count": per_leader[leader.pk], "url": url},
            fallback_language=organization.language,
            fail_silently=True,
        )
