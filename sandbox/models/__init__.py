"""The sandbox's own tables: it is Twitter, so it knows nothing of Roost's apps.

Rows that Twitter gives ids to (users, Direct Messages, media, Tweets, …) use the Twitter id
itself as their primary key (a snowflake from ``sandbox.ids``), so ``dm.sender_id`` is the
sender's Twitter user id.
"""

from sandbox.models.accounts import SandboxAccessToken, SandboxFollow, SandboxNonce, SandboxRequestToken, SandboxUser
from sandbox.models.activity import SandboxDelivery, SandboxSubscription, SandboxWebhook
from sandbox.models.control import SandboxFault, SandboxRateLimitWindow
from sandbox.models.messages import (
    SandboxCustomProfile,
    SandboxDirectMessage,
    SandboxMedia,
    SandboxThreadState,
    SandboxTweet,
    SandboxWelcomeMessage,
    SandboxWelcomeMessageRule,
)

__all__ = [
    "SandboxAccessToken",
    "SandboxCustomProfile",
    "SandboxDelivery",
    "SandboxDirectMessage",
    "SandboxFault",
    "SandboxFollow",
    "SandboxMedia",
    "SandboxNonce",
    "SandboxRateLimitWindow",
    "SandboxRequestToken",
    "SandboxSubscription",
    "SandboxThreadState",
    "SandboxTweet",
    "SandboxUser",
    "SandboxWebhook",
    "SandboxWelcomeMessage",
    "SandboxWelcomeMessageRule",
]
