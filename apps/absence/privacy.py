"""Privacy writes: the access log of who saw whose absence data, and the GDPR export of one employee."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from .models import Employee, EmployeeAccessLog

# Rows per INSERT of the access log: a queue page (100) is one, a command-line export of thousands a few.
ACCESS_LOG_BATCH = 2000


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
            "leader": employee.leader.email if employee.leader is not None else None,
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
                "user_email": entry.user.email if entry.user is not None else entry.user_label,
                "action": entry.action,
                "what": entry.get_action_display(),
                "via": entry.via,
                "where": entry.where,
            }
            for entry in employee.access_log.select_related("user").order_by("at", "pk")
        ],
    }
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()
