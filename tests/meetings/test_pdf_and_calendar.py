import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from apps.core.ical import calendar_token
from apps.meetings.fixtures_data import load_theme_day
from apps.meetings.models import AgendaItem, Attendance, Meeting, MinutesApproval
from apps.organizations.models import CalendarToken
from tests.factories import AgendaItemFactory, CommitteeFactory, MeetingFactory, seat
from tests.helpers import organization_slug_of

pytestmark = pytest.mark.django_db

MED = CalendarToken.Kind.MEETINGS


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_agenda_pdf_has_clock_times_purposes_questions_and_page_numbers(login, lmu_member, lmu):
    meeting = load_theme_day(committee=lmu)
    text = pdf_text(
        login(lmu_member).get(
            reverse("meetings:agenda_pdf", args=[organization_slug_of(meeting), meeting.pk])
        )
    )
    assert "Testforbundet" in text  # the organisation's name
    for clock in ["Kl. 8.00", "Kl. 8.15", "Kl. 9.45", "Kl. 11.00", "Kl. 12.30"]:
        assert clock in text
    # The heading's time span is running text: a small "kl.", once for both times.
    assert f"{meeting.date.year} · kl. 8.00–" in text
    assert "Kl. 8.00–" not in text and "–Kl." not in text
    assert "Fælles forståelsesramme" in text  # a purpose
    assert "prioriteret rækkefølge" in text  # a question
    assert "Side 1 af" in text


def test_agenda_pdf_permissions(login, hr_user, board_member_other, client, meeting):
    url = reverse("meetings:agenda_pdf", args=[organization_slug_of(meeting), meeting.pk])
    assert client.get(url).status_code == 302
    assert login(board_member_other).get(url).status_code == 404
    assert login(hr_user).get(url).status_code == 403
    assert login(hr_user).post(url).status_code == 405


def test_minutes_pdf_has_decisions_and_attendance(login, hr_user, lmu_member, chair, vice_chair, meeting):
    AgendaItemFactory(
        meeting=meeting,
        title="Sygefraværsmateriale",
        kind=AgendaItem.Kind.DECISION,
        outcome=AgendaItem.Outcome.APPROVED,
        outcome_text="Materialet rettes til.",
        minutes="Drøftet grundigt.",
    )
    for member in meeting.committee.members.all():
        Attendance.objects.create(meeting=meeting, member=member, present=member.user != vice_chair)
    MinutesApproval.objects.create(meeting=meeting, role="chair", user=chair)
    MinutesApproval.objects.create(meeting=meeting, role="vice_chair", user=vice_chair)
    meeting.status = Meeting.Status.MINUTES_APPROVED
    meeting.minutes_approved_at = timezone.now()
    meeting.save()
    text = pdf_text(
        login(hr_user).get(reverse("meetings:minutes_pdf", args=[organization_slug_of(meeting), meeting.pk]))
    )
    assert "Materialet rettes til." in text
    assert chair.get_full_name() in text and vice_chair.get_full_name() in text
    assert "fraværende" in text and "til stede" in text
    assert text.index("Beslutninger") < text.index("Referat pr. punkt")
    assert "10. december 2026 · kl. 8.00–8.15" in text


def test_minutes_pdf_waits_for_approval(login, lmu_member, meeting):
    response = login(lmu_member).get(
        reverse("meetings:minutes_pdf", args=[organization_slug_of(meeting), meeting.pk])
    )
    assert response.status_code == 302


class TestCalendar:
    def url(self, committee, token):
        return reverse("meetings:committee_ics", args=[organization_slug_of(committee), committee.pk, token])

    def test_member_token_gives_the_meetings(self, client, lmu, lmu_member, meeting):
        AgendaItemFactory(meeting=meeting, duration_minutes=45)
        response = client.get(self.url(lmu, calendar_token(lmu_member, MED)))
        assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
        events = list(Calendar.from_ical(response.content).walk("VEVENT"))
        assert len(events) == 1
        start = events[0].decoded("dtstart")
        assert (start.hour, start.minute) == (8, 0)
        assert events[0].decoded("dtend") - start == datetime.timedelta(minutes=45)

    def test_wrong_token_is_404(self, client, lmu, lmu_member):
        token = calendar_token(lmu_member, MED)
        assert client.get(self.url(lmu, token[:-1] + ("0" if token[-1] != "0" else "1"))).status_code == 404
        assert client.get(self.url(lmu, "nonsense")).status_code == 404

    def test_token_for_another_committee_is_404(self, client, lmu, lmu_member, org):
        other = CommitteeFactory(organization=org)
        assert client.get(self.url(other, calendar_token(lmu_member, MED))).status_code == 404

    def test_another_organisations_slug_is_404(self, client, lmu, lmu_member, other_org):
        token = calendar_token(lmu_member, MED)
        url = reverse("meetings:committee_ics", args=[other_org.slug, lmu.pk, token])
        assert client.get(url).status_code == 404
        assert client.get(self.url(lmu, token)).status_code == 200

    def test_token_stops_working_when_the_seat_ends(self, client, lmu, lmu_member):
        token = calendar_token(lmu_member, MED)
        lmu.members.filter(user=lmu_member).update(active=False)
        assert client.get(self.url(lmu, token)).status_code == 404

    def test_committee_page_shows_the_personal_address(self, login, lmu, lmu_member):
        html = (
            login(lmu_member)
            .get(reverse("meetings:committee_detail", args=[organization_slug_of(lmu), lmu.pk]))
            .content.decode()
        )
        assert calendar_token(lmu_member, MED) in html

    def test_query_count_does_not_grow(self, client, lmu, lmu_member, django_assert_max_num_queries):
        url = self.url(lmu, calendar_token(lmu_member, MED))
        MeetingFactory(committee=lmu)
        with django_assert_max_num_queries(5):
            client.get(url)
        for _ in range(10):
            AgendaItemFactory(meeting=MeetingFactory(committee=lmu))
        with django_assert_max_num_queries(5):
            client.get(url)

    def test_one_personal_token_opens_the_calendar_of_each_of_the_members_committees(
        self, client, lmu, lmu_member, org
    ):
        other = CommitteeFactory(organization=org)
        seat(other, lmu_member)
        token = calendar_token(lmu_member, MED)
        assert client.get(self.url(lmu, token)).status_code == 200
        assert client.get(self.url(other, token)).status_code == 200
        # The club feeds' token is another one: it opens no committee's calendar.
        assert (
            client.get(self.url(lmu, calendar_token(lmu_member, CalendarToken.Kind.CLUBS))).status_code == 404
        )


class TestNewCalendarLink:
    def url(self, committee):
        return reverse(
            "meetings:committee_calendar_renew", args=[organization_slug_of(committee), committee.pk]
        )

    def test_a_new_link_revokes_the_old_one(self, login, client, lmu, lmu_member, meeting):
        old = calendar_token(lmu_member, MED)
        response = login(lmu_member).post(self.url(lmu))
        assert response.status_code == 302
        assert (
            response["Location"]
            == reverse("meetings:committee_detail", args=[organization_slug_of(lmu), lmu.pk]) + "#calendar"
        )
        new = calendar_token(lmu_member, MED)
        assert new != old
        page = client.get(response["Location"]).content.decode()
        assert new in page and old not in page
        assert "Der er lavet nye kalenderlinks" in page
        client.logout()

        def feed(token):
            return reverse("meetings:committee_ics", args=[organization_slug_of(lmu), lmu.pk, token])

        assert client.get(feed(old)).status_code == 404
        assert client.get(feed(new)).status_code == 200

    def test_only_the_persons_own_link_changes(self, login, lmu, lmu_member, chair):
        theirs = calendar_token(chair, MED)
        login(lmu_member).post(self.url(lmu))
        assert calendar_token(chair, MED) == theirs

    def test_the_page_has_the_button(self, login, lmu, lmu_member):
        html = (
            login(lmu_member)
            .get(reverse("meetings:committee_detail", args=[organization_slug_of(lmu), lmu.pk]))
            .content.decode()
        )
        assert f'action="{self.url(lmu)}"' in html

    def test_anonymous_is_sent_to_log_in(self, client, lmu):
        response = client.post(self.url(lmu))
        assert response.status_code == 302 and "/login/" in response["Location"]

    def test_another_organisations_committee_is_404(self, login, lmu, board_member_other):
        assert login(board_member_other).post(self.url(lmu)).status_code == 404

    def test_someone_without_a_seat_is_403(self, login, lmu, hr_user):
        assert login(hr_user).post(self.url(lmu)).status_code == 403
        assert not CalendarToken.objects.filter(user=hr_user).exists()

    def test_get_is_405(self, login, lmu, lmu_member):
        assert login(lmu_member).get(self.url(lmu)).status_code == 405
