"""Returnees register and cancel, the waitlist moves up, attendees check in.

Every change to an event's seats happens with the event's row locked, so concurrent
registrations and cancellations are counted one after another and an event never has more
confirmed registrations than its capacity; the counters on the row change in the same
transaction as the registrations they count."""

from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import NotificationKind
from core.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from core.models import User, normalize_email
from core.services import (
    PreparedNotification,
    notification_frequency,
    notification_prepare,
    user_email_verified_required,
)

from .. import seats
from ..choices import EventStatus, RegistrationStatus
from ..models import (
    ONE_LIVE_REGISTRATION,
    CheckinVolunteer,
    Event,
    Registration,
)
from ..selectors import registration_counts
from ._shared import (
    _count,
    _local,
    _lock_event,
    _notice_context,
    _notify,
    _require_manager,
    can_check_in,
    can_manage,
)

# Registrations -------------------------------------------------------------------------


def registration_window_state(event: Event, now: datetime | None = None) -> str:
    """Whether registration is `open`, or why not: `cancelled`, `not_published`, `past`,
    `not_open_yet` or `closed` (pages choose their sentence and button by it)."""
    now = now or timezone.now()
    if event.status == EventStatus.CANCELLED:
        return "cancelled"
    if event.status != EventStatus.PUBLISHED:
        return "not_published"
    if event.starts_at <= now:
        return "past"
    if now < event.registration_opens_at:
        return "not_open_yet"
    if now >= event.registration_closes_at:
        return "closed"
    return "open"


def _check_open(event: Event, now: datetime) -> None:
    state = registration_window_state(event, now)
    if state == "cancelled":
        raise ApplicationError(_("This event has been cancelled."), code="cancelled")
    if state == "not_published":
        raise ApplicationError(_("This event is not open for registration."), code="not_published")
    if state == "past":
        raise ApplicationError(_("This event has already started."), code="past")
    if state == "not_open_yet":
        raise ApplicationError(
            _("Registration opens on %(date)s (Shanghai time).")
            % {"date": _local(event.registration_opens_at)},
            code="not_open_yet",
        )
    if state == "closed":
        raise ApplicationError(
            _("Registration closed on %(date)s (Shanghai time).")
            % {"date": _local(event.registration_closes_at)},
            code="closed",
        )


def _registration_notices(
    *, user: User, event: Event, frequency_in_sql: bool
) -> dict[str, PreparedNotification]:
    """Both notices a registration may send, rendered before any lock is taken."""
    context = _notice_context(user=user, event=event)
    frequency = (
        None
        if frequency_in_sql
        else notification_frequency(user=user, kind=NotificationKind.EVENT_REGISTRATION)
    )
    return {
        status: notification_prepare(
            recipient=user,
            kind=NotificationKind.EVENT_REGISTRATION,
            template=template,
            context=context,
            frequency=frequency,
            frequency_in_sql=frequency_in_sql,
            late=late,
        )
        for status, template, late in (
            (RegistrationStatus.CONFIRMED, "event_confirmed", ()),
            (RegistrationStatus.WAITLISTED, "event_waitlisted", ("position",)),
        )
    }


def registration_create(*, user: User, event: Event) -> Registration:
    """A seat while one is free, else a place on the waitlist; the person is told which.

    What can be known beforehand is done before the event's row is touched: whether
    registration is open and both possible notices, rendered. Then, on PostgreSQL, one
    statement (`events.seats`) takes the seat or place with a conditional UPDATE of the
    event's counters and inserts the registration, its history row and the notice: the row
    is locked for that statement alone. Someone registered already is stopped by the
    one-live-registration constraint, which undoes the statement.
    """
    user_email_verified_required(user)
    now = timezone.now()
    _check_open(event, now)
    in_one_statement = connection.vendor == "postgresql"
    notices = _registration_notices(user=user, event=event, frequency_in_sql=in_one_statement)
    try:
        if not in_one_statement:
            registration = _register_step_by_step(event=event, user=user, notices=notices)
        elif connection.in_atomic_block:  # part of the caller's transaction, undone alone
            with transaction.atomic():
                registration = seats.register(event=event, user=user, now=now, notices=notices)
        else:  # one statement is its own transaction: the lock ends with it
            registration = seats.register(event=event, user=user, now=now, notices=notices)
    except IntegrityError as exc:
        if ONE_LIVE_REGISTRATION not in str(exc):
            raise
        existing = (
            Registration.objects.filter(event_id=event.pk, user=user)
            .exclude(status=RegistrationStatus.CANCELLED)
            .values_list("pk", flat=True)
            .first()
        )
        raise ConflictError(
            _("You are already registered for this event."),
            code="already_registered",
            extra={"registration": existing} if existing else None,
        ) from exc
    if registration is None:  # the event changed since it was read: say how
        event.refresh_from_db()
        _check_open(event, timezone.now())
        raise ApplicationError(_("This event is not open for registration."), code="not_open")
    return registration


@transaction.atomic
def _register_step_by_step(
    *, event: Event, user: User, notices: dict[str, PreparedNotification]
) -> Registration | None:
    """What `events.seats` does in one statement, for databases without data-modifying WITH
    (SQLite, in development: its write transactions run one at a time anyway)."""
    place = seats.take_place(event, timezone.now())
    if place is None:
        return None
    now = timezone.now()
    if place == 0:
        values = {"status": RegistrationStatus.CONFIRMED, "confirmed_at": now}
        late = {}
    else:
        values = {"status": RegistrationStatus.WAITLISTED, "waitlist_position": place}
        late = {"position": place}
    registration = Registration.objects.create(event=event, user=user, created_at=now, **values)
    notices[values["status"]].save(url=registration.get_absolute_url(), **late)
    return registration


# Renumber the waitlist 1, 2, 3, ... in the order people joined it, in one statement that
# touches only the rows whose number changes; returns their ids.
_REGISTRATIONS = Registration._meta.db_table
RENUMBER_WAITLIST = f"""
UPDATE {_REGISTRATIONS} AS waiting SET waitlist_position = ordered.place
FROM (
    SELECT id, ROW_NUMBER() OVER (ORDER BY waitlist_position, id) AS place
    FROM {_REGISTRATIONS} WHERE event_id = %s AND status = %s
) AS ordered
WHERE waiting.id = ordered.id AND waiting.waitlist_position <> ordered.place
RETURNING waiting.id
"""


def _record_history(ids: list[int]) -> None:
    """One history row per registration changed by a bulk UPDATE, in one INSERT."""
    if ids:
        Registration.history.bulk_history_create(
            Registration.objects.filter(pk__in=ids), update=True
        )


def _renumber_waitlist(event: Event) -> None:
    with connection.cursor() as cursor:
        cursor.execute(RENUMBER_WAITLIST, [event.pk, RegistrationStatus.WAITLISTED])
        _record_history([row[0] for row in cursor.fetchall()])


def _promote(event: Event) -> list[Registration]:
    """Give the free seats to the first people on the waitlist, who are told (the event row
    is locked by the caller and its counters are current)."""
    free = event.capacity - event.seats_taken
    if free <= 0 or event.waitlist_count == 0:
        return []
    promoted = list(
        event.registrations.select_related("user", "event")
        .filter(status=RegistrationStatus.WAITLISTED)
        .order_by("waitlist_position", "id")[:free]
    )
    now = timezone.now()
    Registration.objects.filter(pk__in=[row.pk for row in promoted]).update(
        status=RegistrationStatus.CONFIRMED, waitlist_position=None, confirmed_at=now
    )
    _count(event, seats_taken=len(promoted), waitlist_count=-len(promoted))
    _record_history([row.pk for row in promoted])
    _renumber_waitlist(event)
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.waitlist_position = None
        registration.confirmed_at = now
        _notify(registration, kind=NotificationKind.EVENT_REGISTRATION, template="event_promoted")
    return promoted


@transaction.atomic
def registration_cancel(*, registration: Registration, user: User) -> Registration:
    """Cancel one's registration; a freed seat goes to the first person waiting, who is told."""
    event = _lock_event(registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.user_id != user.pk and not can_manage(user, event):
        raise PermissionDeniedError(_("This is not your registration."))
    if registration.status not in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED):
        raise ConflictError(_("This registration cannot be cancelled any more."), code="status")
    if event.starts_at <= timezone.now() and event.status != EventStatus.CANCELLED:
        raise ConflictError(
            _("This event has already started; its registrations are kept as they are."),
            code="started",
        )
    held_seat = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.waitlist_position = None
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "waitlist_position", "cancelled_at"])
    if held_seat:
        _count(event, seats_taken=-1)
        if event.status == EventStatus.PUBLISHED:
            _promote(event)
    else:
        _count(event, waitlist_count=-1)
        _renumber_waitlist(event)
    return registration


def event_recount(*, event_id: int) -> dict[str, tuple[int, int]]:
    """Number the event's waitlist 1..N again, check its counters against its registrations
    and set them right; returns the counters that were wrong, each with (kept, counted)."""
    with transaction.atomic():
        event = _lock_event(event_id)
        _renumber_waitlist(event)
        counted = registration_counts(event=event)
        actual = {
            "seats_taken": counted[RegistrationStatus.CONFIRMED]
            + counted[RegistrationStatus.ATTENDED],
            "waitlist_count": counted[RegistrationStatus.WAITLISTED],
            "attended_count": counted[RegistrationStatus.ATTENDED],
        }
        wrong = {
            name: (getattr(event, name), value)
            for name, value in actual.items()
            if getattr(event, name) != value
        }
        if wrong:
            Event.objects.filter(pk=event_id).update(**actual)
            for name, value in actual.items():
                setattr(event, name, value)
            if event.status == EventStatus.PUBLISHED:
                _promote(event)  # seats found free go to the people waiting
    return wrong


# Check-in ------------------------------------------------------------------------------


@transaction.atomic
def checkin(*, event: Event, code: str, user: User) -> Registration:
    """Mark the holder of a ticket as attended; a second check-in is a conflict saying when."""
    if not can_check_in(user, event):
        raise PermissionDeniedError(_("You may not check attendees in at this event."))
    event = _lock_event(event.pk)  # before the ticket, in the order cancellations lock them
    if event.status != EventStatus.PUBLISHED:
        raise ConflictError(
            _("Check-in is only open for published events; this one is %(status)s.")
            % {"status": event.get_status_display().lower()},
            code="status",
        )
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(event=event, code=(code or "").strip())
        .first()
    )
    if registration is None:
        raise NotFoundError(_("No ticket of this event has that code."), code="unknown_code")
    if registration.status == RegistrationStatus.ATTENDED:
        raise ConflictError(
            _("%(name)s was already checked in at %(time)s.")
            % {"name": registration.attendee_name, "time": _local(registration.checked_in_at)},
            code="already_checked_in",
            extra={"checked_in_at": registration.checked_in_at.isoformat()},
        )
    if registration.status != RegistrationStatus.CONFIRMED:
        raise ConflictError(
            _("This ticket is %(status)s, not confirmed.")
            % {"status": registration.get_status_display().lower()},
            code="not_confirmed",
        )
    registration.status = RegistrationStatus.ATTENDED
    registration.checked_in_at = timezone.now()
    registration.checked_in_by = user
    registration.save(update_fields=["status", "checked_in_at", "checked_in_by"])
    _count(event, attended_count=1)
    return registration


@transaction.atomic
def volunteer_grant(*, event: Event, user: User, email: str) -> CheckinVolunteer:
    """An official lets someone (who has an account) check attendees in at one event."""
    _require_manager(user, event)
    volunteer = User.objects.filter(email=normalize_email(email), is_active=True).first()
    if volunteer is None:
        raise ApplicationError(
            _("No account has this e-mail address; ask the volunteer to sign up first."),
            code="unknown_user",
            field="email",
        )
    role, _created = CheckinVolunteer.objects.get_or_create(
        event=event, user=volunteer, defaults={"granted_by": user}
    )
    return role


@transaction.atomic
def volunteer_revoke(*, event: Event, user: User, volunteer_id: int) -> None:
    _require_manager(user, event)
    CheckinVolunteer.objects.filter(event=event, user_id=volunteer_id).delete()
