"""Thin Celery tasks over `policies.services`; each is safe to run twice or at once (the
unique `PolicyNotice` of each user, policy and expiry date makes the notice exactly-once)."""

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def notify_expiring_policies() -> int:
    """Daily: tell followers of published policies that expire within 30 days."""
    return services.policy_expiry_notices()
