"""The meeting in the room: current item, speakers' list and recorded votes (services)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from apps.meetings import selectors, services
from apps.meetings.models import AgendaItem, Attendance, CommitteeMember, Speaker, Vote
from tests.conftest import _user_with
from tests.factories import AgendaItemFactory, MeetingFactory, Role, seat

pytestmark = pytest.mark.django_db

MANAGEMENT = CommitteeMember.Side.MANAGEMENT
EMPLOYEE = CommitteeMember.Side.EMPLOYEE


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def today_meeting(lmu):
    meeting = MeetingFactory(committee=lmu, date=timezone.localdate(), start_time=datetime.time(9, 0))
    AgendaItemFactory(meeting=meeting, title="Velkomst", position=1, duration_minutes=10)
    AgendaItemFactory(meeting=meeting, title="Budget", position=2, kind=AgendaItem.Kind.DECISION)
    AgendaItemFactory(meeting=meeting, title="Pause", position=3, kind=AgendaItem.Kind.BREAK)
    return meeting


def items(meeting):
    return list(meeting.items.order_by("position"))


def members(lmu, n, side=EMPLOYEE, prefix="m"):
    return [
        seat(lmu, _user_with(lmu.organization, Role.MED, email=f"{prefix}{side}{i}@example.org"), side=side)
        for i in range(n)
    ]


def waiting_names(item):
    return [
        s.member.user.email
        for s in Speaker.objects.filter(speaker_list__item=item, done_at__isnull=True).order_by("position")
    ]


class TestLiveMeeting:
    def test_start_puts_the_room_on_the_first_item(self, today_meeting):
        live = services.meeting_live_start(meeting=today_meeting)
        assert live.in_progress and live.current_item.title == "Velkomst"
        assert live.item_started_at is not None

    def test_a_meeting_in_the_future_cannot_start(self, meeting):
        with pytest.raises(ValidationError, match="at the earliest"):
            services.meeting_live_start(meeting=meeting)

    def test_starting_twice_is_refused_and_ending_then_resuming_keeps_the_item(self, today_meeting):
        services.meeting_live_start(meeting=today_meeting)
        with pytest.raises(ValidationError, match="already in progress"):
            services.meeting_live_start(meeting=today_meeting)
        services.meeting_next_item(meeting=today_meeting)
        services.meeting_live_end(meeting=today_meeting)
        live = services.meeting_live_start(meeting=today_meeting)
        assert live.current_item.title == "Budget"

    def test_next_item_stops_at_the_last(self, today_meeting):
        services.meeting_live_start(meeting=today_meeting)
        services.meeting_next_item(meeting=today_meeting)
        services.meeting_next_item(meeting=today_meeting)
        with pytest.raises(ValidationError, match="last item"):
            services.meeting_next_item(meeting=today_meeting)

    def test_an_item_of_another_meeting_is_refused(self, today_meeting, lmu):
        other = AgendaItemFactory(meeting=MeetingFactory(committee=lmu))
        services.meeting_live_start(meeting=today_meeting)
        with pytest.raises(ValidationError, match="not on this meeting"):
            services.meeting_current_item_set(meeting=today_meeting, item=other)

    def test_nothing_happens_before_the_meeting_starts(self, today_meeting, lmu_member, lmu):
        seat_ = lmu.members.get(user=lmu_member)
        with pytest.raises(ValidationError, match="not in progress"):
            services.speaker_request(item=items(today_meeting)[0], member=seat_)


class TestSpeakersList:
    @pytest.fixture
    def item(self, today_meeting):
        services.meeting_live_start(meeting=today_meeting)
        return items(today_meeting)[0]

    def test_requests_line_up_in_order_and_a_member_is_on_the_list_once(self, item, lmu):
        a, b = members(lmu, 2)
        services.speaker_request(item=item, member=a)
        services.speaker_request(item=item, member=b)
        with pytest.raises(ValidationError, match="already on the speakers' list"):
            services.speaker_request(item=item, member=a)
        assert waiting_names(item) == [a.user.email, b.user.email]

    def test_the_database_refuses_a_second_waiting_entry(self, item, lmu):
        (a,) = members(lmu, 1)
        first = services.speaker_request(item=item, member=a)
        with pytest.raises(IntegrityError), transaction.atomic():
            Speaker.objects.create(speaker_list=first.speaker_list, member=a, position=9)

    def test_after_speaking_a_member_may_ask_again(self, item, lmu):
        (a,) = members(lmu, 1)
        services.speaker_done(speaker=services.speaker_request(item=item, member=a))
        services.speaker_request(item=item, member=a)
        assert waiting_names(item) == [a.user.email]

    def test_chair_orders_the_list(self, item, lmu):
        a, b, c = members(lmu, 3)
        speakers = [services.speaker_request(item=item, member=m) for m in (a, b, c)]
        services.speaker_move(speaker=speakers[2], direction="up")
        assert waiting_names(item) == [a.user.email, c.user.email, b.user.email]
        services.speaker_move(speaker=speakers[0], direction="up")  # already first: nothing moves
        services.speaker_move(speaker=speakers[0], direction="down")
        assert waiting_names(item) == [c.user.email, a.user.email, b.user.email]
        with pytest.raises(ValidationError, match="Unknown direction"):
            services.speaker_move(speaker=speakers[0], direction="sideways")

    def test_done_speakers_leave_the_queue_and_the_next_has_the_floor(self, item, lmu):
        a, b = members(lmu, 2)
        first = services.speaker_request(item=item, member=a)
        services.speaker_request(item=item, member=b)
        services.speaker_done(speaker=first)
        view = selectors.live_view(item.meeting)
        assert view.speaking.member == b and [s.member for s in view.done] == [a]
        with pytest.raises(ValidationError, match="already spoken"):
            services.speaker_done(speaker=first)
        with pytest.raises(ValidationError, match="already spoken"):
            services.speaker_move(speaker=first, direction="up")

    def test_withdraw_takes_the_request_off(self, item, lmu):
        a, b = members(lmu, 2)
        services.speaker_withdraw(speaker=services.speaker_request(item=item, member=a))
        services.speaker_request(item=item, member=b)
        assert waiting_names(item) == [b.user.email]

    def test_closed_list_refuses_new_requests_but_keeps_those_on_it(self, item, lmu):
        a, b = members(lmu, 2)
        services.speaker_request(item=item, member=a)
        services.speaker_list_close(item=item)
        with pytest.raises(ValidationError, match="closed"):
            services.speaker_request(item=item, member=b)
        assert waiting_names(item) == [a.user.email]
        services.speaker_list_close(item=item, closed=False)
        services.speaker_request(item=item, member=b)
        assert waiting_names(item) == [a.user.email, b.user.email]

    def test_only_the_current_item_takes_requests(self, item, lmu):
        (a,) = members(lmu, 1)
        later = items(item.meeting)[1]
        with pytest.raises(ValidationError, match="not the item"):
            services.speaker_request(item=later, member=a)

    def test_a_pause_has_no_speakers_list(self, item, lmu):
        (a,) = members(lmu, 1)
        pause = items(item.meeting)[2]
        services.meeting_current_item_set(meeting=item.meeting, item=pause)
        with pytest.raises(ValidationError, match="break or a meal"):
            services.speaker_request(item=pause, member=a)

    def test_a_member_of_another_committee_cannot_be_put_on_the_list(self, item, org):
        from tests.factories import CommitteeFactory

        other = seat(CommitteeFactory(organization=org), _user_with(org, Role.MED, email="x@example.org"))
        with pytest.raises(ValidationError, match="Only the committee's members"):
            services.speaker_request(item=item, member=other)

    def test_each_item_keeps_its_own_list(self, item, lmu):
        (a,) = members(lmu, 1)
        services.speaker_request(item=item, member=a)
        services.meeting_next_item(meeting=item.meeting)
        budget = items(item.meeting)[1]
        services.speaker_request(item=budget, member=a)
        assert waiting_names(item) == [a.user.email] and waiting_names(budget) == [a.user.email]


class TestVotes:
    @pytest.fixture
    def item(self, today_meeting, lmu):
        members(lmu, 3, MANAGEMENT, "mg")
        members(lmu, 4, EMPLOYEE, "em")
        services.meeting_live_start(meeting=today_meeting)
        services.meeting_next_item(meeting=today_meeting)
        return items(today_meeting)[1]

    def counts(self, mf=0, ma=0, mab=0, ef=0, ea=0, eab=0):
        return {
            "management_for": mf,
            "management_against": ma,
            "management_abstain": mab,
            "employee_for": ef,
            "employee_against": ea,
            "employee_abstain": eab,
        }

    def test_recorded_vote_is_the_items_decision(self, item):
        vote = services.vote_open(item=item, text="Budgettet godkendes")
        vote = services.vote_record(vote=vote, **self.counts(mf=3, ef=2, ea=1, eab=1))
        assert vote.carried is True and vote.total_for == 5 and vote.total_against == 1
        item.refresh_from_db()
        assert item.outcome == AgendaItem.Outcome.APPROVED and item.outcome_text == "Budgettet godkendes"
        assert selectors.recorded_votes(item.meeting) == {item.pk: [vote]}

    def test_counts_cannot_exceed_the_members_of_a_side(self, item):
        vote = services.vote_open(item=item, text="Budgettet godkendes")
        with pytest.raises(ValidationError) as error:
            services.vote_record(vote=vote, **self.counts(mf=3, ma=1, ef=1))
        assert "4 votes, but only 3 members" in str(error.value)
        vote.refresh_from_db()
        assert vote.is_open

    def test_the_vice_chair_and_chair_count_on_their_sides(self, item, chair, vice_chair):
        # The chair sits for management and the vice-chair for the employees: 4 and 5 seats now.
        vote = services.vote_open(item=item, text="Budgettet godkendes")
        vote = services.vote_record(vote=vote, **self.counts(mf=4, ef=5))
        assert vote.management_for == 4 and vote.employee_for == 5

    def test_with_attendance_only_those_present_count(self, item, lmu):
        for member in lmu.members.all():
            Attendance.objects.create(meeting=item.meeting, member=member, present=member.side == EMPLOYEE)
        vote = services.vote_open(item=item, text="Budgettet godkendes")
        with pytest.raises(ValidationError, match="only 0 members"):
            services.vote_record(vote=vote, **self.counts(mf=1, ef=1))

    def test_majority_on_each_side(self, item):
        vote = services.vote_open(item=item, text="Budgettet godkendes", rule=Vote.Rule.BOTH_SIDES)
        vote = services.vote_record(vote=vote, **self.counts(mf=1, ma=2, ef=4))
        assert vote.carried is False  # 5 for, 2 against, but management voted no
        item.refresh_from_db()
        assert item.outcome == AgendaItem.Outcome.REJECTED

    def test_a_tie_is_not_carried(self, item):
        vote = services.vote_open(item=item, text="Budgettet godkendes")
        assert services.vote_record(vote=vote, **self.counts(mf=2, ea=2)).carried is False

    def test_one_open_vote_per_item_and_the_room_stays_while_it_is_open(self, item):
        vote = services.vote_open(item=item, text="A")
        with pytest.raises(ValidationError, match="already open"):
            services.vote_open(item=item, text="B")
        with pytest.raises(ValidationError, match="still open"):
            services.meeting_next_item(meeting=item.meeting)
        services.vote_cancel(vote=vote)
        services.vote_record(vote=services.vote_open(item=item, text="B"), **self.counts(mf=1))
        assert list(item.votes.values_list("text", flat=True)) == ["B"]

    def test_no_counts_and_no_text_are_refused(self, item):
        with pytest.raises(ValidationError, match="decision text"):
            services.vote_open(item=item, text="  ")
        vote = services.vote_open(item=item, text="A")
        with pytest.raises(ValidationError, match="No votes"):
            services.vote_record(vote=vote, **self.counts())

    def test_a_recorded_vote_cannot_be_recorded_again_or_cancelled(self, item):
        vote = services.vote_record(vote=services.vote_open(item=item, text="A"), **self.counts(mf=1))
        with pytest.raises(ValidationError, match="already recorded"):
            services.vote_record(vote=vote, **self.counts(mf=2))
        with pytest.raises(ValidationError, match="cannot be cancelled"):
            services.vote_cancel(vote=vote)

    def test_votes_only_on_the_current_item(self, item):
        first = items(item.meeting)[0]
        with pytest.raises(ValidationError, match="not the item"):
            services.vote_open(item=first, text="A")
