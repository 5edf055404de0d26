"""Periodic jobs of the absence follow-up; the schedule is in strategy_portal/celery.py."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from . import retention, sweep
from .imports import jobs


@shared_task(ignore_result=False)
def sweep_advisories_task(
    as_of: str | None = None, organization_id: int | None = None, full: bool = False
) -> dict:
    from apps.organizations.models import Organization

    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    organization = Organization.objects.get(pk=organization_id) if organization_id else None
    result = sweep.advisory_sweep(as_of=day, organization=organization, full=full)
    return {"created": result.created, "candidates": result.candidates}


@shared_task(ignore_result=False)
def apply_retention_task(as_of: str | None = None) -> dict:
    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    result = retention.retention_apply(as_of=day)
    return {
        "registrations": result.registrations,
        "advisories": result.advisories,
        "spells": result.spells,
        "employees": result.employees,
        "snapshots": result.snapshots,
    }


@shared_task
def check_import_job_task(job_id: int) -> None:
    jobs.import_job_check(job_id=job_id)


@shared_task
def apply_import_job_task(job_id: int) -> None:
    jobs.import_job_apply(job_id=job_id)


@shared_task
def sweep_import_jobs_task() -> dict:
    return jobs.import_jobs_sweep()


# The full re-sweep shared by the workers: a chord of partitions, then one task that finishes it.


@shared_task(ignore_result=False)
def sweep_partition_task(partition: list[int], as_of: str) -> dict:
    return sweep.advisory_sweep_partition(
        partition=sweep.SweepPartition(*partition), as_of=date.fromisoformat(as_of)
    )


@shared_task(ignore_result=False)
def sweep_finish_task(outcomes: list[dict], plan: dict, notify: bool = True) -> dict:
    result = sweep.advisory_sweep_finish(_plan_from(plan), outcomes, notify=notify)
    return {"created": result.created, "candidates": result.candidates, "employees": result.employees}


def _plan_to(plan: sweep.PartitionedSweep) -> dict:
    return {
        "as_of": plan.as_of.isoformat(),
        "partitions": [list(p) for p in plan.partitions],
        "fingerprints": {str(k): v for k, v in plan.fingerprints.items()},
        "forward": plan.forward,
    }


def _plan_from(data: dict) -> sweep.PartitionedSweep:
    return sweep.PartitionedSweep(
        as_of=date.fromisoformat(data["as_of"]),
        partitions=[sweep.SweepPartition(*p) for p in data["partitions"]],
        fingerprints={int(k): v for k, v in data["fingerprints"].items()},
        forward=list(data["forward"]),
    )


def sweep_partitioned_send(
    *, as_of: date, organization_id: int | None = None, size: int | None = None, notify: bool = True
):
    """Plan a full re-sweep here and hand its partitions to the workers as a chord (needs a result
    backend: Redis). Returns the chord's AsyncResult; its value is the finishing task's summary."""
    from celery import chord

    from apps.organizations.models import Organization

    organization = Organization.objects.get(pk=organization_id) if organization_id else None
    plan = sweep.advisory_sweep_plan(as_of=as_of, organization=organization, size=size)
    day = as_of.isoformat()
    header = [sweep_partition_task.s(list(p), day) for p in plan.partitions]
    return chord(header)(sweep_finish_task.s(_plan_to(plan), notify))
