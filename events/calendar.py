"""iCalendar files: one event, or a person's private feed of their registrations."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Timezone, vText
from icalendar import Event as CalendarEvent

from core.i18n import localized

from .choices import EventStatus, RegistrationStatus
from .models import Event, Registration

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Returnee Portal//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    calendar.add_component(Timezone.from_tzid("Asia/Shanghai"))
    return calendar


def _entry(event: Event, *, status: str | None = None) -> CalendarEvent:
    url = f"{settings.SITE_URL}{event.get_absolute_url()}"
    entry = CalendarEvent()
    entry.add("uid", f"event-{event.pk}@returnee-portal")
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", event.starts_at.astimezone(SHANGHAI))
    entry.add("dtend", event.ends_at.astimezone(SHANGHAI))
    entry.add("summary", localized(event, "title"))
    entry.add("description", f"{localized(event, 'summary')}\n\n{url}".strip())
    entry.add("location", vText(", ".join(part for part in (event.venue, event.address) if part)))
    entry.add("url", url)
    cancelled = event.status == EventStatus.CANCELLED or status == RegistrationStatus.CANCELLED
    entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return entry


def event_ics(event: Event) -> bytes:
    calendar = _calendar(localized(event, "title"))
    calendar.add_component(_entry(event))
    return calendar.to_ical()


def registrations_ics(registrations: list[Registration], *, name: str) -> bytes:
    calendar = _calendar(name)
    for registration in registrations:
        calendar.add_component(_entry(registration.event, status=registration.status))
    return calendar.to_ical()
