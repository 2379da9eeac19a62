"""Fixed rate-limit windows per endpoint and caller (twitter-api.md §11.4), with the
``x-rate-limit-*`` headers (§11.3). The DM send limit lives with the sends (messages.py)."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from sandbox import errors
from sandbox.conf import sandbox_setting
from sandbox.models import SandboxRateLimitWindow

MIN15 = 15 * 60
DAY = 24 * 60 * 60
# (limit, window seconds) per endpoint template.
LIMITS: dict[str, tuple[int, int]] = {
    "GET account/verify_credentials": (75, MIN15),
    "GET users/lookup": (900, MIN15),
    "POST users/lookup": (900, MIN15),
    "GET direct_messages/events/list": (15, MIN15),
    "GET direct_messages/events/show": (15, MIN15),
    "POST direct_messages/indicate_typing": (1000, MIN15),
    "POST direct_messages/mark_read": (1000, MIN15),
    "GET direct_messages/welcome_messages/list": (15, MIN15),
    "GET direct_messages/welcome_messages/show": (15, MIN15),
    "POST custom_profiles/new": (1000, DAY),
    "DELETE custom_profiles/destroy": (1000, DAY),
    "GET custom_profiles/:id": (180, MIN15),
    "GET custom_profiles/list": (180, MIN15),
    "POST account_activity/all/:env_name/webhooks": (15, MIN15),
    "GET account_activity/all/:env_name/webhooks": (15, MIN15),
    "GET account_activity/all/webhooks": (15, MIN15),
    "PUT account_activity/all/:env_name/webhooks/:webhook_id": (15, MIN15),
    "DELETE account_activity/all/:env_name/webhooks/:webhook_id": (15, MIN15),
    "POST account_activity/all/:env_name/subscriptions": (500, MIN15),
    "GET account_activity/all/:env_name/subscriptions": (500, MIN15),
    "DELETE account_activity/all/:env_name/subscriptions": (500, MIN15),
    "DELETE account_activity/all/:env_name/subscriptions/:user_id": (500, MIN15),
    "GET account_activity/all/:env_name/subscriptions/list": (50, MIN15),
    "GET account_activity/all/subscriptions/count": (15, MIN15),
    # X API v2 (twitter-api.md §12.1, §12.3, §10.2; AAA subscriptions as v1.1's enterprise limits).
    "POST 2/webhooks": (450, MIN15),
    "GET 2/webhooks": (450, MIN15),
    "PUT 2/webhooks/:webhook_id": (450, MIN15),
    "DELETE 2/webhooks/:webhook_id": (450, MIN15),
    "POST 2/account_activity/webhooks/:webhook_id/subscriptions/all": (500, MIN15),
    "GET 2/account_activity/webhooks/:webhook_id/subscriptions/all": (500, MIN15),
    "GET 2/account_activity/webhooks/:webhook_id/subscriptions/all/list": (50, MIN15),
    "DELETE 2/account_activity/webhooks/:webhook_id/subscriptions/:user_id/all": (500, MIN15),
    "GET 2/account_activity/subscriptions/count": (15, MIN15),
    "GET 2/dm_events": (15, MIN15),
    "GET 2/dm_events/:event_id": (15, MIN15),
    "GET 2/users/me": (75, MIN15),
    "GET 2/users": (900, MIN15),
    "GET 2/users/by": (900, MIN15),
    "POST 2/tweets": (100, MIN15),
}


def rate_limit_hit(*, endpoint: str, subject: str) -> dict[str, str]:
    """Count one call; raise 429 (code 88) past the limit; return the headers to send."""
    if endpoint not in LIMITS or not sandbox_setting("SANDBOX_RATE_LIMITS_ENABLED"):
        return {}
    limit, seconds = LIMITS[endpoint]
    now = timezone.now()
    with transaction.atomic():
        window = SandboxRateLimitWindow.objects.select_for_update().filter(endpoint=endpoint, subject=subject).first()
        if window is None:
            try:
                with transaction.atomic():
                    window = SandboxRateLimitWindow.objects.create(endpoint=endpoint, subject=subject, window_start=now)
            except IntegrityError:
                window = SandboxRateLimitWindow.objects.select_for_update().get(endpoint=endpoint, subject=subject)
        if window.window_start + timedelta(seconds=seconds) <= now:
            window.window_start, window.count = now, 0
        reset = int((window.window_start + timedelta(seconds=seconds)).timestamp())
        if window.count >= limit:
            raise errors.rate_limited(limit=limit, reset=reset)
        window.count += 1
        window.save(update_fields=["window_start", "count"])
    return {
        "x-rate-limit-limit": str(limit),
        "x-rate-limit-remaining": str(limit - window.count),
        "x-rate-limit-reset": str(reset),
    }
