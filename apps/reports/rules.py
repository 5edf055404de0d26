from apps.organizations.models import Role
from apps.organizations.permissions import ALL_ROLES, register

from .models import AnnualReport

# Who writes the year's report: a union's board; in a municipality (which has no board) HR, which
# keeps the MED secretariat and the figures.
EDITORS = {Role.BOARD, Role.HR}


def _may_read(user, obj, membership) -> bool:
    """Members read published reports; drafts stay with the editors (admins always pass)."""
    report = getattr(obj, "report", obj)
    if not isinstance(report, AnnualReport):
        return True
    return report.is_final or membership.role in EDITORS


register("reports.edit", roles=EDITORS)
register("reports.view", roles=ALL_ROLES, any_scope=True, check=_may_read)
