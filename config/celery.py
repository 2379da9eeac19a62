"""The Celery app: `celery -A config worker` and `celery -A config beat`."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("roost")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_django_logging(**kwargs: object) -> None:
    """Workers log through Django's LOGGING, so their lines carry the same brand/event keys."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
