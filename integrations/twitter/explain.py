"""Twitter's errors in words a person can act on (twitter-api.md §3.2, §11.2, §13)."""

from __future__ import annotations

from enum import StrEnum

from integrations.twitter.errors import (
    AuthenticationFailed,
    NotFound,
    RateLimited,
    TransportError,
    TwitterError,
    TwitterValidationError,
)


class Operation(StrEnum):
    """What the caller asked Twitter for. Some refusals mean something else, and are fixed
    another way, depending on it: 214 "Too many resources already created." is a full webhook
    allowance on registration but a full subscription allowance on subscribing (§3.2)."""

    WEBHOOK_REGISTER = "webhook_register"
    SUBSCRIPTION_ADD = "subscription_add"


TOO_MANY_RESOURCES = "Too many resources already created"
# The fix for a full subscription allowance, shared by the refusal and `twitter_subscription add`'s
# own check of subscriptions/count. Never "delete the webhook": that drops every subscription (§3.1).
SUBSCRIPTION_ROOM_ADVICE = (
    "Free one by removing the subscription of an account that no longer needs it "
    "(`manage.py twitter_subscription list`, then `manage.py twitter_subscription remove <user id>`) "
    "or by disconnecting an account in Roost, or upgrade the app's plan."
)
REGISTER_WEBHOOK_FIRST = "register the webhook first: manage.py twitter_webhook register."

OPERATION_HINTS: dict[tuple[Operation, str], str] = {
    (Operation.WEBHOOK_REGISTER, TOO_MANY_RESOURCES): (
        "the app already has as many webhooks as its plan allows. To use another URL, delete the old "
        "webhook (manage.py twitter_webhook list / delete) and register again; deleting a webhook drops "
        "every subscription to it, so subscribe every account again afterwards."
    ),
    (Operation.SUBSCRIPTION_ADD, TOO_MANY_RESOURCES): (
        f"the app's subscription limit is reached (every subscription its plan allows is in use). "
        f"{SUBSCRIPTION_ROOM_ADVICE}"
    ),
}

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
    # Without the operation, which allowance is full is unknown (callers that know say so).
    TOO_MANY_RESOURCES: "the app already has as many webhooks or subscriptions as its plan allows.",
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


def _operation_hint(error: TwitterError, operation: Operation | None) -> str | None:
    if operation is None:
        return None
    for (for_operation, fragment), hint in OPERATION_HINTS.items():
        if for_operation is operation and fragment in error.message:
            return hint
    # v1.1 code 34, v2 a 404 or no webhook at our URL
    if isinstance(error, NotFound) and operation is Operation.SUBSCRIPTION_ADD:
        return f"the app has no webhook to subscribe the account to; {REGISTER_WEBHOOK_FIRST}"
    return None


def explain(error: TwitterError, *, operation: Operation | None = None) -> str:
    """One sentence: what Twitter said, and what to do about it (for ``operation``, when the
    refusal means something particular there)."""
    if isinstance(error, TwitterValidationError):
        return f"Not sent: {error.field} {error.reason}."
    if isinstance(error, TransportError):
        return f"Could not reach Twitter ({error.message}); it will be tried again."
    said = f"Twitter refused: {error.message}" + (f" (code {error.code})" if error.code is not None else "")
    hint = _operation_hint(error, operation) or _hint(error)
    # v2 refusals have no code, so the sentence may already end with Twitter's own full stop.
    said = said.removesuffix(".")
    return f"{said}: {hint}" if hint else f"{said}."


def _hint(error: TwitterError) -> str | None:
    for fragment, hint in CRC_HINTS.items():
        if fragment in error.message:
            return hint
    if isinstance(error, RateLimited) and error.reset_at:
        return f"try again after {error.reset_at:%H:%M:%S} UTC."
    hint = CODE_HINTS.get(error.code or -1)
    if hint is None and isinstance(error, AuthenticationFailed) and error.token_rejected:
        hint = CODE_HINTS[89]  # v2 says it with a bare 401; the client found out it was the token
    return hint
