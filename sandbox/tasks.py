"""Thin tasks on the ``sandbox`` queue; the services do the work."""

from __future__ import annotations

from celery import shared_task

from sandbox.services.deliveries import deliveries_sweep, delivery_attempt


@shared_task(name="sandbox.deliver", ignore_result=True)
def deliver(delivery_id: int) -> None:
    delivery_attempt(delivery_id=delivery_id)


@shared_task(name="sandbox.deliveries_sweep", ignore_result=True)
def sweep_deliveries() -> None:
    deliveries_sweep()
