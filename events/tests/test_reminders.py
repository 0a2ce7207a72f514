import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core.models import Notification
from events import services
from events.models import ReminderSent

from .factories import EventFactory, RegistrationFactory


def reminders_of(registration):
    return Notification.objects.filter(
        recipient=registration.user, template="event_reminder"
    ).count()


@pytest.mark.django_db
def test_reminders_are_found_for_each_offset_once(settings):
    settings.EVENT_REMINDER_OFFSETS = [1440, 120]
    now = timezone.now()
    event = EventFactory(starts_at=now + timedelta(hours=20), ends_at=now + timedelta(hours=22))
    registration = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status="waitlisted", waitlist_position=1)
    assert services.reminders_send(now=now) == 1
    assert services.reminders_send(now=now) == 0
    assert services.reminders_send(now=now + timedelta(hours=18, minutes=30)) == 1
    assert services.reminders_send(now=now + timedelta(hours=19)) == 0
    assert reminders_of(registration) == 2
    assert reminders_of(waiting) == 0


@pytest.mark.django_db
def test_a_late_registration_gets_only_the_nearest_reminder(settings):
    settings.EVENT_REMINDER_OFFSETS = [1440, 120]
    now = timezone.now()
    event = EventFactory(
        starts_at=now + timedelta(hours=1),
        ends_at=now + timedelta(hours=3),
        registration_closes_at=now + timedelta(minutes=30),
    )
    registration = RegistrationFactory(event=event)
    assert services.reminders_send(now=now) == 1
    assert list(ReminderSent.objects.values_list("offset_minutes", flat=True)) == [120]
    assert reminders_of(registration) == 1


@pytest.mark.django_db
def test_a_rescheduled_event_gets_fresh_reminders(settings):
    settings.EVENT_REMINDER_OFFSETS = [1440]
    now = timezone.now()
    event = EventFactory(starts_at=now + timedelta(hours=10), ends_at=now + timedelta(hours=12))
    registration = RegistrationFactory(event=event)
    assert services.reminders_send(now=now) == 1
    official = registration.user  # any official of the district
    official.districts.add(event.district)
    new_start = now + timedelta(hours=15)
    services.event_update(
        event=event,
        user=official,
        data={"starts_at": new_start, "ends_at": new_start + timedelta(hours=2)},
    )
    assert services.reminders_send(now=now) == 1
    assert reminders_of(registration) == 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_remind_everyone_exactly_once(settings):
    assert connection.vendor == "postgresql"
    settings.EVENT_REMINDER_OFFSETS = [1440]
    now = timezone.now()
    event = EventFactory(
        capacity=100, starts_at=now + timedelta(hours=5), ends_at=now + timedelta(hours=7)
    )
    registrations = RegistrationFactory.create_batch(30, event=event)
    barrier = threading.Barrier(2)
    counts, errors = [], []

    def worker():
        try:
            barrier.wait()
            counts.append(services.reminders_send(now=now))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(counts) == 30
    assert all(reminders_of(registration) == 1 for registration in registrations)
    assert ReminderSent.objects.count() == 30
