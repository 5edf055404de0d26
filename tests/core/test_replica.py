"""The read-replica router: heavy reads go to the replica only when one is set and it is safe.

On PostgreSQL, where the tests have a second alias mirroring the default database (tests/settings.py),
committing for real (transaction=True): inside a test's transaction every read stays on the primary.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from apps.core.replica import replica_alias, replica_reads
from apps.organizations.models import Organization

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, databases=["default", "replica"])]


def test_without_a_replica_everything_reads_the_primary():
    with replica_reads() as alias:
        assert alias == "default"
        assert Organization.objects.all().db == "default"
    assert replica_alias() == "default"


@override_settings(PORTAL_READ_REPLICA="replica")
def test_with_a_replica_only_marked_reads_go_there():
    assert Organization.objects.all().db == "default"
    with replica_reads() as alias:
        assert alias == "replica"
        assert Organization.objects.all().db == "replica"
    assert Organization.objects.all().db == "default"
    assert replica_alias() == "replica"


@override_settings(PORTAL_READ_REPLICA="replica")
def test_writes_and_migrations_stay_on_the_primary():
    from apps.core.replica import ReplicaRouter

    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_write(Organization) == "default"
    assert router.allow_migrate("default", "organizations") is True
    assert router.allow_migrate("replica", "organizations") is False


@override_settings(PORTAL_READ_REPLICA="replica")
def test_inside_a_write_transaction_reads_stay_on_the_primary():
    """A replica cannot see what the open transaction wrote, so reads there would contradict it."""
    with transaction.atomic():
        Organization.objects.create(slug="ny", name="Ny", kind=Organization.Kind.UNION)
        assert replica_alias() == "default"
        with replica_reads():
            assert Organization.objects.filter(slug="ny").exists()
    with replica_reads():
        assert Organization.objects.all().db == "replica"
        assert Organization.objects.filter(slug="ny").exists()  # the mirror sees committed rows


@override_settings(PORTAL_READ_REPLICA="no-such-alias")
def test_an_unknown_alias_falls_back_to_the_primary():
    with replica_reads() as alias:
        assert alias == "default"


@override_settings(PORTAL_READ_REPLICA="replica")
def test_a_replica_that_is_down_costs_the_primary_reads_not_the_page(monkeypatch, caplog):
    from django.db import OperationalError, connections

    def refused():
        raise OperationalError("connection refused")

    connections["replica"].close()
    monkeypatch.setattr(connections["replica"], "ensure_connection", refused)
    with replica_reads() as alias:
        assert alias == "default"
        assert Organization.objects.all().db == "default"
    assert "cannot be reached" in caplog.text
