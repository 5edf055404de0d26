"""Issue 16, points 3 and 4: who may do what with a meeting, item proposals, sending, closing items, order."""

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.meetings import services
from apps.meetings.models import AgendaItem, Attendance, ItemProposal, Meeting, MinutesApproval
from tests.conftest import _user_with
from tests.factories import AgendaItemFactory, CommitteeFactory, Role, seat
from tests.helpers import organization_slug_of

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def other_committee_member(org):
    user = _user_with(org, Role.MED, email="other-committee@example.org")
    seat(CommitteeFactory(organization=org, name="LMU Område B"), user)
    return user


@pytest.fixture
def people(request, chair, vice_chair, secretary, lmu_member):
    return request


ORGANISERS = {"chair", "vice_chair", "secretary"}
SEATED = ORGANISERS | {"lmu_member"}
WHO = [
    "chair",
    "vice_chair",
    "secretary",
    "lmu_member",
    "shop_steward",
    "other_committee_member",
    "board_member_other",
    "anonymous",
]


def expected(who, allowed):
    if who == "anonymous":
        return 302
    if who == "board_member_other":
        return 404
    return None if who in allowed else 403


def act(request, client, login, who):
    if who == "anonymous":
        return client
    return login(request.getfixturevalue(who))


@pytest.mark.parametrize("who", WHO)
class TestRoleMatrix:
    def test_edit_agenda(self, people, client, login, meeting, who):
        url = reverse("meetings:item_add", args=[organization_slug_of(meeting), meeting.pk])
        data = {"new-title": "Budget", "new-kind": "information", "new-duration_minutes": "10"}
        response = act(people, client, login, who).post(url, data)
        code = expected(who, ORGANISERS)
        assert response.status_code == (code or 302)
        assert meeting.items.exists() == (code is None)

    def test_send_agenda(self, people, client, login, meeting, who):
        AgendaItemFactory(meeting=meeting)
        response = act(people, client, login, who).post(
            reverse("meetings:med_meeting_send", args=[organization_slug_of(meeting), meeting.pk])
        )
        code = expected(who, ORGANISERS)
        assert response.status_code == (code or 302)
        meeting.refresh_from_db()
        assert (meeting.status == Meeting.Status.AGENDA_SENT) == (code is None)

    def test_mark_held(self, people, client, login, meeting, who):
        meeting.date = timezone.localdate()
        meeting.save(update_fields=["date"])
        url = reverse("meetings:med_meeting_status", args=[organization_slug_of(meeting), meeting.pk])
        response = act(people, client, login, who).post(url, {"action": "held"})
        code = expected(who, ORGANISERS)
        assert response.status_code == (code or 302)
        meeting.refresh_from_db()
        assert (meeting.status == Meeting.Status.HELD) == (code is None)

    def test_propose(self, people, client, login, meeting, who):
        url = reverse("meetings:proposal_add", args=[organization_slug_of(meeting), meeting.pk])
        data = {"title": "Kantineordning", "description": "Priserne", "duration_minutes": "10"}
        response = act(people, client, login, who).post(url, data)
        code = expected(who, SEATED)
        assert response.status_code == (code or 302)
        assert ItemProposal.objects.exists() == (code is None)

    def test_accept_and_decline(self, people, client, login, meeting, lmu_member, who):
        first = ItemProposal.objects.create(meeting=meeting, proposed_by=lmu_member, title="A")
        second = ItemProposal.objects.create(meeting=meeting, proposed_by=lmu_member, title="B")
        user_client = act(people, client, login, who)
        accepted = user_client.post(
            reverse("meetings:proposal_accept", args=[organization_slug_of(first), first.pk])
        )
        declined = user_client.post(
            reverse("meetings:proposal_decline", args=[organization_slug_of(second), second.pk]),
            {"reason": "Nej"},
        )
        code = expected(who, ORGANISERS)
        assert (accepted.status_code, declined.status_code) == ((code or 302), (code or 302))
        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.status == "accepted", second.status == "declined") == (code is None, code is None)

    def test_approve_minutes(self, people, client, login, meeting, who):
        meeting.status = Meeting.Status.HELD
        meeting.save(update_fields=["status"])
        for member in meeting.committee.members.all():
            Attendance.objects.create(meeting=meeting, member=member, present=True)
        response = act(people, client, login, who).post(
            reverse("meetings:minutes_approve", args=[organization_slug_of(meeting), meeting.pk])
        )
        # Seated members who may not approve are told why (a redirect with the message), others refused.
        code = expected(who, SEATED)
        assert response.status_code == (code or 302)
        assert MinutesApproval.objects.exists() == (who in {"chair", "vice_chair"})


class TestSendConfirmation:
    def url(self, meeting):
        return reverse("meetings:med_meeting_send", args=[organization_slug_of(meeting), meeting.pk])

    def test_page_names_every_recipient_and_sends_nothing(self, login, secretary, lmu_member, chair, meeting):
        AgendaItemFactory(meeting=meeting)
        response = login(secretary).get(self.url(meeting))
        html = response.content.decode()
        assert response.status_code == 200 and "<html" in html
        for user in (secretary, lmu_member, chair):
            assert user.get_full_name() in html and user.email in html
        assert "alle udvalgets 3 medlemmer" in html
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.DRAFT

    def test_query_count_does_not_grow_with_members(
        self, login, org, secretary, meeting, django_assert_max_num_queries
    ):
        client = login(secretary)
        with django_assert_max_num_queries(10):
            client.get(self.url(meeting))
        for n in range(12):
            seat(meeting.committee, _user_with(org, Role.MED, email=f"m{n}@example.org"))
        with django_assert_max_num_queries(10):
            assert client.get(self.url(meeting)).status_code == 200

    def test_htmx_gets_a_labelled_dialog(self, login, secretary, meeting):
        html = login(secretary).get(self.url(meeting), **HTMX).content.decode()
        assert "<html" not in html and "<dialog" in html
        assert 'aria-labelledby="send-dialog-heading"' in html and 'id="send-dialog-heading"' in html

    def test_a_sent_agenda_is_not_offered_again(self, login, secretary, meeting):
        meeting.status = Meeting.Status.AGENDA_SENT
        meeting.save(update_fields=["status"])
        response = login(secretary).get(self.url(meeting), **HTMX)
        assert response["HX-Redirect"] == reverse(
            "meetings:med_meeting_detail", args=[organization_slug_of(meeting), meeting.pk]
        )
        assert login(secretary).get(self.url(meeting)).status_code == 302

    def test_the_meeting_page_links_to_the_confirmation(self, login, secretary, meeting):
        html = (
            login(secretary)
            .get(reverse("meetings:med_meeting_detail", args=[organization_slug_of(meeting), meeting.pk]))
            .content.decode()
        )
        assert f'href="{self.url(meeting)}"' in html and f'hx-get="{self.url(meeting)}"' in html

    def test_refusals(self, login, client, lmu_member, board_member_other, secretary, meeting):
        assert client.get(self.url(meeting)).status_code == 302
        assert login(lmu_member).get(self.url(meeting)).status_code == 403
        assert login(board_member_other).get(self.url(meeting)).status_code == 404
        assert login(secretary).put(self.url(meeting)).status_code == 405


class TestProposals:
    def test_member_proposes_secretary_accepts_before_any_other_business(
        self, login, lmu_member, secretary, meeting, django_capture_on_commit_callbacks, mailoutbox, committed
    ):
        client = login(secretary)
        for key in ["approve_agenda", "any_other_business"]:
            client.post(
                reverse("meetings:item_add_standard", args=[organization_slug_of(meeting), meeting.pk]),
                {"key": key},
            )
        login(lmu_member).post(
            reverse("meetings:proposal_add", args=[organization_slug_of(meeting), meeting.pk]),
            {"title": "Kantineordning", "description": "Priserne stiger", "duration_minutes": "20"},
        )
        proposal = ItemProposal.objects.get()
        html = (
            login(secretary)
            .get(reverse("meetings:med_meeting_detail", args=[organization_slug_of(meeting), meeting.pk]))
            .content.decode()
        )
        assert "Kantineordning" in html and "Priserne stiger" in html
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            login(secretary).post(
                reverse("meetings:proposal_accept", args=[organization_slug_of(proposal), proposal.pk])
            )
        assert len(callbacks) == 1
        titles = list(meeting.items.order_by("position").values_list("title", "duration_minutes"))
        assert titles == [("Godkendelse af dagsorden", 5), ("Kantineordning", 20), ("Eventuelt", 10)]
        assert committed(services.item_proposal_notice_send, proposal_id=proposal.pk)
        assert mailoutbox[0].to == [lmu_member.email] and "er på dagsordenen" in mailoutbox[0].subject

    def test_decline_needs_a_reason_and_the_proposer_gets_it(
        self, login, lmu_member, secretary, meeting, mailoutbox, committed
    ):
        proposal = ItemProposal.objects.create(meeting=meeting, proposed_by=lmu_member, title="Frugtordning")
        url = reverse("meetings:proposal_decline", args=[organization_slug_of(proposal), proposal.pk])
        client = login(secretary)
        assert client.get(url).status_code == 200
        bad = client.post(url, {"reason": ""})
        assert bad.status_code == 400 and "Skriv til forslagsstilleren" in bad.content.decode()
        client.post(url, {"reason": "Hører til i personalemødet."})
        proposal.refresh_from_db()
        assert proposal.status == "declined"
        committed(services.item_proposal_notice_send, proposal_id=proposal.pk)
        assert mailoutbox[0].to == [lmu_member.email]
        assert "Hører til i personalemødet." in mailoutbox[0].body
        again = client.post(url, {"reason": "igen"})
        assert again.status_code == 400 and "allerede taget stilling" in again.content.decode()

    def test_a_member_sees_only_their_own_proposals(self, login, lmu_member, chair, meeting):
        ItemProposal.objects.create(meeting=meeting, proposed_by=chair, title="Formandens idé")
        ItemProposal.objects.create(meeting=meeting, proposed_by=lmu_member, title="Min idé")
        html = (
            login(lmu_member)
            .get(reverse("meetings:med_meeting_detail", args=[organization_slug_of(meeting), meeting.pk]))
            .content.decode()
        )
        assert "Min idé" in html and "Formandens idé" not in html
        assert (
            reverse("meetings:item_add", args=[organization_slug_of(meeting), meeting.pk]) not in html
        )  # no agenda tools

    def test_proposal_form_errors_and_method(self, login, lmu_member, meeting):
        url = reverse("meetings:proposal_add", args=[organization_slug_of(meeting), meeting.pk])
        client = login(lmu_member)
        assert client.get(url).status_code == 200
        bad = client.post(url, {"title": "", "duration_minutes": "0"})
        assert bad.status_code == 400 and 'aria-invalid="true"' in bad.content.decode()
        assert client.put(url).status_code == 405
        assert not ItemProposal.objects.exists()

    def test_meeting_page_query_count_does_not_grow_with_proposals(
        self, login, secretary, lmu_member, meeting, django_assert_max_num_queries
    ):
        client = login(secretary)
        ItemProposal.objects.create(meeting=meeting, proposed_by=lmu_member, title="P")
        with django_assert_max_num_queries(24):
            client.get(
                reverse("meetings:med_meeting_detail", args=[organization_slug_of(meeting), meeting.pk])
            )
        for n in range(15):
            ItemProposal.objects.create(meeting=meeting, proposed_by=lmu_member, title=f"P{n}")
        with django_assert_max_num_queries(24):
            assert (
                client.get(
                    reverse("meetings:med_meeting_detail", args=[organization_slug_of(meeting), meeting.pk])
                ).status_code
                == 200
            )


def titles(meeting):
    return list(meeting.items.order_by("position", "id").values_list("title", flat=True))


class TestClosingItemsAndOrder:
    def test_a_new_item_lands_before_any_other_business(self, login, secretary, meeting):
        client = login(secretary)
        client.post(
            reverse("meetings:item_add_standard", args=[organization_slug_of(meeting), meeting.pk]),
            {"key": "approve_agenda"},
        )
        client.post(
            reverse("meetings:item_add_standard", args=[organization_slug_of(meeting), meeting.pk]),
            {"key": "any_other_business"},
        )
        client.post(
            reverse("meetings:item_add", args=[organization_slug_of(meeting), meeting.pk]),
            {"new-title": "Budget 2027", "new-kind": "information", "new-duration_minutes": "20"},
        )
        assert titles(meeting) == ["Godkendelse af dagsorden", "Budget 2027", "Eventuelt"]

    def test_an_item_moved_to_the_next_meeting_lands_before_its_closing_items(
        self, login, secretary, meeting
    ):
        later = Meeting.objects.create(
            committee=meeting.committee, date=meeting.date.replace(year=2027), start_time=meeting.start_time
        )
        services.agenda_item_add_standard(meeting=later, key="any_other_business")
        item = AgendaItemFactory(meeting=meeting, title="Udskudt")
        login(secretary).post(
            reverse("meetings:item_to_next_meeting", args=[organization_slug_of(item), item.pk])
        )
        assert titles(later) == ["Udskudt", "Eventuelt"]

    def test_drag_and_drop_order_moves_the_clock_times(self, login, secretary, meeting):
        a = AgendaItemFactory(meeting=meeting, title="A", duration_minutes=30)
        b = AgendaItemFactory(meeting=meeting, title="B", duration_minutes=10)
        response = login(secretary).post(
            reverse("meetings:item_reorder", args=[organization_slug_of(meeting), meeting.pk]),
            {"order": [b.pk, a.pk]},
            **HTMX,
        )
        html = response.content.decode()
        assert response.status_code == 200 and "<html" not in html
        assert titles(meeting) == ["B", "A"]
        # A now starts when B (10 minutes from 8.00) ends.
        row_a = html.split(f'id="item-{a.pk}"')[1].split("</h3>")[0]
        row_b = html.split(f'id="item-{b.pk}"')[1].split("</h3>")[0]
        assert "Kl. 8.10" in row_a and "Kl. 8.00" in row_b
        assert html.index(f'id="item-{b.pk}"') < html.index(f'id="item-{a.pk}"')

    def test_a_stale_order_is_refused_and_nothing_moves(self, login, secretary, meeting):
        a = AgendaItemFactory(meeting=meeting, title="A")
        b = AgendaItemFactory(meeting=meeting, title="B")
        url = reverse("meetings:item_reorder", args=[organization_slug_of(meeting), meeting.pk])
        response = login(secretary).post(url, {"order": [b.pk]}, **HTMX)
        assert "Dagsordenen blev ændret" in response.content.decode()
        response = login(secretary).post(url, {"order": [b.pk, a.pk, a.pk]})
        assert response.status_code == 422  # refused input is no success (the page, with the message)
        assert "Dagsordenen blev ændret" in response.content.decode()
        assert titles(meeting) == ["A", "B"]

    def test_reorder_refusals(self, login, client, lmu_member, board_member_other, secretary, meeting):
        a = AgendaItemFactory(meeting=meeting, title="A")
        url = reverse("meetings:item_reorder", args=[organization_slug_of(meeting), meeting.pk])
        assert client.post(url, {"order": [a.pk]}).status_code == 302
        assert login(lmu_member).post(url, {"order": [a.pk]}).status_code == 403
        assert login(board_member_other).post(url, {"order": [a.pk]}).status_code == 404
        assert login(secretary).get(url).status_code == 405

    def test_closing_flag_is_offered_when_adding(self, login, secretary, meeting):
        login(secretary).post(
            reverse("meetings:item_add", args=[organization_slug_of(meeting), meeting.pk]),
            {
                "new-title": "Evaluering af mødet",
                "new-kind": "dialogue",
                "new-duration_minutes": "5",
                "new-closing": "on",
            },
        )
        services.agenda_item_add(meeting=meeting, title="Sidst tilføjet")
        assert titles(meeting) == ["Sidst tilføjet", "Evaluering af mødet"]
        assert AgendaItem.objects.get(title="Evaluering af mødet").closing
