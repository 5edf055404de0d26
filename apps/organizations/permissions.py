"""The one place that decides whether a user may do an action to an object.

Every app registers its actions in its own ``rules.py`` (imported when the app is ready):

    register("strategy.edit_plan", roles={Role.BOARD})

An object tells its scope through ``get_permission_scope() -> (organization_id, unit | None)``.
A role held for a unit covers that unit and everything below it; for objects that belong to the
whole organisation (no unit) only organisation-wide roles count, unless the rule says
``any_scope=True`` (typically read access). Administrators of the organisation may do everything.

``authorize`` raises Http404 when the user has no membership in the object's organisation (so
other organisations' objects do not even show that they exist) and PermissionDenied when the user
belongs there but no role of theirs may act.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Membership, Organization, OrgUnit, Role


class Scoped(Protocol):
    def get_permission_scope(self) -> tuple[int, OrgUnit | None]: ...


ObjectCheck = Callable[[Any, Any, Membership], bool]


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    any_scope: bool = False
    check: ObjectCheck | None = None
    scoped: bool = True


RULES: dict[str, Rule] = {}
ALL_ROLES = frozenset(Role.values)


def register(
    action: str,
    *,
    roles: Iterable[str],
    any_scope: bool = False,
    check: ObjectCheck | None = None,
    scoped: bool = True,
) -> None:
    """Declare who may do ``action``. ``check(user, obj, membership)`` refines it per object; with
    ``scoped=False`` the check alone decides, once, over all of the user's memberships (a role held for
    a unit may then reach beyond it)."""
    if not scoped and check is None:
        raise ValueError(f"{action}: a rule that is not scoped needs a check to decide")
    RULES[action] = Rule(
        roles=frozenset(roles) | {Role.ADMIN}, any_scope=any_scope, check=check, scoped=scoped
    )


def memberships_of(user) -> list[Membership]:
    """All memberships of the user, loaded once per request (cached on the user object)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_portal_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("organization", "unit"))
        user._portal_memberships = cached
    return cached


def organizations_of(user) -> list[Organization]:
    seen: dict[int, Organization] = {}
    for m in memberships_of(user):
        seen.setdefault(m.organization_id, m.organization)
    return sorted(seen.values(), key=lambda o: o.name)


def is_member(user, organization_id: int) -> bool:
    return any(m.organization_id == organization_id for m in memberships_of(user))


def roles_in(user, organization_id: int) -> set[str]:
    return {m.role for m in memberships_of(user) if m.organization_id == organization_id}


def _scope(obj: Scoped | Organization) -> tuple[int, OrgUnit | None]:
    return obj.get_permission_scope()


def _membership_covers(m: Membership, unit: OrgUnit | None, any_scope: bool) -> bool:
    if m.unit_id is None:
        return True
    if unit is None:
        return any_scope
    assert m.unit is not None  # unit_id is set
    return unit.path.startswith(m.unit.path)


def can(user, action: str, obj: Scoped | Organization) -> bool:
    """May ``user`` do ``action`` to ``obj``? Never raises; unknown actions are refused."""
    rule = RULES.get(action)
    if rule is None or not user.is_authenticated or not user.is_active:
        return False
    org_id, unit = _scope(obj)
    for m in memberships_of(user):
        if m.organization_id != org_id or m.role not in rule.roles:
            continue
        if not rule.scoped:
            # The check decides over all of the user's memberships at once: ask it once, not per role.
            assert rule.check is not None  # register() refuses an unscoped rule without one
            return rule.check(user, obj, m)
        if not _membership_covers(m, unit, rule.any_scope or m.role == Role.ADMIN):
            continue
        if m.role == Role.ADMIN or rule.check is None or rule.check(user, obj, m):
            return True
    return False


def authorize(user, action: str, obj: Scoped | Organization) -> None:
    """404 for another organisation's object, 403 for a role that may not act."""
    org_id, _unit = _scope(obj)
    if not is_member(user, org_id):
        raise Http404
    if not can(user, action, obj):
        raise PermissionDenied


T = TypeVar("T", bound=Model)


def get_for_user(
    user, action: str, queryset: QuerySet[T] | type[T], *, org_slug: str | None = None, **lookup
) -> T:
    """The object, if ``user`` may do ``action`` to it; else 404 (other organisation) or 403 (role).

    ``org_slug`` is the organisation slug from the URL: an object of another organisation than the
    URL names is not found, even when the user belongs to both.
    """
    obj = get_object_or_404(queryset, **lookup)
    if org_slug is not None:
        # Before the role check: under another organisation's slug the object does not exist, whatever
        # the user may do in either organisation (a 403 would tell that the number is taken).
        org_id, _unit = _scope(obj)  # type: ignore[arg-type]
        if not any(
            m.organization_id == org_id and m.organization.slug == org_slug for m in memberships_of(user)
        ):
            raise Http404
    authorize(user, action, obj)  # type: ignore[arg-type]
    return obj


def organizations_where(user, action: str) -> list[Organization]:
    """The organisations in which the user may do ``action`` to organisation-wide objects."""
    return [org for org in organizations_of(user) if can(user, action, org)]


def units_where(user, action: str, organization_id: int) -> list[OrgUnit] | None:
    """Units whose subtrees the user's roles for ``action`` cover; None means the whole organisation."""
    rule = RULES.get(action)
    if rule is None:
        return []
    units: list[OrgUnit] = []
    for m in memberships_of(user):
        if m.organization_id != organization_id or m.role not in rule.roles:
            continue
        if m.unit is None:
            return None
        units.append(m.unit)
    return units
