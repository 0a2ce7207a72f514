"""The notification outbox against the real PostgreSQL, Redis and Celery worker: a broker
outage loses nothing, and a worker killed mid-batch sends nothing twice."""

import base64
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import connection, transaction

from core import delivery, services, tasks
from core.broker import broker_flush, broker_paused
from core.choices import NotificationKind, NotificationStatus
from core.models import Notification
from core.tests.factories import NotificationFactory, UserFactory
from tests.support.servers import PrivateRedis, celery_broker

pytestmark = pytest.mark.django_db(transaction=True)


def wait_until(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    yield server
    server.stop()


def test_a_notification_written_while_redis_is_down_is_delivered_once_it_is_back(private_redis):
    user = UserFactory()
    with celery_broker(private_redis.url) as app:
        with transaction.atomic():  # Redis is not running: queuing on commit fails quietly
            row = services.notification_create(
                recipient=user, kind=NotificationKind.ACCOUNT, template="welcome", context={}
            )
        broker_flush()  # the queuing thread's attempt, now, while Redis is down
        assert broker_paused()
        row.refresh_from_db()
        assert row.status == NotificationStatus.PENDING
        assert mail.outbox == []

        private_redis.start()
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            tasks.deliver_pending_notifications.delay()  # what beat sends every minute
            assert wait_until(
                lambda: Notification.objects.get(pk=row.pk).status == NotificationStatus.SENT
            )
            tasks.deliver_pending_notifications.delay()  # the next sweep finds nothing to do
            tasks.deliver_notification.delay(row.pk)  # nor does a late duplicate task
            time.sleep(2)

    assert [message.to for message in mail.outbox] == [[user.email]]


def test_an_instant_notification_is_queued_on_commit_and_sent_by_the_worker(private_redis):
    private_redis.start()
    user = UserFactory()
    with (
        celery_broker(private_redis.url) as app,
        start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30),
    ):
        with transaction.atomic():
            row = services.notification_create(
                recipient=user, kind=NotificationKind.ACCOUNT, template="welcome", context={}
            )
        assert wait_until(
            lambda: Notification.objects.get(pk=row.pk).status == NotificationStatus.SENT
        )
    assert len(mail.outbox) == 1


def _database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


def test_a_worker_killed_mid_batch_sends_nothing_twice(tmp_path, settings):
    assert connection.vendor == "postgresql"
    rows = NotificationFactory.create_batch(12)
    sent_file, sending_file = tmp_path / "sent.txt", tmp_path / "sending.txt"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "EMAIL_BACKEND": "tests.support.backends.SlowFileBackend",
        "TEST_EMAIL_FILE": str(sent_file),
        "TEST_EMAIL_SENDING_FILE": str(sending_file),
        "TEST_EMAIL_DELAY": "0.5",
    }
    code = (
        "import django; django.setup(); "
        "from core.delivery import deliver_pending; deliver_pending()"
    )
    worker = subprocess.Popen(
        [sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, start_new_session=True
    )
    try:
        # Kill the worker while it is in the middle of sending the fifth message.
        assert wait_until(
            lambda: sending_file.exists() and len(sending_file.read_text().split()) >= 5
        )
        os.killpg(worker.pid, signal.SIGKILL)
    finally:
        worker.wait(timeout=30)

    sent_before = sent_file.read_text().split()
    assert len(sent_before) == 4
    assert Notification.objects.filter(status=NotificationStatus.SENT).count() == 4

    # The task runs again (acks_late redelivers it, or the sweep picks the rest up).
    settings.EMAIL_BACKEND = "tests.support.backends.SlowFileBackend"
    os.environ["TEST_EMAIL_FILE"] = str(sent_file)
    os.environ["TEST_EMAIL_DELAY"] = "0"
    try:
        assert delivery.deliver_pending() == 8
    finally:
        del os.environ["TEST_EMAIL_FILE"], os.environ["TEST_EMAIL_DELAY"]

    sent = [line.strip("<>").split("@")[0] for line in Path(sent_file).read_text().split()]
    assert sorted(sent) == sorted(f"notification-{row.pk}" for row in rows)
    assert not Notification.objects.exclude(status=NotificationStatus.SENT).exists()


def _queued_messages(server) -> list[dict]:
    """The Celery messages waiting in a private Redis, decoded."""
    client = redis.Redis(port=server.port)
    return [json.loads(raw) for raw in client.lrange("celery", 0, -1)]


def test_notifications_written_together_are_queued_in_one_message(private_redis, settings):
    settings.BROKER_BATCH_SECONDS = 30  # the thread waits; the flush below sends the batch
    private_redis.start()
    users = UserFactory.create_batch(5)
    with celery_broker(private_redis.url):
        for user in users:
            with transaction.atomic():
                services.notification_create(
                    recipient=user, kind=NotificationKind.ACCOUNT, template="welcome", context={}
                )
        assert _queued_messages(private_redis) == []  # nothing sent per notification
        broker_flush()
        messages = _queued_messages(private_redis)
    assert len(messages) == 1
    assert messages[0]["headers"]["task"] == "core.tasks.deliver_notifications"
    ids = json.loads(base64.b64decode(messages[0]["body"]))[0][0]
    assert sorted(ids) == sorted(
        Notification.objects.filter(recipient__in=users).values_list("pk", flat=True)
    )


def test_registrations_do_not_wait_for_a_broker_that_went_down(private_redis):
    """Redis stops in the middle of a rush: the registrations go on at once (a thread of the
    process queues their notices, and finding the broker gone it stops trying for a while),
    the notices wait in the outbox, and the sweep delivers each exactly once when Redis is
    back."""
    from core import broker
    from events import services as events_services
    from events.tests.factories import EventFactory

    event = EventFactory(capacity=3)
    people = UserFactory.create_batch(8)
    private_redis.start()
    with celery_broker(private_redis.url) as app:
        events_services.registration_create(user=people[0], event=event)  # broker up: queued
        assert wait_until(lambda: len(_queued_messages(private_redis)) == 1)
        private_redis.stop()

        started = time.monotonic()
        for person in people[1:]:
            events_services.registration_create(user=person, event=event)
        elapsed = time.monotonic() - started
        # Before, each registration waited about 6 s for the broker; now none waits for it.
        assert elapsed < 3.0, elapsed
        assert wait_until(broker.broker_paused)  # the queuing thread found it gone
        waiting = Notification.objects.filter(recipient__in=people[1:])
        assert waiting.count() == 7
        assert set(waiting.values_list("status", flat=True)) == {NotificationStatus.PENDING}

        private_redis.start()
        broker.broker_resume()
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            tasks.deliver_pending_notifications.delay()
            assert wait_until(
                lambda: (
                    not Notification.objects.filter(
                        recipient__in=people, status=NotificationStatus.PENDING
                    ).exists()
                )
            )
    sent_to = sorted(message.to[0] for message in mail.outbox)
    assert sent_to == sorted(person.email for person in people)
