"""Attendees' personal data: anonymised after the retention period or on erasure."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import (
    Registration,
)

# Personal data --------------------------------------------------------------------------

ANONYMISE_BATCH = 1000


def registrations_anonymise(registrations) -> int:
    """Detach registrations from their attendees (and who checked them in), in their rows and
    their history; status, times and ticket counts stay, so the events' figures do not
    change. Works through the rows in batches, each in its own transaction."""
    count = 0
    ids = list(registrations.filter(anonymised_at__isnull=True).values_list("pk", flat=True))
    history = Registration.history.model
    for start in range(0, len(ids), ANONYMISE_BATCH):
        batch = ids[start : start + ANONYMISE_BATCH]
        with transaction.atomic():
            count += Registration.objects.filter(pk__in=batch).update(
                user=None, checked_in_by=None, anonymised_at=timezone.now()
            )
            history.objects.filter(id__in=batch).update(user=None, checked_in_by=None)
    return count


def attendees_anonymise_past(*, now: datetime | None = None) -> int:
    """Anonymise the attendees of events that ended more than ATTENDEE_RETENTION_DAYS ago."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ATTENDEE_RETENTION_DAYS)
    return registrations_anonymise(Registration.objects.filter(event__ends_at__lt=cutoff))
