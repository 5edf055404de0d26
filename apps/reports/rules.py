from apps.organizations.models import Role
from apps.organizations.permissions import ALL_ROLES, register

from .models import AnnualReport


def _may_read(user, obj, membership) -> bool:
    """Members read published reports; drafts stay with the board (admins always pass)."""
    report = getattr(obj, "report", obj)
    if not isinstance(report, AnnualReport):
        return True
    return report.is_final or membership.role == Role.BOARD


register("reports.edit", roles={Role.BOARD})
register("reports.view", roles=ALL_ROLES, any_scope=True, check=_may_read)
