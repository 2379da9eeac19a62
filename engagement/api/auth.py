"""Who a request acts as: the member an API token belongs to, in the token's brand.

Every member role works the inbox (``accounts.permissions``: agents have the inbox), so every
endpoint here is open to agents, admins and owners alike; what differs between roles lives in
the services they call, exactly as for the dashboard. A brand that requires two-factor
authentication refuses the tokens of members who have not set it up, as the dashboard
refuses their sessions.
"""

from __future__ import annotations

import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.security import HttpBearer
from redis.exceptions import RedisError

from accounts.models import ApiToken, Brand, User
from accounts.services import api_token_authenticate, user_has_mfa
from engagement.api.errors import ApiError, RateLimited

logger = logging.getLogger(__name__)

RATE_WINDOW_SECONDS = 60


def rate_limit_count(*, token: ApiToken, limit: int, now: float | None = None) -> None:
    """Count a request against the token's fixed one-minute window; raise ``RateLimited`` past ``limit``.

    ``cache.add`` then ``cache.incr`` is atomic on Redis and locmem, so concurrent requests
    from one token never both read the same count. (The embedded setup's file cache may
    undercount under concurrency, which only makes the limit lenient.)
    """
    now = time.time() if now is None else now
    window = int(now // RATE_WINDOW_SECONDS)
    key = f"api:rate:{token.pk}:{window}"
    try:
        count = _count(key)
    except RedisError as error:
        # The counter lives in Redis. With Redis down a reply must still be accepted (its row
        # is the truth and the sweep sends it once Redis is back), so the limit lapses for the
        # outage rather than every request failing (found by the Redis fault drill).
        logger.warning("API rate limit not counted: the cache is unavailable (%s)", error)
        return
    if count > limit:
        retry_after = max(1, math.ceil((window + 1) * RATE_WINDOW_SECONDS - now))
        raise RateLimited(retry_after=retry_after, limit=limit)


def _count(key: str) -> int:
    # Kept a little past its minute so a request at the edge still finds its counter.
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS * 2)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr: this request starts the count again
        cache.add(key, 1, timeout=RATE_WINDOW_SECONDS * 2)
        return 1


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer roost_…``; the token's member and brand become the request's."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = api_token_authenticate(secret=token.strip())
        if api_token is None:
            return None  # ninja answers 401 (engagement.api.errors)
        rate_limit_count(token=api_token, limit=settings.API_RATE_LIMIT_PER_MINUTE)
        brand = api_token.brand
        if brand.require_mfa and not user_has_mfa(api_token.membership.user):
            raise ApiError(
                f"{brand.name} requires two-factor authentication: {api_token.membership.user.display_name} "
                "must set up an authenticator app before this token can be used.",
                status=403,
            )
        return api_token


def token_of(request: HttpRequest) -> ApiToken:
    return request.auth  # type: ignore[attr-defined]


def brand_of(request: HttpRequest) -> Brand:
    return token_of(request).brand


def user_of(request: HttpRequest) -> User:
    return token_of(request).membership.user
