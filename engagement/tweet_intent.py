"""The "Tweet this" button: a web-intent URL the customer opens to post from their own account
(twitter-api.md §10.3). No API call, so no rate limit or reply rules apply to the brand.

Twitter's parameters: ``text`` (UTF-8, URL-encoded), ``url`` (a fully qualified http(s) URL,
URL-encoded), ``hashtags`` (comma-separated, without ``#``) and ``via`` (a username, without
``@``; Twitter appends "via @username"). Values are percent-encoded, a space as ``%20`` as in
Twitter's own examples: a ``+`` is a space only to decoders of HTML form data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote, urlsplit

INTENT_URL = "https://twitter.com/intent/tweet"
MAX_TWEET = 280
LINK_LENGTH = 23  # every URL counts as 23 characters in a Tweet
_HASHTAG = re.compile(r"^\w+$")  # letters, digits and underscores, in any script
_USERNAME = re.compile(r"^[A-Za-z0-9_]{1,15}$")


class TweetIntentError(ValueError):
    pass


def tweet_intent_url(*, text: str, url: str = "", hashtags: Sequence[str] = (), via: str = "") -> str:
    text, url, via = text.strip(), url.strip(), via.strip().removeprefix("@")
    if not text:
        raise TweetIntentError("the Tweet needs text")
    parts = urlsplit(url)
    if url and (parts.scheme not in {"http", "https"} or not parts.netloc):
        raise TweetIntentError("the link must be an http:// or https:// URL")
    tags = [tag.strip().removeprefix("#") for tag in hashtags if tag.strip()]
    for tag in tags:
        if not _HASHTAG.match(tag):
            raise TweetIntentError(f"#{tag} is not a hashtag: use letters, digits and underscores only")
    if via and not _USERNAME.match(via):
        raise TweetIntentError(f"@{via} is not a Twitter username")
    # As the Tweet reads: "text url #tag #tag via @username".
    length = (
        len(text) + (LINK_LENGTH + 1 if url else 0) + sum(len(tag) + 2 for tag in tags) + (len(via) + 6 if via else 0)
    )
    if length > MAX_TWEET:
        raise TweetIntentError(f"the Tweet would be {length} characters; at most {MAX_TWEET}")
    query = [("text", text)]
    if url:
        query.append(("url", url))
    if tags:
        query.append(("hashtags", ",".join(tags)))
    if via:
        query.append(("via", via))
    # The commas between hashtags are the list's own separators; kept as Twitter writes them.
    encoded = "&".join(f"{name}={quote(value, safe=',' if name == 'hashtags' else '')}" for name, value in query)
    return f"{INTENT_URL}?{encoded}"
