from __future__ import annotations

from celery import shared_task

from accounts.demo import demo_connect_attempt


@shared_task(bind=True, max_retries=None)  # accounts.demo bounds the waits and the retries
def demo_connect(self, waits: int = 0, failures: int = 0) -> None:  # noqa: ANN001
    """`make run`: connect the demo brand's sandbox account once the web server answers,
    trying a failed step again a few times (development only, a one-off startup task)."""
    retry = demo_connect_attempt(waits=waits, failures=failures)
    if retry is not None:
        raise self.retry(countdown=retry.countdown, kwargs={"waits": retry.waits, "failures": retry.failures})


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
