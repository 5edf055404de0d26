"""Every strategy view: anonymous → login, other organisation → 404, wrong role → 403, wrong method → 405."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

# (url name, object the url takes, method a reader may use, method only the board may use)
READ_VIEWS = [
    ("strategy:plan_list", "org_slug", "get"),
    ("strategy:plan_detail", "plan", "get"),
    ("strategy:plan_export", "plan", "get"),
    ("strategy:plan_print", "plan", "get"),
    ("strategy:focus_area_detail", "area", "get"),
    ("strategy:goal_detail", "goal", "get"),
    ("strategy:initiative_detail", "initiative", "get"),
]
EDIT_VIEWS = [
    ("strategy:plan_edit", "plan", "get"),
    ("strategy:plan_copy", "plan", "get"),
    ("strategy:plan_import", "plan", "get"),
    ("strategy:focus_area_add", "plan", "get"),
    ("strategy:focus_area_edit", "area", "get"),
    ("strategy:focus_area_move", "area", "post"),
    ("strategy:goal_add", "area", "get"),
    ("strategy:goal_edit", "goal", "get"),
    ("strategy:goal_move", "goal", "post"),
    ("strategy:initiative_add", "area", "get"),
    ("strategy:initiative_edit", "initiative", "get"),
    ("strategy:initiative_status_set", "initiative", "post"),
    ("strategy:initiative_update_post", "initiative", "post"),
    ("strategy:initiative_move", "initiative", "post"),
]
# Methods each view refuses.
NOT_ALLOWED = {
    "strategy:plan_detail": "post",
    "strategy:plan_export": "post",
    "strategy:plan_print": "post",
    "strategy:focus_area_detail": "post",
    "strategy:goal_detail": "post",
    "strategy:initiative_detail": "post",
    "strategy:focus_area_move": "get",
    "strategy:goal_move": "get",
    "strategy:initiative_move": "get",
    "strategy:initiative_status_set": "get",
    "strategy:plan_edit": "delete",
    "strategy:plan_list": "delete",
}


@pytest.fixture
def objects(org, plan, area, goal, initiative):
    return {
        "org_slug": org.slug,
        "plan": plan.pk,
        "area": area.pk,
        "goal": goal.pk,
        "initiative": initiative.pk,
    }


def _url(name, objects, key):
    if key == "org_slug":
        return reverse(name, args=[objects[key]])
    return reverse(name, args=[objects["org_slug"], objects[key]])


@pytest.mark.parametrize(("name", "key", "method"), READ_VIEWS + EDIT_VIEWS)
def test_anonymous_is_sent_to_login(client, objects, name, key, method):
    response = getattr(client, method)(_url(name, objects, key))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize(("name", "key", "method"), READ_VIEWS + EDIT_VIEWS)
def test_other_organisation_sees_nothing(login, board_member_other, objects, name, key, method):
    response = getattr(login(board_member_other), method)(_url(name, objects, key))
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "key", "method"), READ_VIEWS)
def test_every_member_may_read(login, shop_steward, objects, name, key, method):
    # A steward's role is tied to unit A1, yet the strategy belongs to the whole organisation.
    assert getattr(login(shop_steward), method)(_url(name, objects, key)).status_code == 200


@pytest.mark.parametrize(("name", "key", "method"), EDIT_VIEWS)
@pytest.mark.parametrize("user_fixture", ["shop_steward", "union_staff", "hr_user"])
def test_only_the_board_may_edit(request, login, objects, name, key, method, user_fixture):
    user = request.getfixturevalue(user_fixture)
    response = getattr(login(user), method)(_url(name, objects, key), {"direction": "up"})
    assert response.status_code == 403


@pytest.mark.parametrize(("name", "key", "method"), EDIT_VIEWS)
@pytest.mark.parametrize("user_fixture", ["board_member", "org_admin"])
def test_board_and_admin_may_edit(request, login, objects, name, key, method, user_fixture):
    user = request.getfixturevalue(user_fixture)
    response = getattr(login(user), method)(_url(name, objects, key), {"direction": "up"})
    # 422: let in, but {"direction": "up"} is no valid status or update form
    assert response.status_code in (200, 302, 422)


@pytest.mark.parametrize(("name", "method"), NOT_ALLOWED.items())
def test_wrong_method(login, board_member, objects, name, method):
    key = next(k for n, k, _m in READ_VIEWS + EDIT_VIEWS if n == name)
    response = getattr(login(board_member), method)(_url(name, objects, key))
    assert response.status_code == 405


def test_steward_may_not_create_a_plan(login, shop_steward, org):
    response = login(shop_steward).post(
        reverse("strategy:plan_list", args=[org.slug]), {"title": "x", "start_year": 2026, "end_year": 2027}
    )
    assert response.status_code == 403
    assert not org.strategy_plans.exists()


def test_nav_entry_points_to_the_plan_list(login, shop_steward, org):
    from apps.core.nav import entries_for

    entries = [e for e in entries_for(shop_steward, org) if e["entry"].url_name == "strategy:plan_list"]
    assert entries and entries[0]["url"] == reverse("strategy:plan_list", args=[org.slug])
