from datetime import timedelta

import factory
from django.utils import timezone

from core.tests.factories import DistrictFactory, UserFactory
from events.choices import EventStatus, RegistrationStatus
from events.models import Event, Registration


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
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    status = RegistrationStatus.CONFIRMED
