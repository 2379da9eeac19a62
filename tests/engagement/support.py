"""Helpers for the sending, welcome message and custom profile tests."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse

from engagement.models import Message
from engagement.services.replies import conversation_reply
from engagement.services.settling import messages_sweep
from sandbox.models import SandboxDirectMessage
from tests.helpers import wait_until
from tests.sandbox.support import PNG_1x1

GIF_1x1 = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")


def png(name: str = "image.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_1x1, content_type="image/png")


def gif(name: str = "image.gif") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, GIF_1x1, content_type="image/gif")


def admin_url(model: type[models.Model], view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def settled(model: type[models.Model], pk: int, *, timeout: float = 20) -> models.Model:
    """Wait for the worker to finish with a row: synced or failed (None once deleted)."""
    return wait_until(
        lambda: (
            (row := model._default_manager.filter(pk=pk).first()) is not None
            and row.sync_state in ("synced", "failed")
            and row
        ),
        timeout=timeout,
        what=f"{model.__name__} {pk} to sync",
    )


def gone(model: type[models.Model], pk: int, *, timeout: float = 20) -> None:
    wait_until(
        lambda: not model._default_manager.filter(pk=pk).exists(), timeout=timeout, what=f"{model.__name__} {pk} to go"
    )


def sent_to_twitter(wired, text: str | None = None) -> int:
    """How many of the account's DMs to the customer Twitter holds (the "exactly once" count)."""
    dms = SandboxDirectMessage.objects.filter(sender=wired.twitter_account, recipient=wired.customer)
    return dms.filter(text=text).count() if text is not None else dms.count()


def status(message: Message) -> str:
    message.refresh_from_db()
    return message.status


def reply(wired, text: str = "Hello from Acme", **kwargs) -> Message:
    return conversation_reply(conversation=wired.conversation, author=None, text=text, **kwargs)


def settle_with_sweeps(message: Message, wanted: str, *, timeout: float = 20) -> None:
    """What beat does every few seconds: sweep until the message reaches ``wanted``."""
    wait_until(
        lambda: messages_sweep() is not None and status(message) == wanted, timeout=timeout, what=f"status {wanted}"
    )
