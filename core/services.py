"""Writes of the base app: accounts, official grants, notifications and their preferences."""

import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from .broker import broker_publish_batched
from .choices import Frequency, Language, NotificationKind, NotificationStatus
from .exceptions import ApplicationError
from .models import (
    District,
    DistrictGrant,
    Notification,
    NotificationPreference,
    User,
    normalize_email,
)
from .privacy import ERASED_DOMAIN

logger = logging.getLogger(__name__)


def supported_language(language: str | None) -> str:
    """The portal language closest to `language` (Chinese unless it is English)."""
    return Language.EN if (language or "").lower().startswith("en") else Language.ZH_HANS


@transaction.atomic
def user_signup(*, email: str, password: str, full_name: str, language: str = "") -> User:
    """Create a returnee account and write its welcome notification."""
    email = normalize_email(email)
    if email.endswith(f"@{ERASED_DOMAIN}"):  # the addresses erased accounts are given
        raise ApplicationError(
            _("Please use an e-mail address you can receive mail at."),
            code="email",
            field="email",
        )
    full_name = (full_name or "").strip()
    if not full_name:
        raise ApplicationError(
            _("Please enter your full name."), code="full_name", field="full_name"
        )
    if User.objects.filter(email=email).exists():
        raise ApplicationError(
            _("An account with this e-mail address already exists. Sign in instead."),
            code="email_taken",
            field="email",
        )
    candidate = User(email=email, full_name=full_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), code="password", field="password") from exc
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                password=password,
                full_name=full_name,
                language=supported_language(language or translation.get_language()),
            )
    except IntegrityError as exc:  # the same address signed up at the same moment
        raise ApplicationError(
            _("An account with this e-mail address already exists. Sign in instead."),
            code="email_taken",
            field="email",
        ) from exc
    notification_create(
        recipient=user,
        kind=NotificationKind.ACCOUNT,
        template="welcome",
        context={"full_name": user.full_name},
        url="/",
    )
    return user


def user_language_set(*, user: User, language: str) -> None:
    user.language = supported_language(language)
    user.save(update_fields=["language"])


def api_token_expired(token: Token) -> bool:
    return token.created < timezone.now() - timedelta(days=settings.API_TOKEN_DAYS)


@transaction.atomic
def api_token_issue(*, user: User) -> Token:
    """A new API token for the user: the one they had, if any, stops working (one token an
    account; a key that leaked is replaced by asking again). The account's row is locked so
    that two requests at once cannot both make one."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def api_token_revoke(*, user: User) -> None:
    """Sign out of the API: the user's token stops working."""
    Token.objects.filter(user=user).delete()


def api_token_for_credentials(*, request, email: str, password: str) -> Token:
    """Check an e-mail address and password (counted by the sign-in lockout) for a token."""
    user = authenticate(request=request, username=normalize_email(email), password=password)
    if getattr(request, "axes_locked_out", False):
        raise ApplicationError(
            _("Too many failed sign-in attempts. Try again later or reset your password."),
            code="locked_out",
        )
    if user is None:
        raise ApplicationError(
            _("The e-mail address or password is not correct."), code="authorization"
        )
    return api_token_issue(user=user)


@transaction.atomic
def district_grant(*, user: User, district: District, granted_by: User | None = None):
    """Make `user` an official of `district`; granting twice changes nothing."""
    grant, _created = DistrictGrant.objects.get_or_create(
        user=user, district=district, defaults={"granted_by": granted_by}
    )
    return grant


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

    recipient: User
    kind: str
    template: str
    context: dict
    subject: str
    body: str
    frequency: str | None  # None: the statement that writes it looks it up (frequency_sql)
    late: tuple[str, ...] = ()

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
    recipient: User,
    kind: str,
    template: str,
    context: dict | None = None,
    frequency: str | None = None,
    frequency_in_sql: bool = False,
    late: tuple[str, ...] = (),
) -> PreparedNotification:
    """Render a notification in the recipient's language, with their e-mail choice for its
    kind, without writing anything.

    Templates live at `notifications/<template>_subject.txt` and `..._body.txt`; the context
    must be JSON-serialisable, it is kept on the row. `frequency`, when the caller has looked
    it up already, spares the look-up; `frequency_in_sql` leaves it to the statement that
    writes the row (`notification_frequency_sql`).
    """
    context = context or {}
    rendering = {**context, **{name: late_marker(name) for name in late}}
    key = tuple(sorted(rendering.items()))
    try:
        hash(key)
    except TypeError:  # lists or dicts in the context: rendered each time
        subject, body = _render.__wrapped__(template, recipient.language, key)
    else:
        subject, body = _render(template, recipient.language, key)
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
    )


def notification_create(
    *,
    recipient: User,
    kind: str,
    template: str,
    context: dict | None = None,
    url: str = "",
) -> Notification:
    """Write an outbox row in the caller's transaction, rendered in the recipient's language.

    An instant notification is queued for delivery when the transaction commits; the
    periodic sweep picks it up if that fails.
    """
    if url and not url.startswith("/"):
        raise ValueError("A notification links to a path of the portal, starting with '/'.")
    prepared = notification_prepare(
        recipient=recipient, kind=kind, template=template, context=context
    )
    return prepared.save(url=url)


def _enqueue_delivery(notification_id: int) -> None:
    from .tasks import deliver_notifications

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
