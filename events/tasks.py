"""Thin Celery tasks over `events.services`; each is safe to run twice or at once."""

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def send_event_reminders() -> int:
    """Every few minutes: remind confirmed attendees before their events start."""
    services.events_complete_finished()
    return services.reminders_send()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def anonymise_past_attendees() -> int:
    """Daily: remove attendees' details from events past the retention period."""
    return services.attendees_anonymise_past()
