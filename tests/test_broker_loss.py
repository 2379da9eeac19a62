"""A worker that loses Redis keeps running: closing the dead connection must not kill it."""

from __future__ import annotations

import os

import pytest
from kombu import Connection

import config.celery  # noqa: F401  (installs the fix under test)
from tests.conftest import USING_REDIS


@pytest.mark.skipif(not USING_REDIS, reason="needs Redis (set REDIS_URL, as .ci/run does)")
def test_a_channel_whose_connection_is_gone_fails_with_a_connection_error_celery_handles():
    # What the consumer meets after a lost connection: a channel holding a delivered, unacked
    # message, whose connection an earlier close already released. kombu raised AttributeError
    # here, and Celery stopped the worker with "Unrecoverable error" (the Redis fault drills).
    connection = Connection(os.environ["REDIS_URL"])
    channel = connection.transport.create_channel(connection.transport.establish_connection())
    handled = connection.connection_errors
    channel.qos._delivered["delivery-tag"] = object()
    connection._do_close_transport()

    with pytest.raises(handled):
        channel.close()  # re-queueing the unacked message on the way out
    with pytest.raises(handled):
        channel.qos.ack("delivery-tag")  # a task that finished after the reconnect


@pytest.mark.skipif(not USING_REDIS, reason="needs Redis (set REDIS_URL, as .ci/run does)")
def test_a_channel_reuses_one_redis_client_for_its_pool_and_a_new_one_after_a_reconnect():
    connection = Connection(os.environ["REDIS_URL"])
    channel = connection.transport.create_channel(connection.transport.establish_connection())
    try:
        with channel.conn_or_acquire() as first, channel.conn_or_acquire() as second:
            assert first is second  # kombu alone builds a client per publish
            assert first.ping()
        channel._disconnect_pools()  # what a lost connection leads to
        with channel.conn_or_acquire() as renewed:
            assert renewed is not first
            assert renewed.connection_pool is channel.pool
            assert renewed.ping()
    finally:
        connection.release()
