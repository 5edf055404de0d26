"""Periodic jobs of the absence follow-up; the schedule is in strategy_portal/celery.py."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(ignore_result=False)
def sweep_advisories_task(
    as_of: str | None = None, organization_id: int | None = None, full: bool = False
) -> dict:
    from apps.organizations.models import Organization

    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    organization = Organization.objects.get(pk=organization_id) if organization_id else None
    result = services.advisory_sweep(as_of=day, organization=organization, full=full)
    return {"created": result.created, "candidates": result.candidates}


@shared_task(ignore_result=False)
def apply_retention_task(as_of: str | None = None) -> dict:
    day = date.fromisoformat(as_of) if as_of else timezone.localdate()
    result = services.retention_apply(as_of=day)
    return {
        "registrations": result.registrations,
        "advisories": result.advisories,
        "spells": result.spells,
        "employees": result.employees,
        "snapshots": result.snapshots,
    }


@shared_task
def check_import_job_task(job_id: int) -> None:
    services.import_job_check(job_id=job_id)


@shared_task
def apply_import_job_task(job_id: int) -> None:
    services.import_job_apply(job_id=job_id)


@shared_task
def sweep_import_jobs_task() -> dict:
    return services.import_jobs_sweep()
