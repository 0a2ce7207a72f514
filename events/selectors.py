"""Reads of the events app shared by pages and the API; each owns its joins."""

from django.db.models import Count, Prefetch, Q, QuerySet

from core.models import User

from .choices import SEAT_STATUSES, EventStatus, RegistrationStatus
from .models import AgendaSession, Event, Registration

PUBLIC_STATUSES = [EventStatus.PUBLISHED, EventStatus.CANCELLED, EventStatus.COMPLETED]


def _with_counts(queryset: QuerySet[Event]) -> QuerySet[Event]:
    return queryset.annotate(
        seats_taken=Count("registrations", filter=Q(registrations__status__in=SEAT_STATUSES)),
        waitlist_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)
        ),
    )


def event_list(*, user: User | None = None) -> QuerySet[Event]:
    """Events a person may see: public ones, and the drafts of districts they manage."""
    visible = Q(status__in=PUBLIC_STATUSES)
    if user is not None and user.is_authenticated:
        if user.is_admin:
            visible = Q()
        else:
            visible |= Q(district__in=user.districts.all())
    return _with_counts(
        Event.objects.filter(visible)
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
    events = (
        Event.objects.all()
        if user.is_admin
        else Event.objects.filter(district__in=user.districts.all())
    )
    return _with_counts(events.select_related("district").order_by("-starts_at", "-id")).annotate(
        confirmed_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
        ),
        attended_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.ATTENDED)
        ),
    )


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
