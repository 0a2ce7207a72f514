"""Reads of the events app shared by pages and the API; each owns its joins."""

from django.db.models import Count, F, Max, Min, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from core import permissions
from core.models import User

from .choices import SEAT_STATUSES, EventStatus, RegistrationStatus
from .models import AgendaSession, Event, Registration

PUBLIC_STATUSES = [EventStatus.PUBLISHED, EventStatus.CANCELLED, EventStatus.COMPLETED]
# What registering never reads (loaded only if something asks for it).
LONG_TEXTS = ["summary_zh", "summary_en", "description_zh", "description_en", "cancel_reason"]


def visible_events(*, user: User | None = None) -> QuerySet[Event]:
    """Events a person may see: public ones, and the drafts of districts they manage. Seat
    figures are the events' own counters: nothing is counted per read."""
    managed = permissions.district_q(user)
    if managed is None:
        return Event.objects.all()
    return Event.objects.filter(Q(status__in=PUBLIC_STATUSES) | managed)


def event_for_action(*, user: User | None, event_id: int) -> Event | None:
    """One event the person may see, without its relations: what registering needs. (The
    row by its key, then the same rule as `visible_events` in Python: a registration rush
    asks for it thousands of times a minute.)"""
    rows = Event.objects.filter(pk=event_id).defer(*LONG_TEXTS).order_by()[:1]
    event = next(iter(rows), None)
    if event is None or event.status in PUBLIC_STATUSES:
        return event
    if permissions.manages_district(user, event.district_id):
        return event
    return None


def event_list(*, user: User | None = None) -> QuerySet[Event]:
    return (
        visible_events(user=user)
        .select_related("district", "organiser")
        .prefetch_related("sectors")
        .order_by("starts_at", "id")
    )


def event_detail(*, user: User | None, event_id: int) -> Event | None:
    return (
        event_list(user=user)
        .prefetch_related(
            "speakers",
            Prefetch("sessions", queryset=AgendaSession.objects.prefetch_related("speakers")),
        )
        .filter(pk=event_id)
        .first()
    )


def managed_events(*, user: User) -> QuerySet[Event]:
    """Every event (drafts too) of the districts the user is an official of."""
    events = permissions.in_managed_districts(Event.objects.all(), user)
    return events.select_related("district").order_by("-starts_at", "-id")


def registration_list(*, event: Event) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(event=event)
        .select_related("user", "checked_in_by")
        .order_by("status", "waitlist_position", "created_at", "id")
    )


def registration_counts(*, event: Event) -> dict[str, int]:
    counts = dict(
        Registration.objects.filter(event=event)
        .order_by()
        .values_list("status")
        .annotate(count=Count("id"))
    )
    return {status: counts.get(status, 0) for status in RegistrationStatus.values}


def my_registrations(*, user: User) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(user=user)
        .select_related("event__district")
        .order_by("-event__starts_at", "-id")
    )


def counter_mismatches(*, event_ids: list[int] | None = None) -> list[dict]:
    """Events whose seat counters differ from their registrations, or whose waitlist is not
    numbered 1..N without gap or repeat: one set-based query, for `events_recount` and tests."""
    waiting = Q(registrations__status=RegistrationStatus.WAITLISTED)
    events = Event.objects.all() if event_ids is None else Event.objects.filter(pk__in=event_ids)
    rows = (
        events.annotate(
            counted_seats=Count("registrations", filter=Q(registrations__status__in=SEAT_STATUSES)),
            counted_waitlist=Count("registrations", filter=waiting),
            counted_attended=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.ATTENDED)
            ),
            first_place=Coalesce(Min("registrations__waitlist_position", filter=waiting), 0),
            last_place=Coalesce(Max("registrations__waitlist_position", filter=waiting), 0),
            distinct_places=Count(
                "registrations__waitlist_position", filter=waiting, distinct=True
            ),
        )
        .filter(
            ~Q(seats_taken=F("counted_seats"))
            | ~Q(waitlist_count=F("counted_waitlist"))
            | ~Q(attended_count=F("counted_attended"))
            | (Q(counted_waitlist__gt=0) & ~Q(first_place=1))
            | ~Q(last_place=F("counted_waitlist"))
            | ~Q(distinct_places=F("counted_waitlist"))
        )
        .order_by("pk")
        .values(
            "pk",
            "seats_taken",
            "counted_seats",
            "waitlist_count",
            "counted_waitlist",
            "attended_count",
            "counted_attended",
            "first_place",
            "last_place",
            "distinct_places",
        )
    )
    return list(rows)
