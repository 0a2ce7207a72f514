"""Thin Celery tasks over `core.delivery`; each is safe to run twice or at once."""

from celery import shared_task
from django.db import OperationalError

from . import delivery
from .choices import Frequency


@shared_task(
    autoretry_for=(OperationalError,), retry_backoff=True, retry_backoff_max=300, max_retries=5
)
def deliver_notification(notification_id: int) -> bool:
    return delivery.deliver_notification(notification_id)


@shared_task(
    autoretry_for=(OperationalError,), retry_backoff=True, retry_backoff_max=300, max_retries=5
)
def deliver_notifications(notification_ids: list[int]) -> int:
    """Several instant notifications written about the same time (queued in one message)."""
    return delivery.deliver_notifications(notification_ids)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def deliver_pending_notifications() -> int:
    """The periodic sweep: e-mails what a broker outage or a dead worker left pending."""
    return delivery.deliver_pending()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def deliver_digests(frequency: str = Frequency.DAILY) -> int:
    return delivery.deliver_digests(frequency=frequency)
