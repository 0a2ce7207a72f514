"""What the events services share: who may act, the notices to registrants, and the
event row's lock and seat counters."""

from datetime import datetime

from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import permissions
from core.exceptions import PermissionDeniedError
from core.i18n import localized
from core.models import User
from core.services import (
    notification_create,
)

from ..choices import EventStatus, RegistrationStatus
from ..models import (
    CheckinVolunteer,
    Event,
    Registration,
)

# Permissions ---------------------------------------------------------------------------


def can_manage_district(user: User, district_id: int) -> bool:
    return permissions.manages_district(user, district_id)


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


def _lock_event(event_id: int) -> Event:
    return Event.objects.select_for_update().get(pk=event_id)


def _count(event: Event, **changes: int) -> None:
    """Change the counters of a locked event by the given amounts, on the row and the instance."""
    Event.objects.filter(pk=event.pk).update(
        **{name: F(name) + amount for name, amount in changes.items()}
    )
    for name, amount in changes.items():
        setattr(event, name, getattr(event, name) + amount)
