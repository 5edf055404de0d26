"""Who may do what with clubs.

Shop stewards act only on clubs and TR networks they are stewards of (the object check); union
staff and the board read every club of their organisation and decide fund applications. Other roles
(MED, HR, leaders, safety representatives) have no business in a union's clubs and get a 403.
"""

from apps.organizations.models import Role
from apps.organizations.permissions import register


def _own_unless_union_side(user, obj, membership) -> bool:
    if membership.role == Role.STEWARD:
        return obj.is_steward(user)
    return True


# Organisation-level pages (obj is the Organization).
register("clubs.my_clubs", roles={Role.STEWARD}, any_scope=True)
register("clubs.overview", roles={Role.BOARD, Role.STAFF}, any_scope=True)
register("clubs.manage_rules", roles=set())

# Club, meeting, application, network objects.
register(
    "clubs.view",
    roles={Role.BOARD, Role.STAFF, Role.STEWARD},
    any_scope=True,
    check=_own_unless_union_side,
)
register("clubs.edit", roles={Role.STEWARD}, any_scope=True, check=_own_unless_union_side)
register("clubs.decide", roles={Role.BOARD, Role.STAFF}, any_scope=True)
