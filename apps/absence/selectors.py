"""Reads of the absence follow-up. The statistics code uses the bulk functions at the top:

``policy_for(organization) -> AdvisoryPolicy``
    The organisation's policy (an unsaved default one when none is stored).

``spells_in_window(organization, start, end, *, unit=None, types=None)``
    ``-> dict[employee_id, list[(start, end)]]``
    Spells built from the registrations of ``types`` (default: the policy's Bradford types) exactly as
    DOMAIN.md 1.3 joins them, for every employee of the organisation (or of ``unit``'s subtree), keeping
    the spells that share at least one day with start..end. ``end`` of a spell is None while ongoing.
    Dates are not clipped to the window. One query.

``bradford_scores(organization, as_of, *, unit=None) -> dict[employee_id, int]``
    The Bradford factor B = S² × D over the 52 weeks ending on ``as_of`` (DOMAIN.md 1.7) for every
    employee with at least one spell of the policy's Bradford types in the window (others score 0 and
    are left out). S counts spells touching the window, D the calendar days inside it.

``bradford(employee, as_of) -> int``
    The same for one employee.

``bradford_band(score, bands) -> int``
    0 below the first limit, 1 from the first limit, and so on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from apps.organizations.models import Organization, OrgUnit

from .models import AbsenceRegistration, Advisory, AdvisoryPolicy, Employee, EmployeeAccessLog
from .spells import WorkCalendar, derive_spells


def employers() -> QuerySet[Organization]:
    """The organisations absence follow-up is for: a union employs no one here, so its absence pages do
    not exist (404), whatever its members' roles."""
    return Organization.objects.filter(kind=Organization.Kind.EMPLOYER)


BRADFORD_WINDOW_DAYS = 7 * 52


def policy_for(organization: Organization) -> AdvisoryPolicy:
    policy = AdvisoryPolicy.objects.filter(organization=organization).first()
    return policy or AdvisoryPolicy(organization=organization)


def _registrations_by_employee(
    organization: Organization, start: date, end: date, unit: OrgUnit | None, types: Iterable[str]
) -> dict[int, list[tuple[int, str, date, date | None]]]:
    qs = AbsenceRegistration.objects.filter(
        employee__organization=organization,
        absence_type__in=list(types),
        start_date__lte=end,
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
    if unit is not None:
        qs = qs.filter(employee__unit__path__startswith=unit.path)
    grouped: dict[int, list[tuple[int, str, date, date | None]]] = defaultdict(list)
    for row in qs.values_list("employee_id", "pk", "absence_type", "start_date", "end_date"):
        grouped[row[0]].append(row[1:])
    return grouped


def spells_in_window(
    organization: Organization,
    start: date,
    end: date,
    *,
    unit: OrgUnit | None = None,
    types: Iterable[str] | None = None,
    policy: AdvisoryPolicy | None = None,
) -> dict[int, list[tuple[date, date | None]]]:
    policy = policy or policy_for(organization)
    types = list(types) if types is not None else policy.types_for("bradford")
    calendar = WorkCalendar.for_policy(policy)
    # Registrations a little before the window can join a spell that reaches into it.
    lookback = start - timedelta(days=366)
    result: dict[int, list[tuple[date, date | None]]] = {}
    for employee_id, rows in _registrations_by_employee(organization, lookback, end, unit, types).items():
        spells = derive_spells(
            rows,
            counting_types=types,
            join_across_non_working_days=policy.join_across_non_working_days,
            calendar=calendar,
        )
        kept = [(s.start, s.end) for s in spells if s.start <= end and (s.end is None or s.end >= start)]
        if kept:
            result[employee_id] = kept
    return result


def _bradford_from_spells(spells: list[tuple[date, date | None]], window_start: date, as_of: date) -> int:
    days = 0
    for start, end in spells:
        lo, hi = max(start, window_start), min(end or as_of, as_of)
        days += (hi - lo).days + 1
    return len(spells) ** 2 * days


def bradford_scores(
    organization: Organization, as_of: date, *, unit: OrgUnit | None = None
) -> dict[int, int]:
    window_start = as_of - timedelta(days=BRADFORD_WINDOW_DAYS - 1)
    spells = spells_in_window(organization, window_start, as_of, unit=unit)
    return {employee_id: _bradford_from_spells(s, window_start, as_of) for employee_id, s in spells.items()}


def bradford(employee: Employee, as_of: date) -> int:
    policy = policy_for(employee.organization)
    types = policy.types_for("bradford")
    window_start = as_of - timedelta(days=BRADFORD_WINDOW_DAYS - 1)
    rows = list(
        employee.registrations.filter(absence_type__in=types, start_date__lte=as_of)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=window_start - timedelta(days=366)))
        .values_list("pk", "absence_type", "start_date", "end_date")
    )
    spells = derive_spells(
        rows,
        counting_types=types,
        join_across_non_working_days=policy.join_across_non_working_days,
        calendar=WorkCalendar.for_policy(policy),
    )
    kept = [(s.start, s.end) for s in spells if s.end is None or s.end >= window_start]
    return _bradford_from_spells(kept, window_start, as_of)


def bradford_band(score: int, bands: list[int]) -> int:
    return sum(1 for limit in bands if score >= limit)


# Individual data for HR and leaders -----------------------------------------------------------------


def employees_visible_to(user, organization: Organization) -> QuerySet[Employee] | None:
    """Employees whose individual data ``user`` may see; None when the user may see none."""
    scope = visible_scope(user, organization)
    return None if scope is None else employees_in(organization, scope)


def employees_in(organization: Organization, scope: Q) -> QuerySet[Employee]:
    """The organisation's employees that ``scope`` (``visible_scope``) names."""
    return Employee.objects.filter(organization=organization).filter(scope)


def visible_scope(user, organization: Organization) -> Q | None:
    """Which of the organisation's employees ``user`` may see the individual data of, as a condition on
    them: empty (``Q()``) for all of them, None for none.

    HR (and admin) through their scope; a leader through their unit scope and as the leader on record.
    """
    from apps.organizations.models import Role
    from apps.organizations.permissions import memberships_of

    conditions = Q()
    allowed = False
    for m in memberships_of(user):
        if m.organization_id != organization.pk or m.role not in (Role.HR, Role.LEADER, Role.ADMIN):
            continue
        allowed = True
        if m.role in (Role.HR, Role.ADMIN) and m.unit_id is None:
            return Q()
        if m.role == Role.LEADER:
            # Their own employees, and those whose advisories HR asked them to follow up.
            conditions |= Q(leader=user) | Q(
                pk__in=Advisory.objects.filter(assigned_leader=user).values("employee_id")
            )
        if m.unit is not None:
            conditions |= Q(unit__path__startswith=m.unit.path)
    return conditions if allowed else None


class UnitRow(NamedTuple):
    """What the queue's and the statistics page's unit filters need of a unit: a tuple, not a model
    instance (thousands of them per request in a large municipality)."""

    # In the model's field order: ``instance`` hands them to ``from_db`` as they are.
    pk: int
    path: str
    depth: int
    organization_id: int
    code: str
    name: str

    def instance(self) -> OrgUnit:
        """The unit as a model instance with these fields loaded (any other is read when asked for),
        without reading it again."""
        return OrgUnit.from_db(DEFAULT_DB_ALIAS, UNIT_ROW_FIELDS, self)


UNIT_ROW_FIELDS = ["id", "path", "depth", "organization_id", "code", "name"]


def unit_rows(units: QuerySet[OrgUnit]) -> list[UnitRow]:
    return [UnitRow(*row) for row in units.values_list(*UNIT_ROW_FIELDS)]


def units_for_filter(user, organization: Organization) -> list[UnitRow]:
    """Units the user may filter the queue by: their scope's subtrees, or the whole organisation."""
    from apps.organizations.permissions import units_where

    scope = units_where(user, "absence.queue", organization.pk)
    qs = OrgUnit.objects.filter(organization=organization).order_by("path")
    if scope is not None:
        condition = Q(pk__in=[])
        for unit in scope:
            condition |= Q(path__startswith=unit.path)
        qs = qs.filter(condition)
    return unit_rows(qs)


def overdue_condition(as_of: date) -> Q:
    """Past its due date and still waiting for the leader to reach out (new or seen). Once contact is
    made the advisory is no longer overdue, however late that was."""
    return Q(due_date__lt=as_of, status__in=Advisory.AWAITING_LEADER)


def followed_up_by(leader_id: int) -> Q:
    """Advisories this leader follows up: those assigned to them, and their own employees' that HR has
    not assigned to someone else."""
    return Q(assigned_leader_id=leader_id) | Q(assigned_leader__isnull=True, employee__leader_id=leader_id)


def advisory_rows(advisories: QuerySet[Advisory], as_of: date) -> QuerySet[Advisory]:
    """What a queue row shows: the employee, unit, leaders and whether the advisory is overdue."""
    return advisories.select_related(
        "employee", "employee__unit", "employee__leader", "assigned_leader"
    ).annotate(overdue=ExpressionWrapper(overdue_condition(as_of), output_field=BooleanField()))


# The queue's order: by unit, then what is due first; the primary key last for keyset pages.
QUEUE_ORDER = ["employee__unit__path", "due_date", "employee__name", "kind", "day", "pk"]


def advisory_queue(
    organization: Organization,
    scope: Q,
    as_of: date,
    *,
    unit: OrgUnit | UnitRow | None = None,
    leader_id: int | None = None,
    overdue_only: bool = False,
    include_closed: bool = False,
) -> QuerySet[Advisory]:
    """The organisation's advisories due on or before ``as_of`` (today and overdue) that are not closed,
    of the employees in ``scope`` (``visible_scope``); ``leader_id`` keeps those the leader follows up,
    ``overdue_only`` those still waiting for contact."""
    # Said on the units too: PostgreSQL then walks only this organisation's units in path order (the
    # queue's order) instead of every organisation's (seconds at national scale).
    qs = Advisory.objects.filter(
        employee__organization=organization, employee__unit__organization=organization, due_date__lte=as_of
    )
    if scope:
        # Only for a narrower scope: "employee in (all of the organisation's)" made PostgreSQL hash
        # every employee of it in each worker for nothing (40 ms of the queue's count at national size).
        qs = qs.filter(employee__in=employees_in(organization, scope))
    if not include_closed:
        qs = qs.exclude(status=Advisory.Status.CLOSED)
    if unit is not None:
        qs = qs.filter(employee__unit__path__startswith=unit.path)
    if leader_id is not None:
        qs = qs.filter(followed_up_by(leader_id))
    if overdue_only:
        qs = qs.filter(overdue_condition(as_of))
    return advisory_rows(qs, as_of).order_by(*QUEUE_ORDER)


def queue_leaders(employees: QuerySet[Employee]) -> list[tuple[int, str]]:
    """The leaders the queue can be filtered by: the employees' leaders and anyone following up one of
    their advisories. The few leaders by a semi-join, not DISTINCT over every employee (a sort of 50,000
    rows on disk)."""
    from apps.organizations.models import User

    assigned = Advisory.objects.filter(employee__in=employees, assigned_leader__isnull=False)
    rows = (
        User.objects.filter(
            Q(pk__in=employees.exclude(leader=None).values("leader_id"))
            | Q(pk__in=assigned.values("assigned_leader_id"))
        )
        .values_list("pk", "first_name", "last_name", "email")
        .order_by("first_name", "last_name", "pk")
    )
    return [(pk, f"{first} {last}".strip() or email) for pk, first, last, email in rows]


def assignable_leaders(organization: Organization) -> list[tuple[int, str]]:
    """Who HR can ask to follow an advisory up: the organisation's users with the leader role."""
    from apps.organizations.models import Membership, Role, User

    leaders = Membership.objects.filter(organization=organization, role=Role.LEADER).values("user_id")
    rows = (
        User.objects.filter(pk__in=leaders, is_active=True)
        .values_list("pk", "first_name", "last_name", "email")
        .order_by("first_name", "last_name", "pk")
    )
    return [(pk, f"{first} {last}".strip() or email) for pk, first, last, email in rows]


def employee_timeline(employee: Employee, as_of: date) -> dict:
    spells = list(employee.spells.order_by("-start_date"))
    for spell in spells:
        spell.days = spell.length_days(as_of)
    return {
        "spells": spells,
        "registrations": list(employee.registrations.order_by("-start_date")),
        "advisories": list(
            employee.advisories.select_related("spell")
            .prefetch_related("events__by")
            .order_by("-due_date", "kind")
        ),
    }


def access_log(employee: Employee, limit: int = 100) -> list[EmployeeAccessLog]:
    return list(employee.access_log.select_related("user")[:limit])
