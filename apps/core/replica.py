"""Heavy reads from a PostgreSQL read replica, when there is one.

The absence statistics read millions of rows; on a deployment with a streaming replica they can be
read there and leave the primary to the writes. ``settings.PORTAL_READ_REPLICA`` names the
``DATABASES`` alias of the replica (set by ``READ_REPLICA_URL``; empty: everything on the primary).

Only code that asks for it reads from the replica: inside ``replica_reads()`` the ORM's reads go
there (``ReplicaRouter``), and it yields the alias for raw SQL (``apps.core.sql.reading_from``).
Everything else, and any read inside a transaction that may have written, stays on the primary, so a
page never shows the primary's write and then the replica's older figures in one response; so does
every read while the replica cannot be reached.
A replica lags its primary by its replication delay: figures read there can be that much older.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


def replica_alias() -> str:
    """The replica's alias, or the primary's when there is none or the primary is mid-transaction."""
    alias = getattr(settings, "PORTAL_READ_REPLICA", "")
    if not alias or alias == DEFAULT_DB_ALIAS or alias not in connections:
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    replica = connections[alias]
    if replica.connection is None:
        try:
            replica.ensure_connection()
        except DatabaseError:
            # A replica that is down costs the primary some reads, not the page.
            logger.warning("The read replica %r cannot be reached; reading from the primary.", alias)
            return DEFAULT_DB_ALIAS
    return alias


@contextmanager
def replica_reads() -> Iterator[str]:
    """The ORM's reads inside go to the replica (when there is one); yields the alias they use."""
    alias = replica_alias()
    token = _replica_reads.set(alias != DEFAULT_DB_ALIAS)
    try:
        yield alias
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    """Sends reads inside ``replica_reads()`` to the replica; writes and migrations to the primary."""

    def db_for_read(self, model, **hints) -> str | None:
        if _replica_reads.get():
            return replica_alias()
        return None

    def db_for_write(self, model, **hints) -> str | None:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS
