"""A real Celery beat drives the daily sweep through Redis: advisories appear without anyone calling it."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.absence.models import Advisory, AdvisoryPolicy
from tests.factories import EmployeeFactory, register_absence


@pytest.mark.celery
@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_beat_runs_the_sweep_on_its_own(org, leader, celery_worker_with_beat):
    org.kind = "employer"
    org.save(update_fields=["kind"])
    AdvisoryPolicy.objects.create(organization=org)
    employee = EmployeeFactory(unit=org.units.get(code="A1"), leader=leader)
    register_absence(employee, timezone.localdate() - timedelta(days=2))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and Advisory.objects.filter(kind="contact").count() < 2:
        time.sleep(1)
    assert sorted(Advisory.objects.filter(kind="contact").values_list("day", flat=True)) == [1, 3]
