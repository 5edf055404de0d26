"""The meeting in the room: who may use each view, what htmx gets, and fixed query counts."""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.meetings import services
from apps.meetings.models import AgendaItem, CommitteeMember, LiveMeeting, Meeting, ScreenLink, Speaker, Vote
from tests.conftest import _user_with
from tests.factories import AgendaItemFactory, CommitteeFactory, MeetingFactory, Role, seat
from tests.helpers import organization_slug_of

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def other_committee_member(org):
    user = _user_with(org, Role.MED, email="other-committee@example.org", first_name="Otto")
    seat(CommitteeFactory(organization=org, name="LMU Område B"), user)
    return user


@pytest.fixture
def room(lmu, chair, vice_chair, lmu_member):
    """A meeting in progress today on its decision item, with the plain member on the speakers' list."""
    meeting = MeetingFactory(
        committee=lmu,
        date=timezone.localdate(),
        start_time=datetime.time(9, 0),
        status=Meeting.Status.AGENDA_SENT,
    )
    welcome = AgendaItemFactory(meeting=meeting, title="Velkomst", position=1, duration_minutes=10)
    budget = AgendaItemFactory(
        meeting=meeting,
        title="Budget 2027",
        position=2,
        kind=AgendaItem.Kind.DECISION,
        proposed_decision="Budgettet godkendes",
    )
    services.meeting_live_start(meeting=meeting)
    services.meeting_next_item(meeting=meeting)
    member_seat = lmu.members.get(user=lmu_member)
    speaker = services.speaker_request(item=budget, member=member_seat)
    return SimpleNamespace(
        meeting=meeting, welcome=welcome, item=budget, speaker=speaker, member_seat=member_seat
    )


def _screen_link(room):
    return services.screen_link_create(meeting=room.meeting, user=room.meeting.committee.members.first().user)


def _open_vote(room):
    return services.vote_open(item=room.item, text="Budgettet godkendes")


# view name → (method, url from the room, POST data)
VIEWS = {
    "live": (
        "get",
        lambda r: reverse("meetings:med_meeting_live", args=[organization_slug_of(r.meeting), r.meeting.pk]),
        None,
    ),
    "panel": (
        "get",
        lambda r: reverse(
            "meetings:med_meeting_live_panel", args=[organization_slug_of(r.meeting), r.meeting.pk]
        ),
        None,
    ),
    "control": (
        "post",
        lambda r: reverse(
            "meetings:med_meeting_live_control", args=[organization_slug_of(r.meeting), r.meeting.pk]
        ),
        {"action": "goto", "item": "welcome"},
    ),
    "request": (
        "post",
        lambda r: reverse("meetings:speaker_request", args=[organization_slug_of(r.item), r.item.pk]),
        {},
    ),
    "update": (
        "post",
        lambda r: reverse("meetings:speaker_update", args=[organization_slug_of(r.speaker), r.speaker.pk]),
        {"action": "done"},
    ),
    "close": (
        "post",
        lambda r: reverse("meetings:speaker_list_close", args=[organization_slug_of(r.item), r.item.pk]),
        {"closed": "1"},
    ),
    "vote_open": (
        "post",
        lambda r: reverse("meetings:vote_open", args=[organization_slug_of(r.item), r.item.pk]),
        {"text": "Budgettet godkendes", "rule": "majority"},
    ),
    "vote_record": (
        "post",
        lambda r: reverse("meetings:vote_record", args=[organization_slug_of(r.meeting), _open_vote(r).pk]),
        {
            "management_for": "1",
            "management_against": "0",
            "management_abstain": "0",
            "employee_for": "1",
            "employee_against": "0",
            "employee_abstain": "0",
        },
    ),
    "vote_cancel": (
        "post",
        lambda r: reverse("meetings:vote_cancel", args=[organization_slug_of(r.meeting), _open_vote(r).pk]),
        {},
    ),
    "screen_create": (
        "post",
        lambda r: reverse(
            "meetings:screen_link_create", args=[organization_slug_of(r.meeting), r.meeting.pk]
        ),
        {},
    ),
    "screen_revoke": (
        "post",
        lambda r: reverse(
            "meetings:screen_link_revoke", args=[organization_slug_of(r.meeting), _screen_link(r).pk]
        ),
        {},
    ),
}
READERS = {"live", "panel", "request"}  # every member of the committee; the rest is the chair's

USERS = ["chair", "vice_chair", "lmu_member", "other_committee_member", "board_member_other"]


def expected(view: str, who: str) -> int:
    if who == "board_member_other":
        return 404
    if who == "other_committee_member":
        return 403
    if who == "lmu_member" and view not in READERS:
        return 403
    return 200


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("view", list(VIEWS))
def test_permission_matrix(view, who, room, login, request):
    method, url, data = VIEWS[view]
    client = login(request.getfixturevalue(who))
    if data and data.get("item") == "welcome":
        data = {**data, "item": room.welcome.pk}
    response = getattr(client, method)(url(room), data or {}, **HTMX)
    assert response.status_code == expected(view, who)


@pytest.mark.parametrize("view", list(VIEWS))
def test_anonymous_is_sent_to_login(view, room, client):
    method, url, data = VIEWS[view]
    response = getattr(client, method)(url(room), data or {})
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("view", list(VIEWS))
def test_wrong_method(view, room, login, chair):
    method, url, _data = VIEWS[view]
    wrong = "post" if method == "get" else "get"
    assert getattr(login(chair), wrong)(url(room)).status_code == 405


class TestScreen:
    def url(self, room):
        return reverse(
            "meetings:med_meeting_live", args=[organization_slug_of(room.meeting), room.meeting.pk]
        )

    def test_full_page_polls_its_screen_part(self, room, login, lmu_member):
        response = login(lmu_member).get(self.url(room))
        html = response.content.decode()
        assert response.status_code == 200 and "<html" in html
        assert 'hx-trigger="every 3s"' in html and f'hx-get="{self.url(room)}"' in html
        assert 'http-equiv="refresh"' not in html
        assert "Budget 2027" in html and "Lise" in html
        assert "no-cache" in response["Cache-Control"]

    def test_htmx_gets_only_the_screen_part(self, room, login, lmu_member):
        response = login(lmu_member).get(self.url(room), **HTMX)
        html = response.content.decode()
        assert response.status_code == 200 and "<html" not in html
        assert html.lstrip().startswith('<div id="screen"') and "Budget 2027" in html

    def test_screen_follows_the_chair(self, room, login, lmu_member, chair):
        services.meeting_current_item_set(meeting=room.meeting, item=room.welcome)
        html = login(lmu_member).get(self.url(room), **HTMX).content.decode()
        assert "Velkomst" in html and "Budget 2027" not in html

    def test_last_vote_is_shown_with_its_counts(self, room, login, lmu_member):
        vote = _open_vote(room)
        services.vote_record(
            vote=vote,
            management_for=1,
            management_against=0,
            management_abstain=0,
            employee_for=0,
            employee_against=1,
            employee_abstain=1,
        )
        html = login(lmu_member).get(self.url(room), **HTMX).content.decode()
        assert "Budgettet godkendes" in html and "Ikke vedtaget" in html

    def test_before_the_start_and_after_the_end(self, lmu, login, lmu_member, chair):
        meeting = MeetingFactory(committee=lmu, date=timezone.localdate())
        url = reverse("meetings:med_meeting_live", args=[organization_slug_of(meeting), meeting.pk])
        assert "Mødet er ikke begyndt" in login(lmu_member).get(url).content.decode()
        services.meeting_live_start(meeting=meeting)
        services.meeting_live_end(meeting=meeting)
        assert "Mødet er slut" in login(lmu_member).get(url).content.decode()

    def test_query_count_does_not_grow_with_speakers(
        self, room, login, lmu, lmu_member, django_assert_max_num_queries
    ):
        client = login(lmu_member)
        with django_assert_max_num_queries(12) as small:
            client.get(self.url(room), **HTMX)
        for i in range(15):
            user = _user_with(lmu.organization, Role.MED, email=f"s{i}@example.org")
            services.speaker_request(item=room.item, member=seat(lmu, user))
        with django_assert_max_num_queries(len(small.captured_queries)):
            html = client.get(self.url(room), **HTMX).content.decode()
        assert html.count("<li") == 16


class TestPanel:
    def test_meeting_page_shows_the_panel_and_the_members_own_request(self, room, login, lmu_member):
        html = (
            login(lmu_member)
            .get(
                reverse(
                    "meetings:med_meeting_detail", args=[organization_slug_of(room.meeting), room.meeting.pk]
                )
            )
            .content.decode()
        )
        assert 'id="live"' in html and "Trække min anmodning tilbage" in html
        assert "Åbn en afstemning" not in html  # the vote form is the chair's

    def test_chair_sees_the_controls(self, room, login, chair):
        html = (
            login(chair)
            .get(
                reverse(
                    "meetings:med_meeting_detail", args=[organization_slug_of(room.meeting), room.meeting.pk]
                )
            )
            .content.decode()
        )
        assert "Næste punkt" in html and "Åbn en afstemning" in html and "Budgettet godkendes" in html

    def test_panel_without_htmx_goes_back_to_the_meeting_page(self, room, login, lmu_member):
        response = login(lmu_member).get(
            reverse(
                "meetings:med_meeting_live_panel", args=[organization_slug_of(room.meeting), room.meeting.pk]
            )
        )
        assert response.status_code == 302
        assert (
            response["Location"]
            == reverse(
                "meetings:med_meeting_detail", args=[organization_slug_of(room.meeting), room.meeting.pk]
            )
            + "#live"
        )

    def test_htmx_gets_the_panel_fragment(self, room, login, lmu_member):
        html = (
            login(lmu_member)
            .get(
                reverse(
                    "meetings:med_meeting_live_panel",
                    args=[organization_slug_of(room.meeting), room.meeting.pk],
                ),
                **HTMX,
            )
            .content.decode()
        )
        assert html.lstrip().startswith('<section id="live"') and "<html" not in html

    def test_meeting_page_query_count_does_not_grow_with_speakers(
        self, room, login, lmu, chair, django_assert_max_num_queries
    ):
        client = login(chair)
        url = reverse(
            "meetings:med_meeting_detail", args=[organization_slug_of(room.meeting), room.meeting.pk]
        )
        with django_assert_max_num_queries(30) as small:
            client.get(url)
        for i in range(15):
            user = _user_with(lmu.organization, Role.MED, email=f"s{i}@example.org")
            services.speaker_request(item=room.item, member=seat(lmu, user))
        with django_assert_max_num_queries(len(small.captured_queries)):
            assert client.get(url).status_code == 200


class TestActions:
    def test_chair_starts_the_meeting_without_javascript(self, lmu, login, chair):
        meeting = MeetingFactory(committee=lmu, date=timezone.localdate())
        AgendaItemFactory(meeting=meeting, title="Velkomst")
        response = login(chair).post(
            reverse("meetings:med_meeting_live_control", args=[organization_slug_of(meeting), meeting.pk]),
            {"action": "start"},
        )
        assert response["Location"].endswith(f"/meeting/{meeting.pk}/#live")
        assert LiveMeeting.objects.get(meeting=meeting).current_item.title == "Velkomst"

    def test_refused_action_shows_its_reason_in_the_fragment(self, room, login, chair):
        response = login(chair).post(
            reverse(
                "meetings:med_meeting_live_control",
                args=[organization_slug_of(room.meeting), room.meeting.pk],
            ),
            {"action": "next"},
            **HTMX,
        )
        assert response.status_code == 200
        assert 'role="alert"' in response.content.decode() and "sidste punkt" in response.content.decode()

    def test_refused_action_without_javascript_is_a_message(self, room, login, chair):
        client = login(chair)
        response = client.post(
            reverse(
                "meetings:med_meeting_live_control",
                args=[organization_slug_of(room.meeting), room.meeting.pk],
            ),
            {"action": "next"},
            follow=True,
        )
        assert "sidste punkt" in response.content.decode()

    def test_member_asks_to_speak_and_withdraws(self, room, login, lmu, vice_chair):
        client = login(vice_chair)
        html = client.post(
            reverse("meetings:speaker_request", args=[organization_slug_of(room.item), room.item.pk]), **HTMX
        ).content.decode()
        assert "Vera" in html
        mine = Speaker.objects.get(member__user=vice_chair)
        client.post(
            reverse("meetings:speaker_update", args=[organization_slug_of(mine), mine.pk]),
            {"action": "withdraw"},
            **HTMX,
        )
        assert not Speaker.objects.filter(pk=mine.pk).exists()

    def test_a_member_cannot_put_someone_else_on_the_list_or_withdraw_them(
        self, room, login, lmu_member, chair
    ):
        client = login(lmu_member)
        chair_seat = CommitteeMember.objects.get(user=chair)
        response = client.post(
            reverse("meetings:speaker_request", args=[organization_slug_of(room.item), room.item.pk]),
            {"member": chair_seat.pk},
            **HTMX,
        )
        assert response.status_code == 403
        theirs = services.speaker_request(item=room.item, member=chair_seat)
        response = client.post(
            reverse("meetings:speaker_update", args=[organization_slug_of(theirs), theirs.pk]),
            {"action": "withdraw"},
        )
        assert response.status_code == 403

    def test_member_withdraws_own_request(self, room, login, lmu_member):
        response = login(lmu_member).post(
            reverse("meetings:speaker_update", args=[organization_slug_of(room.speaker), room.speaker.pk]),
            {"action": "withdraw"},
            **HTMX,
        )
        assert response.status_code == 200 and not Speaker.objects.filter(pk=room.speaker.pk).exists()
        assert "Bed om ordet" in response.content.decode()

    def test_chair_adds_a_member_and_orders_the_list(self, room, login, chair):
        client = login(chair)
        chair_seat = CommitteeMember.objects.get(user=chair)
        client.post(
            reverse("meetings:speaker_request", args=[organization_slug_of(room.item), room.item.pk]),
            {"member": chair_seat.pk},
            **HTMX,
        )
        added = Speaker.objects.get(member=chair_seat)
        html = client.post(
            reverse("meetings:speaker_update", args=[organization_slug_of(added), added.pk]),
            {"action": "up"},
            **HTMX,
        ).content.decode()
        assert html.index("Carl") < html.index("Lise")

    def test_vote_is_recorded_and_shown_in_the_minutes(self, room, login, chair):
        client = login(chair)
        client.post(
            reverse("meetings:vote_open", args=[organization_slug_of(room.item), room.item.pk]),
            {"text": "Budgettet godkendes", "rule": "both_sides"},
            **HTMX,
        )
        vote = Vote.objects.get(item=room.item)
        counts = {
            "management_for": "1",
            "management_against": "0",
            "management_abstain": "0",
            "employee_for": "2",
            "employee_against": "0",
            "employee_abstain": "0",
        }
        too_many = {**counts, "employee_for": "3"}
        html = client.post(
            reverse("meetings:vote_record", args=[organization_slug_of(vote), vote.pk]), too_many, **HTMX
        ).content.decode()
        assert 'role="alert"' in html and "3 stemmer, men kun 2" in html
        client.post(
            reverse("meetings:vote_record", args=[organization_slug_of(vote), vote.pk]), counts, **HTMX
        )
        page = client.get(
            reverse("meetings:med_meeting_detail", args=[organization_slug_of(room.meeting), room.meeting.pk])
        ).content.decode()
        minutes = page.split('id="minutes-heading"')[1]
        assert "Budgettet godkendes" in minutes and "Vedtaget" in minutes and "flertal i hver side" in minutes

    def test_bad_counts_are_refused(self, room, login, chair):
        vote = _open_vote(room)
        response = login(chair).post(
            reverse("meetings:vote_record", args=[organization_slug_of(vote), vote.pk]),
            {"management_for": "-1"},
            **HTMX,
        )
        assert response.status_code == 200 and "helt tal" in response.content.decode()
        vote.refresh_from_db()
        assert vote.is_open


def test_committee_feed_link_has_a_qr_code_of_its_exact_address(lmu, login, lmu_member):
    from apps.core.ical import calendar_token
    from apps.organizations.models import CalendarToken
    from tests.qrcheck import modules_of, qr_codes

    page = (
        login(lmu_member)
        .get(reverse("meetings:committee_detail", args=[organization_slug_of(lmu), lmu.pk]))
        .content.decode()
    )
    url = "http://testserver" + reverse(
        "meetings:committee_ics",
        args=[organization_slug_of(lmu), lmu.pk, calendar_token(lmu_member, CalendarToken.Kind.MEETINGS)],
    )
    assert f'<code id="ics-url">{url}</code>' in page
    assert ("QR-kode med adressen på udvalgets kalender", modules_of(url)) in qr_codes(page)
    assert 'data-copy="ics-url"' in page


class TestScreenLink:
    def test_chair_makes_a_link_that_shows_the_screen_without_login(self, room, login, chair, client):
        html = (
            login(chair)
            .post(
                reverse(
                    "meetings:screen_link_create", args=[organization_slug_of(room.meeting), room.meeting.pk]
                ),
                **HTMX,
            )
            .content.decode()
        )
        link = ScreenLink.objects.get(meeting=room.meeting)
        url = "http://testserver" + reverse(
            "meetings:med_meeting_screen", args=[organization_slug_of(link), link.token]
        )
        assert f">{url}</code>" in html and "Tilbagekald linket" in html
        client.logout()
        slug = organization_slug_of(link)
        screen_url = reverse("meetings:med_meeting_screen", args=[slug, link.token])
        response = client.get(screen_url)
        page = response.content.decode()
        assert response.status_code == 200 and "Budget 2027" in page and "Lise" in page
        assert f'hx-get="{screen_url}"' in page
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert f'href="{reverse("meetings:med_meeting_detail", args=[slug, room.meeting.pk])}"' not in page
        partial = client.get(screen_url, **HTMX).content.decode()
        assert partial.lstrip().startswith('<div id="screen"')

    def test_a_revoked_link_stops_working(self, room, login, chair, client):
        link = _screen_link(room)
        login(chair).post(reverse("meetings:screen_link_revoke", args=[organization_slug_of(link), link.pk]))
        client.logout()
        assert (
            client.get(
                reverse("meetings:med_meeting_screen", args=[organization_slug_of(link), link.token])
            ).status_code
            == 404
        )

    def test_the_link_stops_when_the_meeting_is_held(self, room, client):
        link = _screen_link(room)
        Meeting.objects.filter(pk=room.meeting.pk).update(status=Meeting.Status.HELD)
        assert (
            client.get(
                reverse("meetings:med_meeting_screen", args=[organization_slug_of(link), link.token])
            ).status_code
            == 404
        )

    def test_unknown_token_and_wrong_method(self, room, client):
        assert (
            client.get(
                reverse("meetings:med_meeting_screen", args=[organization_slug_of(room.meeting), "x" * 43])
            ).status_code
            == 404
        )
        link = _screen_link(room)
        assert (
            client.post(
                reverse("meetings:med_meeting_screen", args=[organization_slug_of(link), link.token])
            ).status_code
            == 405
        )

    def test_a_plain_member_sees_no_screen_links(self, room, login, lmu_member):
        link = _screen_link(room)
        html = (
            login(lmu_member)
            .get(
                reverse(
                    "meetings:med_meeting_detail", args=[organization_slug_of(room.meeting), room.meeting.pk]
                )
            )
            .content.decode()
        )
        assert link.token not in html


def test_going_to_an_item_that_is_not_a_number_is_refused_with_a_message(room, login, chair):
    response = login(chair).post(
        reverse(
            "meetings:med_meeting_live_control", args=[organization_slug_of(room.meeting), room.meeting.pk]
        ),
        {"action": "goto", "item": "x"},
        **HTMX,
    )
    assert response.status_code == 200 and "Vælg et punkt" in response.content.decode()


def test_the_screen_stops_polling_once_the_meeting_is_held(room, login, lmu_member):
    Meeting.objects.filter(pk=room.meeting.pk).update(status=Meeting.Status.HELD)
    html = (
        login(lmu_member)
        .get(reverse("meetings:med_meeting_live", args=[organization_slug_of(room.meeting), room.meeting.pk]))
        .content.decode()
    )
    assert 'id="screen"' in html and "hx-trigger" not in html


def test_the_minutes_pdf_shows_the_vote_with_its_counts(room, login, lmu_member):
    from tests.meetings.test_pdf_and_calendar import pdf_text

    vote = _open_vote(room)
    services.vote_record(
        vote=vote,
        management_for=1,
        management_against=0,
        management_abstain=0,
        employee_for=0,
        employee_against=1,
        employee_abstain=1,
    )
    Meeting.objects.filter(pk=room.meeting.pk).update(
        status=Meeting.Status.MINUTES_APPROVED, minutes_approved_at=timezone.now()
    )
    text = pdf_text(
        login(lmu_member).get(
            reverse("meetings:minutes_pdf", args=[organization_slug_of(room.meeting), room.meeting.pk])
        )
    )
    assert "Afstemning: Budgettet godkendes" in text
    assert "Ledelsen 1 0 0" in text and "Medarbejderne 0 1 1" in text
    assert "Ikke vedtaget (flertal af de afgivne stemmer)" in text  # a tie is not carried
    assert "Budget 2027\nBeslutning: Afvist. Budgettet godkendes" in text


def test_when_the_current_item_is_deleted_the_chair_is_asked_to_choose_one(room, login, chair):
    room.item.delete()
    client = login(chair)
    panel = client.get(
        reverse(
            "meetings:med_meeting_live_panel", args=[organization_slug_of(room.meeting), room.meeting.pk]
        ),
        **HTMX,
    ).content.decode()
    assert "Intet punkt er valgt" in panel
    screen = client.get(
        reverse("meetings:med_meeting_live", args=[organization_slug_of(room.meeting), room.meeting.pk]),
        **HTMX,
    ).content.decode()
    assert "Mødet er i gang." in screen
