"""What a row waiting out Twitter's rate limit says, with and without a reset time."""

from __future__ import annotations

from datetime import UTC, datetime

from engagement.services.twitter_sync import rate_limited_note
from integrations.twitter import RateLimited
from integrations.twitter.errors import RateLimit


def test_the_note_says_until_when_when_twitter_said():
    reset = datetime(2026, 11, 22, 10, 42, tzinfo=UTC)
    error = RateLimited("Rate limit exceeded", status=429, code=88, rate_limit=RateLimit(15, 0, reset))
    assert rate_limited_note(error) == (
        "Twitter's rate limit for this is used up until 10:42 UTC; it will sync again after that on its own."
    )


def test_without_a_reset_time_the_note_does_not_dangle():
    error = RateLimited("Rate limit exceeded", status=429, code=88)
    assert rate_limited_note(error) == (
        "Twitter's rate limit for this is used up; it will sync again on its own once it resets."
    )
