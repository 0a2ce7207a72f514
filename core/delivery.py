"""E-mail delivery of the notification outbox, exactly once.

Each row (or each user's digest) is sent inside its own transaction that holds the row lock
(`SELECT ... FOR UPDATE SKIP LOCKED`) from the moment it is claimed until it is marked sent.
Two workers never claim the same row, and a worker that dies before the commit leaves the row
pending, so the next run sends it. The one window left is between the mail server accepting a
message and the commit that follows it; every message carries a Message-ID derived from the
row, so a mail server or client that sees the same message again can drop it.
"""

import logging
import secrets
import time
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db import connection as db_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .choices import Frequency, NotificationStatus
from .models import Notification, UnsubscribeKey, User

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10  # with the backoff below, about eleven hours of mail-server outage
# Version 2: links name the person by their random key (version 1, which showed the account's
# id, is no longer accepted).
UNSUBSCRIBE_SALT = "core.notifications.unsubscribe.2"
DIGEST_LOCK = 0x646967  # the advisory lock class of digest runs, with the person's id


def unsubscribe_key(user: User) -> str:
    """The person's random key for unsubscribe links, made with their first e-mail."""
    try:
        return user.unsubscribe_key.key
    except UnsubscribeKey.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            return UnsubscribeKey.objects.create(user=user, key=secrets.token_urlsafe(18)).key
    except IntegrityError:  # another worker made it at the same moment
        return UnsubscribeKey.objects.get(user=user).key


def unsubscribe_token(*, user: User, kinds: list[str]) -> str:
    """The token of an unsubscribe link: signed and dated, naming the person only by their
    random key (not their id or address), valid for UNSUBSCRIBE_LINK_DAYS."""
    return signing.dumps(
        {"r": unsubscribe_key(user), "k": sorted(set(kinds))}, salt=UNSUBSCRIBE_SALT
    )


def unsubscribe_token_read(token: str) -> tuple[int, list[str]] | None:
    """The account and kinds of a link's token; None if it is forged, older than
    UNSUBSCRIBE_LINK_DAYS, or the account has been erased since (its key is gone)."""
    try:
        data = signing.loads(
            token, salt=UNSUBSCRIBE_SALT, max_age=timedelta(days=settings.UNSUBSCRIBE_LINK_DAYS)
        )
    except signing.BadSignature:  # SignatureExpired included
        return None
    if not isinstance(data, dict) or not isinstance(data.get("r"), str):
        return None
    kinds = data.get("k") or []
    if not isinstance(kinds, list):
        return None
    user_id = UnsubscribeKey.objects.filter(key=data["r"]).values_list("user_id", flat=True).first()
    if user_id is None:
        return None
    return user_id, [str(kind) for kind in kinds]


def _absolute(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path}"


def _message(*, user: User, kinds: list[str], subject: str, body: str, message_id: str):
    unsubscribe_url = _absolute(
        reverse("core:unsubscribe", args=[unsubscribe_token(user=user, kinds=kinds)])
    )
    with translation.override(user.language):
        footer = render_to_string(
            "notifications/email_footer.txt",
            {
                "preferences_url": _absolute(reverse("core:notification_preferences")),
                "unsubscribe_url": unsubscribe_url,
            },
        )
    return EmailMessage(
        subject=subject,
        body=f"{body}\n\n{footer.strip()}\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Message-ID": _message_id(message_id),
        },
    )


def _address_message(row: Notification) -> EmailMessage:
    """A message to an address without an account: no settings to point to, nothing to
    unsubscribe from (it is sent once, because someone asked for it)."""
    return EmailMessage(
        subject=row.subject,
        body=f"{_with_link(row.body, row.url)}\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.address],
        headers={"Message-ID": _message_id(f"notification-{row.pk}")},
    )


def _message_id(name: str) -> str:
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"<{name}@{domain or 'localhost'}>"


def retry_delay(attempts: int) -> timedelta:
    """Back off: 1, 2, 4, ... minutes after each failure, at most six hours."""
    return timedelta(minutes=min(2 ** (attempts - 1), 360))


def _record_failure(rows: list[Notification], error: Exception) -> None:
    now = timezone.now()
    for row in rows:
        row.attempts += 1
        row.last_error = f"{type(error).__name__}: {error}"[:2000]
        row.next_attempt_at = now + retry_delay(row.attempts)
        if row.attempts >= MAX_ATTEMPTS:
            row.status = NotificationStatus.FAILED
        row.save(update_fields=["attempts", "last_error", "next_attempt_at", "status"])
    logger.warning("E-mail delivery failed for notifications %s", [row.pk for row in rows])


def _send(message: EmailMessage) -> None:
    """Open the connection, send; closing it is left to `_close` after the commit, so an
    error while saying goodbye to the mail server cannot make a sent message look unsent."""
    message.connection.open()
    message.connection.send_messages([message])


def _close(connection) -> None:
    try:
        connection.close()
    except Exception:
        logger.info("Closing the mail connection failed", exc_info=True)


def retry_failed(*, ids: list[int]) -> int:
    """Give failed notifications a fresh set of attempts (an admin action after an outage)."""
    return Notification.objects.filter(pk__in=ids, status=NotificationStatus.FAILED).update(
        status=NotificationStatus.PENDING, attempts=0, next_attempt_at=None
    )


def deliver_notification(notification_id: int) -> bool:
    """Send one pending instant notification; False if it is gone, sent or being sent."""
    connection = get_connection()
    try:
        return _deliver_notification(notification_id, connection)
    finally:
        _close(connection)


def deliver_notifications(notification_ids: list[int]) -> int:
    """Send several pending instant notifications over one mail connection; how many went."""
    connection = get_connection()
    try:
        return sum(
            1
            for notification_id in notification_ids
            if _deliver_notification(notification_id, connection)
        )
    finally:
        _close(connection)


def _deliver_notification(notification_id: int, connection) -> bool:
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient", "recipient__unsubscribe_key")
            .filter(
                pk=notification_id,
                status=NotificationStatus.PENDING,
                frequency=Frequency.INSTANT,
            )
            .first()
        )
        if row is None:
            return False
        if row.recipient is None:
            message = _address_message(row)
        else:
            message = _message(
                user=row.recipient,
                kinds=[row.kind],
                subject=row.subject,
                body=_with_link(row.body, row.url),
                message_id=f"notification-{row.pk}",
            )
        message.connection = connection
        try:
            _send(message)
        except SoftTimeLimitExceeded:
            raise
        except Exception as exc:  # noqa: BLE001 - any transport error leaves it for a retry
            _record_failure([row], exc)
            _close(connection)  # the next row of a batch opens a fresh connection
            return False
        row.status = NotificationStatus.SENT
        row.sent_at = timezone.now()
        row.emailed = True
        row.save(update_fields=["status", "sent_at", "emailed"])
        return True


def _with_link(body: str, url: str) -> str:
    return f"{body}\n\n{_absolute(url)}" if url else body


SWEEP_SECONDS = 45  # a sweep runs every minute: it stops taking new batches after this


def deliver_pending(*, limit: int | None = None) -> int:
    """Send the pending instant notifications (the sweep after a broker or mail outage), in
    batches of NOTIFICATION_BATCH_SIZE over one mail connection each, until none is left or
    SWEEP_SECONDS have passed (a broker outage in a rush leaves thousands); `limit` sends
    one batch of that many."""
    started = time.monotonic()
    sent = 0
    while True:
        ids = list(
            Notification.objects.filter(
                status=NotificationStatus.PENDING, frequency=Frequency.INSTANT
            )
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now()))
            .order_by("created_at", "id")
            .values_list("id", flat=True)[: limit or settings.NOTIFICATION_BATCH_SIZE]
        )
        done = deliver_notifications(ids)
        sent += done
        if limit or not done or time.monotonic() - started > SWEEP_SECONDS:
            return sent


def deliver_digest(*, user_id: int, frequency: str) -> int:
    """Send one message listing all of a user's pending notifications of a digest frequency."""
    connection = get_connection()
    try:
        return _deliver_digest(user_id, frequency, connection)
    finally:
        _close(connection)


def _digest_lock(user_id: int) -> bool:
    """One digest run per person at a time (a PostgreSQL advisory lock held to the end of the
    transaction): `SKIP LOCKED` alone let two runs that met split one person's rows between
    them and send two digests. False when another run holds it (that run sends them all)."""
    if db_connection.vendor != "postgresql":
        return True  # SQLite writes one transaction at a time
    with db_connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(%s::bigint)", [(DIGEST_LOCK << 32) | user_id]
        )
        return cursor.fetchone()[0]


def _deliver_digest(user_id: int, frequency: str, connection) -> int:
    with transaction.atomic():
        if not _digest_lock(user_id):
            return 0
        rows = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(recipient_id=user_id, status=NotificationStatus.PENDING, frequency=frequency)
            .order_by("created_at", "id")
        )
        if not rows:
            return 0
        user = User.objects.select_related("unsubscribe_key").get(pk=user_id)
        with translation.override(user.language):
            subject = render_to_string(
                "notifications/digest_subject.txt",
                {"count": len(rows), "frequency": frequency},
            )
            body = render_to_string(
                "notifications/digest_body.txt",
                {
                    "items": [
                        {
                            "subject": row.subject,
                            "body": row.body,
                            "url": _absolute(row.url) if row.url else "",
                        }
                        for row in rows
                    ]
                },
            )
        message = _message(
            user=user,
            kinds=sorted({row.kind for row in rows}),
            subject=" ".join(subject.split()),
            body=body.strip(),
            message_id=f"digest-{frequency}-{rows[0].pk}-{rows[-1].pk}",
        )
        message.connection = connection
        try:
            _send(message)
        except SoftTimeLimitExceeded:
            raise
        except Exception as exc:  # noqa: BLE001
            _record_failure(rows, exc)
            return 0
        now = timezone.now()
        Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
            status=NotificationStatus.SENT, sent_at=now, emailed=True
        )
        return len(rows)


def deliver_digests(*, frequency: str) -> int:
    """Send the digest of every user with pending notifications of `frequency`."""
    user_ids = (
        Notification.objects.filter(status=NotificationStatus.PENDING, frequency=frequency)
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    return sum(deliver_digest(user_id=user_id, frequency=frequency) for user_id in user_ids)
