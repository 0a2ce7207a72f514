"""Notifications: rendered in the recipient's language, written to the outbox in the caller's
transaction, and the e-mail choices of each kind."""

from dataclasses import dataclass
from functools import lru_cache

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..broker import broker_publish_batched
from ..choices import Frequency, Language, NotificationKind, NotificationStatus
from ..exceptions import ApplicationError
from ..models import (
    Notification,
    NotificationPreference,
    User,
    normalize_email,
)


def supported_language(language: str | None) -> str:
    """The portal language closest to `language` (Chinese unless it is English)."""
    return Language.EN if (language or "").lower().startswith("en") else Language.ZH_HANS


def notification_frequency_sql(*, user: str, kind: str, now: str) -> tuple[str, str, str]:
    """`notification_frequency()` and what follows from it in `PreparedNotification`, as SQL
    for a statement that writes a notice without a look-up of its own: the frequency (to be
    selected AS frequency), and the status and sent_at expressions that read it. `user` and
    `kind` name the statement's parameters, `now` is an SQL expression of the moment."""
    table = NotificationPreference._meta.db_table
    frequency = (
        f"COALESCE((SELECT frequency FROM {table} WHERE user_id = %({user})s"
        f" AND kind = %({kind})s), '{Frequency.INSTANT}')"
    )
    off = f"frequency = '{Frequency.OFF}'"
    status = (
        f"CASE WHEN {off} THEN '{NotificationStatus.SENT}' ELSE '{NotificationStatus.PENDING}' END"
    )
    return frequency, status, f"CASE WHEN {off} THEN {now} END"


def notification_frequency(*, user: User, kind: str) -> str:
    frequency = NotificationPreference.objects.filter(user=user, kind=kind).values_list(
        "frequency", flat=True
    )[:1]
    return next(iter(frequency), Frequency.INSTANT)


@dataclass
class PreparedNotification:
    """A notification rendered ahead of the transaction that writes it, so that a service
    holding a lock only inserts a row. Values known only inside that transaction (a place on
    a waitlist, the link to a row not yet made) are named in `late` and given to `save()`."""

    recipient: User | None
    kind: str
    template: str
    context: dict
    subject: str
    body: str
    frequency: str | None  # None: the statement that writes it looks it up (frequency_sql)
    late: tuple[str, ...] = ()
    actor: User | None = None  # the person the text names, if not the recipient

    def unsaved(self, *, url: str = "", **late) -> Notification:
        """The outbox row, not written: the late values given are filled in, the others keep
        their markers (`late_marker(name)`) for a caller that fills them in SQL."""
        if url and not url.startswith("/"):
            raise ValueError("A notification links to a path of the portal, starting with '/'.")
        subject, body = self.subject, self.body
        for name, value in late.items():
            subject = subject.replace(late_marker(name), str(value))
            body = body.replace(late_marker(name), str(value))
        now = timezone.now()
        inbox_only = self.frequency == Frequency.OFF
        subject = " ".join(subject.split())
        if not any(late_marker(name) in subject for name in self.late):
            subject = subject[:200]  # with a marker left, the caller fills it in, then cuts
        return Notification(
            recipient=self.recipient,
            kind=self.kind,
            subject=subject,
            body=body.strip(),
            url=url,
            template=self.template,
            context={**self.context, **late},
            actor=self.actor,
            frequency=self.frequency,
            created_at=now,
            # In the inbox only: nothing to e-mail, so it is delivered as it commits.
            status=NotificationStatus.SENT if inbox_only else NotificationStatus.PENDING,
            sent_at=now if inbox_only else None,
        )

    def save(self, *, url: str = "", **late) -> Notification:
        """Write the outbox row in the caller's transaction (one INSERT) and queue an instant
        one for delivery when that transaction commits."""
        if set(late) != set(self.late):
            raise ValueError(f"Late values {sorted(self.late)} are needed, got {sorted(late)}.")
        notification = self.unsaved(url=url, **late)
        notification.save(force_insert=True)
        self.written(notification.pk)
        return notification

    def written(self, notification_id: int, frequency: str | None = None) -> None:
        """The row is written (by `save()`, or by the caller's SQL, which may have decided
        its `frequency`): an instant one is queued for delivery when the transaction commits."""
        if (frequency or self.frequency) == Frequency.INSTANT:
            transaction.on_commit(lambda: _enqueue_delivery(notification_id), robust=True)


def late_marker(name: str) -> str:
    """Stands in the rendered text for a late value (printable: it may travel in SQL)."""
    return f"\u27e6{name}\u27e7"


@lru_cache(maxsize=2048)
def _render(template: str, language: str, context: tuple) -> tuple[str, str]:
    """A notice's subject and body: a pure function of its template, language and context,
    so the thousands of people told the same thing at once (a registration rush, a reminder
    run) share one rendering per process."""
    with translation.override(language):
        subject = render_to_string(f"notifications/{template}_subject.txt", dict(context))
        body = render_to_string(f"notifications/{template}_body.txt", dict(context))
    return subject, body


def notification_prepare(
    *,
    recipient: User | None,
    kind: str,
    template: str,
    context: dict | None = None,
    frequency: str | None = None,
    frequency_in_sql: bool = False,
    late: tuple[str, ...] = (),
    language: str = "",
    actor: User | None = None,
) -> PreparedNotification:
    """Render a notification in the recipient's language (or `language`, for a message to
    an address without an account), with their e-mail choice for its kind, without writing
    anything.

    Templates live at `notifications/<template>_subject.txt` and `..._body.txt`; the context
    must be JSON-serialisable, it is kept on the row. `frequency`, when the caller has looked
    it up already, spares the look-up; `frequency_in_sql` leaves it to the statement that
    writes the row (`notification_frequency_sql`). `actor`: the person other than the
    recipient whose name the context holds (see `core.privacy.erase_core`).
    """
    context = context or {}
    language = recipient.language if recipient is not None else supported_language(language)
    rendering = {**context, **{name: late_marker(name) for name in late}}
    key = tuple(sorted(rendering.items()))
    try:
        hash(key)
    except TypeError:  # lists or dicts in the context: rendered each time
        subject, body = _render.__wrapped__(template, language, key)
    else:
        subject, body = _render(template, language, key)
    return PreparedNotification(
        recipient=recipient,
        kind=kind,
        template=template,
        context=context,
        subject=subject,
        body=body,
        frequency=None
        if frequency_in_sql
        else frequency or notification_frequency(user=recipient, kind=kind),
        late=tuple(late),
        actor=actor,
    )


def notification_create(
    *,
    recipient: User,
    kind: str,
    template: str,
    context: dict | None = None,
    url: str = "",
    always_email: bool = False,
    actor: User | None = None,
) -> Notification:
    """Write an outbox row in the caller's transaction, rendered in the recipient's language.

    An instant notification is queued for delivery when the transaction commits; the
    periodic sweep picks it up if that fails. `always_email` sends it at once whatever the
    recipient chose for its kind: a message about the account's security (a password reset,
    a verification link) cannot wait for a digest nor be turned off. `actor`: the person
    other than the recipient whose name the context holds, if any (their erasure removes it).
    """
    if url and not url.startswith("/"):
        raise ValueError("A notification links to a path of the portal, starting with '/'.")
    prepared = notification_prepare(
        recipient=recipient,
        kind=kind,
        template=template,
        context=context,
        frequency=Frequency.INSTANT if always_email else None,
        actor=actor,
    )
    return prepared.save(url=url)


def notification_to_address(
    *,
    address: str,
    language: str,
    kind: str,
    template: str,
    context: dict | None = None,
    url: str = "",
    actor: User | None = None,
) -> Notification:
    """E-mail someone who may have no account (an invitation to an address), through the same
    outbox: rendered in `language`, sent at once with the link to `url`, shown in no inbox."""
    prepared = notification_prepare(
        recipient=None,
        kind=kind,
        template=template,
        context=context,
        frequency=Frequency.INSTANT,
        language=language,
        actor=actor,
    )
    notification = prepared.unsaved(url=url)
    notification.address = normalize_email(address)
    notification.language = supported_language(language)
    notification.save(force_insert=True)
    prepared.written(notification.pk)
    return notification


def _enqueue_delivery(notification_id: int) -> None:
    from ..tasks import deliver_notifications

    broker_publish_batched(deliver_notifications, notification_id)


@transaction.atomic
def notification_preference_set(*, user: User, kind: str, frequency: str):
    """Choose how one kind is e-mailed; notifications of that kind still waiting to be
    e-mailed follow the new choice (so "off" stops them too)."""
    if kind not in NotificationKind.values:
        raise ApplicationError(_("Unknown notification kind."), code="kind")
    if frequency not in Frequency.values:
        raise ApplicationError(_("Unknown frequency."), code="frequency")
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"frequency": frequency}
    )
    waiting = Notification.objects.select_for_update().filter(
        recipient=user, kind=kind, status=NotificationStatus.PENDING
    )
    if frequency == Frequency.OFF:
        waiting.update(frequency=frequency, status=NotificationStatus.SENT, sent_at=timezone.now())
    else:
        waiting.update(frequency=frequency)
    return preference


@transaction.atomic
def notification_preferences_set(*, user: User, choices: dict[str, str]) -> None:
    """Several kinds at once, all or nothing."""
    for kind, frequency in choices.items():
        notification_preference_set(user=user, kind=kind, frequency=frequency)


@transaction.atomic
def notifications_unsubscribe(*, user: User, kinds: list[str]) -> None:
    """Stop e-mail of the given kinds (all kinds when empty); the inbox still shows them."""
    for kind in kinds or NotificationKind.values:
        notification_preference_set(user=user, kind=kind, frequency=Frequency.OFF)


def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(id__in=ids)
    return rows.update(read_at=timezone.now())
