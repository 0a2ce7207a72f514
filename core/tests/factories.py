import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from core.models import District, IndustrialPark, Notification, Sector, User

DEFAULT_PASSWORD = "Correct-Horse-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    language = "en"
    password = factory.LazyFunction(lambda: make_password(DEFAULT_PASSWORD))
    email_verified_at = factory.LazyFunction(timezone.now)


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"district-{n}")
    name_zh = factory.Sequence(lambda n: f"第{n}区")
    name_en = factory.Sequence(lambda n: f"District {n}")


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"sector-{n}")
    name_zh = factory.Sequence(lambda n: f"行业{n}")
    name_en = factory.Sequence(lambda n: f"Sector {n}")


class IndustrialParkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndustrialPark
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"park-{n}")
    name_zh = factory.Sequence(lambda n: f"园区{n}")
    name_en = factory.Sequence(lambda n: f"Park {n}")
    district = factory.SubFactory(DistrictFactory)


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "account"
    subject = factory.Sequence(lambda n: f"Subject {n}")
    body = "Body"
    url = "/notifications/"
