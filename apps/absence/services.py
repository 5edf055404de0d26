"""Writes of the absence follow-up: registrations, spell derivation and the follow-up of advisories. Every
function is keyword-only and runs in one transaction.

The other writes have modules of their own: the advisory sweep (``sweep.py``), retention
(``retention.py``), the access log and the GDPR export (``privacy.py``) and the payroll import jobs
(``imports/jobs.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core import sql
from apps.organizations.models import Organization

from .health import note_check
from .models import (
    AbsenceRegistration,
    AbsenceType,
    Adjustment,
    Advisory,
    AdvisoryEvent,
    AdvisoryPolicy,
    ContactForm,
    Employee,
    FollowUpOutcome,
    Spell,
    SweepState,
    latest_first_day,
    overlapping_registrations,
)
from .rollups import rollups_refresh
from .selectors import policy_for
from .spells import WorkCalendar, derive_spells
from .statistics.cache import bump_statistics_version
from .sweep import sweep_queue_add

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
    latest = latest_first_day()
    if start_date > latest:
        errors["start_date"] = _(
            "An absence can be registered at most a year ahead: the first day can be %(day)s at the latest."
        ) % {"day": date_format(latest, "SHORT_DATE_FORMAT")}
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
    employee_ids: Sequence[int],
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
