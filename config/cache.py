"""Django's Redis cache, keeping its Redis clients.

Django's client builds a new ``redis.Redis`` for every cache call, and each fills a table of
some 200 response callbacks: about as much CPU as the call's own round trip. A ``redis.Redis``
is safe to share between threads (it takes a connection from its pool per command), so one per
pool is kept. The worker touches the cache several times per Direct Message (the doorbell, the
drain slots, the daily-limit headroom).
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[Any, Any] = {}  # connection pool -> its client

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
