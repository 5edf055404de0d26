"""Retention: individual absence data older than the organisation's retention period is deleted, its
figures frozen first (DOMAIN.md 1.9)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import uuid4

from django.db import transaction
from django.db.models import Min, Q

from apps.organizations.models import Organization

from .models import (
    AbsenceRegistration,
    Advisory,
    Employee,
    EmployeeAccessLog,
    Spell,
    StatisticsSnapshot,
    StatisticsVersion,
)
from .rollups import rollups_refresh
from .selectors import policy_for
from .statistics.frozen import snapshots_to_freeze
from .sweep import sweep_queue_add
from .unit_rollups import refreshing_units_at_end


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
    (``statistics.frozen.snapshots_to_freeze``, aggregates only); the statistics read them for windows that
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
    # Employees deleted one signal at a time: each unit's sums are made anew once, at the end.
    with refreshing_units_at_end():
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
