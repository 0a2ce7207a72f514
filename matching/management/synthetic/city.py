"""A synthetic Shanghai: returnees with study and work abroad, startups and their openings,
advisors with some of this month's capacity taken, policies with eligibility criteria, and
forums in the coming months, drawn from one seed. `City` holds what the steps share (the
reference data, the vocabulary, the draws, the ids of the returnees); the steps themselves
are in `people` (returnees, startups) and `public` (advisors, policies, events). `marks`
says which rows are synthetic.
"""

import datetime
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from core.models import District, IndustrialPark, Organisation, Sector, User
from events.models import Event
from policies.models import Criterion, Policy
from startups.models import Founder, Opening, Startup
from talent.models import (
    AdvisorProfile,
    Consultation,
    Education,
    Employer,
    Institution,
    ReturneeProfile,
    Skill,
    WorkExperience,
)
from talent.normalize import normalize_key

from . import vocabulary as words
from .bulk import Sender, Tables, analyze
from .draw import Pick, weighted
from .people import People
from .public import PublicServices

# Shares of returnees, startups and events by district (roughly by population and by where
# the parks are); a district not listed here weighs 3.
DISTRICT_WEIGHTS = {
    "pudong": 22,
    "minhang": 10,
    "baoshan": 8,
    "xuhui": 7,
    "songjiang": 7,
    "jiading": 7,
    "putuo": 5,
    "yangpu": 5,
    "qingpu": 5,
    "fengxian": 5,
    "jingan": 4,
    "changning": 3,
    "hongkou": 3,
    "huangpu": 3,
    "jinshan": 3,
    "chongming": 2,
}
SECTOR_WEIGHTS = {
    "artificial-intelligence": 16,
    "integrated-circuits": 14,
    "digital-economy": 14,
    "biopharmaceuticals": 13,
    "fintech": 9,
    "electronics-sensing": 9,
    "advanced-manufacturing": 8,
    "medical-devices": 7,
    "new-energy": 6,
    "new-materials": 4,
}


@dataclass(frozen=True)
class Scale:
    """How many of each to make; the defaults are Shanghai's."""

    returnees: int = 220_000
    startups: int = 20_000
    openings: int = 50_000
    advisors: int = 500
    policies: int = 5_000
    events: int = 2_000


# Making the city ------------------------------------------------------------------------


class City(People, PublicServices):
    """Makes the synthetic data of one `scale` from one `seed` (see `generate`)."""

    def __init__(
        self,
        *,
        scale: Scale,
        seed: int,
        batch_size: int,
        progress: Callable[[Iterable, str, int], Iterable],
        password: str | None = None,
    ):
        self.scale = scale
        self.seed = seed
        self.batch_size = batch_size
        self.progress = progress
        self.password = make_password(password)
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.written: dict[str, int] = {}

    # Reference data and vocabulary ------------------------------------------------------

    def load_reference(self) -> None:
        if not District.objects.exists() or not Sector.objects.exists():
            create_reference_data()
        self.districts = list(District.objects.order_by("sort_order", "code"))
        self.sectors = list(Sector.objects.order_by("sort_order", "code"))
        self.pick_district = weighted(self.districts, DISTRICT_WEIGHTS, key=lambda d: d.code)
        self.pick_sector = weighted(self.sectors, SECTOR_WEIGHTS, key=lambda s: s.code)
        self.parks: dict[int, list[tuple[int, set[int]]]] = {}
        self.park_rows: dict[int, IndustrialPark] = {}
        for park in IndustrialPark.objects.prefetch_related("sectors").order_by("code"):
            sector_ids = {sector.pk for sector in park.sectors.all()}
            self.parks.setdefault(park.district_id, []).append((park.pk, sector_ids))
            self.park_rows[park.pk] = park
        self.organisations = list(Organisation.objects.order_by("code"))

    def load_vocabulary(self) -> None:
        """Skills, institutions and employers, made where missing (keyed like the profile
        form keys them, so "ETH Zurich" is the demo's "ETH Zürich")."""
        skills = self._ensure(Skill, [(name, {}) for name in words.skill_names()])
        self.skill_names = dict(
            Skill.objects.filter(pk__in=skills.values()).values_list("pk", "name")
        )
        general = [skills[normalize_key(name)] for name in words.GENERAL_SKILLS]
        self.general_skills = Pick(general, exponent=1.0)
        self.sector_skills: dict[int, Pick] = {}
        for sector in self.sectors:
            topics = words.SECTOR_TOPICS.get(sector.code)
            if not topics:
                self.sector_skills[sector.pk] = self.general_skills
                continue
            combined = [f"{topic} {activity}" for topic in topics for activity in words.ACTIVITIES]
            self.rng.shuffle(combined)
            ids = [skills[normalize_key(name)] for name in [*topics, *combined]]
            self.sector_skills[sector.pk] = Pick(ids, exponent=1.05)

        institutions = self._ensure(
            Institution, [(name, {"country": country}) for name, country in words.INSTITUTIONS]
        )
        self.institutions = Pick(
            [
                (institutions[normalize_key(name)], country, name)
                for name, country in words.INSTITUTIONS
            ],
            exponent=1.0,
        )
        employers = self._ensure(
            Employer, [(name, {"country": country}) for name, country, _ in words.EMPLOYERS]
        )
        everyone = [
            (employers[normalize_key(name)], country, name)
            for name, country, _sector in words.EMPLOYERS
        ]
        self.employers = Pick(everyone, exponent=1.0)
        self.sector_employers: dict[int, Pick] = {}
        for sector in self.sectors:
            own = [
                item
                for item, (_name, _country, code) in zip(everyone, words.EMPLOYERS, strict=True)
                if code == sector.code
            ]
            self.sector_employers[sector.pk] = Pick(own, exponent=0.9) if own else self.employers

    @staticmethod
    def _ensure(model, entries: list[tuple[str, dict]]) -> dict[str, int]:
        wanted: dict[str, tuple[str, dict]] = {}
        for name, extra in entries:
            wanted.setdefault(normalize_key(name), (name, extra))
        have = dict(model.objects.filter(key__in=wanted).values_list("key", "pk"))
        model.objects.bulk_create(
            [
                model(key=key, name=name, **extra)
                for key, (name, extra) in wanted.items()
                if key not in have
            ],
            batch_size=1000,
        )
        return dict(model.objects.filter(key__in=wanted).values_list("key", "pk"))

    # Helpers ----------------------------------------------------------------------------

    def _chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def _name(self) -> str:
        given = self.rng.choice(words.GIVEN_SYLLABLES)
        if self._chance(0.7):
            given += self.rng.choice(words.GIVEN_SYLLABLES)
        return f"{self.surnames(self.rng)} {given.capitalize()}"

    def _moment(self, days_back: int) -> datetime.datetime:
        """A time within the last `days_back` days."""
        return self.now - datetime.timedelta(seconds=self.rng.randrange(days_back * 86400))

    def _tables(self) -> Tables:
        return Tables(self.batch_size, self.sender)

    def _run(self, label: str, total: int, tables: Tables, make_row: Callable[[int], None]):
        for index in self.progress(range(total), label, total):
            make_row(index)
            tables.row_done()
        tables.finish()
        for name, count in tables.written.items():
            self.written[name] = self.written.get(name, 0) + count

    # The whole city ---------------------------------------------------------------------

    def generate(self) -> dict[str, int]:
        with transaction.atomic(), Sender() as self.sender:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            self.load_reference()
            self.surnames = Pick(words.SURNAMES, exponent=0.9)
            # Each step draws from its own stream, so that what one step finds in the
            # database (demo startups' names, say) does not change the steps after it.
            for step in (
                self.load_vocabulary,
                self.plan_startups,
                self.write_returnees,
                self.write_startups,
                self.write_advisors,
                self.write_policies,
                self.write_events,
            ):
                self.rng = random.Random(f"{self.seed}:{step.__name__}")
                step()
            analyze(
                [
                    User,
                    ReturneeProfile,
                    Education,
                    WorkExperience,
                    ReturneeProfile.skills.through,
                    ReturneeProfile.sectors.through,
                    Startup,
                    Founder,
                    Opening,
                    Opening.skills.through,
                    AdvisorProfile,
                    AdvisorProfile.sectors.through,
                    AdvisorProfile.districts.through,
                    Consultation,
                    Policy,
                    Criterion,
                    Event,
                    Skill,
                    Institution,
                    Employer,
                ]
            )
        return self.written


def create_reference_data() -> None:
    """Districts, sectors and parks as `core.demo` makes them, for a database without the
    demo."""
    from core import demo

    for order, (code, zh, en) in enumerate(demo.DISTRICTS):
        District.objects.update_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en, "sort_order": order}
        )
    for order, (code, zh, en, pillar) in enumerate(demo.SECTORS):
        Sector.objects.update_or_create(
            code=code,
            defaults={"name_zh": zh, "name_en": en, "is_pillar": pillar, "sort_order": order},
        )
    districts = {district.code: district for district in District.objects.all()}
    sectors = {sector.code: sector for sector in Sector.objects.all()}
    for code, zh, en, district, park_sectors in demo.PARKS:
        park, _created = IndustrialPark.objects.update_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en, "district": districts[district]}
        )
        park.sectors.set([sectors[sector] for sector in park_sectors])
