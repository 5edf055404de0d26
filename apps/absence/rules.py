"""Who may do what with absence data (DOMAIN.md 1.9): individual data only for HR and the employee's
own leader; aggregates for the cooperation bodies, suppressed for small groups in the views.

Whose individual data a user sees is not a rule on one object but a set of employees, which the lists
need too: ``selectors.employees_visible_to`` (HR for their scope, a leader for their unit, the
employees they lead and those whose advisories HR asked them to follow up). For one employee the rule
``absence.view_individual`` asks the same set, so every view showing one employee's data goes through
``get_for_user`` like every other view (``views_employees.employee_for``)."""

from apps.organizations.models import Role
from apps.organizations.permissions import register


def _sees_employee(user, employee, membership) -> bool:
    from .selectors import employees_visible_to

    visible = employees_visible_to(user, employee.organization)
    return visible is not None and visible.filter(pk=employee.pk).exists()


register("absence.queue", roles={Role.HR, Role.LEADER}, any_scope=True)
# A leader sees the employees they lead wherever those sit, so the set decides, not the unit scope.
register("absence.view_individual", roles={Role.HR, Role.LEADER}, check=_sees_employee, scoped=False)
register("absence.manage", roles={Role.HR})
register("absence.import", roles={Role.HR})
register("absence.policy", roles={Role.HR})
register("absence.view_access_log", roles={Role.HR})
register(
    "absence.view_statistics",
    roles={Role.HR, Role.LEADER, Role.MED, Role.BOARD, Role.SAFETY_REP, Role.STEWARD},
    any_scope=True,
)
register("absence.review_notes", roles={Role.HR}, any_scope=True)
