"""The sandbox's settings, each with its default. Override any of them in settings (the
sandbox block of ``config/settings.py`` reads the environment ones) or in tests."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Direct Message sends per user per rolling 24 h (§6.1); env SANDBOX_DM_DAILY_LIMIT.
    "SANDBOX_DM_DAILY_LIMIT": 1000,
    "SANDBOX_DM_APP_DAILY_LIMIT": 15000,
    # Replies that do not count after each incoming message, within 24 h (§6.1).
    "SANDBOX_DM_REPLY_ALLOWANCE": 5,
    # The §11.4 windows on the other endpoints; env SANDBOX_RATE_LIMITS_ENABLED.
    "SANDBOX_RATE_LIMITS_ENABLED": True,
    # Webhook delivery: per-attempt timeout and the waits between attempts (§11.5).
    "SANDBOX_DELIVERY_TIMEOUT_SECONDS": 3.0,
    "SANDBOX_DELIVERY_RETRY_DELAYS": (3, 27, 242),
    # Retries due sooner than this are also rung with a Celery countdown; later ones are found
    # by the periodic sweep only (the row's next_attempt_at is always the truth).
    "SANDBOX_DELIVERY_MAX_COUNTDOWN_SECONDS": 60,
    # The CRC request must be answered within this (§4.1).
    "SANDBOX_CRC_TIMEOUT_SECONDS": 3.0,
    # Premium sandbox tier: 15 subscriptions (§3.1).
    "SANDBOX_SUBSCRIPTION_LIMIT": 15,
    # OAuth: how far a request's timestamp may be from now (code 135).
    "SANDBOX_OAUTH_TIMESTAMP_LIFETIME": 300,
    # Sign in with Twitter: callback URLs accepted besides loopback hosts and "oob" (code 415).
    "SANDBOX_CALLBACK_URLS": None,  # None: PUBLIC_URL
    # The access level the app was given in the (pretend) developer portal (§2.1).
    "SANDBOX_APP_ACCESS_LEVEL": "read-write-directmessages",
    "SANDBOX_APP_NAME": "Roost",
    # Seconds a video/GIF spends "in_progress" after FINALIZE (§9.2).
    "SANDBOX_MEDIA_PROCESSING_SECONDS": 2.0,
    # v1.1 delivers an unfollow only to the account that unfollowed (§5.7); True adds the target.
    "SANDBOX_DELIVER_UNFOLLOWS_TO_TARGET": False,
    # How long a typing indicator shows (§6.5).
    "SANDBOX_TYPING_SECONDS": 3.0,
    "SANDBOX_STATUS_DAILY_LIMIT": 2400,
}


def sandbox_setting(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
