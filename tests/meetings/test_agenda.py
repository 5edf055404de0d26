import datetime

import pytest
from django.urls import reverse

from apps.meetings.models import AgendaItem, Meeting
from tests.factories import AgendaItemFactory, CommitteeFactory, MeetingFactory
from tests.helpers import organization_slug_of

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def detail(meeting):
    return reverse("meetings:med_meeting_detail", args=[organization_slug_of(meeting), meeting.pk])


def titles(meeting):
    return list(meeting.items.order_by("position", "id").values_list("title", flat=True))


class TestMeetingDetail:
    def test_member_sees_clock_times_end_and_overrun(self, login, secretary, meeting):
        AgendaItemFactory(meeting=meeting, title="Velkomst", duration_minutes=15)
        AgendaItemFactory(meeting=meeting, title="Budget", duration_minutes=60)
        response = login(secretary).get(detail(meeting))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Kl. 8.00" in html and "Kl. 8.15" in html  # item starts, alone in the time column
        summary = " ".join(html.split('class="meetings-summary"')[1].split("</p>")[0].split())
        # In running text Danish writes "kl." with a small letter.
        assert "Starter <strong>kl. 8.00</strong> · slutter <strong>kl. 9.15</strong>" in summary
        assert "planlagt sluttidspunkt <strong>kl. 9.00</strong>" in summary
        assert "Kl." not in summary
        assert "15 minutter efter det planlagte sluttidspunkt" in html or "15 minutes past" in html

    def test_english_uses_the_locale_time_format(self, login, secretary, meeting):
        secretary.language = "en"
        secretary.save(update_fields=["language"])
        AgendaItemFactory(meeting=meeting, title="Velkomst", duration_minutes=15)
        html = login(secretary).get(detail(meeting), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Kl. 8.15" not in html

    def test_anonymous_is_sent_to_login(self, client, meeting):
        response = client.get(detail(meeting))
        assert response.status_code == 302 and "/login/" in response["Location"]

    def test_other_organisation_gets_404(self, login, board_member_other, meeting):
        assert login(board_member_other).get(detail(meeting)).status_code == 404

    def test_unseated_user_cannot_read_a_draft(self, login, hr_user, meeting):
        assert login(hr_user).get(detail(meeting)).status_code == 403

    def test_published_minutes_are_readable_by_the_organisation(self, login, hr_user, meeting):
        from django.utils import timezone

        meeting.status = Meeting.Status.MINUTES_APPROVED
        meeting.minutes_approved_at = timezone.now()
        meeting.save()
        response = login(hr_user).get(detail(meeting))
        assert response.status_code == 200
        assert "Send agenda" not in response.content.decode()

    def test_post_is_not_allowed(self, login, secretary, meeting):
        assert login(secretary).post(detail(meeting)).status_code == 405

    def test_htmx_gets_only_the_agenda(self, login, secretary, meeting):
        response = login(secretary).get(detail(meeting), **HTMX)
        html = response.content.decode()
        assert 'id="agenda"' in html and "<html" not in html

    def test_query_count_does_not_grow_with_items(
        self, login, secretary, meeting, django_assert_max_num_queries
    ):
        client = login(secretary)
        AgendaItemFactory(meeting=meeting)
        with django_assert_max_num_queries(22):
            client.get(detail(meeting))
        for _ in range(25):
            item = AgendaItemFactory(meeting=meeting)
            item.steps.create(text="Dialog", duration_minutes=5)
            item.questions.create(text="Hvorfor?")
        with django_assert_max_num_queries(22):
            assert client.get(detail(meeting)).status_code == 200


class TestAddItem:
    def data(self, **kw):
        base = {"new-title": "Budget 2027", "new-kind": "information", "new-duration_minutes": "20"}
        base.update(kw)
        return base

    def test_add_item_without_js_redirects_back(self, login, secretary, meeting):
        response = login(secretary).post(
            reverse("meetings:item_add", args=[organization_slug_of(meeting), meeting.pk]), self.data()
        )
        assert response.status_code == 302 and response["Location"].endswith("#agenda")
        assert titles(meeting) == ["Budget 2027"]

    def test_add_item_with_htmx_returns_the_updated_agenda(self, login, secretary, meeting):
        response = login(secretary).post(
            reverse("meetings:item_add", args=[organization_slug_of(meeting), meeting.pk]),
            self.data(),
            **HTMX,
        )
        assert response.status_code == 200
        assert "Budget 2027" in response.content.decode() and "<html" not in response.content.decode()

    @pytest.mark.parametrize("minutes", ["0", "-5"])
    def test_zero_or_negative_duration_is_refused(self, login, secretary, meeting, minutes):
        client = login(secretary)
        response = client.post(
            reverse("meetings:item_add", args=[organization_slug_of(meeting), meeting.pk]),
            self.data(**{"new-duration_minutes": minutes}),
            **HTMX,
        )
        assert response.status_code == 200  # htmx swaps only 2xx; the fragment carries the message
        assert (
            "mindst ét minut" in response.content.decode()
            or "at least one minute" in response.content.decode()
        )
        assert not meeting.items.exists()

    def test_zero_duration_without_js_shows_the_form_with_the_error(self, login, secretary, meeting):
        response = login(secretary).post(
            reverse("meetings:item_add", args=[organization_slug_of(meeting), meeting.pk]),
            self.data(**{"new-duration_minutes": "0"}),
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "mindst ét minut" in html and 'aria-invalid="true"' in html
        assert not meeting.items.exists()

    def test_wrong_role_gets_403(self, login, hr_user, meeting):
        response = login(hr_user).post(
            reverse("meetings:item_add", args=[organization_slug_of(meeting), meeting.pk]), self.data()
        )
        assert response.status_code == 403 and not meeting.items.exists()

    def test_other_organisation_gets_404(self, login, board_member_other, meeting):
        response = login(board_member_other).post(
            reverse("meetings:item_add", args=[organization_slug_of(meeting), meeting.pk]), self.data()
        )
        assert response.status_code == 404

    def test_get_is_not_allowed(self, login, secretary, meeting):
        assert (
            login(secretary)
            .get(reverse("meetings:item_add", args=[organization_slug_of(meeting), meeting.pk]))
            .status_code
            == 405
        )

    def test_anonymous(self, client, meeting):
        assert (
            client.post(
                reverse("meetings:item_add", args=[organization_slug_of(meeting), meeting.pk]), self.data()
            ).status_code
            == 302
        )


class TestStandardItems:
    @pytest.mark.parametrize(
        ("language", "expected"),
        [
            ("da", "Godkendelse af dagsorden"),
            ("en", "Approval of the agenda"),
            ("nb", "Godkjenning av saksliste"),
        ],
    )
    def test_inserted_in_the_active_language(self, login, secretary, meeting, language, expected):
        secretary.language = language
        secretary.save(update_fields=["language"])
        client = login(secretary)
        client.post(
            reverse("meetings:item_add_standard", args=[organization_slug_of(meeting), meeting.pk]),
            {"key": "approve_agenda"},
        )
        assert titles(meeting) == [expected]

    def test_all_six_standard_items(self, login, secretary, meeting):
        client = login(secretary)
        for key in [
            "approve_agenda",
            "approve_minutes",
            "news",
            "absence",
            "work_environment",
            "any_other_business",
        ]:
            client.post(
                reverse("meetings:item_add_standard", args=[organization_slug_of(meeting), meeting.pk]),
                {"key": key},
                **HTMX,
            )
        assert titles(meeting) == [
            "Godkendelse af dagsorden",
            "Godkendelse af referat fra sidste møde",
            "Nyt fra ledelsen",
            "Status på sygefravær",
            "Arbejdsmiljø",
            "Eventuelt",
        ]

    def test_unknown_key_is_refused(self, login, secretary, meeting):
        response = login(secretary).post(
            reverse("meetings:item_add_standard", args=[organization_slug_of(meeting), meeting.pk]),
            {"key": "x"},
        )
        assert response.status_code == 422 and not meeting.items.exists()


class TestReorderAndDuration:
    def test_move_down_and_up_without_js(self, login, secretary, meeting):
        first = AgendaItemFactory(meeting=meeting, title="A")
        AgendaItemFactory(meeting=meeting, title="B")
        client = login(secretary)
        response = client.post(
            reverse("meetings:item_move", args=[organization_slug_of(first), first.pk]), {"direction": "down"}
        )
        assert response.status_code == 302
        assert titles(meeting) == ["B", "A"]
        client.post(
            reverse("meetings:item_move", args=[organization_slug_of(first), first.pk]),
            {"direction": "up"},
            **HTMX,
        )
        assert titles(meeting) == ["A", "B"]

    def test_moving_the_first_item_up_changes_nothing(self, login, secretary, meeting):
        first = AgendaItemFactory(meeting=meeting, title="A")
        AgendaItemFactory(meeting=meeting, title="B")
        login(secretary).post(
            reverse("meetings:item_move", args=[organization_slug_of(first), first.pk]), {"direction": "up"}
        )
        assert titles(meeting) == ["A", "B"]

    def test_duration_change_updates_clock_times_live(self, login, secretary, meeting):
        first = AgendaItemFactory(meeting=meeting, title="A", duration_minutes=15)
        AgendaItemFactory(meeting=meeting, title="B", duration_minutes=15)
        response = login(secretary).post(
            reverse("meetings:item_duration", args=[organization_slug_of(first), first.pk]),
            {"duration_minutes": "45"},
            **HTMX,
        )
        html = response.content.decode()
        assert "Kl. 8.45" in html  # B now starts at 8.45
        assert "slutter <strong>kl. 9.00</strong>" in html  # the end, exactly the planned end: no overrun
        assert "efter det planlagte" not in html

    def test_zero_duration_is_refused_and_nothing_changes(self, login, secretary, meeting):
        item = AgendaItemFactory(meeting=meeting, duration_minutes=15)
        response = login(secretary).post(
            reverse("meetings:item_duration", args=[organization_slug_of(item), item.pk]),
            {"duration_minutes": "0"},
            **HTMX,
        )
        assert response.status_code == 422 and 'role="alert"' in response.content.decode()
        item.refresh_from_db()
        assert item.duration_minutes == 15

    def test_wrong_role(self, login, hr_user, meeting):
        item = AgendaItemFactory(meeting=meeting)
        response = login(hr_user).post(
            reverse("meetings:item_move", args=[organization_slug_of(item), item.pk]), {"direction": "up"}
        )
        assert response.status_code == 403


class TestMoveToNextMeeting:
    def test_moves_to_the_next_meeting_of_the_same_committee(self, login, secretary, meeting, lmu):
        later = MeetingFactory(committee=lmu, date=meeting.date + datetime.timedelta(days=60))
        MeetingFactory(committee=lmu, date=meeting.date + datetime.timedelta(days=30))
        MeetingFactory(committee=CommitteeFactory(organization=lmu.organization), date=meeting.date)
        item = AgendaItemFactory(meeting=meeting, title="Udskudt punkt")
        login(secretary).post(
            reverse("meetings:item_to_next_meeting", args=[organization_slug_of(item), item.pk])
        )
        item.refresh_from_db()
        assert item.meeting.date == meeting.date + datetime.timedelta(days=30)
        assert item.meeting != later

    def test_refuses_a_meeting_of_another_committee(self, login, secretary, meeting, lmu):
        other = MeetingFactory(committee=CommitteeFactory(organization=lmu.organization))
        item = AgendaItemFactory(meeting=meeting)
        response = login(secretary).post(
            reverse("meetings:item_to_next_meeting", args=[organization_slug_of(item), item.pk]),
            {"target": other.pk},
            **HTMX,
        )
        assert response.status_code == 422
        assert "samme udvalg" in response.content.decode()
        item.refresh_from_db()
        assert item.meeting == meeting

    def test_without_a_later_meeting_says_so(self, login, secretary, meeting):
        item = AgendaItemFactory(meeting=meeting)
        client = login(secretary)
        response = client.post(
            reverse("meetings:item_to_next_meeting", args=[organization_slug_of(item), item.pk]), follow=True
        )
        assert "intet senere møde" in response.content.decode()
        item.refresh_from_db()
        assert item.meeting == meeting


class TestStepsQuestionsAndDeletion:
    def test_dialogue_step_gets_its_own_clock_time(self, login, secretary, meeting):
        item = AgendaItemFactory(meeting=meeting, kind=AgendaItem.Kind.DIALOGUE, duration_minutes=30)
        client = login(secretary)
        client.post(
            reverse("meetings:step_add", args=[organization_slug_of(item), item.pk]),
            {"text": "Oplæg", "duration_minutes": "10"},
        )
        response = client.post(
            reverse("meetings:step_add", args=[organization_slug_of(item), item.pk]),
            {"text": "Dialog i grupper", "duration_minutes": "20"},
            **HTMX,
        )
        assert "Kl. 8.10 · Dialog i grupper" in response.content.decode()

    def test_step_with_zero_minutes_is_refused(self, login, secretary, meeting):
        item = AgendaItemFactory(meeting=meeting)
        login(secretary).post(
            reverse("meetings:step_add", args=[organization_slug_of(item), item.pk]),
            {"text": "X", "duration_minutes": "0"},
        )
        assert not item.steps.exists()

    def test_question_and_delete(self, login, secretary, meeting):
        item = AgendaItemFactory(meeting=meeting)
        client = login(secretary)
        client.post(
            reverse("meetings:question_add", args=[organization_slug_of(item), item.pk]),
            {"text": "Hvad gør vi lokalt?"},
        )
        assert item.questions.get().text == "Hvad gør vi lokalt?"
        client.post(reverse("meetings:item_delete", args=[organization_slug_of(item), item.pk]))
        assert not meeting.items.exists()

    def test_edit_item_form(self, login, secretary, meeting):
        item = AgendaItemFactory(meeting=meeting)
        client = login(secretary)
        assert (
            client.get(reverse("meetings:item_edit", args=[organization_slug_of(item), item.pk])).status_code
            == 200
        )
        response = client.post(
            reverse("meetings:item_edit", args=[organization_slug_of(item), item.pk]),
            {"title": "Ny titel", "kind": "decision", "duration_minutes": "-1"},
        )
        assert response.status_code == 400
        item.refresh_from_db()
        assert item.title != "Ny titel"
