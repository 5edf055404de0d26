import pytest
from django.urls import reverse

from apps.meetings.fixtures_data import load_discussion_guide
from apps.meetings.models import Committee, CommitteeMember, DiscussionQuestion, GuideAnswer
from tests.conftest import _user_with
from tests.factories import CommitteeFactory, Role, seat
from tests.helpers import organization_slug_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide(org):
    return load_discussion_guide(organization=org)


@pytest.fixture
def hu(org):
    return CommitteeFactory(organization=org, kind=Committee.Kind.HU, name="Hovedudvalget")


@pytest.fixture
def hu_member(org, hu):
    user = _user_with(org, Role.MED, email="hu-member@example.org")
    seat(hu, user, CommitteeMember.MemberRole.CHAIR, CommitteeMember.Side.MANAGEMENT)
    return user


def test_take_the_whole_guide_into_an_agenda_item(login, secretary, meeting, guide):
    login(secretary).post(
        reverse("meetings:guide_take", args=[organization_slug_of(meeting), meeting.pk]), {"guide": guide.pk}
    )
    item = meeting.items.get()
    assert item.title == "Fremtidens arbejdsfællesskaber"
    assert item.questions.count() == 16 and all(q.source_id for q in item.questions.all())


def test_take_single_questions(login, secretary, meeting, guide):
    chosen = list(DiscussionQuestion.objects.filter(theme__guide=guide).order_by("id")[:2])
    client = login(secretary)
    page = client.get(
        reverse("meetings:guide_detail", args=[organization_slug_of(guide), guide.pk])
        + f"?meeting={meeting.pk}"
    )
    assert f'value="{chosen[0].pk}"' in page.content.decode()
    client.post(
        reverse("meetings:guide_take", args=[organization_slug_of(meeting), meeting.pk]),
        {"guide": guide.pk, "questions": [q.pk for q in chosen]},
    )
    assert [q.source for q in meeting.items.get().questions.order_by("position")] == chosen


def test_guide_of_another_organisation_is_refused(login, secretary, meeting, other_org):
    foreign = load_discussion_guide(organization=other_org)
    login(secretary).post(
        reverse("meetings:guide_take", args=[organization_slug_of(meeting), meeting.pk]),
        {"guide": foreign.pk},
    )
    assert not meeting.items.exists()


def test_record_answers_and_the_hu_sees_them_side_by_side(
    login, lmu_member, secretary, hu_member, meeting, guide, org
):
    login(secretary).post(
        reverse("meetings:guide_take", args=[organization_slug_of(meeting), meeting.pk]), {"guide": guide.pk}
    )
    client = login(lmu_member)  # a plain member answers the discussion questions
    url = reverse("meetings:med_meeting_answers", args=[organization_slug_of(meeting), meeting.pk])
    page = client.get(url)
    assert page.status_code == 200
    first, second = DiscussionQuestion.objects.filter(theme__guide=guide).order_by(
        "theme__position", "position"
    )[:2]
    client.post(url, {f"answer-{first.pk}": "Makkerordning for nye kolleger.", f"answer-{second.pk}": ""})
    assert GuideAnswer.objects.get().text == "Makkerordning for nye kolleger."
    other_lmu = CommitteeFactory(organization=org, name="LMU Område B")
    GuideAnswer.objects.create(question=first, committee=other_lmu, text="Vidensdeling hver måned.")
    CommitteeFactory(organization=org, name="LMU Område C")

    overview = login(hu_member).get(
        reverse("meetings:guide_overview", args=[organization_slug_of(guide), guide.pk])
    )
    html = overview.content.decode()
    assert "Makkerordning for nye kolleger." in html and "Vidensdeling hver måned." in html
    assert "Har ikke svaret endnu" in html and "LMU Område C" in html
    assert "Hovedudvalget</" not in html  # the HU itself is not asked


def test_answers_page_permissions(login, hr_user, board_member_other, client, meeting):
    url = reverse("meetings:med_meeting_answers", args=[organization_slug_of(meeting), meeting.pk])
    assert client.get(url).status_code == 302
    assert login(board_member_other).get(url).status_code == 404
    assert login(hr_user).get(url).status_code == 403
    assert login(hr_user).delete(url).status_code == 405


def test_overview_is_for_the_hu_and_hr(login, guide, lmu_member, hr_user, board_member_other, client):
    url = reverse("meetings:guide_overview", args=[organization_slug_of(guide), guide.pk])
    assert client.get(url).status_code == 302
    assert login(lmu_member).get(url).status_code == 403
    assert login(hr_user).get(url).status_code == 200
    assert login(board_member_other).get(url).status_code == 404
    assert login(hr_user).post(url).status_code == 405


def test_overview_query_count_does_not_grow(login, hr_user, guide, org, django_assert_max_num_queries):
    client = login(hr_user)
    url = reverse("meetings:guide_overview", args=[organization_slug_of(guide), guide.pk])
    with django_assert_max_num_queries(12):
        client.get(url)
    questions = list(DiscussionQuestion.objects.filter(theme__guide=guide))
    for n in range(8):
        committee = CommitteeFactory(organization=org)
        GuideAnswer.objects.bulk_create(
            GuideAnswer(question=q, committee=committee, text=f"Svar {n}") for q in questions
        )
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_guide_detail_shows_every_direction(login, hr_user, guide):
    html = (
        login(hr_user)
        .get(reverse("meetings:guide_detail", args=[organization_slug_of(guide), guide.pk]))
        .content.decode()
    )
    assert html.count("Vores fælles retning") == 4
