"""The v1.1 wire: OAuth 1.0a, Account Activity premium, DMs with quick replies, buttons,
custom profiles and welcome messages."""

from integrations.twitter.capabilities import V1_1
from integrations.twitter.v1.account_activity import AccountActivityMixin
from integrations.twitter.v1.direct_messages import DirectMessagesMixin
from integrations.twitter.v1.media import MediaMixin
from integrations.twitter.v1.profiles import CustomProfilesMixin
from integrations.twitter.v1.signin import SignInMixin
from integrations.twitter.v1.tweets import TweetsMixin
from integrations.twitter.v1.welcome_messages import WelcomeMessagesMixin


class V11Client(
    SignInMixin,
    AccountActivityMixin,
    DirectMessagesMixin,
    WelcomeMessagesMixin,
    CustomProfilesMixin,
    MediaMixin,
    TweetsMixin,
):
    """Every Twitter v1.1 operation Roost uses, one method each."""

    capabilities = V1_1


__all__ = ["V11Client"]
