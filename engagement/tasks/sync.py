"""Thin tasks that sync welcome messages, the default rule and custom profiles to Twitter.

A passing failure (5xx, a timeout) is retried a few times after a short wait; the service
records the reason on its last attempt. Short waits only: anything longer belongs in the row
and the periodic sweep (the broker is a doorbell, not a calendar).
"""

from __future__ import annotations

from collections.abc import Callable

from celery import Task, shared_task

from integrations.twitter import Retryable

RETRY_DELAYS: tuple[float, ...] = (2, 10, 30)  # seconds before the 2nd, 3rd and 4th attempt


def _run(task: Task, sync: Callable[..., object], **kwargs: object) -> None:
    attempt = task.request.retries
    try:
        sync(attempt=attempt, final_attempt=attempt >= len(RETRY_DELAYS), **kwargs)
    except Retryable as error:
        raise task.retry(exc=error, countdown=RETRY_DELAYS[attempt], max_retries=len(RETRY_DELAYS)) from None


@shared_task(bind=True)
def sync_welcome_message(self: Task, welcome_message_id: int) -> None:
    from engagement.services.welcome_sync import welcome_message_sync

    _run(self, welcome_message_sync, welcome_message_id=welcome_message_id)


@shared_task(bind=True)
def sync_welcome_rule(self: Task, account_id: int) -> None:
    from engagement.services.welcome_sync import welcome_rule_sync

    _run(self, welcome_rule_sync, account_id=account_id)


@shared_task(bind=True)
def sync_custom_profile(self: Task, custom_profile_id: int) -> None:
    from engagement.services.custom_profiles_sync import custom_profile_sync

    _run(self, custom_profile_sync, custom_profile_id=custom_profile_id)


@shared_task
def sweep_twitter_syncs() -> None:
    """Ring again for welcome messages, rules and custom profiles whose task was lost."""
    from engagement.services.custom_profiles import custom_profiles_sync_sweep
    from engagement.services.welcome import welcome_sync_sweep

    welcome_sync_sweep()
    custom_profiles_sync_sweep()
