"""The "Tweet this" button: a web-intent URL the customer opens to post from their own account
(twitter-api.md §10.3). No API call, so no rate limit or reply rules apply to the brand."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

INTENT_URL = "https://twitter.com/intent/tweet"
MAX_TWEET = 280
LINK_LENGTH = 23  # every URL counts as 23 characters in a Tweet


class TweetIntentError(ValueError):
    pass


def tweet_intent_url(*, text: str, url: str = "", hashtags: Sequence[str] = (), via: str = "") -> str:
    text = text.strip()
    if not text:
        raise TweetIntentError("the Tweet needs text")
    tags = [tag.strip().lstrip("#") for tag in hashtags if tag.strip()]
    length = (
        len(text) + (LINK_LENGTH + 1 if url else 0) + sum(len(tag) + 2 for tag in tags) + (len(via) + 6 if via else 0)
    )
    if length > MAX_TWEET:
        raise TweetIntentError(f"the Tweet would be {length} characters; at most {MAX_TWEET}")
    query = {"text": text}
    if url:
        query["url"] = url
    if tags:
        query["hashtags"] = ",".join(tags)
    if via:
        query["via"] = via.lstrip("@")
    return f"{INTENT_URL}?{urlencode(query)}"
