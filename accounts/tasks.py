from __future__ import annotations

import logging

from celery import shared_task

from accounts.demo import DemoNotReady, demo_connect_sandbox

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=90)
def demo_connect(self) -> None:  # noqa: ANN001
    """`make run`: connect the demo brand's sandbox account once the web server answers."""
    try:
        outcome = demo_connect_sandbox()
    except DemoNotReady:
        # Development only: the worker often starts before runserver; try again shortly.
        raise self.retry(countdown=2) from None
    logger.info("demo: %s; play a customer at /sandbox/", outcome)


@shared_task
def notify_account_needs_reauth(account_id: int) -> None:
    from accounts.services import twitter_account_notify_needs_reauth

    twitter_account_notify_needs_reauth(account_id=account_id)


@shared_task
def subscribe_twitter_account(account_id: int) -> None:
    """Subscribe a just-connected (or re-authorised) account; the outcome is on the row."""
    from accounts.services import twitter_account_subscribe_pending

    twitter_account_subscribe_pending(account_id=account_id)


@shared_task
def sweep_pending_subscriptions() -> None:
    from accounts.services import twitter_accounts_subscription_sweep

    twitter_accounts_subscription_sweep()
