"""Issue 16, points 1 and 2: minutes are an official record.

Minutes are approved only by a chair or vice-chair recorded present, with attendance recorded and the
committee's quorum met; the minutes PDF carries each decision's text, the attendance and the approvals.
"""

import io

import pytest
from django.urls import reverse
from django.utils import formats, timezone
from pypdf import PdfReader

from apps.meetings.models import AgendaItem, Attendance, CommitteeMember, Meeting, MinutesApproval
from tests.conftest import _user_with
from tests.factories import AgendaItemFactory, Role, seat
from tests.helpers import organization_slug_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(meeting, chair, vice_chair, lmu_member):
    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["status"])
    AgendaItemFactory(meeting=meeting, title="Budget", kind=AgendaItem.Kind.DECISION)
    return meeting


def record(meeting, **statuses):
    """Attendance straight into the table: ``present`` per user's email local part, default present."""
    for member in meeting.committee.members.select_related("user"):
        present = statuses.get(member.user.email.split("@")[0], True)
        Attendance.objects.create(meeting=meeting, member=member, present=present)


def approve(client, meeting):
    return client.post(
        reverse("meetings:minutes_approve", args=[organization_slug_of(meeting), meeting.pk]), follow=True
    )


def page_of(client, meeting) -> str:
    return client.get(
        reverse("meetings:med_meeting_detail", args=[organization_slug_of(meeting), meeting.pk])
    ).content.decode()


class TestApprovalNeedsAttendanceAndQuorum:
    def test_minutes_are_not_approved_while_every_member_is_recorded_absent(
        self, login, held, chair, vice_chair
    ):
        for member in held.committee.members.all():
            Attendance.objects.create(meeting=held, member=member, present=False)
        html = approve(login(chair), held).content.decode()
        approve(login(vice_chair), held)
        held.refresh_from_db()
        assert held.status == Meeting.Status.HELD
        assert not MinutesApproval.objects.exists()
        assert "ikke beslutningsdygtigt" in html

    def test_without_attendance_the_page_and_the_refusal_ask_for_it(self, login, held, chair):
        client = login(chair)
        assert "Registrér fremmødet først" in page_of(client, held)
        html = approve(client, held).content.decode()
        assert "Registrér fremmødet først" in html
        assert not MinutesApproval.objects.exists()

    def test_an_approver_recorded_absent_cannot_approve(self, login, org, held, chair, vice_chair):
        # Two more managers keep management quorate (2 of 3) while the chair is recorded absent.
        for n in range(2):
            manager = _user_with(org, Role.LEADER, email=f"manager{n}@example.org")
            seat(held.committee, manager, side=CommitteeMember.Side.MANAGEMENT)
        record(held, chair=False)
        html = approve(login(chair), held).content.decode()
        assert "Du er ikke registreret som til stede" in html
        assert not MinutesApproval.objects.filter(role="chair").exists()
        approve(login(vice_chair), held)
        assert MinutesApproval.objects.filter(role="vice_chair").exists()

    def test_more_than_half_of_each_side_is_the_default(self, login, held, chair, vice_chair):
        # Employees: the vice-chair and one member; one of two is not more than half.
        record(held, **{"lmu-member": False})
        html = approve(login(chair), held).content.decode()
        assert "Medarbejderne havde 1 af 2 stemmeberettigede til stede, og 2 skal være det" in html
        assert not MinutesApproval.objects.exists()

    def test_quorate_meeting_is_approved_by_both(self, login, held, chair, vice_chair):
        record(held)
        approve(login(chair), held)
        approve(login(vice_chair), held)
        held.refresh_from_db()
        assert held.status == Meeting.Status.MINUTES_APPROVED


class TestQuorumSetting:
    def test_a_fixed_minimum_per_side_replaces_the_default(self, login, held, chair, vice_chair):
        committee = held.committee
        committee.quorum_rule = committee.QuorumRule.MINIMUM_PER_SIDE
        committee.quorum_management, committee.quorum_employees = 1, 1
        committee.save()
        record(held, **{"lmu-member": False})
        approve(login(chair), held)
        approve(login(vice_chair), held)
        held.refresh_from_db()
        assert held.status == Meeting.Status.MINUTES_APPROVED

    def test_the_secretary_does_not_count(self, login, held, chair, vice_chair, secretary):
        committee = held.committee
        committee.quorum_rule = committee.QuorumRule.MINIMUM_PER_SIDE
        committee.quorum_management, committee.quorum_employees = 2, 1
        committee.save()
        record(held)  # chair and secretary present for management: still one voting manager
        html = approve(login(chair), held).content.decode()
        assert "Ledelsen havde 1 af 1 stemmeberettigede til stede, og 2 skal være det" in html
        assert not MinutesApproval.objects.exists()

    def test_chair_changes_the_rule(self, login, held, chair):
        url = reverse("meetings:committee_settings", args=[organization_slug_of(held), held.committee_id])
        client = login(chair)
        assert client.get(url).status_code == 200
        bad = client.post(url, {"quorum_rule": "minimum_per_side", "quorum_management": ""})
        assert bad.status_code == 400 and 'aria-invalid="true"' in bad.content.decode()
        response = client.post(
            url, {"quorum_rule": "minimum_per_side", "quorum_management": "2", "quorum_employees": "3"}
        )
        assert response.status_code == 302
        held.committee.refresh_from_db()
        assert (held.committee.quorum_management, held.committee.quorum_employees) == (2, 3)
        page = client.get(
            reverse("meetings:committee_detail", args=[organization_slug_of(held), held.committee_id])
        ).content.decode()
        assert "Mindst 2 fra ledelsen og 3 fra medarbejderne til stede" in page

    def test_who_may_change_it(self, login, client, held, secretary, lmu_member, board_member_other):
        url = reverse("meetings:committee_settings", args=[organization_slug_of(held), held.committee_id])
        data = {"quorum_rule": "minimum_per_side", "quorum_management": "5", "quorum_employees": "5"}
        assert client.post(url, data).status_code == 302  # anonymous: to the log-in
        assert login(secretary).post(url, data).status_code == 403
        assert login(lmu_member).post(url, data).status_code == 403
        assert login(board_member_other).post(url, data).status_code == 404
        assert login(secretary).put(url).status_code == 405
        held.committee.refresh_from_db()
        assert held.committee.quorum_rule == "half_of_each_side"


class TestAttendanceForm:
    def url(self, meeting):
        return reverse("meetings:attendance_save", args=[organization_slug_of(meeting), meeting.pk])

    def test_every_member_needs_a_choice(self, login, held, secretary, lmu_member):
        seats = {m.user: m.pk for m in held.committee.members.all()}
        response = login(secretary).post(self.url(held), {f"attendance-{seats[secretary]}": "present"})
        assert response.status_code == 400
        html = response.content.decode()
        assert "Vælg til stede, fraværende eller afbud for hvert medlem" in html
        assert lmu_member.get_full_name() in html.split("Mangler:")[1]
        assert not Attendance.objects.exists()

    def test_changing_attendance_withdraws_approvals(self, login, held, chair, secretary):
        record(held)
        approve(login(chair), held)
        assert MinutesApproval.objects.count() == 1
        data = {f"attendance-{m.pk}": "present" for m in held.committee.members.all()}
        data[f"attendance-{held.committee.members.get(user=secretary).pk}"] = "excused"
        response = login(secretary).post(self.url(held), data, follow=True)
        assert "godkendelser der blev givet før ændringen er trukket tilbage" in response.content.decode()
        assert not MinutesApproval.objects.exists()

    def test_only_organisers_record_it(self, login, client, held, lmu_member, board_member_other):
        assert client.post(self.url(held), {}).status_code == 302
        assert login(lmu_member).post(self.url(held), {}).status_code == 403
        assert login(board_member_other).post(self.url(held), {}).status_code == 404
        assert login(lmu_member).get(self.url(held)).status_code == 405


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_minutes_pdf_has_each_decision_in_full_attendance_and_approval_times(
    login, held, chair, vice_chair, lmu_member, hr_user
):
    AgendaItemFactory(
        meeting=held,
        title="Sygefraværspolitik",
        kind=AgendaItem.Kind.DECISION,
        proposed_decision="Udvalget godkender den reviderede sygefraværspolitik med virkning fra 1. marts.",
        outcome=AgendaItem.Outcome.APPROVED,
        minutes="Drøftet.",
    )
    AgendaItemFactory(
        meeting=held,
        title="Ny mødekalender",
        kind=AgendaItem.Kind.DECISION,
        proposed_decision="Fire møder om året.",
        outcome=AgendaItem.Outcome.REJECTED,
        outcome_text="Udvalget holder seks møder om året.",
    )
    record(held)
    approve(login(chair), held)
    approve(login(vice_chair), held)
    approvals = list(MinutesApproval.objects.order_by("approved_at"))
    assert len(approvals) == 2
    text = " ".join(
        pdf_text(
            login(hr_user).get(reverse("meetings:minutes_pdf", args=[organization_slug_of(held), held.pk]))
        ).split()
    )
    assert "Udvalget godkender den reviderede sygefraværspolitik med virkning fra 1. marts." in text
    assert "Udvalget holder seks møder om året." in text
    assert "Indstilling: Fire møder om året." in text
    assert f"{lmu_member.get_full_name()} Medlem Medarbejderne til stede" in text
    assert "Ledelsen: 1 af 1 til stede (1 krævet)" in text
    for approval in approvals:
        when = formats.date_format(timezone.localtime(approval.approved_at), "SHORT_DATETIME_FORMAT")
        assert when in text
        assert approval.user.get_full_name() in text


class TestAChangeAfterAnApprovalWithdrawsIt:
    """A new user's finding: the chair approved, the secretary then changed an item's minutes, the
    vice-chair approved, and the locked minutes said both had approved text the chair never saw."""

    def minutes_url(self, item):
        return reverse("meetings:minutes_edit", args=[organization_slug_of(item.meeting), item.pk])

    def test_editing_an_items_minutes_withdraws_the_approval_given(
        self, login, held, chair, vice_chair, secretary
    ):
        record(held)
        approve(login(chair), held)
        item = held.items.get()
        response = login(secretary).post(
            self.minutes_url(item),
            {"minutes": "Budgettet blev vedtaget.", "outcome": "", "outcome_text": ""},
            follow=True,
        )
        assert "godkendelser der blev givet før ændringen er trukket tilbage" in response.content.decode()
        assert not MinutesApproval.objects.exists()
        approve(login(vice_chair), held)
        held.refresh_from_db()
        assert held.status == Meeting.Status.HELD  # one approval, given to the text as it is now
        chairs_page = page_of(login(chair), held)
        assert 'id="approvals-withdrawn"' in chairs_page
        assert "Godkend referatet" in chairs_page  # the chair is asked again
        approve(login(chair), held)
        held.refresh_from_db()
        assert held.status == Meeting.Status.MINUTES_APPROVED

    def test_saving_the_same_minutes_again_withdraws_nothing(self, login, held, chair, secretary):
        record(held)
        item = held.items.get()
        approve(login(chair), held)
        login(secretary).post(
            self.minutes_url(item),
            {"minutes": item.minutes, "outcome": item.outcome, "outcome_text": item.outcome_text},
        )
        assert MinutesApproval.objects.count() == 1

    def test_changing_the_agenda_after_an_approval_withdraws_it(self, login, held, chair, secretary):
        from apps.meetings import services

        record(held)
        approve(login(chair), held)
        services.agenda_item_add(meeting=held, title="Eventuelt")
        assert not MinutesApproval.objects.exists()
        held.refresh_from_db()
        assert held.approvals_withdrawn_at is not None

    def test_who_approved_is_told_and_not_offered_the_button_again(self, login, held, chair):
        record(held)
        approve(login(chair), held)
        page = page_of(login(chair), held)
        assert "Du har godkendt referatet." in page and "Godkend referatet</button>" not in page
