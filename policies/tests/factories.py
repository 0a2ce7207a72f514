import factory

from core.tests.factories import DistrictFactory
from policies.models import Criterion, Policy
from policies.search import WORD_FIELDS, policy_index


class PolicyFactory(factory.django.DjangoModelFactory):
    """A draft policy; publish it with `services.policy_publish` (version 1)."""

    class Meta:
        model = Policy
        skip_postgeneration_save = True

    title_zh = factory.Sequence(lambda n: f"测试政策{n}")
    title_en = factory.Sequence(lambda n: f"Test policy {n}")
    summary_zh = "摘要"
    summary_en = "Summary"
    category = "talent_subsidy"
    district = factory.SubFactory(DistrictFactory)

    @factory.post_generation
    def search_words(self, create, extracted, **kwargs):
        """As the services do: the policy's search words."""
        if create:
            policy_index(self)
            type(self).objects.filter(pk=self.pk).update(
                **{name: getattr(self, name) for name in WORD_FIELDS}
            )


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    policy = factory.SubFactory(PolicyFactory)
    kind = "max_age"
    value = 45
