import datetime

import pytest
from django.utils import timezone

from apps.meetings.models import CommitteeMember, Meeting, ReminderSent
from apps.meetings.services import agenda_reminders_send
from tests.factories import AgendaItemFactory, CommitteeFactory, MeetingFactory, UserFactory, seat

TODAY = datetime.date(2026, 11, 2)


@pytest.fixture
def committee(org):
    return CommitteeFactory(organization=org, name="LMU Skoler", agenda_lead_days=7)


@pytest.fixture
def secretary(committee):
    user = UserFactory(email="sekretaer@example.org", first_name="Sara")
    seat(committee, user, CommitteeMember.MemberRole.SECRETARY, CommitteeMember.Side.MANAGEMENT)
    return user


@pytest.fixture
def members(committee):
    users = [UserFactory(email=f"m{n}@example.org") for n in range(3)]
    for user in users:
        seat(committee, user)
    return users


@pytest.mark.django_db
class TestLateAgenda:
    def test_secretary_gets_one_email_when_the_agenda_is_late(
        self, committee, secretary, members, mailoutbox, committed
    ):
        MeetingFactory(committee=committee, date=TODAY + datetime.timedelta(days=5))
        assert committed(agenda_reminders_send, today=TODAY) == 1
        assert [m.to for m in mailoutbox] == [[secretary.email]]
        assert "er ikke udsendt" in mailoutbox[0].subject
        # The next run (or the same run twice) sends nothing more.
        assert committed(agenda_reminders_send, today=TODAY) == 0
        assert committed(agenda_reminders_send, today=TODAY + datetime.timedelta(days=1)) == 0
        assert len(mailoutbox) == 1

    def test_not_yet_due(self, committee, secretary, mailoutbox, committed):
        MeetingFactory(committee=committee, date=TODAY + datetime.timedelta(days=8))
        assert committed(agenda_reminders_send, today=TODAY) == 0
        assert mailoutbox == []

    def test_lead_days_are_a_setting_per_committee(self, committee, secretary, mailoutbox, committed):
        committee.agenda_lead_days = 14
        committee.save(update_fields=["agenda_lead_days"])
        MeetingFactory(committee=committee, date=TODAY + datetime.timedelta(days=10))
        assert committed(agenda_reminders_send, today=TODAY) == 1

    def test_without_a_secretary_the_chair_is_reminded(self, committee, mailoutbox, committed):
        chair = UserFactory(email="formand@example.org")
        seat(committee, chair, CommitteeMember.MemberRole.CHAIR)
        MeetingFactory(committee=committee, date=TODAY + datetime.timedelta(days=2))
        committed(agenda_reminders_send, today=TODAY)
        assert [m.to for m in mailoutbox] == [[chair.email]]

    def test_email_in_the_recipients_language(self, committee, secretary, mailoutbox, committed):
        secretary.language = "nb"
        secretary.save(update_fields=["language"])
        MeetingFactory(committee=committee, date=TODAY + datetime.timedelta(days=2))
        committed(agenda_reminders_send, today=TODAY)
        assert "Sakslisten" in mailoutbox[0].subject


@pytest.mark.django_db
def test_members_are_told_once_when_the_agenda_is_sent(committee, secretary, members, mailoutbox, committed):
    meeting = MeetingFactory(
        committee=committee, date=TODAY + datetime.timedelta(days=9), status=Meeting.Status.AGENDA_SENT
    )
    AgendaItemFactory(meeting=meeting)
    assert committed(agenda_reminders_send, today=TODAY) == 4  # three members and the secretary
    assert committed(agenda_reminders_send, today=TODAY) == 0
    assert sorted(m.to[0] for m in mailoutbox) == sorted([secretary.email] + [u.email for u in members])
    assert ReminderSent.objects.filter(kind=ReminderSent.Kind.AGENDA_SENT).count() == 4


@pytest.mark.celery
@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_beat_task_runs_on_a_real_worker_and_is_idempotent(celery_worker_process, committee, secretary):
    from apps.meetings.tasks import send_agenda_reminders_task

    MeetingFactory(committee=committee, date=timezone.localdate() + datetime.timedelta(days=3))
    assert send_agenda_reminders_task.apply_async(ignore_result=False).get(timeout=60) == 1
    assert send_agenda_reminders_task.apply_async(ignore_result=False).get(timeout=60) == 0
    assert ReminderSent.objects.filter(user=secretary, kind=ReminderSent.Kind.AGENDA_LATE).count() == 1
