import json

import pytest
from django.urls import reverse


def test_healthy(client, db):
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "broker": "ok"}


def test_database_down_is_503_and_says_so(client, db, monkeypatch):
    monkeypatch.setattr("apps.core.views._check_database", lambda: (False, "OperationalError"))
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "OperationalError"


def test_broker_down_is_503_and_says_so(client, db, monkeypatch, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["database"] == "ok"
    assert body["broker"] != "ok"


@pytest.mark.redis
def test_real_redis_broker_is_reachable(client, db):
    response = client.get(reverse("core:healthz"))
    assert json.loads(response.content)["broker"] == "ok"
