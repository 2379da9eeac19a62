"""The inbox at scale: 100,000 conversations and 1,000,000 messages across 50 brands.

    .venv/bin/python bench/inbox.py [--requests 200]

PostgreSQL is filled directly with SQL (a few minutes), then the pages agents and
integrations hit most are timed in-process with DEBUG off, so the figures are server time
without the network: the inbox list, a view, the latest page of a 1,000-message
conversation (and that conversation's whole page), and the API's conversation list.
Target: p95 <= 100 ms for each.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time

from support import ROOT, percentile, reset_database, roost_env

DB_NAME = "roost_inbox"
BRANDS = 50
CONVERSATIONS_PER_BRAND = 2_000
MESSAGES_PER_CONVERSATION = 10
BIG_THREAD = 1_000

DATA_SQL = [
    # Contacts: one per conversation.
    f"""INSERT INTO engagement_contact (public_id, twitter_user_id, screen_name, name, avatar_url, description,
        location, url, protected, verified, blocked_by_brand, muted_by_brand, created_at, updated_at, brand_id)
      SELECT gen_random_uuid(), (3000000000 + b.id * 100000 + g)::text, 'customer' || g, 'Customer ' || g, '', '',
        '', '', false, false, false, false, now(), now(), b.id
      FROM accounts_brand b, generate_series(1, {CONVERSATIONS_PER_BRAND}) g""",
    # Conversations: 70% resolved, 20% open, 10% pending; a tenth are public mentions; a third assigned.
    """INSERT INTO engagement_conversation (public_id, kind, status, last_message_at, last_inbound_at, unread_count,
        bot_active, customer_last_read_event_id, brand_last_read_event_id, created_at, updated_at, resolved_at,
        account_id, assignee_id, brand_id, contact_id)
      SELECT gen_random_uuid(),
        CASE WHEN g % 10 = 3 THEN 'mention' ELSE 'direct_message' END,
        CASE WHEN g % 10 < 7 THEN 'resolved' WHEN g % 10 < 9 THEN 'open' ELSE 'pending' END,
        now() - g * interval '1 minute', now() - g * interval '1 minute',
        (g % 4), false, '', '', now(), now(),
        CASE WHEN g % 10 < 7 THEN now() ELSE NULL END,
        a.id, CASE WHEN g % 3 = 0 THEN m.user_id ELSE NULL END, c.brand_id, c.id
      FROM (SELECT *, (twitter_user_id::bigint - 3000000000) % 100000 AS g FROM engagement_contact) c
      JOIN accounts_twitteraccount a ON a.brand_id = c.brand_id
      JOIN accounts_membership m ON m.brand_id = c.brand_id AND m.role = 'agent'""",
    # Messages: ten per conversation, alternating customer and agent.
    f"""INSERT INTO engagement_message (public_id, direction, origin, external_id, text, quick_replies, buttons,
        status, error, hold_reason, attempts, source_app_id, in_reply_to_tweet_id, created_at, sent_at,
        account_id, brand_id, conversation_id)
      SELECT gen_random_uuid(),
        CASE WHEN n % 2 = 1 THEN 'inbound' ELSE 'outbound' END,
        CASE WHEN n % 2 = 1 THEN 'customer' ELSE 'agent' END,
        (c.id::bigint * 10000 + n)::text,
        'Message ' || n || ' about order #' || c.id || ': where is it, and when does it arrive?',
        '[]', '[]',
        CASE WHEN n % 2 = 1 THEN 'received' ELSE 'sent' END, '', '', 0, '', '',
        c.last_message_at - ({MESSAGES_PER_CONVERSATION} - n) * interval '1 minute',
        c.last_message_at - ({MESSAGES_PER_CONVERSATION} - n) * interval '1 minute',
        c.account_id, c.brand_id, c.id
      FROM engagement_conversation c, generate_series(1, {MESSAGES_PER_CONVERSATION}) n""",
]


def big_thread_sql(conversation_id: int) -> str:
    extra = BIG_THREAD - MESSAGES_PER_CONVERSATION
    return f"""INSERT INTO engagement_message (public_id, direction, origin, external_id, text, quick_replies, buttons,
        status, error, hold_reason, attempts, source_app_id, in_reply_to_tweet_id, created_at, sent_at,
        account_id, brand_id, conversation_id)
      SELECT gen_random_uuid(), CASE WHEN n % 2 = 1 THEN 'inbound' ELSE 'outbound' END,
        CASE WHEN n % 2 = 1 THEN 'customer' ELSE 'agent' END, ('9' || {conversation_id} || n)::text,
        'An older message number ' || n, '[]', '[]', CASE WHEN n % 2 = 1 THEN 'received' ELSE 'sent' END, '', '', 0,
        '', '', now() - interval '3 days' - n * interval '1 minute', now() - interval '3 days' - n * interval '1 minute',
        c.account_id, c.brand_id, c.id
      FROM engagement_conversation c, generate_series(1, {extra}) n WHERE c.id = {conversation_id}"""


def timed(client, path: str, runs: int, **headers: str) -> list[float]:  # noqa: ANN001
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path, **headers)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--reuse", action="store_true", help="keep the database from the last run")
    args = parser.parse_args()
    # The API allows 120 requests a minute per token by default; the timing loop makes more.
    env = roost_env(
        8703, database=DB_NAME, ALLOWED_HOSTS="testserver", LOG_LEVEL="WARNING", API_RATE_LIMIT_PER_MINUTE="100000"
    )
    if not args.reuse:
        reset_database(DB_NAME, env)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from accounts.models import Brand, Membership, Role, TwitterAccount, User
    from engagement.models import Conversation

    if not args.reuse:
        started = time.monotonic()
        for n in range(1, BRANDS + 1):
            brand = Brand.objects.create(name=f"Brand {n}", slug=f"brand-{n}")
            agent = User.objects.create_user(username=f"agent{n}", email=f"agent{n}@example.com")
            Membership.objects.create(brand=brand, user=agent, role=Role.AGENT)
            TwitterAccount.objects.create(brand=brand, twitter_user_id=str(4_000_000_000 + n), screen_name=f"brand{n}")
        with connection.cursor() as cursor:
            for statement in DATA_SQL:
                cursor.execute(statement)
            big = (
                Conversation.objects.filter(brand__slug="brand-1", status="open", kind="direct_message")
                .order_by("-last_message_at")
                .first()
            )
            cursor.execute(big_thread_sql(big.pk))
            cursor.execute("ANALYZE")
        print(f"generated in {time.monotonic() - started:.0f}s")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM engagement_conversation")
        conversations = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM engagement_message")
        messages = cursor.fetchone()[0]
    big = (
        Conversation.objects.filter(brand__slug="brand-1", status="open", kind="direct_message")
        .order_by("-last_message_at")
        .first()
    )
    print(
        f"{conversations} conversations, {messages} messages, {BRANDS} brands; the big thread has {big.messages.count()} messages"
    )

    clients = []
    for n in range(1, BRANDS + 1):
        client = Client()
        client.force_login(User.objects.get(username=f"agent{n}"))
        clients.append(client)
    big_client = clients[0]
    rng = random.Random(7)

    def across_brands(path: str) -> list[float]:
        timed(clients[0], path, 5)  # warm up
        return [t for _ in range(args.requests) for t in timed(rng.choice(clients), path, 1)]

    results = {
        "inbox (all open)": across_brands("/"),
        "inbox (mine)": across_brands("/?view=mine"),
        "inbox list refresh": across_brands("/inbox/list?view=open"),
        "thread, latest page of 1,000": timed(big_client, f"/c/{big.public_id}/thread", args.requests),
        "conversation page, 1,000 messages": timed(big_client, f"/c/{big.public_id}", args.requests),
    }
    api_token = _api_token(big.brand)
    if api_token:
        results["API conversation list"] = timed(
            big_client, "/api/v1/conversations?status=open", args.requests, HTTP_AUTHORIZATION=f"Bearer {api_token}"
        )
    report = {
        name: {
            "p50_ms": round(percentile(t, 0.5), 1),
            "p95_ms": round(percentile(t, 0.95), 1),
            "max_ms": round(max(t), 1),
        }
        for name, t in results.items()
    }
    print(json.dumps(report, indent=2))


def _api_token(brand) -> str | None:  # noqa: ANN001
    from django.urls import NoReverseMatch, resolve

    from accounts.models import Membership

    try:
        resolve("/api/v1/conversations")
    except Exception:  # the REST API is not installed in this checkout
        return None
    try:
        from accounts.services import api_token_create

        membership = Membership.objects.filter(brand=brand).first()
        return api_token_create(membership=membership, name="bench").secret
    except (ImportError, NoReverseMatch):
        return None


if __name__ == "__main__":
    main()
