"""Advisors with this month's consultations, policies with eligibility criteria and their
first version, and events in the coming months."""

import datetime
from decimal import Decimal

from django.utils import timezone

from core.models import User
from events.choices import EventKind, EventLanguage, EventStatus
from events.models import Event
from policies.choices import CriterionKind, PolicyCategory, PolicyStatus
from policies.eligibility import DISTRICT_KINDS, rule_problem
from policies.models import Criterion, Policy, PolicyVersion
from policies.search import policy_search_words
from policies.selectors import policy_with_criteria
from policies.versions import criteria_changed, policy_snapshot, snapshot_diff
from talent.choices import ConsultationStatus, DegreeLevel, Expertise
from talent.models import AdvisorProfile, Consultation
from talent.services import month_bounds

from .bulk import reserve_ids
from .draw import Pick
from .marks import ADVISOR_EMAIL, POLICY_SOURCE

EXPERTISE_WEIGHTS = {
    Expertise.POLICIES: 20,
    Expertise.FINANCING: 18,
    Expertise.COMPANY_SETUP: 14,
    Expertise.HIRING: 12,
    Expertise.TECH_PROGRAMMES: 12,
    Expertise.IP: 10,
    Expertise.MARKET: 8,
    Expertise.ENTRY_RESIDENCE: 6,
}
ADVISOR_TITLES = [
    ("创新创业服务专员", "Innovation and entrepreneurship advisor"),
    ("高级顾问", "Senior advisor"),
    ("政策顾问", "Policy advisor"),
    ("投融资顾问", "Investment advisor"),
    ("知识产权顾问", "Intellectual property advisor"),
    ("人才服务专员", "Talent services advisor"),
]
CATEGORY_WORDS = {
    PolicyCategory.TALENT_SUBSIDY: ("人才补贴", "Talent Subsidy", [50_000, 100_000, 200_000]),
    PolicyCategory.HOUSING: ("人才公寓租金补贴", "Talent Apartment Rent Subsidy", [36_000, 60_000]),
    PolicyCategory.STARTUP_FUNDING: ("创业资助", "Start-up Funding", [200_000, 500_000, 1_000_000]),
    PolicyCategory.RD_FUNDING: ("研发资助", "R&D Funding", [1_000_000, 3_000_000, 5_000_000]),
    PolicyCategory.ENTRY_RESIDENCE: ("出入境与居留便利", "Entry and Residence Support", [None]),
    PolicyCategory.OTHER: ("综合扶持", "Support Measures", [None, 20_000]),
}
CATEGORY_WEIGHTS = [30, 15, 20, 20, 8, 7]
CRITERION_WEIGHTS = {
    CriterionKind.MIN_DEGREE: 30,
    CriterionKind.RETURNED_WITHIN: 25,
    CriterionKind.OVERSEAS_YEARS: 20,
    CriterionKind.SECTOR: 20,
    CriterionKind.MAX_AGE: 15,
    CriterionKind.COMPANY_DISTRICT: 12,
    CriterionKind.EMPLOYED_IN_DISTRICT: 12,
    CriterionKind.FOUNDER_IN_DISTRICT: 8,
    CriterionKind.NOTE: 10,
}
NOTES = [
    (
        "须与本区企业签订三年以上劳动合同",
        "Holds a contract of three years or more with a company there",
    ),
    ("申请时在沪缴纳社会保险满六个月", "Has paid social insurance in Shanghai for six months"),
    ("项目须通过专家评审", "The project passes an expert review"),
    ("企业成立不超过五年", "The company was founded no more than five years ago"),
]
EVENT_WORDS = {
    EventKind.FORUM: ("论坛", "Forum"),
    EventKind.SYMPOSIUM: ("研讨会", "Symposium"),
    EventKind.WORKSHOP: ("工作坊", "Workshop"),
    EventKind.ROADSHOW: ("路演", "Roadshow"),
    EventKind.CONSULTATION_DAY: ("咨询日", "Consultation Day"),
}


class PublicServices:
    """The steps of `City` that make advisors, policies and events."""

    # Advisors and this month's consultations ---------------------------------------------

    def write_advisors(self) -> None:
        rng, count = self.rng, self.scale.advisors
        user_ids = reserve_ids(User, count)
        advisor_ids = reserve_ids(AdvisorProfile, count)
        month_start, month_end = month_bounds(self.now)
        month_seconds = int((month_end - month_start).total_seconds())
        expertise = Pick(list(EXPERTISE_WEIGHTS), weights=list(EXPERTISE_WEIGHTS.values()))
        tables = self._tables()
        users = tables.table(
            User, "id password email full_name language date_joined email_verified_at"
        )
        advisors = tables.table(
            AdvisorProfile,
            "id user_id title_zh title_en bio_zh bio_en organisation_id expertise languages "
            "monthly_capacity is_active created_at",
        )
        sectors = tables.through(AdvisorProfile._meta.get_field("sectors"))
        districts = tables.through(AdvisorProfile._meta.get_field("districts"))
        consultations = tables.table(
            Consultation,
            "requester_id advisor_id topic message mode status scheduled_at created_at",
        )

        def make_row(index: int) -> None:
            user_id, advisor_id = user_ids[index], advisor_ids[index]
            joined = self._moment(3 * 365)
            users.add(
                user_id,
                self.password,
                ADVISOR_EMAIL.format(index + 1),
                self._name(),
                "zh-hans",
                joined,
                joined,
            )
            title_zh, title_en = rng.choice(ADVISOR_TITLES)
            areas = expertise.distinct(rng, rng.randint(1, 3))
            own_sectors = self.pick_sector.distinct(rng, rng.randint(1, 3))
            languages = ["zh", "en"] if self._chance(0.8) else ["zh"]
            if self._chance(0.15):
                languages.append(rng.choice(["de", "ja", "fr", "ko"]))
            capacity = rng.randint(2, 10)
            organisation = rng.choice(self.organisations).pk if self.organisations else None
            advisors.add(
                advisor_id,
                user_id,
                title_zh,
                title_en,
                f"为留学回国人员提供{len(areas)}个领域的咨询服务。",
                f"Advises returnees on {len(areas)} areas, mostly in {own_sectors[0].name_en}.",
                organisation,
                areas,
                languages,
                capacity,
                self._chance(0.97),
                joined,
            )
            for sector in own_sectors:
                sectors.add(advisor_id, sector.pk)
            for district in self.pick_district.distinct(
                rng, rng.choices([1, 2, 3, 4], [40, 30, 20, 10])[0]
            ):
                districts.add(advisor_id, district.pk)
            if not self.returnee_ids:
                return
            load = capacity if self._chance(0.15) else rng.randint(0, capacity - 1)
            for _ in range(load):
                scheduled = month_start + datetime.timedelta(seconds=rng.randrange(month_seconds))
                status = (
                    ConsultationStatus.ACCEPTED
                    if scheduled > self.now
                    else ConsultationStatus.COMPLETED
                )
                consultations.add(
                    rng.choice(self.returnee_ids),
                    advisor_id,
                    rng.choice(areas),
                    "I would like advice on my plans in Shanghai.",
                    rng.choice(["online", "on_site"]),
                    status,
                    scheduled,
                    scheduled - datetime.timedelta(days=rng.randint(3, 20)),
                )

        self._run("advisors", count, tables, make_row)

    # Policies with criteria, and their first published version --------------------------

    def write_policies(self) -> None:
        rng, count = self.rng, self.scale.policies
        policy_ids = reserve_ids(Policy, count)
        criterion_ids = iter(reserve_ids(Criterion, count * 5))
        categories = Pick(list(CATEGORY_WORDS), weights=CATEGORY_WEIGHTS)
        kinds = Pick(list(CRITERION_WEIGHTS), weights=list(CRITERION_WEIGHTS.values()))
        self.degrees = Pick(
            [DegreeLevel.BACHELOR, DegreeLevel.MASTER, DegreeLevel.DOCTORATE], weights=[30, 45, 25]
        )
        statuses = Pick(PolicyStatus.values, weights=[10, 85, 5])
        tables = self._tables()
        policies = tables.table(
            Policy,
            "id title_zh title_en summary_zh summary_en district_id authority_zh authority_en "
            "document_number category benefits_zh benefits_en benefit_amount effective_from "
            "expires_on source_url status published_at created_by_id created_at "
            "search_a search_b search_c",
        )
        policy_sectors = tables.through(Policy._meta.get_field("sectors"))
        criteria = tables.table(
            Criterion,
            "id policy_id kind value degree district_id note_zh note_en position",
        )
        criterion_sectors = tables.through(Criterion._meta.get_field("sectors"))
        published: list[int] = []

        def make_row(index: int) -> None:
            policy_id = policy_ids[index]
            category = categories(rng)
            category_zh, category_en, amounts = CATEGORY_WORDS[category]
            district = self.pick_district(rng) if self._chance(0.85) else None
            sectors = self.pick_sector.distinct(rng, rng.choice([0, 0, 1, 2, 3]))
            issuer_zh, issuer_en = (
                (district.name_zh, district.name_en) if district else ("上海市", "Shanghai")
            )
            field_zh = sectors[0].name_zh if sectors else ""
            field_en = f"{sectors[0].name_en} " if sectors else ""
            effective = self.today - datetime.timedelta(days=rng.randint(0, 1500))
            expires = None
            if self._chance(0.8):
                expires = effective + datetime.timedelta(days=rng.randint(365, 5 * 365))
            status = statuses(rng)
            created = self._moment(1500)
            amount = rng.choice(amounts)
            policy = Policy(
                title_zh=f"{issuer_zh}{field_zh}留学回国人员{category_zh}（第{index + 1}号）",
                title_en=f"{issuer_en} {field_en}{category_en} for Returnees (No. {index + 1})",
                summary_zh=f"{issuer_zh}对符合条件的留学回国人员给予{category_zh}。",
                summary_en=(
                    f"{category_en} for returnees who meet the conditions, issued by {issuer_en}."
                ),
                authority_zh=f"{issuer_zh}人力资源和社会保障局",
                authority_en=f"{issuer_en} Human Resources and Social Security Bureau",
                document_number=f"SYN-{effective.year}-{index + 1:05d}",
                category=category,
                benefits_zh=f"最高{amount}元。" if amount else "",
                benefits_en=f"Up to CNY {amount:,}." if amount else "",
            )
            search_words = policy_search_words(policy, sectors=sectors, district=district)
            policies.add(
                policy_id,
                policy.title_zh,
                policy.title_en,
                policy.summary_zh,
                policy.summary_en,
                district.pk if district else None,
                policy.authority_zh,
                policy.authority_en,
                policy.document_number,
                category,
                policy.benefits_zh,
                policy.benefits_en,
                Decimal(amount) if amount else None,
                effective,
                expires,
                f"{POLICY_SOURCE}{index + 1:05d}",
                status,
                created if status != PolicyStatus.DRAFT else None,
                self.author_id,
                created,
                *search_words.values(),
            )
            if status == PolicyStatus.PUBLISHED:
                published.append(policy_id)
            for sector in sectors:
                policy_sectors.add(policy_id, sector.pk)
            chosen = kinds.distinct(rng, rng.randint(1, 5))
            places = [kind for kind in chosen if kind in DISTRICT_KINDS]
            chosen = [kind for kind in chosen if kind not in DISTRICT_KINDS or kind == places[0]]
            for position, kind in enumerate(chosen):
                criterion_id = next(criterion_ids)
                criteria.add(
                    criterion_id, policy_id, *self._criterion(kind, district, position, sectors)
                )
                for sector in self._criterion_sectors or ():
                    criterion_sectors.add(criterion_id, sector.pk)

        self._run("policies", count, tables, make_row)
        self._publish_versions(published)

    def _criterion(self, kind: str, district, position: int, sectors) -> tuple:
        """The columns of one criterion after its policy id, valid as `rule_problem` checks
        them; its sectors are left in `self._criterion_sectors`."""
        rng = self.rng
        value, degree, district_id, note = None, "", None, ("", "")
        chosen = []
        if kind == CriterionKind.MIN_DEGREE:
            degree = self.degrees(rng)
        elif kind == CriterionKind.OVERSEAS_YEARS:
            value = rng.randint(1, 5)
        elif kind == CriterionKind.RETURNED_WITHIN:
            value = rng.choice([2, 3, 5, 10])
        elif kind == CriterionKind.MAX_AGE:
            value = rng.choice([30, 35, 40, 45, 50, 55])
        elif kind == CriterionKind.SECTOR:
            chosen = sectors or self.pick_sector.distinct(rng, rng.randint(1, 2))
        elif kind == CriterionKind.NOTE:
            note = rng.choice(NOTES)
        else:
            district_id = (district or self.pick_district(rng)).pk
        problem = rule_problem(
            kind=kind,
            value=value,
            degree=degree,
            has_district=district_id is not None,
            has_sectors=bool(chosen),
            note_zh=note[0],
            note_en=note[1],
        )
        if problem:
            raise AssertionError(f"Synthetic criterion {kind} is invalid: {problem}")
        self._criterion_sectors = chosen
        return (kind, value, degree, district_id, *note, position)

    def _publish_versions(self, policy_ids: list[int]) -> None:
        """Version 1 of each published policy, as `policy_publish` records it."""
        versions = []
        for start in range(0, len(policy_ids), 1000):
            chunk = policy_with_criteria().filter(pk__in=policy_ids[start : start + 1000])
            for policy in chunk:
                snapshot = policy_snapshot(policy)
                changes = snapshot_diff(None, snapshot)
                versions.append(
                    PolicyVersion(
                        policy=policy,
                        number=1,
                        snapshot=snapshot,
                        changes=changes,
                        criteria_changed=criteria_changed(changes),
                        published_at=policy.published_at,
                    )
                )
        PolicyVersion.objects.bulk_create(versions, batch_size=1000)
        self.written[PolicyVersion._meta.label] = len(versions)

    # Events in the coming months ----------------------------------------------------------

    def write_events(self) -> None:
        rng, count = self.rng, self.scale.events
        event_ids = reserve_ids(Event, count)
        kinds = Pick(list(EVENT_WORDS), weights=[30, 15, 25, 15, 15])
        statuses = Pick(
            [EventStatus.PUBLISHED, EventStatus.DRAFT, EventStatus.CANCELLED], weights=[92, 5, 3]
        )
        languages = Pick(EventLanguage.values, weights=[40, 10, 50])
        tables = self._tables()
        events = tables.table(
            Event,
            "id kind title_zh title_en summary_zh summary_en district_id organiser_id venue "
            "address starts_at ends_at capacity registration_opens_at registration_closes_at "
            "language status cancel_reason created_by_id created_at published_at",
        )
        event_sectors = tables.through(Event._meta.get_field("sectors"))
        zone = timezone.get_current_timezone()

        def make_row(index: int) -> None:
            kind = kinds(rng)
            kind_zh, kind_en = EVENT_WORDS[kind]
            district = self.pick_district(rng)
            sectors = self.pick_sector.distinct(rng, rng.randint(1, 2))
            day = self.today + datetime.timedelta(days=rng.randint(1, 180))
            hour = rng.choice([9, 10, 14, 15, 19])
            starts = datetime.datetime(day.year, day.month, day.day, hour, tzinfo=zone)
            ends = starts + datetime.timedelta(hours=rng.randint(2, 8))
            status = statuses(rng)
            created = self._moment(60)
            organiser = None
            if self.organisations and self._chance(0.7):
                organiser = rng.choice(self.organisations).pk
            events.add(
                event_ids[index],
                kind,
                f"{district.name_zh}{sectors[0].name_zh}{kind_zh}（{index + 1}）",
                f"{district.name_en} {sectors[0].name_en} {kind_en} ({index + 1})",
                f"面向留学回国人员的{sectors[0].name_zh}{kind_zh}。",
                f"A {kind_en.lower()} on {sectors[0].name_en.lower()} for returnees.",
                district.pk,
                organiser,
                f"{district.name_en} Innovation Centre",
                f"{rng.randint(1, 2000)} Innovation Road, {district.name_en}",
                starts,
                ends,
                rng.choice([30, 50, 80, 100, 150, 200, 300, 500]),
                created,
                starts - datetime.timedelta(hours=2),
                languages(rng),
                status,
                "Postponed by the organiser." if status == EventStatus.CANCELLED else "",
                self.author_id,
                created,
                created if status != EventStatus.DRAFT else None,
            )
            for sector in sectors:
                event_sectors.add(event_ids[index], sector.pk)

        self._run("events", count, tables, make_row)
