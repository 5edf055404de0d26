import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from apps.meetings.calendar import calendar_token
from apps.meetings.fixtures_data import load_theme_day
from apps.meetings.models import AgendaItem, Attendance, Meeting, MinutesApproval
from tests.factories import AgendaItemFactory, CommitteeFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_agenda_pdf_has_clock_times_purposes_questions_and_page_numbers(login, lmu_member, lmu):
    meeting = load_theme_day(committee=lmu)
    text = pdf_text(login(lmu_member).get(reverse("meetings:agenda_pdf", args=[meeting.pk])))
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
    url = reverse("meetings:agenda_pdf", args=[meeting.pk])
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
    text = pdf_text(login(hr_user).get(reverse("meetings:minutes_pdf", args=[meeting.pk])))
    assert "Materialet rettes til." in text
    assert chair.get_full_name() in text and vice_chair.get_full_name() in text
    assert "fraværende" in text and "til stede" in text
    assert text.index("Beslutninger") < text.index("Referat pr. punkt")
    assert "10. december 2026 · kl. 8.00–8.15" in text


def test_minutes_pdf_waits_for_approval(login, lmu_member, meeting):
    response = login(lmu_member).get(reverse("meetings:minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 302


class TestCalendar:
    def url(self, committee, token):
        return reverse("meetings:committee_ics", args=[committee.pk, token])

    def test_member_token_gives_the_meetings(self, client, lmu, lmu_member, meeting):
        AgendaItemFactory(meeting=meeting, duration_minutes=45)
        response = client.get(self.url(lmu, calendar_token(lmu, lmu_member)))
        assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
        events = list(Calendar.from_ical(response.content).walk("VEVENT"))
        assert len(events) == 1
        start = events[0].decoded("dtstart")
        assert (start.hour, start.minute) == (8, 0)
        assert events[0].decoded("dtend") - start == datetime.timedelta(minutes=45)

    def test_wrong_token_is_404(self, client, lmu, lmu_member):
        token = calendar_token(lmu, lmu_member)
        assert client.get(self.url(lmu, token[:-1] + ("0" if token[-1] != "0" else "1"))).status_code == 404
        assert client.get(self.url(lmu, "nonsense")).status_code == 404

    def test_token_for_another_committee_is_404(self, client, lmu, lmu_member, org):
        other = CommitteeFactory(organization=org)
        assert client.get(self.url(other, calendar_token(lmu, lmu_member))).status_code == 404

    def test_token_stops_working_when_the_seat_ends(self, client, lmu, lmu_member):
        token = calendar_token(lmu, lmu_member)
        lmu.members.filter(user=lmu_member).update(active=False)
        assert client.get(self.url(lmu, token)).status_code == 404

    def test_committee_page_shows_the_personal_address(self, login, lmu, lmu_member):
        html = login(lmu_member).get(reverse("meetings:committee_detail", args=[lmu.pk])).content.decode()
        assert calendar_token(lmu, lmu_member) in html

    def test_query_count_does_not_grow(self, client, lmu, lmu_member, django_assert_max_num_queries):
        url = self.url(lmu, calendar_token(lmu, lmu_member))
        MeetingFactory(committee=lmu)
        with django_assert_max_num_queries(5):
            client.get(url)
        for _ in range(10):
            AgendaItemFactory(meeting=MeetingFactory(committee=lmu))
        with django_assert_max_num_queries(5):
            client.get(url)
