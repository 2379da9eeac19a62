"""Sending a queued message to Twitter, and everything that can happen on the way.

The row is the schedule: a message waits as ``queued`` with ``not_before`` and a
``hold_reason`` (rate limit, backoff, an account to re-authorise), and a sweep enqueues what
is due. A send is claimed with one conditional UPDATE, so redelivered tasks, two workers and
the sweep meet there and only one proceeds; a slow media upload renews the claim, and Twitter
is called only on a claim proven still ours (send_claims.py). A message whose outcome is unknown (the worker
died, or Twitter did not answer in time) is settled by its echo or by looking at
``direct_messages/events/list``; it is never re-sent blindly. A Tweet is not in that list: it
is posted again, and Twitter's refusal of a duplicate (187) says the first one went out.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import TwitterAccount
from accounts.services import twitter_account_credentials, twitter_account_mark_needs_reauth
from config.compiled import CompiledQuery
from config.logging import log_context
from engagement.models import Attachment, Conversation, Message
from engagement.services.send_claims import ClaimLost, send_claim, send_claim_renew
from engagement.services.send_outcomes import (
    KEPT_FAILING,
    message_fail,
    message_hold_for_reauth,
    message_record_posted_earlier,
    message_record_sent,
    message_record_unknown,
    message_retry_later,
    message_wait,
)
from integrations.twitter import (
    AuthenticationFailed,
    Conflict,
    RateLimited,
    Retryable,
    TransportError,
    TwitterError,
    twitter_client,
)
from integrations.twitter.explain import explain
from integrations.twitter.validation import media_category_for

logger = logging.getLogger(__name__)

RATE_LIMIT_FALLBACK = timedelta(minutes=15)  # when a 429 carries no reset time
MEDIA_USABLE_FOR = timedelta(hours=23)  # Twitter allows 24 h between upload and use


_TO_SEND = CompiledQuery(
    Message,
    lambda message_id: Message.objects.select_related(
        "account__brand", "conversation__contact", "custom_profile"
    ).filter(pk=message_id),
    message_id=int,
)


def message_send(*, message_id: int) -> str | None:
    """Send one queued message if it is due. Returns its status afterwards (None: not claimed)."""
    now = timezone.now()
    if not send_claim(message_id=message_id, now=now):
        return None
    message = _TO_SEND.first_object(message_id=message_id)
    if message is None:
        raise Message.DoesNotExist(f"message {message_id} was claimed and is gone")
    account = message.account
    with log_context(
        brand=account.brand.slug, message=str(message.public_id), conversation=str(message.conversation.public_id)
    ):
        if account.state != TwitterAccount.State.ACTIVE or not account.has_tokens:
            return message_hold_for_reauth(message)
        try:
            external_id, sent_at = _deliver(message, account)
        except ClaimLost as lost:
            logger.warning("send left to its new worker before reaching Twitter: %s", lost)
            return None
        except RateLimited as error:
            return message_wait(
                message,
                until=error.reset_at or now + RATE_LIMIT_FALLBACK,
                reason=Message.HoldReason.RATE_LIMITED,
                note=explain(error),
            )
        except TransportError as error:
            if error.maybe_sent:
                return message_record_unknown(message, explain(error))
            return _backoff(message, error)
        except Retryable as error:
            return _backoff(message, error)
        except AuthenticationFailed as error:
            if error.token_rejected:
                twitter_account_mark_needs_reauth(account=account, reason=explain(error), wipe_tokens=True)
                return message_hold_for_reauth(message)
            return _fail(message, error)
        except Conflict as error:
            return _refused_as_duplicate(message, error)
        except TwitterError as error:
            return _fail(message, error)
        return message_record_sent(message, external_id=external_id, sent_at=sent_at)


def _deliver(message: Message, account: TwitterAccount) -> tuple[str, datetime | None]:
    client = twitter_client()
    credentials = twitter_account_credentials(account)
    if message.conversation.kind == Conversation.Kind.MENTION:
        send_claim_renew(message=message)  # the point of no return: only on a claim still ours
        tweet = client.status_update(
            credentials,
            text=message.text,
            in_reply_to_status_id=message.in_reply_to_tweet_id or None,
            auto_populate_reply_metadata=bool(message.in_reply_to_tweet_id),
        )
        return tweet.id, timezone.now()
    from engagement.forms import buttons_from_json, quick_replies_from_json

    profile = message.custom_profile
    media_id = _media_id(message, credentials, client)
    send_claim_renew(message=message)  # the point of no return: only on a claim still ours
    sent = client.dm_send(
        credentials,
        recipient_id=message.conversation.contact.twitter_user_id,
        text=message.text,
        quick_replies=quick_replies_from_json(message.quick_replies),
        buttons=buttons_from_json(message.buttons),
        media_id=media_id,
        custom_profile_id=profile.twitter_id if profile is not None and profile.twitter_id else None,
        signature=profile.name if profile is not None else "",
    )
    return sent.id, sent.created_at


_STORED_ATTACHMENT = CompiledQuery(
    Attachment,
    lambda message_id: (
        Attachment.objects.filter(message_id=message_id, state=Attachment.State.STORED)
        .order_by("pk")
        .values_list("pk")[:1]
    ),
    message_id=int,
)


def _media_id(message: Message, credentials: object, client: object) -> str | None:
    """Upload the message's attachment (chunked, with the right media_category) unless it was
    uploaded recently enough to use; a media id without ``shared`` serves one DM only."""
    attachment_id = _STORED_ATTACHMENT.first_value(message_id=message.pk)
    if attachment_id is None:
        return None  # most replies: one cheap statement, no model to build
    attachment = Attachment.objects.get(pk=attachment_id)
    fresh = attachment.twitter_media_expires_at and attachment.twitter_media_expires_at > timezone.now()
    if attachment.twitter_media_id and fresh:
        return attachment.twitter_media_id
    with attachment.file.open("rb") as content:
        uploaded = client.media_upload(  # type: ignore[attr-defined]
            credentials,
            content=content,
            media_type=attachment.content_type,
            category=media_category_for(attachment.content_type),
            # Each step renews the claim, so an upload that outlasts STALE_SENDING keeps its
            # send; a worker whose claim was taken stops here instead of sending it twice.
            progress=lambda: send_claim_renew(message=message),
        )
    attachment.twitter_media_id = uploaded.media_id
    attachment.twitter_media_expires_at = timezone.now() + MEDIA_USABLE_FOR
    attachment.save(update_fields=["twitter_media_id", "twitter_media_expires_at"])
    return uploaded.media_id


def _backoff(message: Message, error: TwitterError) -> str:
    return message_retry_later(
        message, note=explain(error), given_up=f"{KEPT_FAILING}: {explain(error)}", error_code=error.code
    )


def _refused_as_duplicate(message: Message, error: Conflict) -> str:
    """Posting a Tweet whose earlier attempt got no answer is safe only because Twitter refuses
    an identical status (187, twitter-api.md §10.1): that refusal means the first one is live."""
    if error.code == 187 and message.maybe_sent and message.conversation.kind == Conversation.Kind.MENTION:
        return message_record_posted_earlier(message)
    return _fail(message, error)


def _fail(message: Message, error: TwitterError) -> str:
    return message_fail(message, reason=explain(error), error_code=error.code)
