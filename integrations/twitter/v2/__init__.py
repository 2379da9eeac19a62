"""The X API v2 wire: v2 webhooks and Account Activity subscriptions, DMs with text and one
attachment, v2 media upload, Tweets and users. Same methods, signatures and return types as
``V11Client``, so nothing above ``integrations.twitter`` knows which wire it talks to."""

from integrations.twitter.capabilities import V2
from integrations.twitter.v1.signin import SignInMixin
from integrations.twitter.v2.account_activity import AccountActivityV2Mixin
from integrations.twitter.v2.direct_messages import DirectMessagesV2Mixin
from integrations.twitter.v2.media import MediaV2Mixin
from integrations.twitter.v2.tweets import TweetsV2Mixin
from integrations.twitter.v2.unsupported import CustomProfilesV2Mixin, WelcomeMessagesV2Mixin


class V2Client(
    TweetsV2Mixin,  # before SignInMixin: its verify_credentials asks /2/users/me
    SignInMixin,
    AccountActivityV2Mixin,
    DirectMessagesV2Mixin,
    WelcomeMessagesV2Mixin,
    CustomProfilesV2Mixin,
    MediaV2Mixin,
):
    """Every X API v2 operation Roost uses, one method each."""

    capabilities = V2


__all__ = ["V2Client"]
