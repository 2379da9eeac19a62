"""Bot rules: what they match, and a menu bot end to end through the sandbox and a worker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from engagement.models import BotRule, Conversation, Message
from engagement.services.bots import (
    MAX_REPLIES_PER_HOUR,
    bot_rules_install_menu,
    bots_respond,
    keyword_matches,
    rule_matches,
    within_business_hours,
)
from integrations.twitter import wire_capabilities
from sandbox.models import SandboxDirectMessage
from sandbox.services import customer_send_dm
from tests.engagement.conftest import subscribe
from tests.factories import LabelFactory, MessageFactory
from tests.helpers import wait_until


@pytest.mark.parametrize(
    ("keywords", "text", "expected"),
    [
        ("order", "Where is my order?", True),
        ("order", "I want to reorder", False),
        ("refund, return", "Can I RETURN this", True),
        ("talk to a person", "please let me talk   to a person", True),
        ("", "anything", False),
    ],
)
def test_keywords_match_whole_words_without_case(keywords, text, expected):
    assert keyword_matches(keywords, text) is expected


def test_business_hours_are_read_in_the_brands_timezone():
    hours = {"mon": [["09:00", "17:00"]]}
    monday_10_paris = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # 10:00 in Paris
    monday_18_paris = datetime(2026, 11, 16, 17, 0, tzinfo=UTC)
    assert within_business_hours(hours, "Europe/Paris", monday_10_paris) is True
    assert within_business_hours(hours, "Europe/Paris", monday_18_paris) is False
    assert within_business_hours({}, "UTC", monday_10_paris) is None


@pytest.mark.django_db
def test_each_trigger(brand_a):
    message = MessageFactory(
        conversation__account__brand=brand_a,
        text="hello there",
        quick_reply_response={"type": "options", "metadata": "menu:orders"},
    )
    at = datetime(2026, 11, 16, 20, 0, tzinfo=UTC)
    brand_a.business_hours = {"mon": [["09:00", "17:00"]]}
    brand_a.save()
    message.brand.refresh_from_db()

    def rule(**fields) -> BotRule:
        return BotRule(brand=brand_a, name="r", **fields)

    assert rule_matches(
        rule(trigger="quick_reply", quick_reply_metadata="menu:orders"), message, first_message=False, at=at
    )
    assert not rule_matches(
        rule(trigger="quick_reply", quick_reply_metadata="menu:other"), message, first_message=False, at=at
    )
    assert rule_matches(rule(trigger="pattern", pattern=r"hel+o"), message, first_message=False, at=at)
    assert not rule_matches(rule(trigger="pattern", pattern="(unclosed"), message, first_message=False, at=at)
    assert rule_matches(rule(trigger="first_message"), message, first_message=True, at=at)
    assert not rule_matches(rule(trigger="first_message"), message, first_message=False, at=at)
    assert rule_matches(rule(trigger="outside_hours"), message, first_message=False, at=at)


@pytest.mark.django_db
def test_the_bot_stays_quiet_once_an_agent_has_the_conversation(brand_a, bob):
    bot_rules_install_menu(brand=brand_a)
    message = MessageFactory(conversation__account__brand=brand_a, text="help")
    Conversation.objects.filter(pk=message.conversation_id).update(assignee=bob)
    assert bots_respond(message_id=message.pk) is None
    assert not Message.objects.filter(origin="bot").exists()


@pytest.mark.django_db
def test_the_bot_never_answers_the_brands_own_messages(brand_a):
    bot_rules_install_menu(brand=brand_a)
    echo = MessageFactory(
        conversation__account__brand=brand_a, text="help", direction="outbound", origin="other_client", status="sent"
    )
    assert bots_respond(message_id=echo.pk) is None


@pytest.mark.django_db
def test_the_loop_guard_stops_automatic_replies(brand_a):
    BotRule.objects.create(brand=brand_a, name="echo", trigger="keywords", keywords="ping", response_text="pong")
    first = MessageFactory(conversation__account__brand=brand_a, text="ping")
    conversation = first.conversation
    answered = [
        bots_respond(message_id=MessageFactory(conversation=conversation, text="ping").pk)
        for _ in range(MAX_REPLIES_PER_HOUR + 3)
    ]
    assert sum(reply is not None for reply in answered) == MAX_REPLIES_PER_HOUR
    assert conversation.messages.filter(origin="bot").count() == MAX_REPLIES_PER_HOUR


@pytest.mark.django_db
def test_the_loop_guard_counts_only_when_the_conversation_had_a_reply_within_the_hour(brand_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    BotRule.objects.create(brand=brand_a, name="echo", trigger="keywords", keywords="ping", response_text="pong")
    first = MessageFactory(conversation__account__brand=brand_a, text="ping")
    conversation = first.conversation
    conversation.last_outbound_at = timezone.now() - timedelta(hours=2)
    conversation.save(update_fields=["last_outbound_at"])

    def counts(message) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert bots_respond(message_id=message.pk) is not None
        return sum("COUNT(" in query["sql"] for query in queries)

    assert counts(first) == 0  # nothing sent for two hours: no bot reply to count
    assert counts(MessageFactory(conversation=conversation, text="ping")) == 1  # the first reply just went


@pytest.mark.django_db
def test_actions_set_status_label_and_hand_over(brand_a):
    label = LabelFactory(brand=brand_a, name="refunds")
    BotRule.objects.create(
        brand=brand_a,
        name="refund",
        trigger="keywords",
        keywords="refund",
        hand_over=True,
        set_status="pending",
        add_label=label,
    )
    message = MessageFactory(conversation__account__brand=brand_a, text="I want a refund")
    assert bots_respond(message_id=message.pk) is None  # no response text: actions only
    conversation = message.conversation
    conversation.refresh_from_db()
    assert (conversation.status, conversation.bot_active) == ("pending", False)
    assert list(conversation.labels.all()) == [label]


@pytest.mark.django_db
def test_a_rule_for_another_account_or_brand_does_not_answer(brand_a, brand_b):
    BotRule.objects.create(brand=brand_b, name="theirs", trigger="keywords", keywords="help", response_text="Bolt here")
    message = MessageFactory(conversation__account__brand=brand_a, text="help")
    assert bots_respond(message_id=message.pk) is None


def latest_from_brand(wired) -> SandboxDirectMessage | None:
    return SandboxDirectMessage.objects.filter(sender=wired.twitter_account).order_by("-created_at").first()


def choose(wired, number: int, label: str, metadata: str) -> None:
    """The customer picks an option: taps it where quick replies exist; types its number where
    they arrive as a numbered list (X API v2), which Roost routes as that option's metadata.
    Like a person, they answer what Roost has finished sending (a typed number answers the
    latest options Roost knows were delivered)."""
    wait_until(
        lambda: (
            not Message.objects.filter(conversation__account=wired.account, direction=Message.Direction.OUTBOUND)
            .exclude(status=Message.Status.SENT)
            .exists()
        ),
        what="the bot's last reply to be recorded as sent",
    )
    if wire_capabilities().quick_replies:
        customer_send_dm(
            sender=wired.customer, recipient=wired.twitter_account, text=label, quick_reply_metadata=metadata
        )
    else:
        customer_send_dm(sender=wired.customer, recipient=wired.twitter_account, text=str(number))


@pytest.mark.worker
def test_a_menu_bot_built_from_rules_answers_through_twitter(wired, webhook, celery_worker):
    subscribe(wired.account)
    bot_rules_install_menu(brand=wired.account.brand)
    customer_send_dm(sender=wired.customer, recipient=wired.twitter_account, text="help")
    menu = wait_until(lambda: latest_from_brand(wired), what="the menu")
    if wire_capabilities().quick_replies:
        options = menu.message_data["quick_reply"]["options"]
        assert [option["metadata"] for option in options] == ["menu:orders", "menu:returns", "menu:human"]
    else:
        assert "quick_reply" not in menu.message_data
        assert "1. Order status (Where is my order?)\n2. Returns (Send something back)" in menu.text

    choose(wired, 2, "Returns", "menu:returns")
    returns = wait_until(
        lambda: (m := latest_from_brand(wired)) and "within 30 days" in m.text and m, what="the returns answer"
    )
    if not wire_capabilities().buttons:
        assert "Start a return: https://example.com/returns" in returns.text
    choose(wired, 1, "Back to the menu", "menu:home")
    wait_until(lambda: latest_from_brand(wired).text.startswith("How can we help?"), what="the menu again")

    choose(wired, 3, "Talk to a person", "menu:human")
    # Not "Someone from our team": on v2 the menu's numbered list carries that option description.
    wait_until(lambda: latest_from_brand(wired).text.startswith("Thanks! Someone"), what="the hand-over")
    conversation = Conversation.objects.get(account=wired.account, contact__twitter_user_id=str(wired.customer.id))
    wait_until(lambda: Conversation.objects.get(pk=conversation.pk).bot_active is False, what="the bot to step back")

    sent_before = SandboxDirectMessage.objects.filter(sender=wired.twitter_account).count()
    customer_send_dm(sender=wired.customer, recipient=wired.twitter_account, text="help")
    wait_until(
        lambda: Message.objects.filter(conversation=conversation, text="help").count() == 2, what="the last message"
    )
    assert SandboxDirectMessage.objects.filter(sender=wired.twitter_account).count() == sent_before
    # Every bot reply (menu, returns, menu, hand-over) was settled by its echo, not recorded twice.
    assert conversation.messages.filter(origin="bot").count() == 4
    assert not conversation.messages.filter(origin="other_client").exists()


@pytest.mark.django_db
def test_a_pattern_that_backtracks_for_ever_gives_up_and_counts_as_no_match(brand_a, caplog):
    message = Message(brand=brand_a, text="a" * 34 + "!")
    rule = BotRule(brand=brand_a, name="greedy", trigger="pattern", pattern="(a|aa)+$")
    assert not rule_matches(rule, message, first_message=False, at=timezone.now())
    assert "bot rule 'greedy': its pattern took too long" in caplog.text


@pytest.mark.django_db
def test_a_rule_that_fails_halfway_rolls_back_only_its_own_writes(brand_a, monkeypatch):
    """Webhook processing answers inside the event's transaction: a broken rule must not take
    the customer's message (or the event) down with it."""
    from django.db import transaction

    from engagement.services import bots

    def answers_then_breaks(rule, conversation):
        applied(rule, conversation)
        raise RuntimeError("the label table went away")

    applied = bots._apply
    monkeypatch.setattr(bots, "_apply", answers_then_breaks)
    BotRule.objects.create(brand=brand_a, name="echo", trigger="keywords", keywords="ping", response_text="pong")
    with transaction.atomic():
        message = MessageFactory(conversation__account__brand=brand_a, text="ping")
        with pytest.raises(RuntimeError):
            bots_respond(message_id=message.pk)
    assert Message.objects.filter(pk=message.pk).exists()
    assert not Message.objects.filter(origin="bot").exists()


@pytest.mark.django_db
def test_a_rule_that_fails_halfway_leaves_no_trace_on_the_conversation_in_memory(brand_a, monkeypatch):
    """The next message of the same payload is judged on the conversation as stored."""
    from django.db import transaction

    from engagement.services import bots

    def hands_over_then_breaks(rule, conversation):
        applied(rule, conversation)
        raise RuntimeError("the label table went away")

    applied = bots._apply
    monkeypatch.setattr(bots, "_apply", hands_over_then_breaks)
    BotRule.objects.create(brand=brand_a, name="human", trigger="keywords", keywords="human", hand_over=True)
    with transaction.atomic():
        message = Message.objects.select_related("conversation", "brand").get(
            pk=MessageFactory(conversation__account__brand=brand_a, text="human").pk
        )
        with pytest.raises(RuntimeError):
            bots.bots_answer(message)
        assert message.conversation.bot_active is True


@pytest.mark.django_db
def test_an_admin_adds_the_menu_bot_to_their_brand_from_the_admin(client, dana, brand_b):
    client.force_login(dana)
    changelist = client.get("/admin/engagement/botrule/")
    assert "Add a menu bot" in changelist.text
    response = client.post("/admin/engagement/botrule/add-menu-bot/", follow=True)
    assert "The menu bot&#x27;s 5 rules are in place" in response.text
    assert BotRule.objects.filter(brand=dana.memberships.get().brand).count() == 5
    assert not BotRule.objects.filter(brand=brand_b).exists()
    client.post("/admin/engagement/botrule/add-menu-bot/")  # again: nothing doubled
    assert BotRule.objects.count() == 5


@pytest.mark.django_db
def test_an_agent_cannot_add_the_menu_bot(client, bob):
    client.force_login(bob)
    assert client.post("/admin/engagement/botrule/add-menu-bot/").status_code == 403
    assert not BotRule.objects.exists()


@pytest.mark.django_db
def test_the_menu_bot_is_added_only_by_a_post(client, dana):
    client.force_login(dana)
    assert client.get("/admin/engagement/botrule/add-menu-bot/").status_code == 403
    assert not BotRule.objects.exists()


@pytest.mark.django_db
def test_an_outsider_adding_the_menu_bot_adds_it_to_their_own_brand_only(client, charlie, brand_a, brand_b):
    client.force_login(charlie)
    client.post("/admin/engagement/botrule/add-menu-bot/")
    assert BotRule.objects.filter(brand=brand_b).count() == 5
    assert not BotRule.objects.filter(brand=brand_a).exists()
