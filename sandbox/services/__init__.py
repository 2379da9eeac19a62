"""The sandbox's Python API: what tests, demos and other parts of Roost call to play Twitter.

Accounts and tokens
    ``sandbox_bootstrap() -> SandboxUser``: the app owner (``roost_demo``, id from
    ``TWITTER_ACCESS_TOKEN``) and its token from settings; idempotent.
    ``sandbox_user_create(*, screen_name, name="", **profile) -> SandboxUser``.
    ``sandbox_token_issue(*, user, access_level="read-write-directmessages") -> (token, secret)``:
    as if ``user`` had signed in to the app.

What a person does on Twitter (each delivers the Account Activity events it causes)
    ``customer_send_dm(*, sender, recipient, text, quick_reply_metadata=None, image=None,
    welcome_message_id=None) -> SandboxDirectMessage`` (source_app_id 3033300);
    ``customer_tweet(*, user, text, in_reply_to_tweet_id=None) -> SandboxTweet``;
    ``user_typing(*, sender, recipient)``; ``user_mark_read(*, reader, other)``;
    ``user_follow(*, source, target, follow=True)``; ``user_revoke_app(*, user)``.

Faults and state
    ``fault_inject(*, endpoint, count=1, status, code=None, message="", delay_seconds=0,
    rate_limit_reset=None) -> SandboxFault``, e.g.
    ``fault_inject(endpoint="POST direct_messages/events/new", status=503)``;
    ``faults_clear()``; ``sandbox_reset(*, everything=False)``.

Errors: Twitter-side refusals raise ``sandbox.errors.TwitterError`` (``.code``, ``.message``);
bad arguments to these helpers raise ``SandboxInputError``.
"""

from sandbox.services.faults import fault_inject, faults_clear
from sandbox.services.messages import customer_send_dm, user_mark_read, user_typing
from sandbox.services.state import sandbox_reset
from sandbox.services.tweets import customer_tweet
from sandbox.services.users import (
    SandboxInputError,
    sandbox_bootstrap,
    sandbox_token_issue,
    sandbox_user_create,
    user_follow,
    user_revoke_app,
)

__all__ = [
    "SandboxInputError",
    "customer_send_dm",
    "customer_tweet",
    "fault_inject",
    "faults_clear",
    "sandbox_bootstrap",
    "sandbox_reset",
    "sandbox_token_issue",
    "sandbox_user_create",
    "user_follow",
    "user_mark_read",
    "user_revoke_app",
    "user_typing",
]
