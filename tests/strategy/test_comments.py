"""Members' comments on an initiative: written on the member page, moderated by the board (approve,
hide), the responsible person told once by email in their language; hidden comments are never shown."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from apps.strategy import services
from apps.strategy.models import InitiativeComment, PlanLink, StrategyPlan
from tests.factories import InitiativeFactory, UserFactory
from tests.helpers import organization_slug_of

pytestmark = pytest.mark.django_db

PENDING, APPROVED, HIDDEN = InitiativeComment.Status.PENDING, InitiativeComment.Status.APPROVED, "hidden"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def eager_tasks():
    from strategy_portal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def owner(org):
    from tests.conftest import _user_with
    from tests.factories import Role

    return _user_with(org, Role.STAFF, email="owner@example.org", first_name="Olga", language="nb")


@pytest.fixture
def published(plan, initiative, owner):
    initiative.responsible_person = owner
    initiative.save(update_fields=["responsible_person"])
    return services.plan_set_publishing(
        plan=plan, visibility=StrategyPlan.Visibility.PUBLIC, stale_after_weeks=8, user=None
    )


def comment_url(initiative):
    return reverse("strategy:progress_initiative", args=[organization_slug_of(initiative), initiative.pk])


def comment(initiative, text="Hvornår starter netværket?", status=PENDING, author=None):
    return InitiativeComment.objects.create(
        initiative=initiative, text=text, status=status, author=author or UserFactory()
    )


# --- writing --------------------------------------------------------------------------------------


def test_a_member_comments_and_it_awaits_the_board(login, shop_steward, published, initiative):
    client = login(shop_steward)
    response = client.post(comment_url(initiative), {"text": "  Hvornår starter netværket?  "}, follow=True)
    assert response.status_code == 200
    assert "once the board has approved it" in response.text
    saved = InitiativeComment.objects.get()
    assert (saved.author, saved.text, saved.status) == (shop_steward, "Hvornår starter netværket?", PENDING)
    # Not shown to anyone before it is approved, not even its author.
    assert "Hvornår starter netværket?" not in client.get(comment_url(initiative)).text


def test_an_empty_or_too_long_comment_is_refused_and_kept(login, shop_steward, published, initiative):
    client = login(shop_steward)
    assert client.post(comment_url(initiative), {"text": "   "}).status_code == 422
    long_text = "x" * 1001
    response = client.post(comment_url(initiative), {"text": long_text})
    assert response.status_code == 422
    assert "at most 1000 characters" in response.text
    assert long_text in response.text  # nothing lost
    assert not InitiativeComment.objects.exists()


def test_a_member_writing_too_often_is_asked_to_wait(login, shop_steward, published, initiative):
    client = login(shop_steward)
    for n in range(services.COMMENT_LIMIT):
        assert client.post(comment_url(initiative), {"text": f"Spørgsmål {n}"}).status_code == 302
    response = client.post(comment_url(initiative), {"text": "Et spørgsmål mere"})
    assert response.status_code == 422
    assert "Wait a while" in response.text
    assert "Et spørgsmål mere" in response.text
    assert InitiativeComment.objects.count() == services.COMMENT_LIMIT


def test_comments_are_closed_on_an_unpublished_plan(login, board_member, plan, initiative):
    client = login(board_member)  # the board previews the page, but nobody comments on it
    assert "<textarea" not in client.get(comment_url(initiative)).text
    assert client.post(comment_url(initiative), {"text": "Hej"}).status_code == 403
    assert not InitiativeComment.objects.exists()


def test_comments_are_closed_on_an_archived_plan(login, shop_steward, published, plan, initiative):
    services.plan_archive(plan=plan)
    assert login(shop_steward).post(comment_url(initiative), {"text": "Hej"}).status_code == 403


def test_anonymous_may_not_comment(client, published, initiative):
    response = client.post(comment_url(initiative), {"text": "Hej"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not InitiativeComment.objects.exists()


def test_another_organisation_may_not_comment(login, board_member_other, published, initiative):
    assert login(board_member_other).post(comment_url(initiative), {"text": "Hej"}).status_code == 404


def test_the_comment_form_needs_the_csrf_token(client, shop_steward, published, initiative):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(shop_steward)
    assert csrf_client.post(comment_url(initiative), {"text": "Hej"}).status_code == 403
    assert not InitiativeComment.objects.exists()


# --- what members see ----------------------------------------------------------------------------------


def test_only_approved_comments_are_shown_anywhere(client, login, shop_steward, published, plan, initiative):
    comment(initiative, "Godkendt kommentar", APPROVED)
    comment(initiative, "Skjult kommentar", HIDDEN)
    comment(initiative, "Ventende kommentar", PENDING)
    link = PlanLink.objects.get(plan=plan)
    pages = [
        client.get(
            reverse(
                "strategy:public_initiative", args=[organization_slug_of(link), link.token, initiative.pk]
            )
        ).text,
        login(shop_steward).get(comment_url(initiative)).text,
    ]
    for text in pages:
        assert "Godkendt kommentar" in text
        assert "Skjult kommentar" not in text
        assert "Ventende kommentar" not in text
    overview = (
        login(shop_steward).get(reverse("strategy:progress", args=[organization_slug_of(plan), plan.pk])).text
    )
    assert "1 comment" in overview


def test_a_comment_hidden_after_approval_disappears(login, shop_steward, board_member, published, initiative):
    note = comment(initiative, "Først godkendt", APPROVED)
    client = login(shop_steward)
    assert "Først godkendt" in client.get(comment_url(initiative)).text
    services.initiative_comment_moderate(comment=note, approve=False, user=board_member)
    assert "Først godkendt" not in client.get(comment_url(initiative)).text


def test_the_authors_name_is_not_shown_to_members(client, login, shop_steward, published, plan, initiative):
    comment(initiative, "Godkendt kommentar", APPROVED, author=UserFactory(first_name="Navngiven"))
    assert "Navngiven" not in login(shop_steward).get(comment_url(initiative)).text


# --- moderation -----------------------------------------------------------------------------------------


def moderate_url(note):
    return reverse("strategy:comment_moderate", args=[organization_slug_of(note), note.pk])


def test_the_board_approves_and_the_owner_is_told_once_in_their_language(
    login, board_member, published, initiative, owner, django_capture_on_commit_callbacks, eager_tasks
):
    note = comment(initiative, "Hvornår starter netværket?")
    client = login(board_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(moderate_url(note), {"action": "approve", "shown": "pending"})
    assert response.status_code == 302
    assert response["Location"].endswith("?status=pending")
    note.refresh_from_db()
    assert (note.status, note.moderated_by) == (APPROVED, board_member)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@example.org"]
    assert message.subject == "Et medlem har kommentert tiltaket ditt"  # nb, the owner's language
    assert "Hvornår starter netværket?" in message.body
    assert (
        f"/strategy/{organization_slug_of(initiative)}/progress/initiative/{initiative.pk}/#comments"
        in message.body
    )
    assert (
        f"/strategy/{organization_slug_of(initiative)}/initiative/{initiative.pk}/#update-form"
        in message.body
    )
    # Hidden and approved again: no second email.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(moderate_url(note), {"action": "hide"})
        client.post(moderate_url(note), {"action": "approve"})
    assert len(mail.outbox) == 1


def test_the_notice_task_twice_sends_once(published, initiative, board_member, committed):
    note = comment(initiative, status=APPROVED)
    assert committed(services.initiative_comment_notice_send, comment_id=note.pk) is True
    assert committed(services.initiative_comment_notice_send, comment_id=note.pk) is False
    assert len(mail.outbox) == 1


def test_no_email_without_an_owner(published, initiative, committed):
    initiative.responsible_person = None
    initiative.save(update_fields=["responsible_person"])
    note = comment(initiative, status=APPROVED)
    assert committed(services.initiative_comment_notice_send, comment_id=note.pk) is False
    assert mail.outbox == []


def test_hiding_sends_nothing(
    login, board_member, published, initiative, django_capture_on_commit_callbacks, eager_tasks
):
    note = comment(initiative)
    with django_capture_on_commit_callbacks(execute=True):
        login(board_member).post(moderate_url(note), {"action": "hide"})
    note.refresh_from_db()
    assert note.status == HIDDEN
    assert mail.outbox == []


def test_moderation_in_place_with_htmx(login, board_member, published, initiative):
    note = comment(initiative, "Et spørgsmål")
    response = login(board_member).post(
        moderate_url(note), {"action": "approve"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<li id="comment-{note.pk}">')
    assert "Approved" in response.text
    assert 'value="approve"' not in response.text  # an approved comment offers only "Hide"


def test_an_unknown_action_is_refused(login, board_member, published, initiative):
    note = comment(initiative)
    assert login(board_member).post(moderate_url(note), {"action": "delete"}).status_code == 400
    note.refresh_from_db()
    assert note.status == PENDING


@pytest.mark.parametrize("user_fixture", ["shop_steward", "union_staff", "hr_user"])
def test_only_the_board_moderates(request, login, published, plan, initiative, user_fixture):
    note = comment(initiative)
    client = login(request.getfixturevalue(user_fixture))
    assert (
        client.get(
            reverse("strategy:comment_moderation", args=[organization_slug_of(plan), plan.pk])
        ).status_code
        == 403
    )
    assert client.post(moderate_url(note), {"action": "approve"}).status_code == 403
    note.refresh_from_db()
    assert note.status == PENDING


def test_another_organisations_board_sees_nothing(login, board_member_other, published, plan, initiative):
    note = comment(initiative)
    client = login(board_member_other)
    assert (
        client.get(
            reverse("strategy:comment_moderation", args=[organization_slug_of(plan), plan.pk])
        ).status_code
        == 404
    )
    assert client.post(moderate_url(note), {"action": "approve"}).status_code == 404


def test_anonymous_is_sent_to_login_for_moderation(client, published, plan, initiative):
    note = comment(initiative)
    for response in (
        client.get(reverse("strategy:comment_moderation", args=[organization_slug_of(plan), plan.pk])),
        client.post(moderate_url(note), {"action": "approve"}),
    ):
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_moderation_refuses_other_methods(login, board_member, published, plan, initiative):
    note = comment(initiative)
    client = login(board_member)
    assert client.get(moderate_url(note)).status_code == 405
    assert (
        client.post(
            reverse("strategy:comment_moderation", args=[organization_slug_of(plan), plan.pk])
        ).status_code
        == 405
    )


def test_the_moderation_list_filters_by_status(login, board_member, published, plan, initiative):
    comment(initiative, "Ventende kommentar")
    comment(initiative, "Skjult kommentar", HIDDEN)
    client = login(board_member)
    url = reverse("strategy:comment_moderation", args=[organization_slug_of(plan), plan.pk])
    pending = client.get(url).text
    assert "Ventende kommentar" in pending and "Skjult kommentar" not in pending
    hidden = client.get(url + "?status=hidden").text
    assert "Skjult kommentar" in hidden and "Ventende kommentar" not in hidden
    assert "Awaiting moderation (1)" in pending


def test_the_moderation_list_query_count_does_not_grow(
    login, board_member, published, plan, area, django_assert_max_num_queries
):
    client = login(board_member)
    url = reverse("strategy:comment_moderation", args=[organization_slug_of(plan), plan.pk]) + "?status=all"
    comment(initiative=InitiativeFactory(focus_area=area))
    with django_assert_max_num_queries(10) as small:
        client.get(url)
    for _ in range(10):
        comment(initiative=InitiativeFactory(focus_area=area))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_the_plan_page_tells_the_board_of_waiting_comments(login, board_member, published, plan, initiative):
    comment(initiative)
    assert (
        "Comments from members (1 awaits approval)"
        in login(board_member)
        .get(reverse("strategy:plan_detail", args=[organization_slug_of(plan), plan.pk]))
        .text
    )


def test_an_approval_stands_when_the_broker_is_down_and_the_daily_job_sends_the_notice(
    login,
    board_member,
    published,
    initiative,
    django_capture_on_commit_callbacks,
    monkeypatch,
    caplog,
    committed,
):
    from datetime import timedelta

    from kombu.exceptions import OperationalError

    from apps.strategy import tasks

    def refuse(*args, **kwargs):
        raise OperationalError("broker down")

    monkeypatch.setattr(tasks.send_comment_notice_task, "delay", refuse)
    note = comment(initiative, "Et spørgsmål")
    with django_capture_on_commit_callbacks(execute=True):
        response = login(board_member).post(moderate_url(note), {"action": "approve"})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.status == APPROVED
    assert "could not be queued" in caplog.text
    assert mail.outbox == []
    InitiativeComment.objects.filter(pk=note.pk).update(
        moderated_at=note.moderated_at - timedelta(minutes=11)
    )
    assert committed(tasks.send_stale_reminders_task) == 1
    assert len(mail.outbox) == 1
    assert committed(tasks.send_stale_reminders_task) == 0


def test_the_initiative_page_query_count_does_not_grow(
    client, login, shop_steward, published, plan, initiative, django_assert_max_num_queries
):
    from tests.factories import InitiativeUpdateFactory

    member = login(shop_steward)
    link = PlanLink.objects.get(plan=plan)
    urls = [
        comment_url(initiative),
        reverse("strategy:public_initiative", args=[organization_slug_of(link), link.token, initiative.pk]),
    ]
    comment(initiative, status=APPROVED)
    InitiativeUpdateFactory(initiative=initiative)
    counts = []
    for url in urls:
        cache.clear()
        with django_assert_max_num_queries(12) as small:
            (member if url == urls[0] else client).get(url)
        counts.append(len(small.captured_queries))
    for n in range(10):
        comment(initiative, f"Kommentar {n}", APPROVED)
        InitiativeUpdateFactory(initiative=initiative)
    for url, count in zip(urls, counts, strict=True):
        cache.clear()
        with django_assert_max_num_queries(count):
            response = (member if url == urls[0] else client).get(url)
        assert "Kommentar 9" in response.text
