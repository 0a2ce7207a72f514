import factory

from core.tests.factories import UserFactory
from talent.models import AdvisorProfile, Consultation, ReturneeProfile


class ReturneeProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReturneeProfile

    user = factory.SubFactory(UserFactory)
    headline = factory.Faker("sentence", nb_words=6)


class AdvisorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdvisorProfile

    user = factory.SubFactory(UserFactory)
    title_en = "Service advisor"
    title_zh = "服务顾问"
    expertise = ["policies", "financing"]
    languages = ["zh", "en"]
    monthly_capacity = 3


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    requester = factory.SubFactory(UserFactory)
    advisor = factory.SubFactory(AdvisorFactory)
    topic = "policies"
    message = "Which subsidies can I apply for?"
