import factory

from core.tests.factories import DistrictFactory
from policies.models import Criterion, Policy


class PolicyFactory(factory.django.DjangoModelFactory):
    """A draft policy; publish it with `services.policy_publish` (version 1)."""

    class Meta:
        model = Policy

    title_zh = factory.Sequence(lambda n: f"测试政策{n}")
    title_en = factory.Sequence(lambda n: f"Test policy {n}")
    summary_zh = "摘要"
    summary_en = "Summary"
    category = "talent_subsidy"
    district = factory.SubFactory(DistrictFactory)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    policy = factory.SubFactory(PolicyFactory)
    kind = "max_age"
    value = 45
