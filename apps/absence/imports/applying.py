"""Writing a valid ``ImportPlan``, in one transaction: a file is imported whole or not at all."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.core import sql
from apps.organizations.models import Organization, OrgUnit

from ..models import AbsenceRegistration, Employee
from ..rollups import rollups_refresh
from ..services import spells_rederive_many
from ..statistics.cache import bump_statistics_version
from ..sweep import advisory_sweep
from .files import Source
from .parsing import Progress, parse_import
from .plan import CREATE, UNCHANGED, UPDATE, ImportPlan


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    advisories: int = 0  # made at once by the sweep after an absence import


def _apply_units(organization: Organization, plan: ImportPlan) -> ImportResult:
    result = ImportResult()
    by_code = {u.code: u for u in OrgUnit.objects.filter(organization=organization)}
    for r in plan.rows:
        action = r["action"]
        if action == "unchanged":
            result.unchanged += 1
            continue
        parent = by_code[r["parent_code"]] if r["parent_code"] else None
        if action == "create":
            fields = {"organization": organization, "code": r["code"], "name": r["name"]}
            unit = (
                OrgUnit.objects.add_root(fields)
                if parent is None
                else OrgUnit.objects.add_child(parent, fields)
            )
            by_code[unit.code] = unit
            result.created += 1
            continue
        unit = OrgUnit.objects.get(pk=by_code[r["code"]].pk)  # fresh path: earlier moves may have changed it
        if unit.name != r["name"]:
            unit.name = r["name"]
            unit.save(update_fields=["name"])
        current_parent = OrgUnit.objects.get_parent(unit, update=True)
        if (current_parent.code if current_parent else "") != r["parent_code"]:
            if parent is None:
                OrgUnit.objects.move(unit, OrgUnit.objects.get_first_root_node(), pos="sorted-sibling")
            else:
                OrgUnit.objects.move(unit, OrgUnit.objects.get(pk=parent.pk), pos="sorted-child")
        by_code = {u.code: u for u in OrgUnit.objects.filter(organization=organization)}
        result.updated += 1
    return result


def _apply_employees(organization: Organization, plan: ImportPlan) -> ImportResult:
    fields = ["name", "unit_id", "leader_id", "weekly_hours", "employment_start", "employment_end"]
    result = ImportResult()
    new, changed = [], []
    for r in plan.rows:
        values = {f: r[f] for f in fields}
        if r["action"] == "create":
            new.append(Employee(organization=organization, employee_number=r["employee_number"], **values))
        elif r["action"] == "update":
            changed.append(Employee(pk=r["pk"], organization=organization, **values))
        else:
            result.unchanged += 1
    Employee.objects.bulk_create(new, batch_size=2000)
    Employee.objects.bulk_update(changed, [f.removesuffix("_id") for f in fields], batch_size=2000)
    rollups_refresh(employee_ids=[employee.pk for employee in changed])
    result.created, result.updated = len(new), len(changed)
    return result


WRITE_BATCH = 2000


def _apply_absences(organization: Organization, plan: ImportPlan) -> ImportResult:
    """Write the table in batches, then one spell re-derivation for the affected employees (the services'
    bulk path). New registrations go in with COPY on PostgreSQL.

    Corrections that shorten a registration are written before those that lengthen one, so no moment
    of the transaction has two registrations of an employee overlapping (PostgreSQL's exclusion
    constraint checks every row as it is written).
    """
    table = plan.table
    assert table is not None
    result = ImportResult()
    codes, day, notes = table.type_codes, table.day, table.notes
    thousandths = Decimal("0.001")
    fields = ["end_date", "fraction", "note"] if plan.has_notes else ["end_date", "fraction"]
    affected: set[int] = set()
    for growing in (False, True):
        batch = []
        for i in range(len(table)):
            if table.action[i] != UPDATE or (table.end[i] > table.old_end[i]) != growing:
                continue
            registration = AbsenceRegistration(
                pk=table.pk[i], end_date=day(table.end[i]), fraction=table.fraction[i] * thousandths
            )
            registration.note = notes.get(i, "")
            batch.append(registration)
            affected.add(table.employee[i])
            result.updated += 1
            if len(batch) == WRITE_BATCH:
                AbsenceRegistration.objects.bulk_update(batch, fields)
                batch = []
        if batch:
            AbsenceRegistration.objects.bulk_update(batch, fields)
    now = timezone.now()

    def new_rows() -> Iterator[tuple]:
        for i in range(len(table)):
            if table.action[i] == CREATE:
                affected.add(table.employee[i])
                yield (
                    table.employee[i],
                    codes[table.type[i]],
                    day(table.start[i]),
                    day(table.end[i]),
                    table.fraction[i] * thousandths,
                    notes.get(i, ""),
                    now,
                )

    result.created = sql.insert_rows(
        AbsenceRegistration,
        ["employee_id", "absence_type", "start_date", "end_date", "fraction", "note", "created_at"],
        new_rows(),
    )
    result.unchanged = table.action.count(UNCHANGED)
    if affected:
        spells_rederive_many(organization=organization, employee_ids=sorted(affected))
        rollups_refresh(employee_ids=affected)
    return result


_APPLY = {"units": _apply_units, "employees": _apply_employees, "absences": _apply_absences}


@transaction.atomic
def apply_import(*, organization: Organization, plan: ImportPlan) -> ImportResult:
    """Write a validated plan. Refuses a plan with errors: a file is imported whole or not at all."""
    if not plan.ok:
        raise ValueError("an import plan with errors cannot be applied")
    with transaction.atomic():
        result = _APPLY[plan.kind](organization, plan)
        bump_statistics_version(organization.pk)
    if plan.kind == "absences" and (result.created or result.updated):
        # Advisories already due show in the queue now, not after the next morning's sweep (which runs
        # anyway). The import queued the employees it touched, so this is the short daily run.
        result.advisories = advisory_sweep(as_of=timezone.localdate(), organization=organization).created
    return result


def import_file(
    *,
    organization: Organization,
    kind: str,
    data: Source,
    filename: str,
    progress: Progress | None = None,
) -> tuple[ImportPlan, ImportResult | None]:
    """Validate and, when the whole file is valid, import it (used by the commands and the web import's
    worker task): validated again in the same transaction as the write, so it is all or nothing."""
    with transaction.atomic():
        plan = parse_import(organization, kind, data, filename, progress=progress)
        if not plan.ok:
            return plan, None
        return plan, apply_import(organization=organization, plan=plan)
