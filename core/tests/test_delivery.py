import base64
import json
import threading
import time
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core import delivery, privacy, services
from core.choices import Frequency, NotificationKind, NotificationStatus
from core.models import Notification, NotificationPreference, UnsubscribeKey, User

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


# Unsubscribe links ----------------------------------------------------------------------------


def signed_days_ago(token: str, days: int) -> str:
    """The same link as if it had been sent `days` ago."""
    payload = signing.loads(token, salt=delivery.UNSUBSCRIBE_SALT)

    class Earlier(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - days * 24 * 60 * 60)

    return Earlier(salt=delivery.UNSUBSCRIBE_SALT).sign_object(payload)


def link_in_sent_email(user: User) -> str:
    row = NotificationFactory(recipient=user, kind=NotificationKind.EVENT_REMINDER)
    assert delivery.deliver_notification(row.pk)
    link = mail.outbox[-1].extra_headers["List-Unsubscribe"].strip("<>")
    assert link in mail.outbox[-1].body
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


@pytest.mark.django_db
def test_a_fresh_unsubscribe_link_asks_to_confirm_and_works_with_one_click():
    user = UserFactory()
    path = link_in_sent_email(user)
    browser = Client(enforce_csrf_checks=True)  # no session, no CSRF token: a mail client
    confirm = browser.get(path)
    assert confirm.status_code == 200 and b"<form" in confirm.content
    assert not NotificationPreference.objects.filter(user=user).exists()
    assert browser.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    preference = NotificationPreference.objects.get(user=user)
    assert (preference.kind, preference.frequency) == (NotificationKind.EVENT_REMINDER, "off")


@pytest.mark.django_db
def test_an_unsubscribe_link_expires(settings, client):
    user = UserFactory()
    token = delivery.unsubscribe_token(user=user, kinds=[NotificationKind.MATCH])
    assert settings.UNSUBSCRIBE_LINK_DAYS == 90
    assert delivery.unsubscribe_token_read(signed_days_ago(token, 89)) == (
        user.pk,
        [NotificationKind.MATCH],
    )
    expired = signed_days_ago(token, 91)
    assert delivery.unsubscribe_token_read(expired) is None
    settings.UNSUBSCRIBE_LINK_DAYS = 30
    assert delivery.unsubscribe_token_read(signed_days_ago(token, 31)) is None
    assert delivery.unsubscribe_token_read(token) is not None

    page = client.get(reverse("core:unsubscribe", args=[expired]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 400
    assert "has expired or is not valid" in page.content.decode()
    assert reverse("core:notification_preferences") in page.content.decode()
    one_click = client.post(reverse("core:unsubscribe", args=[expired]))
    assert one_click.status_code == 400
    assert not NotificationPreference.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_an_unsubscribe_link_does_not_reveal_whom_it_is_for():
    first, second = UserFactory(), UserFactory()
    token = delivery.unsubscribe_token(user=first, kinds=[NotificationKind.MATCH])
    # Decoded the way anyone can (the part before the signature is base64 JSON) ...
    data = token.split(":", 1)[0]
    readable = json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    # ... and the way the server does: neither holds the id or the address, only a random key.
    for payload in (readable, signing.loads(token, salt=delivery.UNSUBSCRIBE_SALT)):
        assert payload == {"r": UnsubscribeKey.objects.get(user=first).key, "k": ["match"]}
    assert first.email not in token and first.email.split("@")[0] not in token
    key = UnsubscribeKey.objects.get(user=first).key
    delivery.unsubscribe_token(user=second, kinds=[])
    other_key = UnsubscribeKey.objects.get(user=second).key
    assert len(key) >= 24 and key != other_key
    assert str(first.pk) != key and str(second.pk) != other_key
    # One key a person: the next e-mail's link names them the same way.
    again = delivery.unsubscribe_token(user=User.objects.get(pk=first.pk), kinds=["match"])
    assert signing.loads(again, salt=delivery.UNSUBSCRIBE_SALT)["r"] == key


@pytest.mark.django_db
def test_a_tampered_or_old_style_unsubscribe_link_is_refused():
    user = UserFactory()
    token = delivery.unsubscribe_token(user=user, kinds=[NotificationKind.MATCH])
    data, timestamp, signature = token.split(":")
    other = delivery.unsubscribe_token(user=UserFactory(), kinds=[NotificationKind.MATCH])
    refused = [
        f"{other.split(':')[0]}:{timestamp}:{signature}",  # someone else's key, this signature
        f"{data}:{timestamp}:{signature[::-1]}",
        f"{data}:{signing.b62_encode(int(time.time()) + 3600)}:{signature}",  # a later date
        # The links of the previous version, with the account's id.
        signing.dumps({"u": user.pk, "k": ["match"]}, salt="core.notifications.unsubscribe"),
        signing.dumps({"u": user.pk, "k": ["match"]}, salt=delivery.UNSUBSCRIBE_SALT),
        signing.dumps({"r": 12345, "k": ["match"]}, salt=delivery.UNSUBSCRIBE_SALT),
        signing.dumps({"r": "not-a-key", "k": ["match"]}, salt=delivery.UNSUBSCRIBE_SALT),
        signing.dumps({"r": UnsubscribeKey.objects.get(user=user).key, "k": "match"}, salt="x"),
        "garbage",
    ]
    for bad in refused:
        assert delivery.unsubscribe_token_read(bad) is None, bad
    assert delivery.unsubscribe_token_read(token) == (user.pk, [NotificationKind.MATCH])


@pytest.mark.django_db
def test_erasing_the_account_ends_its_unsubscribe_links(client):
    user = UserFactory()
    path = link_in_sent_email(user)
    token = delivery.unsubscribe_token(user=user, kinds=[])

    privacy.erase_user(user)

    assert delivery.unsubscribe_token_read(token) is None
    assert not UnsubscribeKey.objects.filter(user=user).exists()
    assert client.post(path).status_code == 400


@pytest.mark.django_db(transaction=True)
def test_two_workers_mailing_one_person_at_once_give_them_one_key():
    assert connection.vendor == "postgresql"
    user = UserFactory()
    barrier = threading.Barrier(2)
    keys, errors = [], []

    def worker():
        try:
            barrier.wait()
            with transaction.atomic():
                token = delivery.unsubscribe_token(user=User.objects.get(pk=user.pk), kinds=[])
                time.sleep(0.2)  # the other one tries while this one has not committed
            keys.append(signing.loads(token, salt=delivery.UNSUBSCRIBE_SALT)["r"])
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
    assert keys == [UnsubscribeKey.objects.get(user=user).key] * 2
