"""The statistics version of each organisation, and the cache of figures under it: every write the
figures depend on bumps the version, so later reads miss the cache."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar
from uuid import uuid4

from django.core.cache import cache
from django.db import IntegrityError, transaction

from apps.core.collector import collector_paused
from apps.organizations.models import Organization

from ..models import StatisticsVersion

T = TypeVar("T")

CACHE_SECONDS = 24 * 60 * 60
# Part of every cache key: raise it when what suppression hides changes, so that figures cached under
# the old rules are never served.
SUPPRESSION_RULES = 2


def statistics_version(organization_id: int) -> str:
    """The organisation's current statistics version (made on first use; ``bump_statistics_version``
    replaces it). A random token rather than a counter: a cache outlives a rolled-back database."""
    token = (
        StatisticsVersion.objects.filter(organization_id=organization_id)
        .values_list("token", flat=True)
        .first()
    )
    if token is None:
        try:
            with transaction.atomic():
                token = StatisticsVersion.objects.create(
                    organization_id=organization_id, token=uuid4().hex
                ).token
        except IntegrityError:  # made meanwhile by a concurrent request
            token = StatisticsVersion.objects.get(organization_id=organization_id).token
    return token


def bump_statistics_version(organization_id: int) -> None:
    """Call in the transaction of every write the figures depend on: later reads miss the cache. An
    UPDATE only: without a version row nothing was cached yet (and the organisation may be going)."""
    StatisticsVersion.objects.filter(organization_id=organization_id).update(token=uuid4().hex)


def cached(kind: str, organization: Organization, compute: Callable[[], T], *parts) -> T:
    """``compute()``, cached under the organisation's statistics version and ``parts``."""
    raw = ":".join(str(part) for part in parts)
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    version = statistics_version(organization.pk)
    key = f"absence:{kind}:{SUPPRESSION_RULES}:{organization.pk}:{version}:{digest}"
    # Many small objects and no cycles, both ways (see apps.core.collector): reading a whole
    # organisation's page back makes thousands of tuples, whose collections cost more than the read.
    with collector_paused():
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, CACHE_SECONDS)
    return value


def exempt_key(exempt_unit_ids: set[int] | None) -> str:
    return ",".join(str(pk) for pk in sorted(exempt_unit_ids or ()))
