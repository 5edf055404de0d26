import pytest
from django.urls import reverse

from apps.meetings.models import CommitteeMember, MinutesApproval
from apps.organizations.permissions import can
from tests.factories import AgendaItemFactory
from tests.helpers import organization_slug_of

pytestmark = pytest.mark.django_db


def test_seat_decides_not_the_unit_of_the_role(vice_chair, meeting):
    # The vice-chair's organisation role is scoped to unit B; the seat still gives access.
    assert can(vice_chair, "meetings.meeting.edit", meeting)
    assert can(vice_chair, "meetings.minutes.approve", meeting)


def test_inactive_seat_gives_no_access(lmu_member, meeting):
    CommitteeMember.objects.filter(user=lmu_member).update(active=False)
    assert not can(lmu_member, "meetings.meeting.edit", meeting)
    assert not can(lmu_member, "meetings.meeting.view", meeting)


def test_secretary_edits_but_does_not_approve(org, lmu, meeting):
    from tests.conftest import _user_with
    from tests.factories import Role, seat

    secretary = _user_with(org, Role.HR, email="sek@example.org")
    seat(lmu, secretary, CommitteeMember.MemberRole.SECRETARY)
    assert can(secretary, "meetings.meeting.edit", meeting)
    assert not can(secretary, "meetings.minutes.approve", meeting)


def test_organisation_admin_may_edit_but_approval_needs_a_chair_seat(login, org_admin, meeting):
    meeting.status = "held"
    meeting.save(update_fields=["status"])
    AgendaItemFactory(meeting=meeting)
    client = login(org_admin)
    assert (
        client.get(
            reverse("meetings:med_meeting_detail", args=[organization_slug_of(meeting), meeting.pk])
        ).status_code
        == 200
    )
    response = client.post(
        reverse("meetings:minutes_approve", args=[organization_slug_of(meeting), meeting.pk]), follow=True
    )
    assert "Kun udvalgets formand og næstformand" in response.content.decode()
    assert not MinutesApproval.objects.exists()
