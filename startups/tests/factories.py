import factory

from core.tests.factories import DistrictFactory, SectorFactory, UserFactory
from startups.models import Founder, Opening, Startup
from startups.search import WORD_FIELDS, opening_index, startup_index


class StartupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Startup
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Startup {n}")
    description_zh = "一家海归创业公司。"
    description_en = "A startup founded by returnees."
    district = factory.SubFactory(DistrictFactory)
    sector = factory.SubFactory(SectorFactory)
    stage = "seed"
    team_size = 5

    @factory.post_generation
    def search_words(self, create, extracted, **kwargs):
        """As the services do: the startup's search words."""
        if create:
            startup_index(self)
            type(self).objects.filter(pk=self.pk).update(
                **{name: getattr(self, name) for name in WORD_FIELDS}
            )


class FounderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Founder

    startup = factory.SubFactory(StartupFactory)
    user = factory.SubFactory(UserFactory)
    role = "CEO"


class OpeningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opening
        skip_postgeneration_save = True

    startup = factory.SubFactory(StartupFactory)
    title = factory.Sequence(lambda n: f"Engineer {n}")
    description = "Build things."
    sector = factory.LazyAttribute(lambda opening: opening.startup.sector)

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.skills.set(extracted)

    @factory.post_generation
    def search_words(self, create, extracted, **kwargs):
        """As the services do: the opening's search words, with its skills."""
        if create:
            opening_index(self)
            type(self).objects.filter(pk=self.pk).update(
                **{name: getattr(self, name) for name in WORD_FIELDS}
            )
