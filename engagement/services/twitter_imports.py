"""Bring in what a connected account already has on Twitter: welcome messages with the default
rule, and custom profiles (``manage.py import_welcome_messages`` / ``import_custom_profiles``).

Everything is read from Twitter first; then one transaction writes it, so a failure changes
nothing. Rows are matched by Twitter id, so importing again never duplicates: rows in sync are
refreshed from Twitter, rows with local changes still waiting to sync are left alone.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from accounts.models import TwitterAccount
from engagement.models import CustomProfile, SyncState, WelcomeMessage, WelcomeMessageRule
from engagement.services.twitter_sync import (
    SyncImpossible,
    file_delete_on_commit,
    image_content_type,
    sync_credentials,
)
from integrations.twitter import QuickReplyOption, TwitterError, UserCredentials, twitter_client
from integrations.twitter.explain import explain
from integrations.twitter.types import Page

MAX_PAGES = 100  # 50 a page: far beyond what an account has
MAX_IMAGE_BYTES = 5 * 1024 * 1024


class ImportFailed(Exception):
    """Nothing was imported; the message says why and what to do."""


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_local: list[str] = field(default_factory=list)  # local changes waiting to sync win
    warnings: list[str] = field(default_factory=list)
    default: str | None = None


@dataclass
class _Remote:
    twitter_id: str
    fields: dict[str, Any]
    file_field: str  # where the row keeps the file
    file_url: str  # where Twitter serves it
    key_field: str  # the row's field that identifies the file on Twitter
    file_key: str
    content: bytes | None = None


def welcome_messages_import(*, account: TwitterAccount) -> ImportReport:
    client = twitter_client()
    with _explained():
        credentials = sync_credentials(account)
        items = _all_pages(lambda cursor: client.welcome_messages_list(credentials, cursor=cursor))
        rules = client.welcome_rules_list(credentials)
    remotes = [_welcome_remote(item) for item in items]
    report = ImportReport()
    stored = WelcomeMessage.objects.filter(account=account, twitter_id__isnull=False)
    files = {
        row["twitter_id"]: (row["image"], row["image_media_id"])
        for row in stored.values("twitter_id", "image", "image_media_id")
    }
    _download_files(credentials, remotes, files, report)
    with _files_removed_on_failure() as saved, transaction.atomic():
        for remote in remotes:
            _upsert(WelcomeMessage, account, remote, report, saved)
        default_id = rules[0].welcome_message_id if rules else None
        report.default = _import_rule(account, default_id, rules[0].id if rules else None)
    return report


def custom_profiles_import(*, account: TwitterAccount) -> ImportReport:
    client = twitter_client()
    with _explained():
        credentials = sync_credentials(account)
        items = _all_pages(lambda cursor: client.custom_profiles_list(credentials, cursor=cursor))
    remotes = [_profile_remote(item) for item in items]
    report = ImportReport()
    stored = CustomProfile.objects.filter(account=account, twitter_id__isnull=False)
    files = {
        row["twitter_id"]: (row["avatar"], row["avatar_url"])
        for row in stored.values("twitter_id", "avatar", "avatar_url")
    }
    _download_files(credentials, remotes, files, report)
    with _files_removed_on_failure() as saved, transaction.atomic():
        for remote in remotes:
            _upsert(CustomProfile, account, remote, report, saved)
    return report


# --- reading Twitter -------------------------------------------------------------------------
@contextmanager
def _explained() -> Iterator[None]:
    try:
        yield
    except TwitterError as error:
        raise ImportFailed(explain(error)) from error
    except SyncImpossible as error:
        raise ImportFailed(str(error)) from error


def _all_pages(fetch: Callable[[str | None], Page]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(MAX_PAGES):
        page = fetch(cursor)
        items.extend(page.items)
        # A page can be empty while a cursor remains (§8): follow cursors, not page sizes.
        cursor = page.next_cursor
        if not cursor:
            break
    return items


def _welcome_remote(item: dict[str, Any]) -> _Remote:
    data = item.get("message_data") or {}
    options = (data.get("quick_reply") or {}).get("options") or []
    media = (data.get("attachment") or {}).get("media") or {}
    media_id = str(media.get("id_str") or media.get("id") or "")
    fields = {
        "name": str(item.get("name") or f"welcome {item['id']}")[:100],
        "text": str(data.get("text") or ""),
        "quick_replies": [
            QuickReplyOption(
                str(o.get("label", "")), str(o.get("description", "")), str(o.get("metadata", ""))
            ).as_json()
            for o in options
            if isinstance(o, dict)
        ],
        "buttons": [
            {"label": str(cta.get("label", "")), "url": str(cta.get("url", ""))}
            for cta in data.get("ctas") or []
            if isinstance(cta, dict)
        ],
        "image_media_id": media_id,
    }
    url = str(media.get("media_url_https") or media.get("media_url") or "")
    return _Remote(str(item["id"]), fields, "image", url, "image_media_id", media_id)


def _profile_remote(item: dict[str, Any]) -> _Remote:
    url = str(((item.get("avatar") or {}).get("media") or {}).get("url") or "")
    fields = {"name": str(item.get("name") or "")[:48], "avatar_url": url}
    return _Remote(str(item["id"]), fields, "avatar", url, "avatar_url", url)


def _download_files(
    credentials: UserCredentials, remotes: list[_Remote], stored: dict[str, tuple[str, str]], report: ImportReport
) -> None:
    """Fetch the images Roost does not have yet, so imported rows can be edited (and their image
    uploaded again) later. ``stored`` maps Twitter ids to the (file, file key) a row has. An
    image that cannot be fetched is a warning, not a failure: Twitter still has it."""
    client = twitter_client()
    for remote in remotes:
        file_name, file_key = stored.get(remote.twitter_id, ("", ""))
        if not remote.file_url or (file_name and file_key == remote.file_key):
            continue
        try:
            remote.content = client.media_download(credentials, remote.file_url, max_bytes=MAX_IMAGE_BYTES).content
        except TwitterError as error:
            report.warnings.append(
                f"“{remote.fields['name']}”: its image could not be downloaded ({explain(error)}); "
                "upload it again in the admin before changing it."
            )


# --- writing ---------------------------------------------------------------------------------
@contextmanager
def _files_removed_on_failure() -> Iterator[list[str]]:
    """Stored files do not roll back with the transaction: remove the new ones on failure."""
    saved: list[str] = []
    try:
        yield saved
    except BaseException:
        for name in saved:
            default_storage.delete(name)
        raise


def _upsert(
    model: type[Model], account: TwitterAccount, remote: _Remote, report: ImportReport, saved: list[str]
) -> None:
    row = model._default_manager.filter(account=account, twitter_id=remote.twitter_id).first()
    name = remote.fields["name"]
    if row is not None and row.sync_state != SyncState.SYNCED:
        report.kept_local.append(row.name)
        return
    if row is None:
        row = model(brand_id=account.brand_id, account=account, twitter_id=remote.twitter_id, **remote.fields)
        outcome = report.created
    else:
        differs = [key for key, value in remote.fields.items() if getattr(row, key) != value]
        if not differs and remote.content is None:
            report.unchanged.append(name)
            return
        stored = getattr(row, remote.file_field)
        if remote.key_field in differs and stored and remote.content is None:
            # Twitter's image changed (or went) and could not be fetched: ours is stale now.
            file_delete_on_commit(stored.name)
            setattr(row, remote.file_field, "")
        for key in differs:
            setattr(row, key, remote.fields[key])
        outcome = report.updated
    if remote.content is not None:
        old = getattr(row, remote.file_field).name
        extension = mimetypes.guess_extension(_content_type(remote.content)) or ""
        getattr(row, remote.file_field).save(f"imported{extension}", ContentFile(remote.content), save=False)
        saved.append(getattr(row, remote.file_field).name)
        if old:
            file_delete_on_commit(old)
    row.sync_state, row.sync_error, row.synced_at = SyncState.SYNCED, "", timezone.now()
    row.save()
    outcome.append(name)


def _content_type(content: bytes) -> str:
    return image_content_type(content[:16]) or "application/octet-stream"


def _import_rule(account: TwitterAccount, welcome_twitter_id: str | None, rule_twitter_id: str | None) -> str | None:
    """Mirror Twitter's default rule, unless a local change to it is still waiting to sync."""
    rule = WelcomeMessageRule.objects.filter(account=account).first()
    if rule is not None and rule.sync_state != SyncState.SYNCED:
        return str(rule.welcome_message)
    target = (
        WelcomeMessage.objects.filter(account=account, twitter_id=welcome_twitter_id).first()
        if welcome_twitter_id
        else None
    )
    if target is None:
        if rule is not None:
            rule.delete()  # Twitter has no default (or one pointing at nothing we know)
        return None
    if rule is None or rule.welcome_message_id != target.pk or rule.twitter_id != rule_twitter_id:
        WelcomeMessageRule.objects.filter(account=account).delete()
        WelcomeMessageRule.objects.create(
            brand_id=account.brand_id,
            account=account,
            welcome_message=target,
            twitter_id=rule_twitter_id,
            sync_state=SyncState.SYNCED,
            synced_at=timezone.now(),
        )
    return target.name
