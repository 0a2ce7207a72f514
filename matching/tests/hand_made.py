"""A small hand-made city whose scores can be worked out on paper (see test_engine.py)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from core.tests.factories import DistrictFactory, SectorFactory, UserFactory
from events.tests.factories import EventFactory
from policies.tests.factories import CriterionFactory, PolicyFactory
from startups.models import Founder
from startups.tests.factories import OpeningFactory, StartupFactory
from talent.models import Education, Employer, Institution, ReturneeProfile, Skill, WorkExperience
from talent.tests.factories import AdvisorFactory


def profile(user, *, sectors=(), skills=(), institutions=(), employers=(), **fields):
    """A consenting returnee profile with the given relations."""
    fields.setdefault("matching_consent", True)
    fields.setdefault("languages", ["zh", "en"])
    fields.setdefault("seeking", [])
    returnee, _created = ReturneeProfile.objects.update_or_create(user=user, defaults=fields)
    returnee.sectors.set(sectors)
    returnee.skills.set(skills)
    for institution in institutions:
        Education.objects.create(
            profile=returnee,
            institution=institution,
            degree_level="master",
            country="CH",
            start_year=2010,
            end_year=2012,
        )
    for employer in employers:
        WorkExperience.objects.create(
            profile=returnee, employer=employer, country="US", start_year=2012, end_year=2016
        )
    return returnee


def skill(name: str) -> Skill:
    return Skill.objects.get_or_create(key=name.lower(), defaults={"name": name})[0]


@dataclass
class City:
    qingpu: object
    pudong: object
    chips: object
    biotech: object
    alice: object
    founder: object
    chip_startup: object
    big_startup: object
    chip_opening: object
    python_opening: object
    bio_opening: object
    advisor: object
    full_advisor: object
    event: object
    eligible_policy: object
    likely_policy: object
    failed_policy: object


def build_city() -> City:
    """Alice works in Qingpu and lives in Pudong, in integrated circuits, lists chip design
    and Python, studied at ETH Zurich, worked at Intel, seeks a job and an advisor."""
    qingpu = DistrictFactory(code="qingpu", name_en="Qingpu", name_zh="青浦区")
    pudong = DistrictFactory(code="pudong", name_en="Pudong", name_zh="浦东新区")
    chips = SectorFactory(code="ic", name_en="Integrated circuits", name_zh="集成电路")
    biotech = SectorFactory(code="bio", name_en="Biopharmaceuticals", name_zh="生物医药")
    eth = Institution.objects.create(name="ETH Zurich", key="eth zurich", country="CH")
    intel = Employer.objects.create(name="Intel", key="intel", country="US")
    chip_design, fpga, python = skill("chip design"), skill("FPGA"), skill("Python")

    alice = UserFactory(email="alice@example.com", full_name="Alice")
    profile(
        alice,
        sectors=[chips],
        skills=[chip_design, python],
        institutions=[eth],
        employers=[intel],
        work_district=qingpu,
        residence_district=pudong,
        seeking=["job", "advisor"],
        birth_year=timezone.localdate().year - 30,
    )
    founder = UserFactory(email="founder@example.com", full_name="Fang Founder")
    # Listed with their education shown: only then is their alma mater a reason others read.
    profile(founder, institutions=[eth], seeking=[], is_public=True)

    chip_startup = StartupFactory(name="Qingpu Chips", district=qingpu, sector=chips, stage="seed")
    Founder.objects.create(startup=chip_startup, user=founder, role="CEO")
    big_startup = StartupFactory(
        name="Pudong Silicon", district=pudong, sector=chips, stage="b_plus"
    )
    bio_startup = StartupFactory(name="Bio Co", district=qingpu, sector=biotech, stage="seed")
    chip_opening = OpeningFactory(
        startup=chip_startup, title="Chip designer", skills=[chip_design, fpga]
    )
    python_opening = OpeningFactory(startup=big_startup, title="Test engineer", skills=[python])
    bio_opening = OpeningFactory(startup=bio_startup, title="Biologist", skills=[python])

    advisor = AdvisorFactory(
        user=UserFactory(email="advisor@example.com", full_name="Ada Advisor"),
        expertise=["policies", "hiring"],
        languages=["zh"],
        monthly_capacity=4,
    )
    advisor.sectors.set([chips])
    advisor.districts.set([qingpu])
    full_advisor = AdvisorFactory(
        user=UserFactory(email="busy@example.com", full_name="Busy Advisor"),
        expertise=["policies"],
        languages=["zh", "en"],
        monthly_capacity=1,
    )
    full_advisor.sectors.set([chips])
    full_advisor.districts.set([qingpu, pudong])
    full_advisor.consultations.create(
        requester=founder,
        topic="policies",
        message="Help",
        status="accepted",
        scheduled_at=timezone.now(),
    )

    event = EventFactory(district=qingpu, language="zh", title_en="Chip forum")
    event.sectors.set([chips])

    published = {"status": "published", "published_at": timezone.now()}
    eligible_policy = PolicyFactory(district=qingpu, title_en="Qingpu talent subsidy", **published)
    CriterionFactory(policy=eligible_policy, kind="max_age", value=45, position=0)
    CriterionFactory(
        policy=eligible_policy, kind="employed_in_district", value=None, district=qingpu, position=1
    )
    likely_policy = PolicyFactory(district=None, title_en="Chip returnee grant", **published)
    CriterionFactory(policy=likely_policy, kind="returned_within", value=5, position=0)
    sector_rule = CriterionFactory(policy=likely_policy, kind="sector", value=None, position=1)
    sector_rule.sectors.set([chips])
    failed_policy = PolicyFactory(district=qingpu, title_en="Doctors only", **published)
    CriterionFactory(
        policy=failed_policy, kind="min_degree", value=None, degree="doctorate", position=0
    )
    return City(
        qingpu=qingpu,
        pudong=pudong,
        chips=chips,
        biotech=biotech,
        alice=alice,
        founder=founder,
        chip_startup=chip_startup,
        big_startup=big_startup,
        chip_opening=chip_opening,
        python_opening=python_opening,
        bio_opening=bio_opening,
        advisor=advisor,
        full_advisor=full_advisor,
        event=event,
        eligible_policy=eligible_policy,
        likely_policy=likely_policy,
        failed_policy=failed_policy,
    )


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)
