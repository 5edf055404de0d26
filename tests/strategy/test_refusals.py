"""A refused save is not a success: a stale save answers 409 with the explanation and the current
values, invalid input 422 with the errors; with and without htmx (htmx swaps both, see base.html)."""

import pytest
from django.urls import reverse

from apps.strategy import services
from tests.helpers import organization_slug_of

HX = {"HTTP_HX_REQUEST": "true"}
BOTH = pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])


def _bump(obj):
    """Someone else saves first."""
    type(obj).objects.filter(pk=obj.pk).update(version=obj.version + 1)


@BOTH
def test_stale_focus_area_save_is_409(login, board_member, area, headers):
    url = reverse("strategy:focus_area_edit", args=[organization_slug_of(area), area.pk])
    _bump(area)
    response = login(board_member).post(
        url, {"title": "Gammelt", "focus": "", "narrative": "", "version": area.version}, **headers
    )
    assert response.status_code == 409
    assert "Someone else saved this item" in response.content.decode()
    area.refresh_from_db()
    assert area.title == "Medlemsnærhed"


@BOTH
def test_stale_goal_save_is_409(login, board_member, goal, headers):
    _bump(goal)
    response = login(board_member).post(
        reverse("strategy:goal_edit", args=[organization_slug_of(goal), goal.pk]),
        {"text": "Gammel tekst", "version": goal.version},
        **headers,
    )
    assert response.status_code == 409
    goal.refresh_from_db()
    assert goal.text == "Flere medlemmer i klubberne"


@BOTH
def test_stale_initiative_status_is_409(login, board_member, initiative, headers):
    _bump(initiative)
    response = login(board_member).post(
        reverse("strategy:initiative_status_set", args=[organization_slug_of(initiative), initiative.pk]),
        {"status": "done", "progress": "100", "version": str(initiative.version)},
        **headers,
    )
    assert response.status_code == 409
    assert "Someone else changed this initiative" in response.content.decode()


@BOTH
def test_stale_initiative_update_is_409(login, board_member, initiative, headers):
    _bump(initiative)
    response = login(board_member).post(
        reverse("strategy:initiative_update_post", args=[organization_slug_of(initiative), initiative.pk]),
        {
            "on": "2026-03-02",
            "text": "Genoptaget.",
            "status": "in_progress",
            "version": str(initiative.version),
        },
        **headers,
    )
    assert response.status_code == 409
    assert "Someone else changed this initiative while you were writing" in response.content.decode()


@BOTH
def test_stale_initiative_edit_is_409(login, board_member, initiative, headers):
    url = reverse("strategy:initiative_edit", args=[organization_slug_of(initiative), initiative.pk])
    form = login(board_member).get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {"text": "Gammel tekst", "version": initiative.version, "level": initiative.level}
    services.initiative_edit(
        initiative=initiative, expected_version=initiative.version, data={"progress": 10}
    )
    response = login(board_member).post(url, data, **headers)
    assert response.status_code == 409


@BOTH
def test_invalid_input_is_422(login, board_member, goal, initiative, headers):
    client = login(board_member)
    goal_edit = client.post(
        reverse("strategy:goal_edit", args=[organization_slug_of(goal), goal.pk]),
        {"text": "", "version": 1},
        **headers,
    )
    assert goal_edit.status_code == 422 and 'aria-invalid="true"' in goal_edit.content.decode()
    status = client.post(
        reverse("strategy:initiative_status_set", args=[organization_slug_of(initiative), initiative.pk]),
        {"status": "done", "progress": "140", "version": "1"},
        **headers,
    )
    assert status.status_code == 422


def test_a_form_page_opened_is_still_200(login, board_member, goal):
    assert (
        login(board_member)
        .get(reverse("strategy:goal_edit", args=[organization_slug_of(goal), goal.pk]))
        .status_code
        == 200
    )
