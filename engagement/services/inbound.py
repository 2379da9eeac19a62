"""Recording what arrives on the webhook: Direct Messages (and echoes of our own), typing
and read events, mentions, deleted Tweets. Every write is idempotent per Twitter event id,
so redelivered payloads and retried tasks never duplicate anything."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import TwitterAccount
from config.compiled import CompiledQuery
from config.logging import log_context
from engagement.models import Attachment, Contact, Conversation, CustomProfile, Message
from engagement.services.contacts import contact_record, contact_record_blocked, contact_upsert
from engagement.services.conversations import conversation_for_inbound, conversation_touch
from engagement.services.wire import message_delivered_text, typed_option_answer
from webhooks.parsing import DirectMessage, Profile, Read, TweetCreated, Typing

logger = logging.getLogger(__name__)
DM = Conversation.Kind.DIRECT_MESSAGE


@dataclass(frozen=True)
class Recorded:
    message: Message | None
    created: bool
    # A customer's new message: bots and notifications may act on it. Echoes never are.
    from_customer: bool = False
    attachment_ids: tuple[int, ...] = ()


def _profile(users: dict[str, Profile], user_id: str) -> Profile:
    return users.get(user_id) or Profile(id=user_id)


def _create_message(**values: object) -> tuple[Message, bool]:
    """Insert a message unless this Twitter event is already stored for the account."""
    try:
        with transaction.atomic():
            return Message.objects.create(**values), True
    except IntegrityError:
        return Message.objects.get(account=values["account"], external_id=values["external_id"]), False


def _attach_media(message: Message, event: DirectMessage) -> list[Attachment]:
    if event.media is None:
        return []
    attachment = Attachment.objects.create(
        brand=message.brand,
        message=message,
        kind=event.media.type,
        content_type=event.media.content_type,
        source_url=event.media.url,
        twitter_media_id=event.media.id,
        state=Attachment.State.PENDING,
    )
    return [attachment]


# Asked for every Direct Message and echo (a redelivery is recorded once): compiled once.
_BY_EXTERNAL_ID = CompiledQuery(
    Message,
    lambda account_id, external_id: Message.objects.filter(account_id=account_id, external_id=external_id),
    account_id=int,
    external_id=str,
)


def direct_message_record(*, account: TwitterAccount, event: DirectMessage, users: dict[str, Profile]) -> Recorded:
    if event.sender_id == account.twitter_user_id:
        return _record_echo(account=account, event=event, users=users)
    recorded_before = _BY_EXTERNAL_ID.first_object(account_id=account.pk, external_id=event.id)
    if recorded_before is not None:
        return Recorded(recorded_before, created=False)
    contact, new_contact = contact_record(brand=account.brand, profile=_profile(users, event.sender_id))
    conversation, _ = conversation_for_inbound(
        account=account, contact=contact, kind=DM, at=event.created_at, new_contact=new_contact
    )
    message, created = _create_message(
        brand=account.brand,
        account=account,
        conversation=conversation,
        direction=Message.Direction.INBOUND,
        origin=Message.Origin.CUSTOMER,
        status=Message.Status.RECEIVED,
        external_id=event.id,
        text=event.text,
        quick_reply_response=event.quick_reply_response
        or typed_option_answer(conversation=conversation, text=event.text),
        initiated_via=event.initiated_via,
        source_app_id=event.source_app_id,
        sent_at=event.created_at,
    )
    attachments = _attach_media(message, event) if created else []
    if created:
        conversation_touch(conversation=conversation, at=event.created_at, inbound=True)
    return Recorded(message, created=created, from_customer=created, attachment_ids=tuple(a.pk for a in attachments))


def _record_echo(*, account: TwitterAccount, event: DirectMessage, users: dict[str, Profile]) -> Recorded:
    """A message the account sent: ours (settle its state) or another client's (record it)."""
    ours = _BY_EXTERNAL_ID.first_object(account_id=account.pk, external_id=event.id)
    if ours is None and event.source_app_id and event.source_app_id == settings.TWITTER_APP_ID:
        # The echo can beat our own `sent` write: pair it with the send in flight to the same
        # person with the same text, instead of recording a second message.
        # Compared as delivered: a wire without quick replies sends them inside the text.
        in_flight = (
            # Lock only the message rows: PostgreSQL refuses FOR UPDATE on the nullable side of
            # the custom profile's outer join.
            Message.objects.select_for_update(of=("self",))
            .filter(
                account=account,
                direction=Message.Direction.OUTBOUND,
                status__in=[Message.Status.SENDING, Message.Status.UNKNOWN],
                external_id__isnull=True,
                conversation__contact__twitter_user_id=event.recipient_id,
            )
            .select_related("custom_profile")
            .order_by("claimed_at", "pk")[:20]
        )
        ours = next((m for m in in_flight if message_delivered_text(m) == event.text), None)
    if ours is not None:
        if ours.status != Message.Status.SENT or not ours.external_id:
            ours.status = Message.Status.SENT
            ours.external_id = event.id
            ours.sent_at = ours.sent_at or event.created_at or timezone.now()
            ours.error = ""
            ours.hold_reason = Message.HoldReason.NONE
            ours.save(update_fields=["status", "external_id", "sent_at", "error", "hold_reason"])
            with log_context(message=str(ours.public_id)):
                logger.info("outbound message settled by its echo")
        return Recorded(ours, created=False)
    contact = contact_upsert(brand=account.brand, profile=_profile(users, event.recipient_id))
    conversation = _conversation_for_outbound(account=account, contact=contact)
    profile = (
        CustomProfile.objects.filter(account=account, twitter_id=event.custom_profile_id).first()
        if event.custom_profile_id
        else None
    )
    message, created = _create_message(
        brand=account.brand,
        account=account,
        conversation=conversation,
        direction=Message.Direction.OUTBOUND,
        origin=Message.Origin.OTHER_CLIENT,
        status=Message.Status.SENT,
        external_id=event.id,
        text=event.text,
        quick_replies=event.quick_replies,
        buttons=event.buttons,
        custom_profile=profile,
        source_app_id=event.source_app_id,
        sent_at=event.created_at,
    )
    attachments = _attach_media(message, event) if created else []
    if created:
        conversation_touch(conversation=conversation, at=event.created_at, inbound=False)
    return Recorded(message, created=created, attachment_ids=tuple(a.pk for a in attachments))


def _conversation_for_outbound(*, account: TwitterAccount, contact: Contact) -> Conversation:
    """Where a message the brand sent from another client belongs: the open conversation, or a
    new one waiting on the customer (it is not something an agent has to act on)."""
    conversation = (
        Conversation.objects.filter(account=account, contact=contact, kind=DM)
        .exclude(status=Conversation.Status.RESOLVED)
        .first()
    )
    if conversation is not None:
        return conversation
    conversation, _ = conversation_for_inbound(account=account, contact=contact, kind=DM)
    if conversation.status == Conversation.Status.OPEN and not conversation.messages.exists():
        conversation.status = Conversation.Status.PENDING
        conversation.save(update_fields=["status", "updated_at"])
    return conversation


def _customer_conversation(account: TwitterAccount, customer_id: str) -> Conversation | None:
    return (
        Conversation.objects.filter(account=account, kind=DM, contact__twitter_user_id=customer_id)
        .exclude(status=Conversation.Status.RESOLVED)
        .first()
    )


def typing_record(*, account: TwitterAccount, event: Typing) -> None:
    """The customer is typing now (Twitter shows it for about 3 seconds)."""
    if event.sender_id == account.twitter_user_id:
        return
    conversation = _customer_conversation(account, event.sender_id)
    if conversation is not None:
        conversation.customer_typing_at = event.created_at or timezone.now()
        conversation.save(update_fields=["customer_typing_at"])


def read_record(*, account: TwitterAccount, event: Read) -> None:
    if event.sender_id == account.twitter_user_id:
        # Someone read the conversation for the brand in another client: nothing is unread.
        conversation = _customer_conversation(account, event.recipient_id)
        if conversation is not None and conversation.unread_count:
            conversation.unread_count = 0
            conversation.save(update_fields=["unread_count", "updated_at"])
        return
    conversation = _customer_conversation(account, event.sender_id)
    if conversation is not None:
        conversation.customer_last_read_event_id = event.last_read_event_id
        conversation.customer_read_at = event.created_at or timezone.now()
        conversation.save(update_fields=["customer_last_read_event_id", "customer_read_at"])


def mention_record(*, account: TwitterAccount, tweet: TweetCreated, user_has_blocked: bool | None) -> Recorded:
    """A Tweet naming the account opens (or continues) a public conversation, kept apart from
    Direct Messages. The account's own Tweets and retweets are not conversations."""
    mentions_us = (
        account.twitter_user_id in tweet.mentioned_user_ids or tweet.in_reply_to_user_id == account.twitter_user_id
    )
    if tweet.author.id == account.twitter_user_id or tweet.is_retweet or not mentions_us:
        return Recorded(None, created=False)
    existing = Message.objects.filter(account=account, external_id=tweet.id).first()
    if existing is not None:
        return Recorded(existing, created=False)
    contact = contact_upsert(brand=account.brand, profile=tweet.author)
    if user_has_blocked is not None:
        contact_record_blocked(contact=contact, blocked=user_has_blocked)
    kind = Conversation.Kind.MENTION
    conversation, _ = conversation_for_inbound(account=account, contact=contact, kind=kind, at=tweet.created_at)
    message, created = _create_message(
        brand=account.brand,
        account=account,
        conversation=conversation,
        direction=Message.Direction.INBOUND,
        origin=Message.Origin.CUSTOMER,
        status=Message.Status.RECEIVED,
        external_id=tweet.id,
        text=tweet.text,
        in_reply_to_tweet_id=tweet.in_reply_to_status_id,
        sent_at=tweet.created_at,
    )
    if created:
        conversation_touch(conversation=conversation, at=tweet.created_at, inbound=True)
    return Recorded(message, created=created, from_customer=created)


def tweet_text_remove(*, account: TwitterAccount, tweet_id: str) -> int:
    """Compliance: a deleted Tweet's text is removed from our copy."""
    return Message.objects.filter(account=account, external_id=tweet_id, text_removed_at__isnull=True).update(
        text="", text_removed_at=timezone.now()
    )
