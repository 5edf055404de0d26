from .models import Role
from .permissions import ALL_ROLES, register

register("organizations.view", roles=ALL_ROLES, any_scope=True)
register("organizations.manage", roles={Role.ADMIN})
# The annual report's logo and colour: whoever makes the report (apps.reports.rules.EDITORS).
register("organizations.appearance", roles={Role.BOARD, Role.HR})
