"""Account Activity webhooks and subscriptions (twitter-api.md §3, §4.1).

Registering and re-checking a webhook make a real CRC request and wait for it: the only call
the sandbox makes to the product inside a request. It is made outside any transaction.
"""

from __future__ import annotations

import json
import secrets
import time
from urllib.parse import urlencode, urlsplit

import requests
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.text import is_ascii_digits
from sandbox import errors
from sandbox.conf import sandbox_setting
from sandbox.models import SandboxSubscription, SandboxUser, SandboxWebhook
from sandbox.signatures import sign


def crc_check(*, url: str) -> str | None:
    """GET ``url?crc_token=…&nonce=…`` as Twitter does; None when the answer is right, else
    the 214 message that explains what was wrong."""
    token = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(12)
    query = urlencode([("crc_token", token), ("nonce", nonce)])
    timeout = float(sandbox_setting("SANDBOX_CRC_TIMEOUT_SECONDS"))
    started = time.monotonic()
    try:
        response = requests.get(
            f"{url}{'&' if urlsplit(url).query else '?'}{query}",
            headers={
                # Twitter signs the CRC request too, over its query string (§4.2).
                "X-Twitter-Webhooks-Signature": sign(settings.TWITTER_CONSUMER_SECRET, query.encode()),
                "User-Agent": "Twitter-Webhooks/1.0 (Roost sandbox)",
            },
            timeout=timeout,
            allow_redirects=False,
        )
    except requests.Timeout:
        return errors.WEBHOOK_CRC_SLOW
    except requests.RequestException:
        return errors.WEBHOOK_CRC_NON_200
    if time.monotonic() - started > timeout:
        return errors.WEBHOOK_CRC_SLOW
    if response.status_code != 200:
        return errors.WEBHOOK_CRC_NON_200
    try:
        answer = json.loads(response.content)
    except ValueError:
        return errors.WEBHOOK_CRC_INVALID
    expected = sign(settings.TWITTER_CONSUMER_SECRET, token.encode())
    if not isinstance(answer, dict) or answer.get("response_token") != expected:
        return errors.WEBHOOK_CRC_INVALID
    return None


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    # Twitter wants https with no port; the sandbox takes http(s) with any port so a laptop
    # and the test suite's live server can be registered.
    if parts.scheme not in {"http", "https"} or not parts.hostname or len(url) > 500 or parts.fragment:
        raise errors.webhook_refused(errors.WEBHOOK_URL_INVALID)


def webhook_register(*, env_name: str, url: str) -> SandboxWebhook:
    _check_url(url)
    if SandboxWebhook.objects.filter(env_name=env_name).exists():
        raise errors.webhook_refused(errors.WEBHOOK_TOO_MANY)
    problem = crc_check(url=url)
    if problem:
        raise errors.webhook_refused(problem)
    try:
        with transaction.atomic():
            return SandboxWebhook.objects.create(env_name=env_name, url=url, valid=True, last_crc_at=timezone.now())
    except IntegrityError:  # registered by a concurrent request while our CRC ran
        raise errors.webhook_refused(errors.WEBHOOK_TOO_MANY) from None


def webhook_get(*, env_name: str, webhook_id: str) -> SandboxWebhook:
    if not is_ascii_digits(webhook_id):
        raise errors.webhook_not_found()
    webhook = SandboxWebhook.objects.filter(env_name=env_name, pk=int(webhook_id)).first()
    if webhook is None:
        raise errors.webhook_not_found()
    return webhook


def webhook_crc(*, webhook: SandboxWebhook) -> None:
    """The re-check (PUT): a pass makes the webhook valid again, a failure invalid (§3.4)."""
    problem = crc_check(url=webhook.url)
    webhook.valid = problem is None
    webhook.last_crc_at = timezone.now()
    webhook.last_crc_error = problem or ""
    webhook.save(update_fields=["valid", "last_crc_at", "last_crc_error"])
    if problem:
        raise errors.webhook_refused(problem)


def webhook_delete(*, webhook: SandboxWebhook) -> None:
    webhook.delete()  # its subscriptions go with it: they must be re-added (§3.1)


def _env_webhook(env_name: str) -> SandboxWebhook:
    webhook = SandboxWebhook.objects.filter(env_name=env_name).first()
    if webhook is None:
        raise errors.webhook_not_found()
    return webhook


def subscription_add(*, env_name: str, user: SandboxUser) -> SandboxSubscription:
    webhook = _env_webhook(env_name)
    with transaction.atomic():
        if SandboxSubscription.objects.filter(webhook=webhook, user=user).exists():
            raise errors.TwitterError(409, 355, "Subscription already exists.")
        if SandboxSubscription.objects.count() >= int(sandbox_setting("SANDBOX_SUBSCRIPTION_LIMIT")):
            raise errors.subscription_limit_reached()
        try:
            with transaction.atomic():
                return SandboxSubscription.objects.create(webhook=webhook, user=user)
        except IntegrityError:
            raise errors.TwitterError(409, 355, "Subscription already exists.") from None


def subscription_get(*, env_name: str, user_id: int) -> SandboxSubscription:
    subscription = SandboxSubscription.objects.filter(webhook__env_name=env_name, user_id=user_id).first()
    if subscription is None:
        raise errors.subscription_not_found()
    return subscription


def subscription_remove(*, env_name: str, user_id: int) -> None:
    subscription_get(env_name=env_name, user_id=user_id).delete()


def subscription_exists(*, webhook: SandboxWebhook, user_id: int) -> bool:
    return SandboxSubscription.objects.filter(webhook=webhook, user_id=user_id).exists()


def subscribed_user_ids(*, webhook: SandboxWebhook) -> list[int]:
    return list(SandboxSubscription.objects.filter(webhook=webhook).order_by("id").values_list("user_id", flat=True))
