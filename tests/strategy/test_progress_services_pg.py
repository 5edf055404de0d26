"""Against real PostgreSQL, Redis and a Celery worker: reminders run twice at once send once, the beat
task on a worker, the comment limit holds for comments sent at the same moment, and the progress page's
cache on a real Redis drops a committed change (and the page still answers with Redis down)."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from apps.strategy import services
from apps.strategy.models import Initiative, InitiativeComment, StrategyPlan
from tests.factories import InitiativeFactory, MembershipFactory, Role, UserFactory
from tests.helpers import organization_slug_of


def _in_parallel(target, count=2):
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []
    results: list = []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(target())
        except BaseException as exc:  # noqa: BLE001 - reported by the caller's assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.fixture
def stale_items(org, plan, area):
    owner = UserFactory(email="owner@example.org")
    MembershipFactory(user=owner, organization=org, role=Role.STAFF)
    StrategyPlan.objects.filter(pk=plan.pk).update(stale_after_weeks=2)
    items = [InitiativeFactory(focus_area=area, responsible_person=owner) for _ in range(5)]
    Initiative.objects.filter(pk__in=[i.pk for i in items]).update(
        updated_at=timezone.now() - timedelta(days=30)
    )
    return items


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reminder_runs_at_once_send_one_email(stale_items):
    results, errors = _in_parallel(services.stale_reminders_send)
    assert errors == []
    assert sorted(results) == [0, 1]
    assert len(mail.outbox) == 1
    assert Initiative.objects.filter(reminded_at__isnull=False).count() == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_comment_limit_holds_for_comments_sent_at_once(plan, initiative, shop_steward):
    services.plan_set_publishing(plan=plan, visibility="members", stale_after_weeks=8, user=None)
    initiative = Initiative.objects.select_related("focus_area__plan").get(pk=initiative.pk)
    for n in range(services.COMMENT_LIMIT - 1):
        services.initiative_comment_post(initiative=initiative, author=shop_steward, text=f"Spørgsmål {n}")

    def post():
        return services.initiative_comment_post(initiative=initiative, author=shop_steward, text="Samtidig")

    results, errors = _in_parallel(post)
    assert len(results) == 1 and len(errors) == 1
    assert "Wait a while" in str(errors[0])
    assert InitiativeComment.objects.count() == services.COMMENT_LIMIT


@pytest.mark.celery
@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_beat_task_runs_on_a_real_worker_and_is_idempotent(celery_worker_process, stale_items):
    from apps.strategy.tasks import send_stale_reminders_task

    assert send_stale_reminders_task.apply_async(ignore_result=False).get(timeout=60) == 1
    assert send_stale_reminders_task.apply_async(ignore_result=False).get(timeout=60) == 0


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_cache_on_redis_drops_a_committed_change(
    cache_on_own_redis, login, shop_steward, board_member, plan, initiative
):
    services.plan_set_publishing(plan=plan, visibility="members", stale_after_weeks=8, user=board_member)
    client = login(shop_steward)
    url = reverse("strategy:progress", args=[organization_slug_of(plan), plan.pk])
    assert initiative.text in client.get(url).text
    assert any(key.startswith(b":1:strategy:progress:") for key in cache_on_own_redis.client().scan_iter())
    services.initiative_edit(initiative=initiative, expected_version=1, data={"text": "Et nyt navn"})
    assert "Et nyt navn" in client.get(url).text
    cache_on_own_redis.stop()
    response = client.get(url)
    assert response.status_code == 200
    assert "Et nyt navn" in response.text
