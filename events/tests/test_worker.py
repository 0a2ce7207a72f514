"""The reminder sweep through a real Celery worker and Redis broker, twice in a row."""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from core import tasks as core_tasks
from core.models import Notification
from events import tasks
from tests.support.servers import PrivateRedis, celery_broker

from .factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def wait_until(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_a_worker_sends_each_reminder_once_and_delivers_it(tmp_path, settings):
    settings.EVENT_REMINDER_OFFSETS = [1440, 120]
    event = EventFactory(
        starts_at=timezone.now() + timedelta(hours=3), ends_at=timezone.now() + timedelta(hours=5)
    )
    registrations = RegistrationFactory.create_batch(3, event=event)
    server = PrivateRedis(tmp_path)
    server.start()
    try:
        with (
            celery_broker(server.url) as app,
            start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30),
        ):
            tasks.send_event_reminders.delay()
            tasks.send_event_reminders.delay()
            reminders = Notification.objects.filter(template="event_reminder")
            assert wait_until(lambda: reminders.count() == 3)
            core_tasks.deliver_pending_notifications.delay()
            assert wait_until(lambda: len(mail.outbox) == 3)
            time.sleep(1)
    finally:
        server.stop()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        r.user.email for r in registrations
    )
    assert reminders.count() == 3
