import pytest
from django.urls import reverse

from apps.meetings.fixtures_data import load_sickness_project
from apps.meetings.models import Committee, Meeting
from tests.factories import (
    CommitteeFactory,
    CommitteeMemberFactory,
    MeetingFactory,
    OrganizationFactory,
    OrgUnitFactory,
)
from tests.helpers import body_rows, organization_slug_of

pytestmark = pytest.mark.django_db


class TestCommitteeList:
    def url(self, org):
        return reverse("meetings:committee_list", args=[org.slug])

    def test_lists_committees_and_marks_mine(self, login, lmu_member, lmu, org):
        CommitteeFactory(organization=org, name="Hovedudvalget", kind=Committee.Kind.HU)
        html = login(lmu_member).get(self.url(org)).content.decode()
        assert "Hovedudvalget" in html and "LMU Område A" in html and "Dit udvalg" in html

    def test_rows_link_name_kind_unit_and_members_escaped(self, login, lmu_member, lmu, org):
        unit = OrgUnitFactory(organization=org, name="Skole <Nord> & Co")
        other = CommitteeFactory(organization=org, name="<b>Udvalg</b>", kind=Committee.Kind.HU, unit=unit)
        CommitteeMemberFactory(committee=other)
        CommitteeMemberFactory(committee=other, active=False)
        CommitteeFactory(organization=org, name="Nedlagt", active=False)
        html = login(lmu_member).get(self.url(org)).content.decode()
        # Kind first (the main committee before the local ones), then name; inactive ones left out.
        assert body_rows(html) == [
            (
                ["<b>Udvalg</b>", "Hovedudvalg (HU)", "Skole <Nord> & Co", "1"],
                [reverse("meetings:committee_detail", args=[org.slug, other.pk])],
            ),
            (
                ["LMU Område A Dit udvalg", "Lokaludvalg (LMU)", "Hele organisationen", "1"],
                [reverse("meetings:committee_detail", args=[org.slug, lmu.pk])],
            ),
        ]
        assert "<b>Udvalg</b>" not in html and "Skole <Nord>" not in html

    def test_anonymous_other_org_wrong_role_method(
        self, client, login, org, board_member, board_member_other, hr_user
    ):
        assert client.get(self.url(org)).status_code == 302
        assert login(board_member_other).get(self.url(org)).status_code == 404
        assert login(board_member).get(self.url(org)).status_code == 403  # union board: no MED
        assert login(hr_user).post(self.url(org)).status_code == 405

    def test_query_count(self, login, hr_user, org, django_assert_max_num_queries):
        client = login(hr_user)
        with django_assert_max_num_queries(8):
            client.get(self.url(org))
        for _ in range(15):
            CommitteeMemberFactory(committee=CommitteeFactory(organization=org))
        with django_assert_max_num_queries(8):
            assert client.get(self.url(org)).status_code == 200


class TestCommitteeDetail:
    def test_member_sees_drafts_others_only_published_minutes(self, login, lmu_member, hr_user, lmu):
        MeetingFactory(committee=lmu, title="Kladdemøde")
        from django.utils import timezone

        MeetingFactory(
            committee=lmu,
            title="Godkendt møde",
            status=Meeting.Status.MINUTES_APPROVED,
            minutes_approved_at=timezone.now(),
        )
        url = reverse("meetings:committee_detail", args=[organization_slug_of(lmu), lmu.pk])
        member_html = login(lmu_member).get(url).content.decode()
        assert "Kladdemøde" in member_html and "Godkendt møde" in member_html
        other_html = login(hr_user).get(url).content.decode()
        assert "Kladdemøde" not in other_html and "Godkendt møde" in other_html

    def test_other_org_and_anonymous(self, login, client, board_member_other, lmu):
        url = reverse("meetings:committee_detail", args=[organization_slug_of(lmu), lmu.pk])
        assert client.get(url).status_code == 302
        assert login(board_member_other).get(url).status_code == 404

    def test_plan_a_meeting(self, login, secretary, lmu):
        url = reverse("meetings:med_meeting_create", args=[organization_slug_of(lmu), lmu.pk])
        client = login(secretary)
        bad = client.post(
            url, {"date": "2026-12-01", "start_time": "10:00", "planned_end": "09:00", "kind": "ordinary"}
        )
        assert bad.status_code == 400 and not lmu.meetings.exists()
        response = client.post(url, {"date": "2026-12-01", "start_time": "10:00", "kind": "ordinary"})
        meeting = lmu.meetings.get()
        assert response["Location"] == reverse(
            "meetings:med_meeting_detail", args=[organization_slug_of(meeting), meeting.pk]
        )

    def test_plan_a_meeting_needs_a_seat(self, login, hr_user, lmu):
        url = reverse("meetings:med_meeting_create", args=[organization_slug_of(lmu), lmu.pk])
        assert login(hr_user).post(url, {"date": "2026-12-01", "start_time": "10:00"}).status_code == 403

    def test_decisions_page(self, login, lmu_member, meeting):
        from tests.factories import AgendaItemFactory

        AgendaItemFactory(
            meeting=meeting, title="Ny APV", kind="decision", outcome="approved", outcome_text="Vedtaget"
        )
        html = (
            login(lmu_member)
            .get(
                reverse(
                    "meetings:committee_decisions", args=[organization_slug_of(meeting), meeting.committee_id]
                )
            )
            .content.decode()
        )
        assert "Ny APV" in html and "Vedtaget" in html


def test_working_group_page_shows_tasks_plan_and_courses(login, hr_user, org):
    hu = CommitteeFactory(organization=org, kind=Committee.Kind.HU, name="HU")
    project = load_sickness_project(committee=hu)
    response = login(hr_user).get(
        reverse("meetings:working_group_detail", args=[organization_slug_of(project), project.pk])
    )
    html = response.content.decode()
    assert "Data og ledelsesinformation" in html and "Opdatere dataredskabet" in html
    assert "Procesplan" in html and "Evaluerings- og statusmøde" in html
    assert "11. december 2024" in html and "2 hold med hver ca. 50 deltagere" in html


def test_working_group_of_other_org_is_404(login, board_member_other, org):
    project = load_sickness_project(committee=CommitteeFactory(organization=org))
    assert (
        login(board_member_other)
        .get(reverse("meetings:working_group_detail", args=[organization_slug_of(project), project.pk]))
        .status_code
        == 404
    )


def test_nav_entry_only_for_employers(hr_user, org):
    from apps.core.nav import entries_for

    assert not [e for e in entries_for(hr_user, org) if e["entry"].url_name == "meetings:committee_list"]
    employer = OrganizationFactory(slug="kommune", kind="employer")
    from tests.factories import MembershipFactory, Role

    MembershipFactory(user=hr_user, organization=employer, role=Role.HR)
    hr_user._portal_memberships = None
    del hr_user._portal_memberships
    entries = [e for e in entries_for(hr_user, employer) if e["entry"].url_name == "meetings:committee_list"]
    assert entries and entries[0]["url"] == "/med/kommune/"


class TestMeetingEdit:
    def test_change_planned_end_shows_new_overrun(self, login, secretary, meeting):
        from tests.factories import AgendaItemFactory

        AgendaItemFactory(meeting=meeting, duration_minutes=60)
        client = login(secretary)
        url = reverse("meetings:med_meeting_edit", args=[organization_slug_of(meeting), meeting.pk])
        assert client.get(url).status_code == 200
        data = {"date": "2026-12-10", "start_time": "08:00", "planned_end": "08:45", "kind": "ordinary"}
        assert client.post(url, data).status_code == 302
        html = client.get(
            reverse("meetings:med_meeting_detail", args=[organization_slug_of(meeting), meeting.pk])
        ).content.decode()
        assert "15 minutter efter det planlagte sluttidspunkt" in html

    def test_end_before_start_is_refused(self, login, secretary, meeting):
        url = reverse("meetings:med_meeting_edit", args=[organization_slug_of(meeting), meeting.pk])
        data = {"date": "2026-12-10", "start_time": "08:00", "planned_end": "07:00", "kind": "ordinary"}
        response = login(secretary).post(url, data)
        assert response.status_code == 400 and "efter starttidspunktet" in response.content.decode()
        meeting.refresh_from_db()
        assert meeting.planned_end.hour == 9

    def test_permissions(self, login, client, hr_user, board_member_other, meeting):
        url = reverse("meetings:med_meeting_edit", args=[organization_slug_of(meeting), meeting.pk])
        assert client.get(url).status_code == 302
        assert login(board_member_other).get(url).status_code == 404
        assert login(hr_user).get(url).status_code == 403
        assert login(hr_user).delete(url).status_code == 405


def test_committee_detail_query_count(login, lmu_member, lmu, django_assert_max_num_queries):
    client = login(lmu_member)
    url = reverse("meetings:committee_detail", args=[organization_slug_of(lmu), lmu.pk])
    with django_assert_max_num_queries(12):
        client.get(url)
    for _ in range(20):
        MeetingFactory(committee=lmu)
        CommitteeMemberFactory(committee=lmu)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_working_group_query_count(login, hr_user, org, django_assert_max_num_queries):
    from apps.meetings.models import Milestone, WorkingGroupTask

    project = load_sickness_project(committee=CommitteeFactory(organization=org))
    client = login(hr_user)
    url = reverse("meetings:working_group_detail", args=[organization_slug_of(project), project.pk])
    with django_assert_max_num_queries(16):
        client.get(url)
    for sub in project.subgroups.all():
        WorkingGroupTask.objects.bulk_create(
            WorkingGroupTask(group=sub, title=f"Opgave {n}") for n in range(10)
        )
    Milestone.objects.bulk_create(
        Milestone(group=project, start_month=m.start_month, end_month=m.end_month, title="Ekstra")
        for m in project.milestones.all()
    )
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


class TestTaskStatus:
    @pytest.fixture
    def task(self, lmu):
        project = load_sickness_project(committee=lmu)
        return project.subgroups.first().tasks.first()

    def test_committee_member_changes_status(self, login, lmu_member, task):
        client = login(lmu_member)
        page = client.get(
            reverse("meetings:working_group_detail", args=[organization_slug_of(task), task.group_id])
        ).content.decode()
        assert f'id="status-{task.pk}"' in page
        response = client.post(
            reverse("meetings:task_status", args=[organization_slug_of(task), task.pk]), {"status": "done"}
        )
        assert response.status_code == 302
        task.refresh_from_db()
        assert task.status == "done"

    def test_invalid_status_is_refused(self, login, lmu_member, task):
        login(lmu_member).post(
            reverse("meetings:task_status", args=[organization_slug_of(task), task.pk]),
            {"status": "nonsense"},
        )
        task.refresh_from_db()
        assert task.status == "in_progress"

    def test_permissions(self, login, client, hr_user, board_member_other, task):
        url = reverse("meetings:task_status", args=[organization_slug_of(task), task.pk])
        assert client.post(url, {"status": "done"}).status_code == 302
        assert login(board_member_other).post(url, {"status": "done"}).status_code == 404
        assert login(hr_user).post(url, {"status": "done"}).status_code == 403
        assert login(hr_user).get(url).status_code == 405
        task.refresh_from_db()
        assert task.status == "in_progress"


def test_the_committee_lists_chair_vice_chair_and_secretary_before_the_members(
    login, lmu, lmu_member, chair, vice_chair, secretary
):
    """A new user's finding: the members were ordered by the role's code, so the vice-chair came last."""
    html = (
        login(lmu_member)
        .get(reverse("meetings:committee_detail", args=[organization_slug_of(lmu), lmu.pk]))
        .content.decode()
    )
    members = html[html.index('class="meetings-members"') :]
    positions = [members.index(user.get_full_name()) for user in (chair, vice_chair, secretary, lmu_member)]
    assert positions == sorted(positions)
