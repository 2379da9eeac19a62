"""The outbox: every event POST is a row, sent after commit by a task on the ``sandbox``
queue and retried as twitter-api.md §11.5 describes (3 s timeout; waits 3 s, 27 s, 242 s).

The row is the truth: ``next_attempt_at`` holds the wait, a periodic sweep finds rows whose
task never came, and a short Celery countdown only rings the bell early.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any

import requests
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from config.compiled import CompiledQuery, CompiledSave, CompiledUpdate
from config.http import SessionPerThread
from sandbox.conf import sandbox_setting
from sandbox.models import SandboxDelivery, SandboxNonce, SandboxWebhook
from sandbox.signatures import sign

logger = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Twitter-Webhooks-Signature"
# Deliveries to the same webhook reuse their connection, as Twitter's do.
_sessions = SessionPerThread()


def delivery_create(
    *, webhook: SandboxWebhook, for_user_id: str, event_type: str, body: dict[str, Any]
) -> SandboxDelivery:
    """Write the delivery in the caller's transaction; its task is published after commit."""
    from config.queue import enqueue_on_commit
    from sandbox.tasks import deliver

    delivery = SandboxDelivery.objects.create(
        webhook=webhook,
        url=webhook.url,
        for_user_id=for_user_id,
        event_type=event_type,
        body=json.dumps(body, separators=(",", ":"), ensure_ascii=False),
        next_attempt_at=timezone.now(),
    )
    enqueue_on_commit(deliver, delivery.pk, queue="sandbox")
    return delivery


def _retry_delays() -> list[float]:
    return [float(delay) for delay in sandbox_setting("SANDBOX_DELIVERY_RETRY_DELAYS")]


# Compiled once (config/compiled.py): it runs for every event the sandbox delivers.
_CLAIM = CompiledUpdate(
    SandboxDelivery,
    lambda delivery_id, now: (
        SandboxDelivery.objects.filter(pk=delivery_id, status=SandboxDelivery.Status.PENDING, next_attempt_at__lte=now),
        {"status": SandboxDelivery.Status.SENDING, "attempts": F("attempts") + 1, "claimed_at": now},
    ),
    delivery_id=int,
    now=datetime,
)


_DELIVERY = CompiledQuery(
    SandboxDelivery, lambda delivery_id: SandboxDelivery.objects.filter(pk=delivery_id), delivery_id=int
)


def delivery_attempt(*, delivery_id: int) -> str | None:
    """Claim the row, POST it once, record the outcome. Returns the new status, or None when
    the row was not due (another worker has it, it is done, or its wait is not over)."""
    if _CLAIM.execute(delivery_id=delivery_id, now=timezone.now()) != 1:
        return None
    delivery = _DELIVERY.first_object(delivery_id=delivery_id)
    if delivery.webhook_id is None:
        delivery.status = SandboxDelivery.Status.FAILED
        delivery.last_error = "the webhook was deleted before this event could be delivered"
        delivery.save(update_fields=["status", "last_error"])
        return delivery.status
    body = delivery.body.encode()
    error, status_code = "", None
    try:
        response = _sessions.get().post(
            delivery.url,
            data=body,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                SIGNATURE_HEADER: sign(settings.TWITTER_CONSUMER_SECRET, body),
                "User-Agent": "Twitter-Webhooks/1.0 (Roost sandbox)",
            },
            timeout=float(sandbox_setting("SANDBOX_DELIVERY_TIMEOUT_SECONDS")),
            allow_redirects=False,
        )
        status_code = response.status_code
        if status_code != 200:
            error = f"the webhook answered HTTP {status_code}; Twitter needs a 200"
    except requests.Timeout:
        error = f"no answer within {sandbox_setting('SANDBOX_DELIVERY_TIMEOUT_SECONDS')} s"
    except requests.RequestException as exc:
        error = f"could not connect: {exc.__class__.__name__}"
    return _record(delivery, error=error, status_code=status_code)


_RECORD_OUTCOME = CompiledSave(
    SandboxDelivery, "status", "delivered_at", "last_status_code", "last_error", "next_attempt_at"
)


def _record(delivery: SandboxDelivery, *, error: str, status_code: int | None) -> str:
    from sandbox.tasks import deliver

    delivery.last_status_code = status_code
    delivery.last_error = error[:300]
    delays = _retry_delays()
    if not error:
        delivery.status = SandboxDelivery.Status.DELIVERED
        delivery.delivered_at = timezone.now()
    elif delivery.attempts > len(delays):
        delivery.status = SandboxDelivery.Status.FAILED
        logger.warning("sandbox delivery failed after %d attempts: %s", delivery.attempts, error)
    else:
        wait = delays[delivery.attempts - 1]
        delivery.status = SandboxDelivery.Status.PENDING
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=wait)
    _RECORD_OUTCOME.save(delivery)
    if delivery.status == SandboxDelivery.Status.PENDING:
        wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
        # Longer waits are left to the periodic sweep: the broker is not a calendar.
        if wait <= float(sandbox_setting("SANDBOX_DELIVERY_MAX_COUNTDOWN_SECONDS")):
            _ring_later(deliver, delivery.pk, max(wait, 0))
    return delivery.status


def _ring_later(task: Any, delivery_id: int, seconds: float) -> None:
    # A short countdown is only a doorbell; if publishing fails the sweep finds the row.
    try:
        task.apply_async(args=(delivery_id,), queue="sandbox", countdown=seconds, retry=False)
    except Exception as error:  # any broker failure: the row is safe
        logger.warning("could not schedule a delivery retry (%s); the sweep will send it", error)


def deliveries_sweep() -> int:
    """Publish every due delivery, and put back rows a dead worker left in ``sending``."""
    from config.queue import enqueue_now
    from sandbox.tasks import deliver

    now = timezone.now()
    stale = now - timedelta(seconds=float(sandbox_setting("SANDBOX_DELIVERY_TIMEOUT_SECONDS")) * 10 + 30)
    SandboxDelivery.objects.filter(status=SandboxDelivery.Status.SENDING, claimed_at__lt=stale).update(
        status=SandboxDelivery.Status.PENDING, next_attempt_at=now
    )
    due = list(
        SandboxDelivery.objects.filter(status=SandboxDelivery.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:500]
    )
    for delivery_id in due:
        enqueue_now(deliver, delivery_id, queue="sandbox")
    # Nonces older than the timestamp window can never be replayed (code 135 refuses them).
    lifetime = float(sandbox_setting("SANDBOX_OAUTH_TIMESTAMP_LIFETIME"))
    SandboxNonce.objects.filter(created_at__lt=now - timedelta(seconds=lifetime * 2)).delete()
    return len(due)


def delivery_retry(*, delivery: SandboxDelivery) -> None:
    """Send a failed delivery again now (from the admin)."""
    from config.queue import enqueue_on_commit
    from sandbox.tasks import deliver

    SandboxDelivery.objects.filter(pk=delivery.pk).update(
        status=SandboxDelivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    enqueue_on_commit(deliver, delivery.pk, queue="sandbox")
