"""The whole loop in a real browser: a customer on the sandbox page and an agent in Roost.

Roost and the sandbox run on the live server, a real worker sends and processes, and
Debian's Chromium plays both people. With ROOST_SCREENSHOTS=docs/screenshots it also saves
the screenshots the README shows.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from accounts.models import Membership, Role
from accounts.services import twitter_account_credentials
from engagement.models import CustomProfile, Message, SyncState
from engagement.services.custom_profiles import custom_profile_create
from integrations.twitter import twitter_client, wire_capabilities
from sandbox.models import SandboxDirectMessage
from sandbox.services import customer_send_dm, sandbox_token_issue, sandbox_user_create
from tests.browser import CHROMIUM, CHROMIUM_ARGS, needs_chromium
from tests.engagement.conftest import subscribe
from tests.factories import MembershipFactory, TwitterAccountFactory, UserFactory
from tests.helpers import wait_until
from tests.sandbox.support import PNG_1x1

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True), needs_chromium]

SHOTS = os.environ.get("ROOST_SCREENSHOTS")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


@pytest.fixture
def browser(monkeypatch) -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM calls between steps are synchronous
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def brand_setup(sandbox, webhook, brand_a):
    twitter = sandbox_user_create(screen_name="acme_help", name="Acme Help")
    token, secret = sandbox_token_issue(user=twitter)
    account = TwitterAccountFactory(
        brand=brand_a,
        twitter_user_id=str(twitter.id),
        screen_name="acme_help",
        name="Acme Help",
        access_token=token,
        access_token_secret=secret,
    )
    subscribe(account)
    if wire_capabilities().custom_profiles:
        credentials = twitter_account_credentials(account)
        client = twitter_client()
        avatar = client.media_upload(
            credentials, content=PNG_1x1, media_type="image/png", category="dm_image", shared=True
        )
        remote = client.custom_profile_create(credentials, name="Sam from Acme", avatar_media_id=avatar.media_id)
        profile = CustomProfile.objects.create(
            brand=brand_a,
            account=account,
            name="Sam from Acme",
            twitter_id=remote.id,
            avatar_url=remote.avatar_url,
            sync_state=SyncState.SYNCED,
        )
    else:  # on X API v2 a custom profile is a name signed under the text
        profile = custom_profile_create(account=account, name="Sam from Acme", avatar=None)
    agent = UserFactory(username="sam", email="sam@acme.example", first_name="Sam", last_name="Agent")
    MembershipFactory(brand=brand_a, user=agent, role=Role.AGENT)
    Membership.objects.filter(user=agent).update(default_custom_profile=profile)
    return twitter, profile


def test_a_customer_and_an_agent_talk_through_the_inbox(browser, live_server, celery_worker, brand_setup):
    twitter, profile = brand_setup
    customer = browser.new_page(viewport={"width": 1100, "height": 800})
    agent = browser.new_page(viewport={"width": 1440, "height": 900})

    # The agent logs in and waits in the inbox.
    agent.goto(f"{live_server.url}/accounts/login/")
    agent.fill("input[name=login]", "sam@acme.example")
    agent.fill("input[name=password]", "correct horse battery staple")
    agent.press("input[name=password]", "Enter")
    agent.wait_for_url(f"{live_server.url}/")

    # A customer writes from the sandbox's Twitter page.
    customer.goto(f"{live_server.url}/sandbox/messages/compose?recipient_id={twitter.id}")
    customer.fill("#screen_name", "jordan")
    customer.fill("#name", "Jordan Brinks")
    customer.get_by_role("button", name="Create and play").click()
    customer.get_by_label("Message to @acme_help").fill("Hi! Has my order #4521 shipped yet?")
    customer.get_by_role("button", name="Send", exact=True).click()

    # Others write too (through the same webhook).
    for screen_name, name, text in (
        ("ade_o", "Adé Okafor", "Do you ship to Lagos? Thinking of ordering the blue jacket."),
        ("lena_b", "Lena Brandt", "The zipper on my backpack broke after a week. What are my options?"),
        ("tom_r", "Tom Reyes", "Thanks for the quick help yesterday!"),
    ):
        customer_send_dm(sender=sandbox_user_create(screen_name=screen_name, name=name), recipient=twitter, text=text)

    # It appears in the inbox without a reload.
    agent.get_by_text("Hi! Has my order #4521 shipped yet?").wait_for(timeout=20_000)
    agent.get_by_text("Thanks for the quick help yesterday!").wait_for(timeout=20_000)
    shot(agent, "inbox")
    agent.get_by_text("Jordan Brinks").first.click()
    agent.wait_for_selector("[data-reply-text]")

    # The agent answers with quick replies, as their custom profile (preselected).
    assert agent.locator("#reply-profile").input_value() == str(profile.public_id)
    agent.locator("summary", has_text="Quick replies").click()
    agent.get_by_role("button", name="Add an option").click()
    agent.locator("[data-builder=quick_replies] input").nth(0).fill("Yes please")
    agent.get_by_role("button", name="Add an option").click()
    agent.locator("[data-builder=quick_replies] input").nth(3).fill("No thanks")
    agent.fill("[data-reply-text]", "It shipped this morning! Want the tracking link?")
    shot(agent, "composer")
    agent.press("[data-reply-text]", "Enter")
    # Delivered: "Sent", or already "Seen" when the customer has the thread open.
    agent.locator(".message-outbound .badge-sent").wait_for(timeout=20_000)

    if not wire_capabilities().quick_replies:
        return answer_the_numbered_list(agent, customer, twitter)

    # The customer sees it, under the agent's custom profile, and taps an option.
    customer.get_by_text("It shipped this morning! Want the tracking link?").wait_for(timeout=20_000)
    assert customer.get_by_text("Sam from Acme").first.is_visible()
    customer.get_by_role("button", name="Yes please").click()

    # The tapped option comes back into the agent's thread, live.
    agent.locator(".message-inbound", has_text="Yes please").wait_for(timeout=20_000)
    assert agent.get_by_text("Tapped an option").first.is_visible()
    shot(agent, "conversation")

    sent = SandboxDirectMessage.objects.get(sender=twitter)
    assert sent.custom_profile.name == "Sam from Acme"
    assert [o["label"] for o in sent.message_data["quick_reply"]["options"]] == ["Yes please", "No thanks"]
    tapped = wait_until(lambda: Message.objects.filter(text="Yes please").first(), what="the tapped option")
    assert tapped.quick_reply_response["type"] == "options"


def answer_the_numbered_list(agent, customer, twitter) -> None:
    """X API v2: the quick replies reach the customer as a numbered list signed with the
    agent's name, and the customer's typed "2" is routed as the second option."""
    sent = wait_until(lambda: SandboxDirectMessage.objects.filter(sender=twitter).first(), what="the reply")
    assert "quick_reply" not in sent.message_data
    assert "It shipped this morning! Want the tracking link?\n\n1. Yes please\n2. No thanks" in sent.text
    assert sent.text.endswith("— Sam from Acme")
    customer.get_by_text("2. No thanks").wait_for(timeout=20_000)
    customer.get_by_label("Message to @acme_help").fill("2")
    customer.get_by_role("button", name="Send", exact=True).click()

    agent.get_by_text("Chose option 2, “No thanks”, by typing it").wait_for(timeout=20_000)
    shot(agent, "conversation-v2")
    answered = wait_until(lambda: Message.objects.filter(text="2").first(), what="the typed answer")
    assert answered.quick_reply_response == {"type": "options", "typed": True, "label": "No thanks", "number": 2}
