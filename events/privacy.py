"""What the events app holds about a person (registrations, check-in roles, calendar feed),
for `core.privacy`."""

import contextlib

from django.db import transaction
from django.utils import timezone

from core.exceptions import ConflictError
from core.models import User

from . import services
from .choices import RegistrationStatus
from .models import CalendarFeed, CheckinVolunteer, Registration


def _iso(value):
    return value.isoformat() if value else None


def export(user: User) -> dict:
    registrations = (
        Registration.objects.filter(user=user)
        .select_related("event")
        .order_by("event__starts_at", "id")
    )
    return {
        "registrations": [
            {
                "event": registration.event.pk,
                "title_zh": registration.event.title_zh,
                "title_en": registration.event.title_en,
                "starts_at": _iso(registration.event.starts_at),
                "status": registration.status,
                "waitlist_position": registration.waitlist_position,
                "ticket_code": registration.code if registration.shows_code else None,
                "registered_at": _iso(registration.created_at),
                "confirmed_at": _iso(registration.confirmed_at),
                "cancelled_at": _iso(registration.cancelled_at),
                "checked_in_at": _iso(registration.checked_in_at),
            }
            for registration in registrations
        ],
        "checkin_volunteer_for": [
            {"event": role.event_id, "granted_at": _iso(role.granted_at)}
            for role in CheckinVolunteer.objects.filter(user=user).order_by("granted_at", "id")
        ],
        "calendar_feed": {"exists": CalendarFeed.objects.filter(user=user).exists()},
    }


@transaction.atomic
def erase(user: User) -> None:
    """Registrations for events yet to start are cancelled through the usual service, so a
    freed seat goes to the first person waiting, who is told. Then all the person's
    registrations are anonymised like those of old events: they still count in the events'
    figures but name nobody."""
    live = Registration.objects.filter(
        user=user,
        status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED],
        event__starts_at__gt=timezone.now(),
    )
    for registration in live:
        # Cancelled or started meanwhile: nothing left to release.
        with contextlib.suppress(ConflictError):
            services.registration_cancel(registration=registration, user=user)
    services.registrations_anonymise(Registration.objects.filter(user=user))
    Registration.objects.filter(checked_in_by=user).update(checked_in_by=None)
    Registration.history.model.objects.filter(checked_in_by=user).update(checked_in_by=None)
    CheckinVolunteer.objects.filter(user=user).delete()
    CalendarFeed.objects.filter(user=user).delete()
