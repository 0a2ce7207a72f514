"""Writes of the events app: officials run events, returnees register, attendees check in.

Every change to an event's seats happens with the event's row locked
(`SELECT ... FOR UPDATE`), so concurrent registrations and cancellations are counted one
after another and an event never has more confirmed registrations than its capacity.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.choices import NotificationKind
from core.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from core.i18n import localized
from core.models import District, User, normalize_email
from core.services import (
    PreparedNotification,
    notification_create,
    notification_frequency,
    notification_prepare,
)

from . import seats
from .choices import EventStatus, RegistrationStatus
from .models import (
    ONE_LIVE_REGISTRATION,
    AgendaSession,
    CalendarFeed,
    CheckinVolunteer,
    Event,
    Registration,
    ReminderSent,
    Speaker,
)
from .selectors import registration_counts

MAX_CAPACITY = 100_000
EVENT_FIELDS = [
    "kind",
    "title_zh",
    "title_en",
    "summary_zh",
    "summary_en",
    "description_zh",
    "description_en",
    "organiser",
    "venue",
    "address",
    "starts_at",
    "ends_at",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "language",
]


# Permissions ---------------------------------------------------------------------------


def can_manage_district(user: User, district_id: int) -> bool:
    return user.is_authenticated and user.manages_district(district_id)


def can_manage(user: User, event: Event) -> bool:
    return can_manage_district(user, event.district_id)


def can_check_in(user: User, event: Event) -> bool:
    """Officials of the district always; volunteers only once the event is public, so a
    volunteer never sees a draft's title or attendees."""
    if can_manage(user, event):
        return True
    return (
        user.is_authenticated
        and event.status in (EventStatus.PUBLISHED, EventStatus.COMPLETED)
        and CheckinVolunteer.objects.filter(event=event, user=user).exists()
    )


def _require_manager(user: User, event: Event) -> None:
    if not can_manage(user, event):
        raise PermissionDeniedError(_("Only officials of this event's district can do this."))


# Notifications -------------------------------------------------------------------------


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _notice_context(*, user: User, event: Event) -> dict:
    language = user.language
    with translation.override(language):
        title = localized(event, "title", language)
    return {"title": title, "starts_at": _local(event.starts_at), "venue": event.venue}


def _notify(registration: Registration, *, kind: str, template: str, **extra) -> None:
    if registration.user is None:  # anonymised: nobody to tell
        return
    notification_create(
        recipient=registration.user,
        kind=kind,
        template=template,
        context={
            **_notice_context(user=registration.user, event=registration.event),
            "position": registration.waitlist_position,
            **extra,
        },
        url=registration.get_absolute_url(),
    )


def _live(event: Event):
    return event.registrations.select_related("user", "event").filter(
        status__in=[
            RegistrationStatus.CONFIRMED,
            RegistrationStatus.WAITLISTED,
        ]
    )


# Events --------------------------------------------------------------------------------


TIME_FIELDS = ["starts_at", "ends_at", "registration_opens_at", "registration_closes_at"]
EARLIEST_YEAR = 2000
YEARS_AHEAD = 10


def _to_the_minute(values: dict) -> None:
    """Times are kept to the minute, as the forms show them, so saving a page unchanged
    changes nothing (and sends no "rescheduled" notice)."""
    for field in TIME_FIELDS:
        if values.get(field) is not None:
            values[field] = values[field].replace(second=0, microsecond=0)


def _check_year(moment: datetime, field: str) -> None:
    latest = timezone.now().year + YEARS_AHEAD
    if not EARLIEST_YEAR <= moment.year <= latest:
        raise ApplicationError(
            _("Choose a date between the years %(first)d and %(last)d.")
            % {"first": EARLIEST_YEAR, "last": latest},
            code="year",
            field=field,
        )


def _validate(values: dict) -> None:
    for field in TIME_FIELDS:
        _check_year(values[field], field)
    if values["ends_at"] <= values["starts_at"]:
        raise ApplicationError(
            _("The event must end after it starts."), code="times", field="ends_at"
        )
    if values["registration_closes_at"] <= values["registration_opens_at"]:
        raise ApplicationError(
            _("Registration must close after it opens."),
            code="window",
            field="registration_closes_at",
        )
    if values["registration_closes_at"] > values["ends_at"]:
        raise ApplicationError(
            _("Registration must close before the event ends."),
            code="window",
            field="registration_closes_at",
        )
    if not 1 <= values["capacity"] <= MAX_CAPACITY:
        raise ApplicationError(
            _("Capacity must be between 1 and %(max)d.") % {"max": MAX_CAPACITY},
            code="capacity",
            field="capacity",
        )
    if not (values.get("title_zh") or "").strip() or not (values.get("title_en") or "").strip():
        raise ApplicationError(
            _("Give the event a title in Chinese and in English."), code="title", field="title_en"
        )


@transaction.atomic
def event_create(*, user: User, district: District, data: dict) -> Event:
    """An official creates an event of their district, as a draft."""
    if not can_manage_district(user, district.pk):
        raise PermissionDeniedError(_("You can create events only for your own district."))
    values = {field: data[field] for field in EVENT_FIELDS if field in data}
    _to_the_minute(values)
    _validate(values)
    event = Event.objects.create(
        district=district, created_by=user, status=EventStatus.DRAFT, **values
    )
    event.sectors.set(data.get("sectors", []))
    return event


@transaction.atomic
def event_update(*, event: Event, user: User, data: dict) -> Event:
    """Change an event. Moving its times tells everyone registered (old and new time);
    raising its capacity promotes the waitlist; it cannot drop below the seats taken."""
    event = _lock_event(event.pk)
    _require_manager(user, event)
    if event.status in (EventStatus.CANCELLED, EventStatus.COMPLETED):
        raise ConflictError(_("A cancelled or completed event cannot be changed."), code="status")
    if "district" in data and data["district"].pk != event.district_id:
        if not can_manage_district(user, data["district"].pk):
            raise PermissionDeniedError(_("You can move events only to your own districts."))
        event.district = data["district"]
    data = {**{field: getattr(event, field) for field in TIME_FIELDS}, **data}
    _to_the_minute(data)
    old_start, old_end = (
        event.starts_at.replace(second=0, microsecond=0),
        event.ends_at.replace(second=0, microsecond=0),
    )
    for field in EVENT_FIELDS:
        if field in data:
            setattr(event, field, data[field])
    _validate({field: getattr(event, field) for field in EVENT_FIELDS})
    if event.capacity < event.seats_taken:
        raise ApplicationError(
            _("%(count)d people already hold a seat; the capacity cannot be lower.")
            % {"count": event.seats_taken},
            code="capacity",
            field="capacity",
        )
    event.save()
    if "sectors" in data:
        event.sectors.set(data["sectors"])
    if event.status == EventStatus.PUBLISHED:
        _promote(event)
    if event.status == EventStatus.PUBLISHED and (old_start, old_end) != (
        event.starts_at,
        event.ends_at,
    ):
        for registration in _live(event):
            _notify(
                registration,
                kind=NotificationKind.EVENT_CHANGE,
                template="event_rescheduled",
                old_starts_at=_local(old_start),
            )
    return event


@transaction.atomic
def event_publish(*, event: Event, user: User) -> Event:
    event = _lock_event(event.pk)
    _require_manager(user, event)
    if event.status != EventStatus.DRAFT:
        raise ConflictError(_("Only a draft can be published."), code="status")
    if event.ends_at <= timezone.now():
        raise ApplicationError(
            _("This event is already over; change its times first."), code="past"
        )
    event.status = EventStatus.PUBLISHED
    event.published_at = timezone.now()
    event.save(update_fields=["status", "published_at", "updated_at"])
    return event


@transaction.atomic
def event_cancel(*, event: Event, user: User, reason: str = "") -> Event:
    """Cancel an event; everyone registered is told, with the reason."""
    event = _lock_event(event.pk)
    _require_manager(user, event)
    if event.status not in (EventStatus.DRAFT, EventStatus.PUBLISHED):
        raise ConflictError(_("This event cannot be cancelled any more."), code="status")
    was_published = event.status == EventStatus.PUBLISHED
    event.status = EventStatus.CANCELLED
    event.cancel_reason = (reason or "").strip()
    event.save(update_fields=["status", "cancel_reason", "updated_at"])
    if was_published:
        for registration in _live(event):
            _notify(
                registration,
                kind=NotificationKind.EVENT_CHANGE,
                template="event_cancelled",
                reason=event.cancel_reason,
            )
    return event


@transaction.atomic
def event_agenda_set(
    *, event: Event, user: User, speakers: list[dict], sessions: list[dict]
) -> None:
    """Replace an event's speakers and agenda. `speakers`: dicts of name, title,
    organisation, bio; `sessions`: dicts of starts_at, ends_at, title_zh, title_en and
    speaker_names (names from `speakers`)."""
    _require_manager(user, event)
    event.sessions.all().delete()
    event.speakers.all().delete()
    by_name = {}
    for order, entry in enumerate(speakers):
        name = entry["name"].strip()
        by_name[name] = Speaker.objects.create(
            event=event,
            name=name,
            title=entry.get("title", ""),
            organisation=entry.get("organisation", ""),
            bio=entry.get("bio", ""),
            sort_order=order,
        )
    for entry in sessions:
        _check_year(entry["starts_at"], "starts_at")
        if entry.get("ends_at") is not None:
            _check_year(entry["ends_at"], "ends_at")
        unknown = [name for name in entry.get("speaker_names", []) if name not in by_name]
        if unknown:
            raise ApplicationError(
                _("Add %(names)s to the speakers first.") % {"names": ", ".join(unknown)},
                code="speaker",
            )
        session = AgendaSession.objects.create(
            event=event,
            starts_at=entry["starts_at"],
            ends_at=entry.get("ends_at"),
            title_zh=entry["title_zh"],
            title_en=entry["title_en"],
        )
        session.speakers.set([by_name[name] for name in entry.get("speaker_names", [])])


@transaction.atomic
def event_save(
    *,
    user: User,
    event: Event | None,
    data: dict,
    speakers: list[dict],
    sessions: list[dict],
) -> Event:
    """Create (with `data["district"]`) or change an event together with its agenda."""
    if event is None:
        data = dict(data)
        event = event_create(user=user, district=data.pop("district"), data=data)
    else:
        event = event_update(event=event, user=user, data=data)
    event_agenda_set(event=event, user=user, speakers=speakers, sessions=sessions)
    return event


def events_complete_finished(*, now: datetime | None = None) -> int:
    """Mark published events that have ended as completed."""
    now = now or timezone.now()
    return Event.objects.filter(status=EventStatus.PUBLISHED, ends_at__lte=now).update(
        status=EventStatus.COMPLETED
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


def _lock_event(event_id: int) -> Event:
    return Event.objects.select_for_update().get(pk=event_id)


def _count(event: Event, **changes: int) -> None:
    """Change the counters of a locked event by the given amounts, on the row and the instance."""
    Event.objects.filter(pk=event.pk).update(
        **{name: F(name) + amount for name, amount in changes.items()}
    )
    for name, amount in changes.items():
        setattr(event, name, getattr(event, name) + amount)


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


# Personal data --------------------------------------------------------------------------

ANONYMISE_BATCH = 1000


def registrations_anonymise(registrations) -> int:
    """Detach registrations from their attendees (and who checked them in), in their rows and
    their history; status, times and ticket counts stay, so the events' figures do not
    change. Works through the rows in batches, each in its own transaction."""
    count = 0
    ids = list(registrations.filter(anonymised_at__isnull=True).values_list("pk", flat=True))
    history = Registration.history.model
    for start in range(0, len(ids), ANONYMISE_BATCH):
        batch = ids[start : start + ANONYMISE_BATCH]
        with transaction.atomic():
            count += Registration.objects.filter(pk__in=batch).update(
                user=None, checked_in_by=None, anonymised_at=timezone.now()
            )
            history.objects.filter(id__in=batch).update(user=None, checked_in_by=None)
    return count


def attendees_anonymise_past(*, now: datetime | None = None) -> int:
    """Anonymise the attendees of events that ended more than ATTENDEE_RETENTION_DAYS ago."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ATTENDEE_RETENTION_DAYS)
    return registrations_anonymise(Registration.objects.filter(event__ends_at__lt=cutoff))
