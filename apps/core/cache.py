"""Django's Redis cache, made optional: with Redis unreachable every read is a miss and every write is
skipped, so pages compute what they would have cached instead of failing (the cache only saves work).

The outage is logged once as a warning when it starts and once when the cache answers again, not on
every call of every request.
"""

from __future__ import annotations

import logging
import threading

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class _Outage:
    """Shared by every thread's cache object of this process: one warning per outage."""

    lock = threading.Lock()
    down = False

    @classmethod
    def failed(cls, error: Exception) -> None:
        with cls.lock:
            if cls.down:
                return
            cls.down = True
        logger.warning("cache unreachable, computing without it: %s", error)

    @classmethod
    def answered(cls) -> None:
        if not cls.down:
            return
        with cls.lock:
            if not cls.down:
                return
            cls.down = False
        logger.warning("cache reachable again")


class OptionalRedisCache(RedisCache):
    def _try(self, default, operation, *args, **kwargs):
        try:
            value = operation(*args, **kwargs)
        except UNREACHABLE as error:
            _Outage.failed(error)
            return default
        _Outage.answered()
        return value

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._try(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._try(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._try(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._try({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._try(False, super().has_key, key, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        self._try(None, super().delete_many, keys, version)

    def clear(self):
        return self._try(False, super().clear)
