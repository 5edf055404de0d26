"""With the broker (Redis) down, sending an agenda or deciding a proposal still works: the request
succeeds and the notices are sent from the request instead of the worker."""

from __future__ import annotations

from unittest import mock

import pytest
from django.urls import reverse
from kombu.exceptions import OperationalError as BrokerError

from apps.meetings.models import ItemProposal, Meeting
from tests.factories import AgendaItemFactory
from tests.helpers import organization_slug_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down():
    error = BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with (
        mock.patch("apps.meetings.tasks.send_agenda_notice_task.delay", side_effect=error),
        mock.patch("apps.meetings.tasks.send_proposal_notice_task.delay", side_effect=error),
    ):
        yield


def test_sending_the_agenda_with_the_broker_down_sends_the_notices_from_the_request(
    login, secretary, lmu_member, meeting, broker_down, mailoutbox, django_capture_on_commit_callbacks
):
    AgendaItemFactory(meeting=meeting)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(secretary).post(
            reverse("meetings:med_meeting_send", args=[organization_slug_of(meeting), meeting.pk])
        )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.AGENDA_SENT
    assert sorted(m.to[0] for m in mailoutbox) == sorted([lmu_member.email, secretary.email])


def test_accepting_a_proposal_with_the_broker_down_tells_the_proposer(
    login, secretary, lmu_member, meeting, broker_down, mailoutbox, django_capture_on_commit_callbacks
):
    proposal = ItemProposal.objects.create(meeting=meeting, proposed_by=lmu_member, title="Kantineordning")
    with django_capture_on_commit_callbacks(execute=True):
        response = login(secretary).post(
            reverse("meetings:proposal_accept", args=[organization_slug_of(proposal), proposal.pk])
        )
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [[lmu_member.email]]
