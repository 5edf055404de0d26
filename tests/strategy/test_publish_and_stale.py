"""The board's settings for the progress page (who sees it, the public link, the reminder weeks), the
weight of an initiative, the daily reminder of initiatives without updates and the board's list of them."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from apps.strategy import services
from apps.strategy.models import Initiative, PlanLink, StrategyPlan
from strategy_portal.celery import app
from tests.factories import InitiativeFactory, InitiativeUpdateFactory, MembershipFactory, Role, UserFactory
from tests.helpers import organization_slug_of

pytestmark = pytest.mark.django_db


def publish_url(plan):
    return reverse("strategy:plan_publish", args=[organization_slug_of(plan), plan.pk])


# --- publishing settings ----------------------------------------------------------------------------


def test_the_board_publishes_by_public_link_and_sees_the_link(login, board_member, plan):
    client = login(board_member)
    response = client.post(publish_url(plan), {"visibility": "public", "stale_after_weeks": "6"}, follow=True)
    assert response.status_code == 200
    plan.refresh_from_db()
    assert (plan.visibility, plan.stale_after_weeks) == (StrategyPlan.Visibility.PUBLIC, 6)
    link = PlanLink.objects.get(plan=plan)
    assert f"/strategy/{organization_slug_of(link)}/public/{link.token}/" in response.text
    assert "portal-qr" in response.text  # the shared link's QR code
    # The address is a link the board member can open to see what others see, not only text to copy.
    address = re.search(
        r'<a [^>]*href="([^"]+)"[^>]*>\s*<span class="visually-hidden">[^<]*</span>\s*<code id="public-link"',
        response.text,
    )
    assert address is not None and address.group(1).endswith(f"/public/{link.token}/")
    assert client.get(address.group(1)).status_code == 200
    # Saving again keeps the same link.
    client.post(publish_url(plan), {"visibility": "public", "stale_after_weeks": "6"})
    assert PlanLink.objects.filter(plan=plan).count() == 1


def test_empty_weeks_turn_reminders_off_and_bad_weeks_are_refused(login, board_member, plan):
    client = login(board_member)
    client.post(publish_url(plan), {"visibility": "members", "stale_after_weeks": ""})
    plan.refresh_from_db()
    assert plan.stale_after_weeks is None
    response = client.post(publish_url(plan), {"visibility": "members", "stale_after_weeks": "53"})
    assert response.status_code == 422
    assert "from 1 to 52" in response.text
    plan.refresh_from_db()
    assert plan.stale_after_weeks is None


def test_an_unknown_visibility_is_refused(login, board_member, plan):
    response = login(board_member).post(
        publish_url(plan), {"visibility": "everyone", "stale_after_weeks": "8"}
    )
    assert response.status_code == 422
    plan.refresh_from_db()
    assert plan.visibility == StrategyPlan.Visibility.UNPUBLISHED


@pytest.mark.parametrize(
    ("name", "method"),
    [("strategy:plan_publish", "get"), ("strategy:plan_link_create", "post"), ("strategy:stale_list", "get")],
)
@pytest.mark.parametrize("user_fixture", ["shop_steward", "union_staff", "med_member"])
def test_only_the_board_manages_publishing(request, login, plan, name, method, user_fixture):
    client = login(request.getfixturevalue(user_fixture))
    assert getattr(client, method)(reverse(name, args=[plan.organization.slug, plan.pk])).status_code == 403


@pytest.mark.parametrize(
    ("name", "method"),
    [("strategy:plan_publish", "get"), ("strategy:plan_link_create", "post"), ("strategy:stale_list", "get")],
)
def test_publishing_is_hidden_from_other_organisations_and_anonymous(
    client, login, board_member_other, plan, name, method
):
    url = reverse(name, args=[plan.organization.slug, plan.pk])
    response = getattr(client, method)(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert getattr(login(board_member_other), method)(url).status_code == 404


def test_link_views_refuse_get_and_a_link_cannot_be_made_for_a_members_only_plan(login, board_member, plan):
    client = login(board_member)
    assert (
        client.get(
            reverse("strategy:plan_link_create", args=[organization_slug_of(plan), plan.pk])
        ).status_code
        == 405
    )
    services.plan_set_publishing(plan=plan, visibility="members", stale_after_weeks=8, user=board_member)
    response = client.post(
        reverse("strategy:plan_link_create", args=[organization_slug_of(plan), plan.pk]), follow=True
    )
    assert "Publish the plan by public link first." in response.text
    assert not PlanLink.objects.exists()


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("strategy:plan_publish", "delete"),
        ("strategy:stale_list", "post"),
        ("strategy:plan_link_create", "get"),
    ],
)
def test_publishing_views_refuse_other_methods(login, board_member, plan, name, method):
    assert (
        getattr(login(board_member), method)(
            reverse(name, args=[plan.organization.slug, plan.pk])
        ).status_code
        == 405
    )


def test_a_steward_may_not_revoke_the_link(login, shop_steward, board_member, plan):
    services.plan_set_publishing(plan=plan, visibility="public", stale_after_weeks=8, user=board_member)
    link = PlanLink.objects.get()
    client = login(shop_steward)
    assert (
        client.post(
            reverse("strategy:plan_link_revoke", args=[organization_slug_of(link), link.pk])
        ).status_code
        == 403
    )
    assert (
        client.get(
            reverse("strategy:plan_link_revoke", args=[organization_slug_of(link), link.pk])
        ).status_code
        == 405
    )
    link.refresh_from_db()
    assert link.revoked_at is None


def test_another_boards_link_cannot_be_revoked(login, board_member_other, board_member, plan):
    services.plan_set_publishing(plan=plan, visibility="public", stale_after_weeks=8, user=board_member)
    link = PlanLink.objects.get()
    assert (
        login(board_member_other)
        .post(reverse("strategy:plan_link_revoke", args=[organization_slug_of(link), link.pk]))
        .status_code
        == 404
    )
    link.refresh_from_db()
    assert link.revoked_at is None


# --- weights --------------------------------------------------------------------------------------


def test_the_board_sets_a_weight_in_the_initiative_form(login, board_member, initiative):
    client = login(board_member)
    url = reverse("strategy:initiative_edit", args=[organization_slug_of(initiative), initiative.pk])
    form = client.get(url)
    assert 'name="weight"' in form.text
    data = {
        "text": initiative.text,
        "level": "national",
        "status": "planned",
        "progress": "0",
        "version": "1",
    }
    assert client.post(url, {**data, "weight": "0"}).status_code == 422
    assert client.post(url, {**data, "weight": "5"}).status_code == 302
    initiative.refresh_from_db()
    assert initiative.weight == 5


# --- stale initiatives ----------------------------------------------------------------------------------


def quiet_for(initiative, days):
    """Make the initiative look untouched for ``days`` days (no update, no edit)."""
    Initiative.objects.filter(pk=initiative.pk).update(updated_at=timezone.now() - timedelta(days=days))


@pytest.fixture
def owner(org):
    user = UserFactory(email="owner@example.org", first_name="Ole", language="da")
    MembershipFactory(user=user, organization=org, role=Role.STAFF)
    return user


@pytest.fixture
def stale(plan, area, owner):
    plan.stale_after_weeks = 4
    plan.save(update_fields=["stale_after_weeks"])
    item = InitiativeFactory(
        focus_area=area, text="Stille indsats", responsible_person=owner, status="in_progress"
    )
    quiet_for(item, 40)
    return item


def test_the_owner_is_reminded_once_and_again_after_as_many_weeks(stale, owner, committed):
    today = timezone.localdate()
    assert committed(services.stale_reminders_send, today=today) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@example.org"]
    assert (
        message.subject == "Indsatser i “Strategi 2025-2028” venter på en opdatering"
    )  # Danish, the owner's
    assert "Stille indsats" in message.body
    assert f"/strategy/{organization_slug_of(stale)}/initiative/{stale.pk}/" in message.body
    # Run again the same day, and the next: nothing new.
    assert committed(services.stale_reminders_send, today=today) == 0
    assert committed(services.stale_reminders_send, today=today + timedelta(days=1)) == 0
    # After four more weeks still without an update, one more reminder.
    Initiative.objects.filter(pk=stale.pk).update(reminded_at=timezone.now() - timedelta(weeks=4, days=1))
    assert committed(services.stale_reminders_send, today=today) == 1
    assert len(mail.outbox) == 2


def test_an_update_stops_the_reminder(stale, committed):
    InitiativeUpdateFactory(initiative=stale, date=timezone.localdate() - timedelta(days=3))
    assert committed(services.stale_reminders_send) == 0
    assert mail.outbox == []


def test_recent_edits_done_paused_and_archived_get_no_reminder(plan, area, owner, stale, committed):
    Initiative.objects.filter(pk=stale.pk).update(status="done")
    paused = InitiativeFactory(focus_area=area, responsible_person=owner, status="paused")
    quiet_for(paused, 60)
    InitiativeFactory(focus_area=area, responsible_person=owner, status="in_progress")  # edited just now
    not_started = InitiativeFactory(
        focus_area=area, responsible_person=owner, start_date=timezone.localdate() + timedelta(days=10)
    )
    quiet_for(not_started, 60)
    assert committed(services.stale_reminders_send) == 0
    Initiative.objects.filter(pk=stale.pk).update(status="in_progress")
    services.plan_archive(plan=plan)
    assert committed(services.stale_reminders_send) == 0


def test_reminders_are_off_without_a_number_of_weeks(plan, stale, committed):
    StrategyPlan.objects.filter(pk=plan.pk).update(stale_after_weeks=None)
    assert committed(services.stale_reminders_send) == 0


def test_one_email_per_owner_in_their_own_language(plan, area, stale, owner, org, committed):
    other = UserFactory(email="other@example.org", language="nb")
    MembershipFactory(user=other, organization=org, role=Role.STAFF)
    second = InitiativeFactory(focus_area=area, text="Også stille", responsible_person=owner)
    third = InitiativeFactory(focus_area=area, text="Norsk tiltak", responsible_person=other)
    quiet_for(second, 40)
    quiet_for(third, 40)
    assert committed(services.stale_reminders_send) == 2
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert "Også stille" in by_recipient["owner@example.org"].body
    assert "Stille indsats" in by_recipient["owner@example.org"].body
    assert (
        by_recipient["other@example.org"].subject == "Tiltak i «Strategi 2025-2028» venter på en oppdatering"
    )


def test_the_beat_schedule_sends_reminders_every_morning():
    entry = app.conf.beat_schedule["strategy-stale-reminders"]
    assert entry["task"] == "apps.strategy.tasks.send_stale_reminders_task"
    assert entry["schedule"].hour == {7} and entry["schedule"].minute == {15}
    from apps.strategy.tasks import send_stale_reminders_task

    assert send_stale_reminders_task.name == entry["task"]


def test_the_board_sees_the_stale_initiatives(login, board_member, plan, stale, owner, committed):
    committed(services.stale_reminders_send)
    response = login(board_member).get(
        reverse("strategy:stale_list", args=[organization_slug_of(plan), plan.pk])
    )
    assert response.status_code == 200
    assert "Stille indsats" in response.text
    assert str(owner) in response.text
    assert "<td>5</td>" in response.text  # 40 days: 5 weeks without anything
    reminded = date_format(timezone.localdate(), "SHORT_DATE_FORMAT")
    assert f"<td>{reminded}</td>" in response.text


def test_the_stale_list_says_when_reminders_are_off(login, board_member, plan):
    StrategyPlan.objects.filter(pk=plan.pk).update(stale_after_weeks=None)
    response = login(board_member).get(
        reverse("strategy:stale_list", args=[organization_slug_of(plan), plan.pk])
    )
    assert "Reminders are off for this plan" in response.text


def test_the_stale_list_query_count_does_not_grow(
    login, board_member, plan, area, owner, django_assert_max_num_queries
):
    plan.stale_after_weeks = 4
    plan.save(update_fields=["stale_after_weeks"])
    client = login(board_member)
    url = reverse("strategy:stale_list", args=[organization_slug_of(plan), plan.pk])

    def add(n):
        for _ in range(n):
            item = InitiativeFactory(focus_area=area, responsible_person=owner)
            InitiativeUpdateFactory(initiative=item, date=date(2020, 1, 1))
            quiet_for(item, 60)

    add(1)
    with django_assert_max_num_queries(10) as small:
        client.get(url)
    add(10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.text.count(f"/strategy/{plan.organization.slug}/initiative/") >= 11


def test_the_publish_page_query_count_does_not_grow(login, board_member, plan, django_assert_max_num_queries):
    client = login(board_member)
    services.plan_set_publishing(plan=plan, visibility="public", stale_after_weeks=8, user=board_member)
    with django_assert_max_num_queries(8) as small:
        client.get(publish_url(plan))
    for _ in range(10):
        services.plan_link_create(plan=plan, user=board_member)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(publish_url(plan))
    assert PlanLink.objects.get(plan=plan, revoked_at__isnull=True).token in response.text


# --- weights in the plan's CSV ---------------------------------------------------------------------------


def test_weights_go_out_and_come_back_with_the_plan_csv(org, plan, area):
    import csv
    import io

    from apps.strategy.plan_csv import COLUMNS, export_plan, plan_import
    from tests.factories import StrategyPlanFactory

    InitiativeFactory(focus_area=area, text="Tung indsats", weight=7)
    InitiativeFactory(focus_area=area, text="Let indsats")
    text = export_plan(plan)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=","))
    assert [r[COLUMNS.index("weight")] for r in rows if r[0] == "initiative"] == ["7", "1"]
    empty = StrategyPlanFactory(organization=org, start_year=2040, end_year=2041)  # a period of its own
    plan_import(plan=empty, text=text)
    weights = (
        Initiative.objects.filter(focus_area__plan=empty).order_by("position").values_list("text", "weight")
    )
    assert list(weights) == [("Tung indsats", 7), ("Let indsats", 1)]


@pytest.mark.parametrize("weight", ["0", "101", "tung"])
def test_a_bad_weight_in_the_csv_is_refused_with_its_row(org, weight):
    from apps.strategy.plan_csv import PlanImportError, plan_import
    from tests.factories import StrategyPlanFactory

    text = (
        "kind,ref,focus_area_ref,title,text,weight\n"
        "focus_area,F1,,Heltid,,\n"
        f"initiative,I1,F1,,Kartlegge deltid,{weight}\n"
    )
    empty = StrategyPlanFactory(organization=org, start_year=2040, end_year=2041)  # a period of its own
    with pytest.raises(PlanImportError) as refused:
        plan_import(plan=empty, text=text)
    assert refused.value.errors == [f"Row 3: weight must be a whole number from 1 to 100, not “{weight}”."]
    assert not empty.focus_areas.exists()


def test_a_csv_without_a_weight_column_imports_with_weight_1(org):
    from apps.strategy.plan_csv import plan_import
    from tests.factories import StrategyPlanFactory

    empty = StrategyPlanFactory(organization=org, start_year=2040, end_year=2041)  # a period of its own
    plan_import(
        plan=empty,
        text="kind,ref,focus_area_ref,title,text\nfocus_area,F1,,Heltid,\ninitiative,I1,F1,,Kurs\n",
    )
    assert Initiative.objects.get(focus_area__plan=empty).weight == 1


# --- the responsible person answers the reminder -------------------------------------------------------


def test_the_responsible_person_posts_an_update_without_being_on_the_board(
    login, shop_steward, steward_of_other_club, initiative
):
    initiative.responsible_person = shop_steward
    initiative.save(update_fields=["responsible_person"])
    url = reverse("strategy:initiative_update_post", args=[organization_slug_of(initiative), initiative.pk])
    data = {
        "on": "2026-05-01",
        "text": "Første møde holdt",
        "status": "in_progress",
        "progress": "20",
        "version": "1",
    }
    other = login(steward_of_other_club)
    assert (
        'id="update-form"'
        not in other.get(
            reverse("strategy:initiative_detail", args=[organization_slug_of(initiative), initiative.pk])
        ).text
    )
    assert other.post(url, data).status_code == 403
    owner = login(shop_steward)
    assert (
        'id="update-form"'
        in owner.get(
            reverse("strategy:initiative_detail", args=[organization_slug_of(initiative), initiative.pk])
        ).text
    )
    assert owner.post(url, data).status_code == 302
    initiative.refresh_from_db()
    assert (initiative.status, initiative.progress) == ("in_progress", 20)
    assert initiative.updates.get().author == shop_steward
    # The rest of the initiative stays the board's.
    assert (
        owner.get(
            reverse("strategy:initiative_edit", args=[organization_slug_of(initiative), initiative.pk])
        ).status_code
        == 403
    )


def test_the_responsible_person_cannot_post_to_an_archived_plan(login, shop_steward, plan, initiative):
    initiative.responsible_person = shop_steward
    initiative.save(update_fields=["responsible_person"])
    services.plan_archive(plan=plan)
    url = reverse("strategy:initiative_update_post", args=[organization_slug_of(initiative), initiative.pk])
    response = login(shop_steward).post(url, {"on": "2026-05-01", "text": "Hej", "version": "1"})
    assert response.status_code == 403
    assert not initiative.updates.exists()


def test_the_reminder_run_reads_no_more_per_initiative(stale, owner, area, django_assert_max_num_queries):
    """One owner, one plan: claiming each initiative is one query; nothing else grows with them."""
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as one:
        services.stale_reminders_send(today=today)
    for n in range(5):
        quiet_for(InitiativeFactory(focus_area=area, text=f"Indsats {n}", responsible_person=owner), 40)
    Initiative.objects.update(reminded_at=None)
    with django_assert_max_num_queries(len(one.captured_queries) + 5):
        assert services.stale_reminders_send(today=today) == 1
