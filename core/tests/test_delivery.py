import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from core import delivery, services
from core.choices import Frequency, NotificationKind, NotificationStatus
from core.models import Notification

from .factories import NotificationFactory, UserFactory


@pytest.mark.django_db
def test_an_instant_notification_is_emailed_once_with_unsubscribe_headers(settings):
    settings.SITE_URL = "https://portal.example.com"
    row = NotificationFactory(subject="Your seat is confirmed", url="/events/1/")

    assert delivery.deliver_notification(row.pk) is True
    assert delivery.deliver_notification(row.pk) is False

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [row.recipient.email]
    assert message.subject == "Your seat is confirmed"
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://portal.example.com/notifications/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "https://portal.example.com/notifications/settings/" in message.body
    assert "https://portal.example.com/events/1/" in message.body
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT
    assert row.emailed is True
    assert row.sent_at is not None


@pytest.mark.django_db
def test_the_unsubscribe_token_names_the_user_and_kind_and_cannot_be_forged():
    user = UserFactory()
    token = delivery.unsubscribe_token(user=user, kinds=[NotificationKind.MATCH])
    assert delivery.unsubscribe_token_read(token) == (user.pk, [NotificationKind.MATCH])
    assert delivery.unsubscribe_token_read(token[:-2] + "xx") is None
    assert delivery.unsubscribe_token_read("garbage") is None


@pytest.mark.django_db
def test_the_sweep_sends_pending_instant_rows_only():
    instant = NotificationFactory.create_batch(3)
    NotificationFactory(frequency=Frequency.DAILY)
    NotificationFactory(status=NotificationStatus.SENT)

    assert delivery.deliver_pending() == 3
    assert delivery.deliver_pending() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(n.recipient.email for n in instant)


@pytest.mark.django_db
def test_a_digest_lists_all_pending_rows_of_a_user_in_one_message():
    user, other = UserFactory(language="en"), UserFactory()
    for number in range(3):
        NotificationFactory(recipient=user, frequency=Frequency.DAILY, subject=f"Match {number}")
    NotificationFactory(recipient=other, frequency=Frequency.WEEKLY)

    assert delivery.deliver_digests(frequency=Frequency.DAILY) == 3
    assert delivery.deliver_digests(frequency=Frequency.DAILY) == 0

    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [user.email]
    assert digest.subject == "Your daily digest: 3 notifications"
    assert all(f"Match {number}" in digest.body for number in range(3))
    assert "List-Unsubscribe" in digest.extra_headers
    assert (
        Notification.objects.filter(recipient=other, status=NotificationStatus.PENDING).count() == 1
    )


@pytest.mark.django_db
def test_a_mail_outage_keeps_the_row_pending_with_backoff_then_marks_it_failed(settings):
    settings.EMAIL_BACKEND = "tests.support.backends.FailingBackend"
    row = NotificationFactory()
    for attempt in range(1, delivery.MAX_ATTEMPTS):
        assert delivery.deliver_notification(row.pk) is False
        row.refresh_from_db()
        assert (row.status, row.attempts) == (NotificationStatus.PENDING, attempt)
        assert "mail server down" in row.last_error
        assert row.next_attempt_at > timezone.now() + delivery.retry_delay(attempt) - timedelta(
            seconds=5
        )
    delivery.deliver_notification(row.pk)
    row.refresh_from_db()
    assert row.status == NotificationStatus.FAILED
    # After the outage an admin gives it a fresh start and the sweep sends it.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert delivery.retry_failed(ids=[row.pk]) == 1
    assert delivery.deliver_pending() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_sweep_waits_for_the_backoff_before_trying_again(settings):
    settings.EMAIL_BACKEND = "tests.support.backends.FailingBackend"
    row = NotificationFactory()
    assert delivery.deliver_pending() == 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert delivery.deliver_pending() == 0  # not due yet
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert delivery.deliver_pending() == 1


@pytest.mark.django_db
def test_an_error_after_the_server_accepted_the_message_does_not_send_it_again(settings):
    settings.EMAIL_BACKEND = "tests.support.backends.QuitFailsBackend"
    row = NotificationFactory()
    assert delivery.deliver_notification(row.pk) is True
    assert delivery.deliver_pending() == 0
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_turning_a_kind_off_stops_the_emails_already_waiting():
    user = UserFactory()
    waiting = NotificationFactory(
        recipient=user, kind=NotificationKind.MATCH, frequency=Frequency.DAILY
    )
    other = NotificationFactory(
        recipient=user, kind=NotificationKind.ACCOUNT, frequency=Frequency.DAILY
    )
    services.notifications_unsubscribe(user=user, kinds=[NotificationKind.MATCH])
    waiting.refresh_from_db()
    assert (waiting.status, waiting.emailed) == (NotificationStatus.SENT, False)
    assert delivery.deliver_digests(frequency=Frequency.DAILY) == 1
    assert other.subject in mail.outbox[0].body
    assert waiting.subject not in mail.outbox[0].body


@pytest.mark.django_db
def test_switching_to_instant_sends_what_waited_for_the_digest():
    user = UserFactory()
    waiting = NotificationFactory(
        recipient=user, kind=NotificationKind.MATCH, frequency=Frequency.WEEKLY
    )
    services.notification_preference_set(
        user=user, kind=NotificationKind.MATCH, frequency=Frequency.INSTANT
    )
    assert delivery.deliver_pending() == 1
    waiting.refresh_from_db()
    assert waiting.status == NotificationStatus.SENT


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_every_notification_exactly_once(settings):
    assert connection.vendor == "postgresql"
    settings.EMAIL_BACKEND = "tests.support.backends.SlowLocmemBackend"
    rows = NotificationFactory.create_batch(40)
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait()
            delivery.deliver_pending(limit=100)
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
    ids = [message.extra_headers["Message-ID"] for message in mail.outbox]
    assert len(ids) == len(set(ids)) == 40
    assert {f"notification-{row.pk}" for row in rows} == {i.strip("<>").split("@")[0] for i in ids}
    assert not Notification.objects.filter(status=NotificationStatus.PENDING).exists()


@pytest.mark.django_db(transaction=True)
def test_two_digest_runs_at_once_send_one_digest(settings):
    settings.EMAIL_BACKEND = "tests.support.backends.SlowLocmemBackend"
    assert connection.vendor == "postgresql"
    user = UserFactory()
    NotificationFactory.create_batch(5, recipient=user, frequency=Frequency.DAILY)
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait()
            delivery.deliver_digests(frequency=Frequency.DAILY)
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
    assert len(mail.outbox) == 1
    assert not Notification.objects.filter(status=NotificationStatus.PENDING).exists()
