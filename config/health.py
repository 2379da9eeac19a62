"""``/healthz``: is the database answering, and is the broker?"""

from __future__ import annotations

import logging
from pathlib import Path

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app

logger = logging.getLogger(__name__)
BROKER_CHECK_TIMEOUT_SECONDS = 1.0


def check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("health check: database unavailable")
        return False
    return True


def check_broker() -> bool:
    try:
        if app.conf.broker_url.startswith("filesystem://"):
            # The filesystem transport "connects" to anything; what matters is the queue folder.
            folder = Path(app.conf.broker_transport_options["data_folder_in"])
            return folder.is_dir() and folder.stat() is not None
        with app.connection_for_write(connect_timeout=BROKER_CHECK_TIMEOUT_SECONDS) as broker:
            broker.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_CHECK_TIMEOUT_SECONDS
            )
            _ = broker.default_channel  # opens a channel: for Redis, a real round trip
    except Exception:
        logger.exception("health check: broker unavailable")
        return False
    return True


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": check_database(), "broker": check_broker()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable"}
    body.update({name: "ok" if ok else "unavailable" for name, ok in checks.items()})
    return JsonResponse(body, status=200 if healthy else 503)
