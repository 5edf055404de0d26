import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from apps.meetings.models import AgendaItem, Attendance, Meeting, MinutesApproval, MinutesRevision
from tests.factories import AgendaItemFactory
from tests.helpers import organization_slug_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(meeting):
    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["status"])
    return meeting


@pytest.fixture
def decision(held):
    return AgendaItemFactory(
        meeting=held, title="1-3-10 model", kind=AgendaItem.Kind.DECISION, proposed_decision="Godkend 1-3-10"
    )


@pytest.fixture
def quorate(held, chair, vice_chair, lmu_member, secretary):
    """Everyone recorded present: the meeting is quorate and both approvers were there."""
    for member in held.committee.members.all():
        Attendance.objects.create(meeting=held, member=member, present=True)
    return held


def approve(client, meeting):
    return client.post(reverse("meetings:minutes_approve", args=[organization_slug_of(meeting), meeting.pk]))


class TestRecordMinutes:
    def test_secretary_records_minutes_and_decision_shows_at_top(self, login, secretary, decision):
        client = login(secretary)
        url = reverse("meetings:minutes_edit", args=[organization_slug_of(decision), decision.pk])
        assert client.get(url).status_code == 200
        response = client.post(
            url, {"minutes": "Drøftet.", "outcome": "approved", "outcome_text": "1-3-10 indføres."}
        )
        assert response.status_code == 302
        html = client.get(
            reverse("meetings:med_meeting_detail", args=[organization_slug_of(decision), decision.meeting_id])
        ).content.decode()
        decisions_at = html.index("decisions-heading")
        assert html.index("1-3-10 indføres.") > decisions_at
        assert decisions_at < html.index('id="agenda"')  # decisions come before the agenda and the minutes

    def test_pause_cannot_get_an_outcome(self, login, secretary, held):
        pause = AgendaItemFactory(meeting=held, kind=AgendaItem.Kind.BREAK, title="Pause")
        response = login(secretary).post(
            reverse("meetings:minutes_edit", args=[organization_slug_of(pause), pause.pk]),
            {"minutes": "", "outcome": "approved"},
        )
        assert response.status_code == 400
        pause.refresh_from_db()
        assert pause.outcome == ""

    def test_wrong_role_other_org_anonymous_and_method(
        self, login, hr_user, board_member_other, client, decision
    ):
        url = reverse("meetings:minutes_edit", args=[organization_slug_of(decision), decision.pk])
        assert client.get(url).status_code == 302
        assert login(board_member_other).get(url).status_code == 404
        assert login(hr_user).post(url, {"minutes": "x"}).status_code == 403
        assert login(hr_user).put(url).status_code == 405


class TestApproval:
    def test_both_chair_and_vice_chair_are_needed(self, login, chair, vice_chair, quorate, decision, hr_user):
        meeting = decision.meeting
        approve(login(chair), meeting)
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.HELD
        assert (
            login(hr_user)
            .get(reverse("meetings:med_meeting_detail", args=[organization_slug_of(meeting), meeting.pk]))
            .status_code
            == 403
        )
        approve(login(vice_chair), meeting)
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.MINUTES_APPROVED
        assert meeting.minutes_approved_at is not None
        # Published: anyone in the organisation may read it now.
        assert (
            login(hr_user)
            .get(reverse("meetings:med_meeting_detail", args=[organization_slug_of(meeting), meeting.pk]))
            .status_code
            == 200
        )

    def test_approving_twice_as_chair_does_not_count_double(self, login, chair, quorate, decision):
        client = login(chair)
        approve(client, decision.meeting)
        response = approve(client, decision.meeting)
        assert response.status_code == 302
        assert MinutesApproval.objects.filter(meeting=decision.meeting).count() == 1
        decision.meeting.refresh_from_db()
        assert decision.meeting.status == Meeting.Status.HELD

    def test_an_ordinary_member_cannot_approve_and_is_told_why(self, login, lmu_member, decision):
        client = login(lmu_member)
        response = client.post(
            reverse(
                "meetings:minutes_approve", args=[organization_slug_of(decision.meeting), decision.meeting.pk]
            ),
            follow=True,
        )
        assert "Kun udvalgets formand og næstformand kan godkende referatet." in response.content.decode()
        assert not MinutesApproval.objects.exists()

    def test_a_non_member_gets_403(self, login, hr_user, decision):
        assert approve(login(hr_user), decision.meeting).status_code == 403
        assert not MinutesApproval.objects.exists()

    def test_other_organisation_and_anonymous_and_get(
        self, login, board_member_other, client, chair, decision
    ):
        assert approve(login(board_member_other), decision.meeting).status_code == 404
        client.logout()
        assert approve(client, decision.meeting).status_code == 302
        url = reverse(
            "meetings:minutes_approve", args=[organization_slug_of(decision.meeting), decision.meeting.pk]
        )
        assert login(chair).get(url).status_code == 405

    def test_a_draft_meeting_cannot_be_approved(self, login, chair, meeting):
        response = approve(login(chair), meeting)
        assert response.status_code == 302
        assert not MinutesApproval.objects.exists()


@pytest.fixture
def approved(login, chair, vice_chair, quorate, decision):
    decision.minutes = "Oprindelig tekst."
    decision.save(update_fields=["minutes"])
    approve(login(chair), decision.meeting)
    approve(login(vice_chair), decision.meeting)
    decision.meeting.refresh_from_db()
    assert decision.meeting.minutes_locked
    return decision


def proposed(client, item) -> tuple[MinutesRevision, str]:
    """A correction of the item's approved minutes proposed through the form, and its approval address."""
    slug = organization_slug_of(item)
    client.post(
        reverse("meetings:minutes_correct", args=[slug, item.pk]),
        {"new_text": "Rettet tekst.", "reason": "Fejl"},
    )
    revision = MinutesRevision.objects.latest("pk")
    return revision, reverse("meetings:minutes_correction_approve", args=[slug, item.meeting_id, revision.pk])


class TestLockedMinutes:
    def test_editing_locked_minutes_is_refused(self, login, secretary, approved):
        client = login(secretary)
        response = client.post(
            reverse("meetings:minutes_edit", args=[organization_slug_of(approved), approved.pk]),
            {"minutes": "Ændret"},
        )
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "meetings:minutes_correct", args=[organization_slug_of(approved), approved.pk]
        )
        approved.refresh_from_db()
        assert approved.minutes == "Oprindelig tekst."

    def test_agenda_changes_are_refused_after_approval(self, login, secretary, approved):
        client = login(secretary)
        client.post(
            reverse("meetings:item_duration", args=[organization_slug_of(approved), approved.pk]),
            {"duration_minutes": "99"},
        )
        client.post(reverse("meetings:item_delete", args=[organization_slug_of(approved), approved.pk]))
        approved.refresh_from_db()
        assert approved.duration_minutes == 15

    def test_correction_is_a_visible_revision(self, login, secretary, approved, hr_user):
        client = login(secretary)
        url = reverse("meetings:minutes_correct", args=[organization_slug_of(approved), approved.pk])
        assert client.post(url, {"new_text": "Rettet tekst.", "reason": ""}).status_code == 400
        response = client.post(url, {"new_text": "Rettet tekst.", "reason": "Stavefejl"})
        assert response.status_code == 302
        revision = MinutesRevision.objects.get()
        assert (revision.old_text, revision.new_text, revision.author) == (
            "Oprindelig tekst.",
            "Rettet tekst.",
            secretary,
        )
        html = (
            login(hr_user)
            .get(
                reverse(
                    "meetings:med_meeting_detail", args=[organization_slug_of(approved), approved.meeting_id]
                )
            )
            .content.decode()
        )
        # Text nobody approved is not published: outside the committee the proposal is not shown.
        assert "Stavefejl" not in html and "Rettet tekst." not in html
        seated_html = (
            login(secretary).get(
                reverse(
                    "meetings:med_meeting_detail", args=[organization_slug_of(approved), approved.meeting_id]
                )
            )
        ).content.decode()
        assert "Stavefejl" in seated_html and "Rettet tekst." in seated_html
        assert secretary.get_full_name() in seated_html

    def test_a_correction_changes_the_approved_minutes_only_when_chair_and_vice_chair_approve_it(
        self, login, secretary, chair, vice_chair, approved
    ):
        """The secretary could change approved minutes alone: the published minutes then said what
        neither the chair nor the vice-chair had approved. A correction is now a proposal they approve."""
        slug = organization_slug_of(approved)
        page = reverse("meetings:med_meeting_detail", args=[slug, approved.meeting_id])
        login(secretary).post(
            reverse("meetings:minutes_correct", args=[slug, approved.pk]),
            {"new_text": "Rettet tekst.", "reason": "Forkert beløb"},
        )
        approved.refresh_from_db()
        assert approved.minutes == "Oprindelig tekst."  # the approved text stands
        revision = MinutesRevision.objects.get()
        approve_url = reverse(
            "meetings:minutes_correction_approve", args=[slug, approved.meeting_id, revision.pk]
        )
        html = login(chair).get(page).content.decode()
        assert 'id="corrections-pending"' in html and approve_url in html
        login(chair).post(approve_url)
        approved.refresh_from_db()
        assert approved.minutes == "Oprindelig tekst."  # one approval is not enough
        login(chair).post(approve_url)  # nor is the same one twice
        assert revision.approvals.count() == 1
        assert approve_url not in login(chair).get(page).content.decode()
        login(vice_chair).post(approve_url)
        approved.refresh_from_db()
        revision.refresh_from_db()
        assert approved.minutes == "Rettet tekst." and revision.applied_at is not None
        html = login(secretary).get(page).content.decode()
        assert 'id="corrections-pending"' not in html and approve_url not in html

    def test_a_proposed_correction_can_be_rejected_or_withdrawn_and_stays_on_record(
        self, login, secretary, chair, lmu_member, approved
    ):
        slug = organization_slug_of(approved)
        correct = reverse("meetings:minutes_correct", args=[slug, approved.pk])
        login(secretary).post(correct, {"new_text": "Første forslag.", "reason": "Fejl"})
        # One proposal at a time per item.
        response = login(secretary).post(correct, {"new_text": "Andet forslag.", "reason": "Fejl"})
        assert response.status_code == 400 and MinutesRevision.objects.count() == 1
        first = MinutesRevision.objects.get()
        reject = reverse("meetings:minutes_correction_reject", args=[slug, approved.meeting_id, first.pk])
        assert login(lmu_member).post(reject).status_code == 403  # a member who neither proposed nor chairs
        login(chair).post(reject)
        first.refresh_from_db()
        assert (first.rejected_by, first.applied_at) == (chair, None)
        login(secretary).post(correct, {"new_text": "Andet forslag.", "reason": "Fejl"})
        second = MinutesRevision.objects.latest("pk")
        login(secretary).post(
            reverse("meetings:minutes_correction_reject", args=[slug, approved.meeting_id, second.pk])
        )
        second.refresh_from_db()
        assert second.rejected_by == secretary
        approved.refresh_from_db()
        assert approved.minutes == "Oprindelig tekst."
        html = login(chair).get(reverse("meetings:med_meeting_detail", args=[slug, approved.meeting_id]))
        assert "Første forslag." in html.content.decode() and "Andet forslag." in html.content.decode()
        for decided in (first, second):
            url = reverse("meetings:minutes_correction_reject", args=[slug, approved.meeting_id, decided.pk])
            assert url not in html.content.decode()  # nothing left to decide
        # A rejected correction cannot be approved afterwards.
        login(chair).post(
            reverse("meetings:minutes_correction_approve", args=[slug, approved.meeting_id, first.pk])
        )
        assert not first.approvals.exists()

    def test_one_person_gives_one_approval_even_after_swapping_seats(
        self, login, secretary, chair, vice_chair, approved
    ):
        from apps.meetings.models import CommitteeMember

        revision, url = proposed(login(secretary), approved)
        login(chair).post(url)
        seats = CommitteeMember.objects.filter(committee=approved.meeting.committee)
        seats.filter(user=vice_chair).update(role=CommitteeMember.MemberRole.MEMBER)
        seats.filter(user=chair).update(role=CommitteeMember.MemberRole.VICE_CHAIR)
        login(chair).post(url)  # now as vice-chair: still the same person
        approved.refresh_from_db()
        assert revision.approvals.count() == 1 and approved.minutes == "Oprindelig tekst."

    def test_a_correction_of_text_that_changed_meanwhile_is_not_put_in_force(
        self, login, secretary, chair, vice_chair, approved
    ):
        revision, url = proposed(login(secretary), approved)
        AgendaItem.objects.filter(pk=approved.pk).update(minutes="Ændret ad anden vej.")
        login(chair).post(url)
        login(vice_chair).post(url)
        approved.refresh_from_db()
        revision.refresh_from_db()
        assert approved.minutes == "Ændret ad anden vej." and revision.applied_at is None

    def test_the_minutes_pdf_lists_only_the_corrections_in_force(
        self, login, secretary, chair, vice_chair, approved
    ):
        from tests.meetings.test_pdf_and_calendar import pdf_text

        slug = organization_slug_of(approved)
        correct = reverse("meetings:minutes_correct", args=[slug, approved.pk])
        login(secretary).post(correct, {"new_text": "Afvist forslag.", "reason": "Forkert grund"})
        rejected = MinutesRevision.objects.get()
        login(chair).post(
            reverse("meetings:minutes_correction_reject", args=[slug, approved.meeting_id, rejected.pk])
        )
        login(secretary).post(correct, {"new_text": "Rettet tekst.", "reason": "Rigtig grund"})
        in_force = MinutesRevision.objects.latest("pk")
        url = reverse("meetings:minutes_correction_approve", args=[slug, approved.meeting_id, in_force.pk])
        login(chair).post(url)
        login(vice_chair).post(url)
        pdf = login(secretary).get(reverse("meetings:minutes_pdf", args=[slug, approved.meeting_id]))
        text = pdf_text(pdf)
        assert "Rigtig grund" in text and "Rettet tekst." in text
        assert "Forkert grund" not in text and "Afvist forslag." not in text

    def test_approving_a_correction_is_for_the_chair_and_vice_chair_of_this_organisation(
        self, client, login, secretary, lmu_member, hr_user, approved, other_org
    ):
        slug = organization_slug_of(approved)
        login(secretary).post(
            reverse("meetings:minutes_correct", args=[slug, approved.pk]),
            {"new_text": "Rettet tekst.", "reason": "Fejl"},
        )
        revision = MinutesRevision.objects.get()
        args = [slug, approved.meeting_id, revision.pk]
        url = reverse("meetings:minutes_correction_approve", args=args)
        client.logout()
        assert client.post(url).status_code == 302 and "login" in client.post(url)["Location"]
        assert login(secretary).post(url).status_code == 302  # seated: told why, nothing recorded
        assert login(lmu_member).post(url).status_code == 302
        assert login(hr_user).post(url).status_code == 403  # not on the committee
        assert login(secretary).get(url).status_code == 405
        other = reverse("meetings:minutes_correction_approve", args=[other_org.slug, *args[1:]])
        assert login(secretary).post(other).status_code == 404
        assert not revision.approvals.exists()

    def test_correcting_is_for_members_only(self, login, hr_user, approved):
        url = reverse("meetings:minutes_correct", args=[organization_slug_of(approved), approved.pk])
        assert login(hr_user).post(url, {"new_text": "x", "reason": "y"}).status_code == 403
        assert not MinutesRevision.objects.exists()


class TestAttendanceAndStatus:
    def test_attendance(self, login, secretary, lmu_member, chair, held):
        client = login(secretary)
        seats = {m.user: m.pk for m in held.committee.members.all()}
        client.post(
            reverse("meetings:attendance_save", args=[organization_slug_of(held), held.pk]),
            {
                f"attendance-{seats[chair]}": "present",
                f"attendance-{seats[lmu_member]}": "excused",
                f"attendance-{seats[secretary]}": "absent",
            },
        )
        recorded = {a.member.user: a.status for a in held.attendance.select_related("member__user")}
        assert recorded == {chair: "present", lmu_member: "excused", secretary: "absent"}

    def test_send_agenda_then_mark_held(
        self, login, lmu_member, secretary, meeting, django_capture_on_commit_callbacks, mailoutbox, committed
    ):
        from unittest import mock

        from apps.meetings import services

        meeting.date = timezone.localdate()  # held today: the earliest day it can be marked as held
        meeting.save(update_fields=["date"])
        AgendaItemFactory(meeting=meeting)
        client = login(secretary)
        with django_capture_on_commit_callbacks() as callbacks:
            client.post(
                reverse("meetings:med_meeting_send", args=[organization_slug_of(meeting), meeting.pk])
            )
        # The status change enqueues the notice after commit; run what the worker would run.
        assert len(callbacks) == 1
        with mock.patch("apps.meetings.tasks.send_agenda_notice_task.delay") as delay:
            callbacks[0]()
        delay.assert_called_once_with(meeting.pk)
        committed(services.agenda_notice_send, meeting_id=meeting.pk)
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.AGENDA_SENT
        assert sorted(m.to[0] for m in mailoutbox) == sorted([lmu_member.email, secretary.email])
        assert "Dagsorden til" in mailoutbox[0].subject
        client.post(
            reverse("meetings:med_meeting_status", args=[organization_slug_of(meeting), meeting.pk]),
            {"action": "held"},
        )
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.HELD

    def test_a_meeting_in_the_future_cannot_be_marked_as_held(self, login, secretary, chair, meeting):
        meeting.date = timezone.localdate() + datetime.timedelta(days=70)
        meeting.status = Meeting.Status.AGENDA_SENT
        meeting.save(update_fields=["date", "status"])
        AgendaItemFactory(meeting=meeting, kind=AgendaItem.Kind.DECISION)
        response = login(secretary).post(
            reverse("meetings:med_meeting_status", args=[organization_slug_of(meeting), meeting.pk]),
            {"action": "held"},
            follow=True,
        )
        html = response.content.decode()
        assert f"Mødet holdes den {date_format(meeting.date, 'DATE_FORMAT')}." in html
        assert "tidligst markeres som afholdt" in html
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.AGENDA_SENT
        # Without being held, the minutes cannot be approved and published either.
        approve(login(chair), meeting)
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.AGENDA_SENT and not meeting.approvals.exists()

    def test_the_service_refuses_every_caller_before_the_meeting_date(self, meeting):
        from apps.meetings import services

        meeting.date = timezone.localdate() + datetime.timedelta(days=1)
        meeting.save(update_fields=["date"])
        with translation.override("en"):
            with pytest.raises(ValidationError) as refused:
                services.meeting_mark_held(meeting=meeting)
            assert refused.value.messages == [
                f"The meeting is on {date_format(meeting.date, 'DATE_FORMAT')}. "
                "It can be marked as held on that day at the earliest."
            ]
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.DRAFT

    def test_a_held_meeting_cannot_be_moved_into_the_future(self, login, secretary, held):
        held.date = timezone.localdate()
        held.save(update_fields=["date"])
        later = timezone.localdate() + datetime.timedelta(days=30)
        response = login(secretary).post(
            reverse("meetings:med_meeting_edit", args=[organization_slug_of(held), held.pk]),
            {"date": later.isoformat(), "start_time": "08:00", "kind": "ordinary"},
            follow=True,
        )
        assert "datoen kan ikke ligge i fremtiden" in response.content.decode()
        held.refresh_from_db()
        assert held.date == timezone.localdate()

    def test_empty_agenda_cannot_be_sent(self, login, secretary, meeting):
        response = login(secretary).post(
            reverse("meetings:med_meeting_send", args=[organization_slug_of(meeting), meeting.pk]),
            follow=True,
        )
        assert "mindst ét punkt" in response.content.decode()
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.DRAFT


def test_minutes_can_be_written_during_the_meeting(login, secretary, meeting):
    item = AgendaItemFactory(meeting=meeting, title="Arbejdsmiljø")
    meeting.status = Meeting.Status.AGENDA_SENT
    meeting.save(update_fields=["status"])
    client = login(secretary)
    html = client.get(
        reverse("meetings:med_meeting_detail", args=[organization_slug_of(meeting), meeting.pk])
    ).content.decode()
    assert reverse("meetings:minutes_edit", args=[organization_slug_of(item), item.pk]) in html
    assert 'id="approval"' not in html  # approval comes once the meeting is held
    client.post(
        reverse("meetings:minutes_edit", args=[organization_slug_of(item), item.pk]),
        {"minutes": "Noteret undervejs."},
    )
    item.refresh_from_db()
    assert item.minutes == "Noteret undervejs."


def _leads_back(client, url, item) -> None:
    slug = organization_slug_of(item)
    response = client.get(url)
    assert response.status_code == 200, url
    crumbs = response.text[response.text.index('<nav class="breadcrumbs"') :]
    crumbs = crumbs[: crumbs.index("</nav>")]
    for target in (
        reverse("meetings:committee_detail", args=[slug, item.meeting.committee_id]),
        reverse("meetings:med_meeting_detail", args=[slug, item.meeting_id]),
    ):
        assert f'href="{target}"' in crumbs, (url, crumbs)


def test_the_minutes_and_item_forms_lead_back_to_the_committee_and_the_meeting(login, secretary, decision):
    """They had only "Overview" above them: without JavaScript the way back to the meeting was Cancel."""
    client = login(secretary)
    slug = organization_slug_of(decision)
    _leads_back(client, reverse("meetings:minutes_edit", args=[slug, decision.pk]), decision)
    _leads_back(client, reverse("meetings:item_edit", args=[slug, decision.pk]), decision)


def test_the_correction_form_leads_back_to_the_committee_and_the_meeting(login, secretary, approved):
    client = login(secretary)
    _leads_back(
        client,
        reverse("meetings:minutes_correct", args=[organization_slug_of(approved), approved.pk]),
        approved,
    )


def test_moving_a_meeting_whose_agenda_is_out_tells_every_member(
    login, lmu_member, secretary, meeting, django_capture_on_commit_callbacks, mailoutbox
):
    """A new user's finding: the date was changed after "agenda sent" with only "the meeting is saved";
    the members, who plan by the agenda they got, were not told."""
    meeting.status = Meeting.Status.AGENDA_SENT
    meeting.save(update_fields=["status"])
    url = reverse("meetings:med_meeting_edit", args=[organization_slug_of(meeting), meeting.pk])
    data = {
        "title": "",
        "date": "2026-12-17",
        "start_time": "08:00",
        "planned_end": "09:00",
        "location": "",
        "kind": "ordinary",
    }
    from unittest import mock

    from apps.meetings import services

    def worker(meeting_id, was):  # what the worker runs with the task's arguments
        return services.meeting_changed_send(meeting_id=meeting_id, was=was)

    patch = mock.patch("apps.meetings.tasks.send_meeting_changed_task.delay", side_effect=worker)
    with patch, django_capture_on_commit_callbacks(execute=True):
        response = login(secretary).post(url, {**data, "location": ""}, follow=True)
    assert "alle medlemmer får besked om den nye dato" in response.content.decode(), [
        str(m) for m in response.context["messages"]
    ]
    assert sorted(m.to[0] for m in mailoutbox) == sorted([lmu_member.email, secretary.email])
    assert "17.12.2026" in mailoutbox[0].subject and "10. december 2026" in mailoutbox[0].body
    mailoutbox.clear()
    with patch, django_capture_on_commit_callbacks(execute=True):
        login(secretary).post(url, {**data, "title": "Ny titel"})
    assert mailoutbox == []  # the title is no news for the calendar


def test_changing_a_held_meetings_date_withdraws_an_approval(meeting, chair):
    from apps.meetings import services
    from apps.meetings.models import CommitteeMember

    meeting.status = Meeting.Status.HELD
    meeting.date = datetime.date(2026, 12, 1)
    meeting.save(update_fields=["status", "date"])
    MinutesApproval.objects.create(meeting=meeting, role=CommitteeMember.MemberRole.CHAIR, user=chair)
    services.med_meeting_update(
        meeting=meeting,
        date=datetime.date(2026, 11, 30),
        start_time=meeting.start_time,
        planned_end=meeting.planned_end,
    )
    assert not MinutesApproval.objects.exists()


def test_the_admin_shows_approved_minutes_and_their_corrections_without_changing_them(client, approved):
    """The portal's record could still be changed behind it: the admin edited a locked meeting's items
    and status, and deleted corrections."""
    from tests.factories import UserFactory

    client.force_login(UserFactory(email="super@example.org", is_staff=True, is_superuser=True))
    revision = MinutesRevision.objects.create(
        meeting=approved.meeting, item=approved, author=approved.meeting.committee.members.first().user,
        old_text=approved.minutes, new_text="Rettet.", reason="Fejl",
    )  # fmt: skip
    item_page = reverse("admin:meetings_agendaitem_change", args=[approved.pk])
    html = client.get(item_page).content.decode()
    assert 'name="minutes"' not in html  # shown, not an input
    client.post(item_page, {"minutes": "Ændret i admin", "title": "x", "kind": "decision"})
    approved.refresh_from_db()
    assert approved.minutes == "Oprindelig tekst."
    meeting_page = reverse("admin:meetings_meeting_change", args=[approved.meeting_id])
    assert 'name="status"' not in client.get(meeting_page).content.decode()
    assert client.post(reverse("admin:meetings_agendaitem_delete", args=[approved.pk])).status_code == 403
    assert (
        client.post(reverse("admin:meetings_minutesrevision_delete", args=[revision.pk])).status_code == 403
    )
    assert AgendaItem.objects.filter(pk=approved.pk).exists() and MinutesRevision.objects.exists()


def test_the_chair_and_the_vice_chair_are_told_that_a_correction_awaits_them(
    login, secretary, chair, vice_chair, lmu_member, approved, django_capture_on_commit_callbacks, mailoutbox
):
    """Without a word to them a proposal waited unseen: nobody else can put it in force."""
    from unittest import mock

    from apps.meetings import services

    def worker(revision_id):  # what the worker runs with the task's arguments
        return services.correction_proposed_send(revision_id=revision_id)

    patch = mock.patch("apps.meetings.tasks.send_correction_proposed_task.delay", side_effect=worker)
    with patch, django_capture_on_commit_callbacks(execute=True):
        proposed(login(secretary), approved)
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted([chair.email, vice_chair.email])
    body = mailoutbox[0].body
    assert approved.title in body and "Fejl" in body and "#corrections" in body
    assert "Rettet tekst." not in body  # the text itself is read in the portal, behind the log-in
