"""Bots: per-brand rules that answer customers and act on conversations.

A rule has a trigger (keywords, a pattern, a tapped quick reply's ``metadata``, the first
message of a conversation, outside business hours) and a response (text, quick replies,
buttons) with actions (hand over to a human, set a status, add a label). Rules are tried by
priority; the first that matches answers. A menu bot (help / home / back) is just rules whose
responses offer quick replies and whose triggers are those replies' metadata.

Bots answer only customers' own new messages (never echoes of the brand's), stay quiet once
an agent has the conversation, and stop after ``MAX_REPLIES_PER_HOUR`` automatic replies in a
conversation, so two bots (or a bot and an auto-responder) can never loop.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import regex
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from config.compiled import CompiledQuery
from config.logging import log_context
from engagement.models import BotRule, Conversation, Message
from engagement.services.replies import ReplyError, conversation_reply

logger = logging.getLogger(__name__)

MAX_REPLIES_PER_HOUR = 5
PATTERN_TIMEOUT_SECONDS = 0.05
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _words(text: str) -> str:
    return " ".join(text.lower().split())


def keyword_matches(keywords: str, text: str) -> bool:
    """Whole words or phrases, case-insensitive: "order" matches "my order?" but not "reorder"."""
    haystack = _words(text)
    for keyword in (part.strip().lower() for part in keywords.split(",")):
        if keyword and re.search(rf"(?<!\w){re.escape(_words(keyword))}(?!\w)", haystack):
            return True
    return False


def within_business_hours(business_hours: dict, tz_name: str, at: datetime) -> bool | None:
    """Whether ``at`` falls in the brand's opening hours; None when none are set."""
    if not business_hours:
        return None
    try:
        local = at.astimezone(ZoneInfo(tz_name or "UTC"))
    except ZoneInfoNotFoundError:
        local = at.astimezone(ZoneInfo("UTC"))
    for opens, closes in business_hours.get(WEEKDAYS[local.weekday()], []):
        if time.fromisoformat(opens) <= local.time() < time.fromisoformat(closes):
            return True
    return False


def rule_matches(rule: BotRule, message: Message, *, first_message: bool, at: datetime) -> bool:
    trigger = rule.trigger
    if trigger == BotRule.Trigger.QUICK_REPLY:
        metadata = (message.quick_reply_response or {}).get("metadata", "")
        return bool(rule.quick_reply_metadata) and metadata == rule.quick_reply_metadata
    if trigger == BotRule.Trigger.KEYWORDS:
        return keyword_matches(rule.keywords, message.text)
    if trigger == BotRule.Trigger.PATTERN:
        return pattern_matches(rule, message.text)
    if trigger == BotRule.Trigger.FIRST_MESSAGE:
        return first_message
    if trigger == BotRule.Trigger.OUTSIDE_HOURS:
        brand = message.brand
        return within_business_hours(brand.business_hours, brand.timezone, at) is False
    return False


def pattern_matches(rule: BotRule, text: str) -> bool:
    """A brand's own regular expression, case-insensitive. One that backtracks catastrophically
    (``(a|aa)+$`` on a long message) would hold the worker for minutes on a single message, so
    matching gives up after ``PATTERN_TIMEOUT_SECONDS`` and counts as no match, logged for
    whoever fixes the rule."""
    if not rule.pattern:
        return False
    try:
        return regex.search(rule.pattern, text, regex.IGNORECASE, timeout=PATTERN_TIMEOUT_SECONDS) is not None
    except regex.error:
        return False  # the admin form refuses bad patterns; an old one simply never matches
    except TimeoutError:
        logger.warning("bot rule %r: its pattern took too long on a message; simplify it in the admin", rule.name)
        return False


# Read for every customer message (config/compiled.py).
_RULES = CompiledQuery(
    BotRule,
    lambda brand_id, account_id: (
        BotRule.objects.filter(brand_id=brand_id, enabled=True)
        .filter(Q(account__isnull=True) | Q(account_id=account_id))
        .order_by("priority", "pk")
    ),
    brand_id=int,
    account_id=int,
)


def _rules_for(conversation: Conversation) -> list[BotRule]:
    return _RULES.objects(brand_id=conversation.brand_id, account_id=conversation.account_id)


def bots_respond(*, message_id: int) -> Message | None:
    """Let the brand's rules answer a customer's new message. Returns the bot's reply, if any."""
    message = Message.objects.select_related("conversation__account", "brand").filter(pk=message_id).first()
    return bots_answer(message) if message is not None else None


def bots_answer(message: Message) -> Message | None:
    """``bots_respond`` for a message already at hand with its conversation (as webhook
    processing has it, having just recorded both): no need to load them again."""
    if message.direction != Message.Direction.INBOUND or message.origin != Message.Origin.CUSTOMER:
        return None
    conversation = message.conversation
    if conversation.kind != Conversation.Kind.DIRECT_MESSAGE or not conversation.bot_active or conversation.assignee_id:
        return None
    rules = _rules_for(conversation)
    if not rules:
        return None  # most brands' most messages: nothing more to look up
    # A savepoint, only once there are rules: webhook processing answers inside the event's
    # transaction, and a rule that fails halfway must roll back its own writes, not the event.
    try:
        with (
            transaction.atomic(),
            log_context(
                brand=message.brand.slug, conversation=str(conversation.public_id), message=str(message.public_id)
            ),
        ):
            return _first_match_answers(message, conversation, rules)
    except Exception:
        # Its writes are undone; what it changed on the conversation in memory (bot on or off,
        # status, last reply) must not steer the next message of the same payload.
        conversation.refresh_from_db()
        raise


def _first_match_answers(message: Message, conversation: Conversation, rules: list[BotRule]) -> Message | None:
    now = timezone.now()
    # Only a first-message rule needs to know, so only then is it looked up.
    first_message = any(rule.trigger == BotRule.Trigger.FIRST_MESSAGE for rule in rules) and (
        not conversation.messages.filter(direction=Message.Direction.INBOUND, pk__lt=message.pk).exists()
    )
    for rule in rules:
        if not rule_matches(rule, message, first_message=first_message, at=now):
            continue
        recent = _bot_replies_in_the_last_hour(conversation, now)
        if recent >= MAX_REPLIES_PER_HOUR:
            logger.warning("bot stays quiet: %d automatic replies in the last hour (loop guard)", recent)
            return None
        logger.info("bot rule %r matched", rule.name)
        return _apply(rule, conversation)
    return None


def _bot_replies_in_the_last_hour(conversation: Conversation, now: datetime) -> int:
    since = now - timedelta(hours=1)
    # Every reply moves last_outbound_at forward: a conversation with none in the hour (a new
    # one, most of all) has no bot reply in it either, and needs no count.
    if conversation.last_outbound_at is None or conversation.last_outbound_at < since:
        return 0
    return conversation.messages.filter(origin=Message.Origin.BOT, created_at__gte=since).count()


def _apply(rule: BotRule, conversation: Conversation) -> Message | None:
    reply = None
    if rule.response_text.strip():
        try:
            reply = conversation_reply(
                conversation=conversation,
                author=None,
                text=rule.response_text,
                quick_replies=rule.response_quick_replies,
                buttons=rule.response_buttons,
                origin=Message.Origin.BOT,
            )
        except ReplyError as error:
            logger.error("bot rule %r cannot answer: %s (fix the rule in the admin)", rule.name, error.message)
    fields = []
    if rule.hand_over and conversation.bot_active:
        conversation.bot_active = False
        fields.append("bot_active")
    if rule.set_status and conversation.status != rule.set_status:
        conversation.status = rule.set_status
        conversation.resolved_at = timezone.now() if rule.set_status == Conversation.Status.RESOLVED else None
        fields += ["status", "resolved_at"]
    if fields:
        conversation.save(update_fields=[*fields, "updated_at"])
    if rule.add_label_id:
        conversation.labels.add(rule.add_label_id)
    return reply


def bot_rules_install_menu(*, brand: object, account: object = None) -> list[BotRule]:
    """A menu bot like the sample chatbots, from rules alone: "help" (or "menu") opens a menu
    of quick replies, each option answers and offers "Back", and "Talk to a person" hands the
    conversation over. Existing rules with the same names are left alone."""
    menu = [
        {"label": "Order status", "description": "Where is my order?", "metadata": "menu:orders"},
        {"label": "Returns", "description": "Send something back", "metadata": "menu:returns"},
        {"label": "Talk to a person", "description": "Someone from our team answers", "metadata": "menu:human"},
    ]
    back = [{"label": "Back to the menu", "metadata": "menu:home"}]
    specs = [
        (
            "Menu: help",
            10,
            BotRule.Trigger.KEYWORDS,
            {"keywords": "help, menu, start"},
            "How can we help?",
            menu,
            [],
            False,
        ),
        (
            "Menu: home",
            11,
            BotRule.Trigger.QUICK_REPLY,
            {"quick_reply_metadata": "menu:home"},
            "How can we help?",
            menu,
            [],
            False,
        ),
        (
            "Menu: orders",
            12,
            BotRule.Trigger.QUICK_REPLY,
            {"quick_reply_metadata": "menu:orders"},
            "Send us your order number (it starts with #) and we'll look it up.",
            back,
            [],
            False,
        ),
        (
            "Menu: returns",
            13,
            BotRule.Trigger.QUICK_REPLY,
            {"quick_reply_metadata": "menu:returns"},
            "You can return anything within 30 days. Start a return here:",
            back,
            [{"label": "Start a return", "url": "https://example.com/returns"}],
            False,
        ),
        (
            "Menu: talk to a person",
            14,
            BotRule.Trigger.QUICK_REPLY,
            {"quick_reply_metadata": "menu:human"},
            "Thanks! Someone from our team will answer here shortly.",
            [],
            [],
            True,
        ),
    ]
    rules = []
    for name, priority, trigger, match, text, quick_replies, buttons, hand_over in specs:
        rule, _ = BotRule.objects.get_or_create(
            brand=brand,
            name=name,
            defaults={
                "account": account,
                "priority": priority,
                "trigger": trigger,
                "response_text": text,
                "response_quick_replies": quick_replies,
                "response_buttons": buttons,
                "hand_over": hand_over,
                **match,
            },
        )
        rules.append(rule)
    return rules
