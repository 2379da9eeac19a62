"""How the configured Twitter wire carries a reply, for the parts of Roost that must know what
the customer actually sees: echo and outcome matching, the composer's preview, typed answers
to options offered as a numbered list. Asks the wire's capabilities, never its version."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from engagement.models import Conversation, Message
from integrations.twitter import wire_capabilities
from integrations.twitter.plain_text import Delivered, as_delivered, option_answered

# A typed answer counts for options offered this recently: Twitter's window for replying to a
# customer is 24 hours, and a menu older than that is not what a "2" answers.
OPTIONS_ANSWERABLE_FOR = timedelta(hours=24)


def reply_as_delivered(
    *, text: str, quick_replies: list | None = None, buttons: list | None = None, signature: str = ""
) -> Delivered:
    """A reply as this wire delivers it (``quick_replies``/``buttons`` as stored JSON)."""
    from engagement.forms import buttons_from_json, quick_replies_from_json

    return as_delivered(
        wire_capabilities(),
        text=text,
        quick_replies=quick_replies_from_json(quick_replies),
        buttons=buttons_from_json(buttons),
        signature=signature,
    )


def message_delivered_text(message: Message) -> str:
    """The text the customer received for one of our messages (what its echo carries)."""
    profile = message.custom_profile
    return reply_as_delivered(
        text=message.text,
        quick_replies=message.quick_replies,
        buttons=message.buttons,
        signature=profile.name if profile is not None else "",
    ).text


def typed_option_answer(*, conversation: Conversation, text: str) -> dict | None:
    """On a wire without quick replies, a customer answers a numbered list by typing: the
    ``quick_reply_response`` their text stands for (the option's metadata, as Twitter would
    have sent it for a tap), or None when it names no option of the latest offered."""
    from engagement.forms import quick_replies_from_json

    if wire_capabilities().quick_replies or not text.strip():
        return None
    offered = (
        conversation.messages.filter(
            direction=Message.Direction.OUTBOUND,
            status=Message.Status.SENT,
            sent_at__gte=timezone.now() - OPTIONS_ANSWERABLE_FOR,
        )
        .exclude(quick_replies=[])
        .order_by("-sent_at", "-pk")
        .values_list("quick_replies", flat=True)
        .first()
    )
    options = quick_replies_from_json(offered)
    chosen = option_answered(text, options)
    if chosen is None:
        return None
    response = {"type": "options", "typed": True, "label": chosen.label, "number": options.index(chosen) + 1}
    return {**response, "metadata": chosen.metadata} if chosen.metadata else response
