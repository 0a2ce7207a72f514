from datetime import timedelta

import factory
from django.utils import timezone

from core.tests.factories import DistrictFactory, UserFactory
from events.choices import EventStatus, RegistrationStatus
from events.models import Event, Registration
from events.selectors import registration_counts


class EventFactory(factory.django.DjangoModelFactory):
    """A published event next week whose registration is open now."""

    class Meta:
        model = Event

    kind = "forum"
    title_zh = factory.Sequence(lambda n: f"海归创新论坛{n}")
    title_en = factory.Sequence(lambda n: f"Returnee Innovation Forum {n}")
    summary_en = "Returnees meet industry partners."
    district = factory.SubFactory(DistrictFactory)
    venue = "Shanghai Science Hall"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + timedelta(hours=3))
    capacity = 50
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    registration_closes_at = factory.LazyAttribute(
        lambda event: event.starts_at - timedelta(hours=1)
    )
    status = EventStatus.PUBLISHED


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A registration written as it is; the event's seat counters are set to match its rows,
    as the services would have kept them."""

    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    status = RegistrationStatus.CONFIRMED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        registration = super()._create(model_class, *args, **kwargs)
        sync_counters(registration.event)
        return registration


def sync_counters(event: Event) -> None:
    """Set an event's counters from its rows (on the row and the instance)."""
    counts = registration_counts(event=event)
    values = {
        "seats_taken": counts[RegistrationStatus.CONFIRMED] + counts[RegistrationStatus.ATTENDED],
        "waitlist_count": counts[RegistrationStatus.WAITLISTED],
        "attended_count": counts[RegistrationStatus.ATTENDED],
    }
    Event.objects.filter(pk=event.pk).update(**values)
    for name, value in values.items():
        setattr(event, name, value)
