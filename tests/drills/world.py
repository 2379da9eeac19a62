"""The data a drill starts from, and the webhook bodies it posts."""

from __future__ import annotations

import json
import time

# Run with `manage.py shell -c` (formatted with customers= and menu_bot=): a brand whose
# account is a sandbox user subscribed to Roost's webhook (so the sandbox delivers the echo
# of every reply, as Twitter does), an owner's API token, and one open conversation per
# customer. Prints the World as JSON on its last line.
SETUP = """
import json
from django.conf import settings
from django.utils import timezone
from accounts.models import Brand, Membership, Role, TwitterAccount, User
from accounts.services import api_token_create
from engagement.models import Contact, Conversation
from engagement.services.bots import bot_rules_install_menu
from sandbox.models import SandboxSubscription, SandboxWebhook
from sandbox.services import sandbox_bootstrap, sandbox_token_issue, sandbox_user_create

sandbox_bootstrap()
twitter = sandbox_user_create(screen_name="drill_brand", name="Drill Brand")
token, secret = sandbox_token_issue(user=twitter)
brand = Brand.objects.create(name="Drill", slug="drill")
account = TwitterAccount.objects.create(
    brand=brand, twitter_user_id=str(twitter.id), screen_name="drill_brand",
    access_token=token, access_token_secret=secret, subscription_state="subscribed",
)
owner = User.objects.create_user(username="owner", email="owner@drill.example")
membership = Membership.objects.create(brand=brand, user=owner, role=Role.OWNER)
issued = api_token_create(membership=membership, name="drills")
webhook = SandboxWebhook.objects.create(env_name=settings.TWITTER_ENV_NAME, url=settings.PUBLIC_URL + "/webhooks/twitter/")
SandboxSubscription.objects.create(webhook=webhook, user=twitter)
conversations = []
for n in range({customers}):
    customer = sandbox_user_create(screen_name=f"customer{{n}}", name=f"Customer {{n}}", accepts_dms_from_anyone=True)
    contact = Contact.objects.create(
        brand=brand, twitter_user_id=str(customer.id), screen_name=customer.screen_name, name=customer.name
    )
    conversation = Conversation.objects.create(
        brand=brand, account=account, contact=contact, last_message_at=timezone.now()
    )
    conversations.append({{"id": str(conversation.public_id), "customer": str(customer.id)}})
if {menu_bot}:
    bot_rules_install_menu(brand=brand)
print(json.dumps({{"brand_twitter_id": str(twitter.id), "api_token": issued.secret, "conversations": conversations}}))
"""


def dm_event(*, event_id: int, brand_id: str, customer_id: str, text: str) -> bytes:
    """A customer's Direct Message to the brand, as the Account Activity API delivers it."""
    payload = {
        "for_user_id": brand_id,
        "direct_message_events": [
            {
                "type": "message_create",
                "id": str(event_id),
                "created_timestamp": str(int(time.time() * 1000)),
                "message_create": {
                    "target": {"recipient_id": brand_id},
                    "sender_id": customer_id,
                    "source_app_id": "3033300",
                    "message_data": {"text": text, "entities": {}},
                },
            }
        ],
        "users": {customer_id: {"id": customer_id, "screen_name": f"c{customer_id[-4:]}", "name": "A Customer"}},
    }
    return json.dumps(payload, separators=(",", ":")).encode()
