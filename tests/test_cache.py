"""The Redis cache keeps one Redis client per connection pool instead of one per call."""

from __future__ import annotations

import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from config.cache import RedisCache
from tests.conftest import USING_REDIS

pytestmark = pytest.mark.skipif(not USING_REDIS, reason="needs Redis (set REDIS_URL, as .ci/run does)")


@pytest.fixture
def cache() -> RedisCache:
    return RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": f"test-cache-{uuid.uuid4().hex}"})


def test_every_call_shares_one_client(cache):
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
    assert cache._cache.get_client("a") is cache._cache.get_client("b")


def test_it_behaves_as_django_redis_cache(cache):
    assert cache.add("count", 5, timeout=30) is True
    assert cache.add("count", 9, timeout=30) is False
    assert cache.decr("count") == 4
    cache.set("payload", {"ids": [1, 2]}, timeout=30)
    assert cache.get("payload") == {"ids": [1, 2]}
    cache.delete("count")
    assert cache.get("count") is None


def test_threads_share_the_client_safely(cache):
    cache.set("hits", 0, timeout=30)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: cache.incr("hits"), range(200)))
    assert cache.get("hits") == 200
