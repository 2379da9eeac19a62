"""Resetting the sandbox between demos."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction

from sandbox import models as m


def _delete_files(folder: str) -> None:
    if not default_storage.exists(folder):
        return
    folders, files = default_storage.listdir(folder)
    for name in files:
        default_storage.delete(f"{folder}/{name}")
    for name in folders:
        _delete_files(f"{folder}/{name}")


def sandbox_reset(*, everything: bool = False) -> None:
    """Forget the activity (messages, Tweets, follows, media, deliveries, faults, rate-limit
    windows). ``everything`` also forgets users, tokens, webhooks and subscriptions (the app
    owner comes back on the next call)."""
    with transaction.atomic():
        for model in (
            m.SandboxDelivery,
            m.SandboxFault,
            m.SandboxRateLimitWindow,
            m.SandboxThreadState,
            m.SandboxDirectMessage,
            m.SandboxTweet,
            m.SandboxFollow,
            m.SandboxNonce,
        ):
            model.objects.all().delete()
        if everything:
            for model in (
                m.SandboxWelcomeMessageRule,
                m.SandboxWelcomeMessage,
                m.SandboxCustomProfile,
                m.SandboxSubscription,
                m.SandboxWebhook,
                m.SandboxRequestToken,
                m.SandboxAccessToken,
                m.SandboxMedia,
                m.SandboxUser,
            ):
                model.objects.all().delete()
        else:
            kept = set(m.SandboxCustomProfile.objects.values_list("avatar_id", flat=True)) | set(
                m.SandboxWelcomeMessage.objects.exclude(media=None).values_list("media_id", flat=True)
            )
            m.SandboxMedia.objects.exclude(pk__in=kept).delete()
    if everything:
        _delete_files("sandbox")
