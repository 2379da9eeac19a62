"""Thin tasks: each calls one service, which records everything in rows."""

from __future__ import annotations

from celery import shared_task

from config.queue import Doorbell


@shared_task
def process_webhook_events() -> None:
    """Drain the stored events waiting to be processed (rung by the intake and the sweep)."""
    from webhooks.services import webhook_events_process_pending

    events_doorbell.answer()  # before reading any row: see Doorbell
    webhook_events_process_pending()


@shared_task
def sweep_webhook_events() -> None:
    from webhooks.services import webhook_events_sweep

    webhook_events_sweep()


@shared_task
def check_webhook_health() -> None:
    from webhooks.services import webhook_health_check

    webhook_health_check()


# Thousands of events a second cost a handful of broker messages: see Doorbell.
events_doorbell = Doorbell(process_webhook_events)
