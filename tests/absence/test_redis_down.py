"""With Redis stopped the statistics page and its CSV still answer, computed without the cache."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from .test_statistics_views import AS_OF, add_employees

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


def test_statistics_page_and_csv_answer_200_with_redis_stopped(
    login, hr_user, org, cache_on_own_redis, caplog
):
    add_employees(org, "A1", 6)
    client = login(hr_user)
    page_url = reverse("absence:statistics", args=[org.slug])
    csv_url = reverse("absence:statistics_csv", args=[org.slug])
    csv_before = client.get(csv_url, {"as_of": AS_OF}).text
    page_before = client.get(page_url, {"as_of": AS_OF})
    assert page_before.status_code == 200
    assert cache_on_own_redis.client().dbsize() > 0  # the figures were cached

    cache_on_own_redis.stop()
    with caplog.at_level(logging.WARNING, logger="apps.core.cache"):
        page = client.get(page_url, {"as_of": AS_OF})
        csv = client.get(csv_url, {"as_of": AS_OF})
        fragment = client.get(page_url, {"as_of": AS_OF}, headers={"HX-Request": "true"})
    assert page.status_code == csv.status_code == fragment.status_code == 200
    assert csv.text == csv_before and "A1;Egen sygdom;6" in csv.text
    assert page.context["stats"] == page_before.context["stats"]
    warnings = [r for r in caplog.records if r.name == "apps.core.cache"]
    assert len(warnings) == 1 and "cache unreachable" in warnings[0].getMessage()

    cache_on_own_redis.start()  # back (empty): the next read fills it again
    assert client.get(csv_url, {"as_of": AS_OF}).text == csv_before
    assert cache_on_own_redis.client().dbsize() > 0
