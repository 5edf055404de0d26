"""A focus area, goal or initiative made by mistake can be deleted (a new user's finding: a test entry
could only be set to Dropped, and then showed in the club meeting forms and the annual report). One
that anything refers to cannot: its record would be lost or its links cut."""

import pytest
from django.urls import reverse

from apps.strategy import services
from apps.strategy.models import FocusArea, Goal, Initiative
from tests.factories import (
    ClubMeetingFactory,
    FocusAreaFactory,
    GoalFactory,
    InitiativeFactory,
    InitiativeUpdateFactory,
)
from tests.helpers import organization_slug_of

pytestmark = pytest.mark.django_db


def delete_url(obj) -> str:
    name = {FocusArea: "focus_area", Goal: "goal", Initiative: "initiative"}[type(obj)]
    return reverse(f"strategy:{name}_delete", args=[organization_slug_of(obj), obj.pk])


def test_an_initiative_made_by_mistake_is_deleted_after_the_confirmation(login, board_member, area):
    mistake = InitiativeFactory(focus_area=area, text="Test test")
    client = login(board_member)
    page = client.get(reverse("strategy:initiative_detail", args=[organization_slug_of(mistake), mistake.pk]))
    html = page.content.decode()
    assert delete_url(mistake) in html and "portal-confirm" in html  # the button asks first
    response = client.post(delete_url(mistake))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "strategy:focus_area_detail", args=[organization_slug_of(area), area.pk]
    )
    assert not Initiative.objects.filter(pk=mistake.pk).exists()
    assert Initiative.history.filter(id=mistake.pk, history_type="-").exists()  # the history keeps it
    area_page = client.get(response["Location"]).content.decode()
    assert "Test test" not in area_page


def test_what_something_refers_to_is_not_deleted_and_the_page_says_why(login, board_member, area, goal, org):
    client = login(board_member)
    updated = InitiativeFactory(focus_area=area, goal=goal, text="Med opdatering")
    InitiativeUpdateFactory(initiative=updated)
    served = InitiativeFactory(focus_area=area, text="Brugt af en klub")
    ClubMeetingFactory(club__organization=org).initiatives.add(served)
    for obj in (updated, served, goal, area):
        response = client.post(delete_url(obj))
        assert response.status_code == 302
        assert type(obj).objects.filter(pk=obj.pk).exists()
    html = client.get(
        reverse("strategy:initiative_detail", args=[organization_slug_of(updated), updated.pk])
    ).content.decode()
    assert "It cannot be deleted: it has progress updates." in html and delete_url(updated) not in html
    html = client.get(
        reverse("strategy:goal_detail", args=[organization_slug_of(goal), goal.pk])
    ).content.decode()
    assert "initiatives are linked to it" in html


def test_an_empty_goal_and_then_an_empty_focus_area_are_deleted(login, board_member, plan):
    area = FocusAreaFactory(plan=plan, title="Forkert indsatsområde")
    goal = GoalFactory(focus_area=area)
    client = login(board_member)
    assert client.post(delete_url(goal)).status_code == 302 and not Goal.objects.filter(pk=goal.pk).exists()
    response = client.post(delete_url(area))
    assert response["Location"] == reverse("strategy:plan_detail", args=[organization_slug_of(plan), plan.pk])
    assert not FocusArea.objects.filter(pk=area.pk).exists()


def test_deleting_is_for_the_plans_editors_of_its_own_organisation(
    client, login, board_member, shop_steward, initiative, other_initiative, plan
):
    url = delete_url(initiative)
    assert client.post(url).status_code == 302 and "/login/" in client.post(url)["Location"]
    assert login(shop_steward).post(url).status_code == 403
    assert login(board_member).get(url).status_code == 405
    # Another organisation's initiative under this organisation's address, and under its own.
    wrong = reverse(
        "strategy:initiative_delete", args=[organization_slug_of(initiative), other_initiative.pk]
    )
    assert login(board_member).post(wrong).status_code == 404
    assert login(board_member).post(delete_url(other_initiative)).status_code == 404
    services.plan_archive(plan=plan)
    assert login(board_member).post(url).status_code == 403
    assert Initiative.objects.filter(pk__in=[initiative.pk, other_initiative.pk]).count() == 2
