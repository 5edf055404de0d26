"""Who may do what with absence data (DOMAIN.md 1.9): individual data only for HR and the employee's
own leader; aggregates for the cooperation bodies, suppressed for small groups in the views.

Whose individual data a user sees is not a rule on one object but a set of employees, which the lists
need too: ``selectors.visible_scope`` (HR for their scope, a leader for their unit, the employees they
lead and those whose advisories HR asked them to follow up). One employee's pages look the employee up
inside that set (``views_employees.employee_for``), so one outside it is not found, as a number that
does not exist is not."""

from apps.organizations.models import Role
from apps.organizations.permissions import register

register("absence.queue", roles={Role.HR, Role.LEADER}, any_scope=True)
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
