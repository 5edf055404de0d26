"""Who may do what with absence data (DOMAIN.md 1.9): individual data only for HR and the employee's
own leader; aggregates for the cooperation bodies, suppressed for small groups in the views."""

from apps.organizations.models import Role
from apps.organizations.permissions import register


def _leader_covers(user, obj, membership) -> bool:
    """A leader sees an employee they lead, or one in the unit they hold the role for."""
    if membership.role != Role.LEADER:
        return True
    employee = getattr(obj, "employee", obj)
    if getattr(employee, "leader_id", None) == user.pk:
        return True
    return membership.unit_id is not None


register("absence.view_individual", roles={Role.HR, Role.LEADER}, check=_leader_covers)
register("absence.follow_up", roles={Role.HR, Role.LEADER}, check=_leader_covers)
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
