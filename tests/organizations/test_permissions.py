"""The one permission helper, for every role and scope."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.organizations.models import Role
from apps.organizations.permissions import ALL_ROLES, authorize, can, register, units_where
from tests.conftest import _user_with

register("test.edit_in_unit", roles={Role.HR, Role.LEADER})
register("test.read", roles=ALL_ROLES, any_scope=True)
register(
    "test.own_only", roles={Role.STEWARD}, check=lambda user, obj, m: getattr(obj, "owner", None) == user
)


class Thing:
    def __init__(self, organization, unit=None, owner=None):
        self.organization = organization
        self.unit = unit
        self.owner = owner

    def get_permission_scope(self):
        return self.organization.pk, self.unit


@pytest.mark.parametrize("role", list(Role))
def test_org_wide_role_covers_every_unit_only_if_listed(org, role):
    user = _user_with(org, role)
    deep = org.units.get(code="A1a")
    expected = role in {Role.HR, Role.LEADER, Role.ADMIN}
    assert can(user, "test.edit_in_unit", Thing(org, deep)) is expected
    assert can(user, "test.edit_in_unit", Thing(org)) is expected
    assert can(user, "test.read", Thing(org)) is True


@pytest.mark.parametrize("role", list(Role))
def test_unit_scoped_role_covers_its_subtree_and_nothing_else(org, role):
    user = _user_with(org, role, "A1")
    listed = role in {Role.HR, Role.LEADER, Role.ADMIN}
    assert can(user, "test.edit_in_unit", Thing(org, org.units.get(code="A1"))) is listed
    assert can(user, "test.edit_in_unit", Thing(org, org.units.get(code="A1a"))) is listed
    assert can(user, "test.edit_in_unit", Thing(org, org.units.get(code="A"))) is False
    assert can(user, "test.edit_in_unit", Thing(org, org.units.get(code="B"))) is False
    # Organisation-wide objects need an organisation-wide role unless the rule allows any scope.
    assert can(user, "test.edit_in_unit", Thing(org)) is (role == Role.ADMIN)
    assert can(user, "test.read", Thing(org)) is True


@pytest.mark.parametrize("role", list(Role))
def test_other_organisation_is_404_for_every_role(org, other_org, role):
    user = _user_with(other_org, role)
    with pytest.raises(Http404):
        authorize(user, "test.read", Thing(org))
    assert can(user, "test.read", Thing(org)) is False


def test_wrong_role_is_403(org, board_member):
    with pytest.raises(PermissionDenied):
        authorize(board_member, "test.edit_in_unit", Thing(org, org.units.get(code="A")))


def test_object_check_refines_the_role(org, shop_steward, steward_of_other_club):
    mine = Thing(org, org.units.get(code="A1"), owner=shop_steward)
    assert can(shop_steward, "test.own_only", mine)
    assert not can(steward_of_other_club, "test.own_only", Thing(org, org.units.get(code="B"), owner=None))


def test_unknown_action_and_anonymous_are_refused(org, board_member):
    from django.contrib.auth.models import AnonymousUser

    assert can(board_member, "test.no_such_action", Thing(org)) is False
    assert can(AnonymousUser(), "test.read", Thing(org)) is False


def test_inactive_user_is_refused(org, board_member):
    board_member.is_active = False
    assert can(board_member, "test.read", Thing(org)) is False


def test_units_where_lists_scopes(org, leader, hr_user):
    assert units_where(hr_user, "test.edit_in_unit", org.pk) is None
    assert [u.code for u in units_where(leader, "test.edit_in_unit", org.pk)] == ["A1"]


def test_memberships_are_loaded_once_per_user_object(org, hr_user, django_assert_num_queries):
    thing = Thing(org, org.units.get(code="B"))
    with django_assert_num_queries(1):
        for _ in range(10):
            can(hr_user, "test.edit_in_unit", thing)


def test_subtree_is_one_query(org, django_assert_num_queries):
    a = org.units.get(code="A")
    with django_assert_num_queries(1):
        codes = sorted(a.subtree().values_list("code", flat=True))
    assert codes == ["A", "A1", "A1a"]
