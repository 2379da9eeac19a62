"""What signing in with Twitter changes waits until the person is signed in.

After Twitter answers, allauth may still ask for the person's second factor. Until they give
it nothing of theirs changes: re-authorising the account they signed in as, or creating their
brand, rides along with the pending login (``SocialLogin.state``, which allauth keeps in the
session through its login stages) and is done from ``post_login``, once every stage has passed.
The token travels encrypted, as it is stored; a login that is given up takes it along.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from allauth.socialaccount.models import SocialLogin

from accounts.encryption import decrypt_token, encrypt_token
from integrations.twitter import UserCredentials
from integrations.twitter.types import TwitterUser

STATE_KEY = "roost_after_login"


@dataclass(frozen=True)
class AfterLogin:
    credentials: UserCredentials
    twitter_user_id: str
    screen_name: str
    new_brand_for: TwitterUser | None = None  # verified: their first brand is made around it


def after_login_defer(sociallogin: SocialLogin, work: AfterLogin) -> None:
    user = work.new_brand_for
    sociallogin.state[STATE_KEY] = {
        "token": encrypt_token(work.credentials.token),
        "secret": encrypt_token(work.credentials.secret),
        "twitter_user_id": work.twitter_user_id,
        "screen_name": work.screen_name,
        # Twitter's public profile of the account; ``raw`` is all of it again, not needed.
        "new_brand_for": {f.name: getattr(user, f.name) for f in fields(user) if f.name != "raw"} if user else None,
    }


def after_login_take(sociallogin: SocialLogin | None) -> AfterLogin | None:
    """The work a completed sign-in left for now, once (it leaves the login's state)."""
    data: Any = sociallogin.state.pop(STATE_KEY, None) if sociallogin is not None else None
    if not isinstance(data, dict):
        return None
    user = data.get("new_brand_for")
    return AfterLogin(
        credentials=UserCredentials(decrypt_token(data["token"]), decrypt_token(data["secret"])),
        twitter_user_id=data["twitter_user_id"],
        screen_name=data["screen_name"],
        new_brand_for=TwitterUser(**user) if user else None,
    )
