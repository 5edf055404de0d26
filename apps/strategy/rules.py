from apps.organizations.models import Role
from apps.organizations.permissions import ALL_ROLES, register

# Every member reads the strategy, whatever unit their role is tied to; only the board writes it.
register("strategy.view", roles=ALL_ROLES, any_scope=True)
register("strategy.edit", roles={Role.BOARD})
