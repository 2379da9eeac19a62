"""Twitter's errors in words a person can act on (twitter-api.md §3.2, §11.2, §13)."""

from __future__ import annotations

from integrations.twitter.errors import (
    AuthenticationFailed,
    RateLimited,
    TransportError,
    TwitterError,
    TwitterValidationError,
)

CRC_HINTS = {
    "Invalid CRC token or json response format": (
        "Twitter's CRC request reached the webhook but the answer was wrong: check that "
        "TWITTER_CONSUMER_SECRET is this app's API secret."
    ),
    "High latency on CRC GET request": "the webhook took longer than 3 seconds to answer Twitter's CRC request.",
    "Non-200 response code during CRC GET request": (
        "the webhook URL did not answer Twitter's CRC request with 200: is PUBLIC_URL right, and is Roost "
        "reachable at it from the internet?"
    ),
    "Too many resources already created": (
        "the app already has as many webhooks (or subscriptions) as its plan allows; delete one first "
        "(manage.py twitter_webhook list / delete)."
    ),
    "Webhook URL does not meet the requirements": "Twitter could not validate the webhook URL (it must be public HTTPS).",
}

CODE_HINTS = {
    32: "Twitter could not authenticate the request: check the app's keys, the tokens, and TWITTER_ENV_NAME (case-sensitive).",
    34: "no such webhook (or it belongs to another app).",
    64: "the account is suspended.",
    88: "rate limited by Twitter; try again after the reset time.",
    89: "Twitter no longer accepts this account's token: the account must be connected again (sign in with Twitter).",
    93: "the token lacks Direct Message permission: set the app to 'Read, Write and Direct Messages' and sign in again.",
    99: "the app-only (bearer) credentials were refused.",
    135: "the server's clock is off; Twitter refuses timestamps that are out of bounds.",
    150: "this person does not accept Direct Messages from the account (they do not follow it, or closed their DMs).",
    151: "Twitter refused to deliver the message.",
    185: "the account is over its daily Tweet limit.",
    186: "the Tweet is too long.",
    187: "Twitter refuses a Tweet identical to a recent one.",
    200: "Twitter refused access to the Account Activity API: check the app's access and TWITTER_ENV_NAME.",
    214: "Twitter refused the webhook or the welcome message (see its message).",
    226: "Twitter thinks this looks automated and refused it.",
    261: "the app cannot perform write actions: check its permissions.",
    326: "the account is temporarily locked; unlock it on twitter.com.",
    348: "the app may not manage this account's webhook subscriptions.",
    349: "this person does not accept Direct Messages from the account.",
    354: "the message is longer than Twitter allows.",
    355: "already subscribed (that is fine).",
    415: "the callback URL is not approved in the app's settings on developer.twitter.com.",
    433: "the original author restricted who can reply.",
}


def explain(error: TwitterError) -> str:
    """One sentence: what Twitter said, and what to do about it."""
    if isinstance(error, TwitterValidationError):
        return f"Not sent: {error.field} {error.reason}."
    if isinstance(error, TransportError):
        return f"Could not reach Twitter ({error.message}); it will be tried again."
    said = f"Twitter refused: {error.message}" + (f" (code {error.code})" if error.code is not None else "")
    for fragment, hint in CRC_HINTS.items():
        if fragment in error.message:
            return f"{said}: {hint}"
    if isinstance(error, RateLimited) and error.reset_at:
        return f"{said}: try again after {error.reset_at:%H:%M:%S} UTC."
    hint = CODE_HINTS.get(error.code or -1)
    if hint is None and isinstance(error, AuthenticationFailed) and error.token_rejected:
        hint = CODE_HINTS[89]  # v2 says it with a bare 401; the client found out it was the token
    if hint:
        return f"{said.rstrip('.') if error.code is None else said}: {hint}"
    # v2 refusals have no code, so the sentence may already end with Twitter's own full stop.
    return said if said.endswith(".") else f"{said}."
