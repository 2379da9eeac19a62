"""Whatever a customer types (DMs, names, bios, buttons) is shown as text, never run, on every
page that shows it: the inbox, the thread, the side panel and the admin."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import AuditEvent
from engagement.models import Contact, Conversation, Message
from tests.factories import TwitterAccountFactory, UserFactory
from tests.helpers import wait_until
from tests.webhooks import payloads as p
from webhooks.models import WebhookEvent

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SCRIPT = '<script>alert("roost")</script>'
IMAGE = "<img src=x onerror=alert(1)>"
EVIL = f"{SCRIPT}{IMAGE}\"'><svg onload=alert(2)>"


@pytest.fixture
def evil_conversation(client, celery_worker, brand_a):
    """A customer whose every field is an attack, delivered through the real webhook pipeline."""
    TwitterAccountFactory(brand=brand_a, twitter_user_id=p.BRAND_ID, screen_name="Harris_0ff")
    customer = p.user(name=EVIL[:50], screen_name="evil")
    customer.update(description=EVIL, location=EVIL[:30], url="javascript:alert(3)")
    inbound = p.message_event(text=EVIL, quick_reply_response={"type": "options", "metadata": EVIL})
    # Buttons are kept on messages the brand sent from another app: whatever that app put there.
    from_another_app = p.message_event(
        sender_id=p.BRAND_ID,
        recipient_id=p.CUSTOMER_ID,
        text=EVIL,
        source_app_id="999",
        ctas=[{"type": "web_url", "label": EVIL[:36], "url": "javascript:alert(4)"}],
    )
    users = {p.CUSTOMER_ID: customer, p.BRAND_ID: p.user(p.BRAND_ID, "Harris_0ff", "Harrison Test")}
    response = p.post_signed(client, p.direct_messages(inbound, from_another_app, users=users))
    assert response.status_code == 200
    wait_until(lambda: Message.objects.filter(text=EVIL).count() == 2, what="the evil DMs to be processed")
    AuditEvent.objects.create(brand=brand_a, action="note", summary=EVIL)
    return Conversation.objects.get()


def assert_inert(html: str) -> None:
    link = re.search(r"""(?:href|src|action)=["']?\s*javascript:""", html, re.IGNORECASE)
    assert link is None, f"a script URL became a link: {html[link.start() - 100 : link.end() + 40]}"
    for raw in (SCRIPT, IMAGE, "<svg onload"):
        if raw in html:
            at = html.index(raw)
            raise AssertionError(f"{raw!r} reached the page unescaped: …{html[at - 200 : at + 80]}…")


def test_the_dashboard_shows_customer_text_as_text(client, alice, evil_conversation):
    client.force_login(alice)
    for name, args in (
        ("home", []),
        ("conversation", [evil_conversation.public_id]),
        ("conversation_thread", [evil_conversation.public_id]),
        ("audit_log", []),
    ):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        assert_inert(response.text)
    page = client.get(reverse("conversation", args=[evil_conversation.public_id])).text
    assert "&lt;script&gt;alert(&quot;roost&quot;)&lt;/script&gt;" in page  # shown, as text


def test_every_admin_page_shows_customer_text_as_text(client, evil_conversation):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        assert changelist.status_code == 200, meta.label
        assert_inert(changelist.text)
        for obj in model_admin.get_queryset(changelist.wsgi_request)[:3]:
            page = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]))
            assert page.status_code == 200, f"{meta.label} {obj.pk}"
            assert_inert(page.text)
    assert WebhookEvent.objects.exists() and Contact.objects.filter(description=EVIL).exists()


def test_a_button_to_a_script_url_is_dropped_at_intake(evil_conversation):
    message = Message.objects.get(text=EVIL, direction=Message.Direction.OUTBOUND)
    assert message.buttons == []
    assert Contact.objects.get().url == ""
