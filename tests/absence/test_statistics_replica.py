"""With a read replica configured the statistics are read there (tests: a second alias mirroring the
default database on PostgreSQL), give the same figures, and stay on the primary inside a write."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from apps.absence.statistics import queries
from apps.absence.statistics.figures import unit_statistics

from .test_statistics_views import AS_OF, add_employees

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, databases=["default", "replica"])]


def _statistics(org):
    cache.clear()
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        figures = unit_statistics(org, date.fromisoformat(AS_OF), suppress=False)
    heavy = [q["sql"] for q in replica.captured_queries if "absence_" in q["sql"]]
    heavy_primary = [q["sql"] for q in primary.captured_queries if "absence_absencemonth" in q["sql"]]
    return figures, heavy, heavy_primary


def test_the_statistics_read_the_replica_and_give_the_primarys_figures(org, settings, monkeypatch):
    add_employees(org, "A1", 6)
    settings.ABSENCE_STATISTICS_PARALLEL_READS = True
    aliases = []  # of the reads at the same time, on connections of their own
    real = queries._in_snapshot

    def spy(alias, *args):
        aliases.append(alias)
        return real(alias, *args)

    monkeypatch.setattr(queries, "_in_snapshot", spy)
    on_primary, replica_queries, primary_queries = _statistics(org)
    assert replica_queries == [] and primary_queries
    assert aliases == ["default"]  # Bradford beside the year

    settings.PORTAL_READ_REPLICA = "replica"
    aliases.clear()
    on_replica, replica_queries, primary_queries = _statistics(org)
    assert replica_queries, "no statistics query went to the replica"
    assert primary_queries == []
    assert aliases == ["replica"]
    assert on_replica == on_primary


def test_inside_a_write_transaction_the_statistics_stay_on_the_primary(org, settings):
    add_employees(org, "A1", 6)
    settings.PORTAL_READ_REPLICA = "replica"
    with transaction.atomic():
        _figures, replica_queries, primary_queries = _statistics(org)
    assert replica_queries == [] and primary_queries
