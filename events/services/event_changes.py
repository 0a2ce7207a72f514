"""Officials create, change, publish and cancel their district's events."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import NotificationKind
from core.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from core.models import District, User

from ..choices import EventStatus
from ..models import (
    AgendaSession,
    Event,
    Speaker,
)
from ._shared import _live, _local, _lock_event, _notify, _require_manager, can_manage_district
from .registrations import _promote

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
