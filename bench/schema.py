"""Finds the absence tables and columns from the models, so the floors' SQL follows the real schema.

The absence app is built in parallel with the harness; when a model or field is missing the
measurement that needs it is reported as not available with the reason, never crashes the run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.models import Model

from dataclasses import dataclass

from django.apps import apps
from django.db import models


class SchemaMissing(LookupError):
    """A model or field the harness needs does not exist (yet)."""


def _model(app_label: str, *name_parts: str):
    try:
        config = apps.get_app_config(app_label)
    except LookupError as exc:
        raise SchemaMissing(f"app {app_label} is not installed") from exc
    for model in config.get_models():
        name = model.__name__.lower()
        if all(part in name for part in name_parts) and "historical" not in name:
            return model
    raise SchemaMissing(f"no model named like {'+'.join(name_parts)} in apps.{app_label}")


def _fk_to(model, target) -> models.ForeignKey | None:
    for field in model._meta.get_fields():
        if isinstance(field, models.ForeignKey) and field.related_model is target:
            return field
    return None


def _field(model, *candidates: str, kind=None):
    for name in candidates:
        try:
            field = model._meta.get_field(name)
        except Exception:  # noqa: S112 - FieldDoesNotExist; try the next candidate
            continue
        if kind is None or isinstance(field, kind):
            return field
    raise SchemaMissing(f"{model.__name__} has none of the fields {', '.join(candidates)}")


@dataclass(frozen=True)
class AbsenceSchema:
    registration: type[Model]
    employee: type[Model]
    reg_table: str
    reg_employee: str  # column
    reg_start: str
    reg_end: str
    reg_type: str
    emp_table: str
    emp_unit: str  # column
    emp_org: str | None  # column, None when the organisation is only reachable through the unit
    unit_table: str
    employee_org_lookup: str  # ORM lookup from Employee to Organization
    # The derived spells the sweep reads (None when the app keeps none): table, employee, start, end.
    spell: tuple[str, str, str, str] | None = None

    def org_filter_sql(self, alias_emp: str = "e", alias_unit: str = "u") -> str:
        if self.emp_org:
            return f'{alias_emp}."{self.emp_org}" = %(org)s'
        return f'{alias_unit}."organization_id" = %(org)s'


def absence_schema() -> AbsenceSchema:
    from apps.organizations.models import Organization, OrgUnit

    registration = _model("absence", "registration")
    employee = _model("absence", "employee")
    reg_employee = _fk_to(registration, employee)
    if reg_employee is None:
        raise SchemaMissing(f"{registration.__name__} has no foreign key to {employee.__name__}")
    start = _field(registration, "start_date", "start", "first_day", kind=models.DateField)
    end = _field(registration, "end_date", "end", "last_day", kind=models.DateField)
    kind = _field(registration, "absence_type", "type", "kind", "code")
    emp_unit = _fk_to(employee, OrgUnit)
    if emp_unit is None:
        raise SchemaMissing(f"{employee.__name__} has no foreign key to OrgUnit")
    emp_org = _fk_to(employee, Organization)
    spell = None
    try:
        spell_model = _model("absence", "spell")
        spell_employee = _fk_to(spell_model, employee)
        spell_start = _field(spell_model, "start_date", "start", kind=models.DateField)
        spell_end = _field(spell_model, "end_date", "end", kind=models.DateField)
        if spell_employee is not None:
            spell = (spell_model._meta.db_table, spell_employee.column, spell_start.column, spell_end.column)
    except SchemaMissing:
        spell = None
    return AbsenceSchema(
        registration=registration,
        employee=employee,
        reg_table=registration._meta.db_table,
        reg_employee=reg_employee.column,
        reg_start=start.column,
        reg_end=end.column,
        reg_type=kind.column,
        emp_table=employee._meta.db_table,
        emp_unit=emp_unit.column,
        emp_org=emp_org.column if emp_org else None,
        unit_table=OrgUnit._meta.db_table,
        employee_org_lookup=emp_org.name if emp_org else f"{emp_unit.name}__organization",
        spell=spell,
    )
