"""Single saves and deletes that change the absence statistics bump the organisation's statistics version,
and single saves of registrations and employees refresh the employee's monthly rollups (``rollups``) and
so their unit's (``unit_rollups``); an employee deleted refreshes their unit's, and a policy saved with
other counting types or days off rebuilds the units'.

Bulk writes (imports, retention, demo data) do both themselves. Registrations have no delete receiver: one
would make Django fetch every row of a bulk delete (retention) to send it; ``absence_delete`` does it
instead.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from apps.organizations.models import OrgUnit

from .models import AbsenceRegistration, AdvisoryPolicy, Employee
from .rollups import rollups_refresh
from .statistics.cache import bump_statistics_version
from .unit_rollups import policy_key, unit_rollups_rebuild, units_changed, units_key


@receiver(post_save, sender=AbsenceRegistration, dispatch_uid="absence_statistics_registration")
def _registration_saved(sender, instance: AbsenceRegistration, **kwargs) -> None:
    bump_statistics_version(instance.employee.organization_id)
    rollups_refresh(employee_ids=[instance.employee_id])


@receiver(post_save, sender=Employee, dispatch_uid="absence_rollups_employee_saved")
def _employee_saved(sender, instance: Employee, created: bool, **kwargs) -> None:
    if not created:  # a new employee has no registrations yet
        rollups_refresh(employee_ids=[instance.pk])


@receiver(post_delete, sender=Employee, dispatch_uid="absence_unit_rollups_employee_deleted")
def _employee_deleted(sender, instance: Employee, **kwargs) -> None:
    # Their monthly rows went with them (a cascade): their unit's sums lose them.
    units_changed(instance.organization_id, [instance.unit_id])


@receiver(post_save, sender=AdvisoryPolicy, dispatch_uid="absence_unit_rollups_policy")
def _policy_saved(sender, instance: AdvisoryPolicy, **kwargs) -> None:
    # Other counting types or days off: the units' sums are made anew for them (once, not per save).
    if units_key(instance.organization_id) != policy_key(instance):
        unit_rollups_rebuild(instance.organization_id, instance)


@receiver(post_save, sender=Employee, dispatch_uid="absence_statistics_employee_saved")
@receiver(post_delete, sender=Employee, dispatch_uid="absence_statistics_employee_deleted")
@receiver(post_save, sender=OrgUnit, dispatch_uid="absence_statistics_unit_saved")
@receiver(post_delete, sender=OrgUnit, dispatch_uid="absence_statistics_unit_deleted")
@receiver(post_save, sender=AdvisoryPolicy, dispatch_uid="absence_statistics_policy")
def _organisation_data_changed(sender, instance, **kwargs) -> None:
    bump_statistics_version(instance.organization_id)
