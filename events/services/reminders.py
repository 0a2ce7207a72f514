"""Reminders found, not scheduled, and the private calendar feed."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.choices import NotificationKind
from core.models import User

from ..choices import EventStatus, RegistrationStatus
from ..models import (
    CalendarFeed,
    Registration,
    ReminderSent,
)
from ._shared import _notify

# Reminders -----------------------------------------------------------------------------


def reminder_windows(now: datetime) -> list[tuple[int, datetime, datetime]]:
    """For each reminder offset, the starts that are due: within that offset but not yet
    within the next smaller one (someone who registers an hour before gets one reminder)."""
    offsets = settings.EVENT_REMINDER_OFFSETS
    windows = []
    for index, offset in enumerate(offsets):
        smaller = offsets[index + 1] if index + 1 < len(offsets) else 0
        windows.append((offset, now + timedelta(minutes=smaller), now + timedelta(minutes=offset)))
    return windows


def reminders_send(*, now: datetime | None = None) -> int:
    """Find confirmed registrations whose event starts within a reminder offset and that
    have no reminder of that offset for the event's current start; remind each once.

    The unique ReminderSent row is written with the notification in one transaction, so
    two workers running this at once (or a re-run) never remind anyone twice.
    """
    now = now or timezone.now()
    sent = 0
    for offset, after, until in reminder_windows(now):
        due = (
            Registration.objects.filter(
                status=RegistrationStatus.CONFIRMED,
                event__status=EventStatus.PUBLISHED,
                event__starts_at__gt=after,
                event__starts_at__lte=until,
            )
            .exclude(
                Exists(
                    ReminderSent.objects.filter(
                        registration=OuterRef("pk"),
                        offset_minutes=offset,
                        event_starts_at=OuterRef("event__starts_at"),
                    )
                )
            )
            .select_related("event", "user")
        )
        for candidate in due:
            with transaction.atomic():
                # Read it again, locked: it may have been cancelled or moved meanwhile.
                registration = (
                    Registration.objects.select_for_update(of=("self",))
                    .select_related("event", "user")
                    .filter(
                        pk=candidate.pk,
                        status=RegistrationStatus.CONFIRMED,
                        event__status=EventStatus.PUBLISHED,
                        event__starts_at=candidate.event.starts_at,
                    )
                    .first()
                )
                if registration is None:
                    continue
                _reminder, created = ReminderSent.objects.get_or_create(
                    registration=registration,
                    offset_minutes=offset,
                    event_starts_at=registration.event.starts_at,
                )
                if created:
                    _notify(
                        registration,
                        kind=NotificationKind.EVENT_REMINDER,
                        template="event_reminder",
                    )
                    sent += 1
    return sent


def calendar_feed_for(*, user: User) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed
