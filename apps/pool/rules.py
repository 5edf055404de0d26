"""Who may do what in the pool.

- pool.view: HR, members of the organisation's HU (MED main committee), project group members (of the
  application, or for the organisation's pages: of any of its applications) and a theme day's facilitator.
- pool.edit: HR and the application's project group members.
- pool.manage: HR and the HU's current chair (start applications and theme-day rankings).
- pool.sign: the HU's current chair and vice-chair.
Administrators may always act (the permission helper's rule); signing itself is refused in the service
to anyone but the chair and vice-chair. Who may move an application from one step to the next is
decided per move by ``workflow.py``, checked again in the services.
"""

from apps.organizations.models import Organization, Role
from apps.organizations.permissions import ALL_ROLES, register

from .models import PoolApplication, RankingSession
from .selectors import hu_officers, is_hu_member


def _organization(obj) -> Organization:
    return obj if isinstance(obj, Organization) else obj.organization


def _is_employer(obj) -> bool:
    if isinstance(obj, Organization):
        return obj.kind == Organization.Kind.EMPLOYER
    return True  # applications and sessions can only be created for employers (see services)


def _in_project_group(user, obj) -> bool:
    if isinstance(obj, PoolApplication):
        return obj.project_group.filter(pk=user.pk).exists()
    if isinstance(obj, Organization):
        return user.pool_project_groups.filter(organization=obj).exists()
    if isinstance(obj, RankingSession):  # the theme day behind their application
        return user.pool_project_groups.filter(ranking_session=obj).exists()
    return False


def _may_view(user, obj, membership) -> bool:
    if not _is_employer(obj):
        return False
    if membership.role == Role.HR:
        return True
    if isinstance(obj, RankingSession) and obj.facilitator_id == user.pk:
        return True
    return is_hu_member(user, _organization(obj)) or _in_project_group(user, obj)


def _may_edit(user, obj, membership) -> bool:
    if not _is_employer(obj):
        return False
    return membership.role == Role.HR or _in_project_group(user, obj)


def _may_sign(user, obj, membership) -> bool:
    if not isinstance(obj, PoolApplication):
        return False
    officers = hu_officers(obj.organization)
    return any(person is not None and person.pk == user.pk for person in officers.values())


register("pool.view", roles=ALL_ROLES, any_scope=True, check=_may_view)
register("pool.edit", roles=ALL_ROLES, any_scope=True, check=_may_edit)


def _may_manage(user, obj, membership) -> bool:
    if not _is_employer(obj):
        return False
    if membership.role == Role.HR:
        return membership.unit_id is None
    chair = hu_officers(_organization(obj)).get("chair")
    return chair is not None and chair.pk == user.pk


register("pool.manage", roles=ALL_ROLES, any_scope=True, check=_may_manage)
register("pool.sign", roles=ALL_ROLES, any_scope=True, check=_may_sign)
