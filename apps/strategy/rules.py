from apps.organizations.models import Role
from apps.organizations.permissions import ALL_ROLES, register


def _board_or_responsible(user, obj, membership) -> bool:
    return membership.role == Role.BOARD or getattr(obj, "responsible_person_id", None) == user.pk


# Every member reads the strategy, whatever unit their role is tied to; only the board writes it.
register("strategy.view", roles=ALL_ROLES, any_scope=True)
register("strategy.edit", roles={Role.BOARD})
# The person responsible for an initiative posts its updates too (they are the ones reminded to).
register("strategy.post_update", roles=ALL_ROLES, any_scope=True, check=_board_or_responsible)
