"""Pieces shared by the engagement models."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.db import models


class SyncState(models.TextChoices):
    """Where a row edited in Roost stands with its copy on Twitter."""

    PENDING = "pending", "Waiting to sync"
    SYNCED = "synced", "Synced"
    FAILED = "failed", "Sync failed"
    DELETING = "deleting", "Deleting"


def private_upload_to(instance: models.Model, filename: str) -> str:
    """Files live under their brand's folder with a random name: nothing guessable, nothing shared."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    brand_id = instance.brand.public_id  # type: ignore[attr-defined]
    return f"brands/{brand_id}/{instance._meta.model_name}/{uuid.uuid4().hex}{suffix}"
