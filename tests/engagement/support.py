"""Helpers for the welcome message and custom profile tests."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse

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
