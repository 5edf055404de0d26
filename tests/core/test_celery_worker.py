"""A real worker process executes a task through Redis and reaches the test database."""

import pytest

from apps.core.tasks import ping


@pytest.mark.celery
@pytest.mark.redis
@pytest.mark.postgres
def test_worker_runs_a_task_through_redis(celery_worker_process):
    result = ping.delay()
    assert result.get(timeout=60) == {"pong": True, "database": True}


def test_beat_schedule_is_declared_in_copenhagen_time():
    from strategy_portal.celery import app

    assert app.conf.timezone == "Europe/Copenhagen"
    sweep = app.conf.beat_schedule["absence-sweep-advisories"]["schedule"]
    assert sweep.hour == {6} and sweep.minute == {0}
