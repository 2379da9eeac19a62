"""Counting each account's Direct Messages against Twitter's daily limit (§6.1).

Twitter allows 1,000 DM sends per user per 24 hours (replies shortly after a customer writes
partly don't count, so Twitter's own 429 is the hard stop). Roost counts what it has seen
sent and warns the brand at 80%: once a day per account by email and in the audit log, and with
a banner on every dashboard page while the account stays there.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from accounts.models import Brand, TwitterAccount
from config.queue import enqueue_on_commit
from engagement.models import Conversation, Message

logger = logging.getLogger(__name__)
WARN_AT = 0.8
HEADROOM_KEPT_SECONDS = 24 * 3600
RECOUNT_PAST_THRESHOLD_SECONDS = 3600
BANNER_KEPT_SECONDS = 60


def dm_daily_limit() -> int:
    return int(getattr(settings, "TWITTER_DM_DAILY_LIMIT", 1000))


def dm_sent_last_24h(*, account: TwitterAccount) -> int:
    return Message.objects.filter(
        account=account,
        direction=Message.Direction.OUTBOUND,
        status=Message.Status.SENT,
        sent_at__gte=timezone.now() - timedelta(hours=24),
        conversation__kind=Conversation.Kind.DIRECT_MESSAGE,
    ).count()


@dataclass(frozen=True)
class DailyUsage:
    screen_name: str
    sent: int
    limit: int

    @property
    def percent(self) -> int:
        return int(self.sent * 100 / self.limit) if self.limit else 0


def dm_usage_near_limit(*, brand: Brand) -> list[DailyUsage]:
    """The brand's connected accounts at or above 80% of the daily limit, counted in one query."""
    limit = dm_daily_limit()
    counts = (
        Message.objects.filter(
            brand=brand,
            direction=Message.Direction.OUTBOUND,
            status=Message.Status.SENT,
            sent_at__gte=timezone.now() - timedelta(hours=24),
            conversation__kind=Conversation.Kind.DIRECT_MESSAGE,
        )
        .exclude(account__state=TwitterAccount.State.DISCONNECTED)
        .values("account__screen_name")
        .annotate(sent=Count("pk"))
        .filter(sent__gte=math.ceil(WARN_AT * limit))
        .order_by("account__screen_name")
    )
    return [DailyUsage(row["account__screen_name"], row["sent"], limit) for row in counts]


def dm_usage_banner(*, brand: Brand) -> list[DailyUsage]:
    """``dm_usage_near_limit`` for the banner on every page: kept in the cache for a minute, so
    a page costs a cache read and the brand's count runs at most once a minute. The send that
    reaches the threshold forgets it (``dm_limit_check_after_send``), so the banner shows at once."""
    key = _banner_key(brand)
    try:
        cached = cache.get(key)
    except Exception as error:  # the cache is down: count (the page must not fail over a banner)
        logger.warning("could not read the daily limit banner (%s); counting instead", error)
        return dm_usage_near_limit(brand=brand)
    if cached is not None:
        return cached
    usages = dm_usage_near_limit(brand=brand)
    try:
        cache.set(key, usages, timeout=BANNER_KEPT_SECONDS)
    except Exception as error:
        logger.warning("could not remember the daily limit banner (%s)", error)
    return usages


def _banner_key(brand: Brand) -> str:
    return f"roost:dm-limit-banner:{brand.public_id}:{dm_daily_limit()}"


def dm_limit_check_after_send(*, account: TwitterAccount) -> None:
    """Warn the brand once a day when the account reaches 80% of its daily limit.

    Counting a day of sends reads every one of them, so it is not done after every send: a
    count of ``sent`` means at least ``threshold - sent`` more sends before the threshold can
    be reached (sends only ever leave the 24-hour window), and that headroom is counted down
    in the cache until the next real count is due."""
    limit = dm_daily_limit()
    threshold = math.ceil(WARN_AT * limit)
    headroom_key = f"roost:dm-limit-headroom:{account.pk}:{limit}"
    if not _count_due(headroom_key):
        return
    sent = dm_sent_last_24h(account=account)
    if sent < threshold:
        _remember_headroom(headroom_key, threshold - sent, HEADROOM_KEPT_SECONDS)
        return
    # At or past the threshold: the warning below goes out once a day, so counting again
    # after every send would tell nobody anything new.
    _remember_headroom(headroom_key, limit, RECOUNT_PAST_THRESHOLD_SECONDS)
    _forget_banner(account)
    _warn_once_a_day(account=account, sent=sent, limit=limit)


def _count_due(headroom_key: str) -> bool:
    try:
        return cache.decr(headroom_key) <= 0
    except ValueError:
        return True  # nothing counted yet, or the count expired
    except Exception as error:  # the cache is down: count (a send never fails over a warning)
        logger.warning("could not read the daily limit headroom (%s); counting instead", error)
        return True


def _remember_headroom(headroom_key: str, headroom: int, timeout: int) -> None:
    try:
        cache.set(headroom_key, headroom, timeout=timeout)
    except Exception as error:
        logger.warning("could not remember the daily limit headroom (%s)", error)


def _forget_banner(account: TwitterAccount) -> None:
    try:
        cache.delete(_banner_key(account.brand))
    except Exception as error:  # the banner shows when its minute in the cache is up
        logger.warning("could not refresh the daily limit banner (%s)", error)


def _warn_once_a_day(*, account: TwitterAccount, sent: int, limit: int) -> None:
    from accounts.services import audit_record
    from engagement.tasks import notify_dm_limit

    # Once a day per account: cache.add only succeeds for the first caller.
    try:
        first = cache.add(f"roost:dm-limit-warned:{account.pk}", True, timeout=24 * 3600)
    except Exception as error:  # warned on a later send, once the cache can tell whether it was
        logger.warning("could not check whether the daily limit warning was given (%s)", error)
        return
    if not first:
        return
    summary = f"@{account.screen_name} has sent {sent} of its {limit} daily Direct Messages"
    audit_record(brand=account.brand, actor=None, action="account.dm_limit_warning", target=account, summary=summary)
    enqueue_on_commit(notify_dm_limit, account.pk, sent)
    logger.warning("%s (80%% warning)", summary)


def dm_limit_notify(*, account_id: int, sent: int) -> int:
    from django.core.mail import send_mail

    from accounts.models import Membership, Role

    account = TwitterAccount.objects.select_related("brand").filter(pk=account_id).first()
    if account is None:
        return 0
    people = Membership.objects.filter(brand=account.brand, role__in=[Role.OWNER, Role.ADMIN]).select_related("user")
    recipients = sorted({membership.user.email for membership in people if membership.user.email})
    if recipients:
        limit = dm_daily_limit()
        send_mail(
            subject=f"[Roost] @{account.screen_name} is near its daily Direct Message limit",
            message=(
                f"@{account.screen_name} has sent {sent} of the {limit} Direct Messages Twitter allows per 24 hours.\n"
                "When it reaches the limit, Twitter refuses further messages until the window moves on; Roost keeps "
                "them queued and sends them then. Replies to customers who wrote recently partly do not count.\n"
            ),
            from_email=None,
            recipient_list=recipients,
        )
    return len(recipients)
