from .models import Role
from .permissions import ALL_ROLES, register

register("organizations.view", roles=ALL_ROLES, any_scope=True)
register("organizations.manage", roles={Role.ADMIN})
