"""`manage.py generate_synthetic` at a tiny scale: the counts asked for, rows the models
accept, the same data from the same seed, no mixing with earlier synthetic data, and a
`--clear` that leaves everything else alone."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.models import District, Sector, User
from core.tests.factories import UserFactory
from events.models import Event
from events.tests.factories import EventFactory
from matching.management.synthetic.bulk import Sender, Tables
from matching.management.synthetic.city import create_reference_data
from matching.management.synthetic.marks import (
    synthetic_counts,
    synthetic_events,
    synthetic_policies,
    synthetic_startups,
    synthetic_users,
)
from policies.eligibility import rule_problem
from policies.models import Policy, PolicyVersion
from policies.search import policy_search
from policies.tests.factories import PolicyFactory
from startups.models import Founder, Opening, Startup
from startups.search import opening_search, startup_search
from startups.tests.factories import FounderFactory, OpeningFactory
from talent.models import AdvisorProfile, ReturneeProfile, Skill
from talent.services import advisor_load
from talent.tests.factories import ReturneeProfileFactory

pytestmark = pytest.mark.django_db

TINY = {
    "returnees": 50,
    "startups": 5,
    "openings": 12,
    "advisors": 4,
    "policies": 6,
    "events": 5,
    "batch_size": 7,  # several COPY batches, even at this scale
    "verbosity": 0,
}


def generate(**options) -> str:
    out = StringIO()
    call_command("generate_synthetic", **{**TINY, **options}, stdout=out, stderr=StringIO())
    return out.getvalue()


def full_clean_all(queryset) -> None:
    for obj in queryset:
        try:
            obj.full_clean()
        except ValidationError as error:
            raise AssertionError(f"{obj._meta.label} {obj.pk}: {error}") from error


def fingerprint() -> list:
    """What the synthetic data says, without ids and times (which differ run to run)."""
    profiles = ReturneeProfile.objects.filter(user__in=synthetic_users()).order_by("user__email")
    return [
        [
            (
                profile.user.email,
                profile.user.full_name,
                profile.headline,
                profile.birth_year,
                sorted(profile.skills.values_list("name", flat=True)),
                sorted(profile.education.values_list("institution__name", "degree_level")),
            )
            for profile in profiles.select_related("user")
        ],
        sorted(synthetic_startups().values_list("name", "district__code", "stage")),
        sorted(Opening.objects.filter(startup__in=synthetic_startups()).values_list("title")),
        sorted(synthetic_policies().values_list("title_en", "status")),
        sorted(synthetic_events().values_list("title_en", "kind")),
    ]


def test_makes_the_counts_asked_for_with_rows_the_models_accept():
    out = generate(seed=1)
    assert "synthetic rows" in out

    assert synthetic_users().count() == 50 + 4 + 1  # returnees, advisors, the author
    profiles = ReturneeProfile.objects.filter(user__in=synthetic_users())
    assert profiles.count() == 50
    for profile in profiles.prefetch_related("education", "work", "skills", "sectors"):
        assert 1 <= len(profile.education.all()) <= 3
        assert 0 <= len(profile.work.all()) <= 3
        assert 2 <= len(profile.skills.all()) <= 8
        assert 1 <= len(profile.sectors.all()) <= 2
        assert profile.languages[0] == "zh"
        assert profile.returned_on <= timezone.localdate()
        assert profile.birth_year < profile.education.all()[0].start_year
    consenting = profiles.filter(matching_consent=True).count()
    assert 25 <= consenting < 50  # about 80%
    assert profiles.filter(matching_consent=True, matching_consent_at__isnull=True).count() == 0

    startups = synthetic_startups()
    assert startups.count() == 5
    for startup in startups:
        founders = Founder.objects.filter(startup=startup)
        assert 1 <= founders.count() <= 3
        assert all(
            profile in profiles
            for profile in ReturneeProfile.objects.filter(user__founderships__startup=startup)
        )
    openings = Opening.objects.filter(startup__in=startups)
    assert openings.count() == 12
    for opening in openings:
        assert 2 <= opening.skills.count() <= 5

    advisors = AdvisorProfile.objects.filter(user__in=synthetic_users())
    assert advisors.count() == 4
    for advisor in advisors:
        assert 2 <= advisor.monthly_capacity <= 10
        assert advisor.districts.exists() and advisor.sectors.exists() and advisor.expertise
        assert advisor_load(advisor=advisor, moment=timezone.now()) <= advisor.monthly_capacity

    policies = synthetic_policies()
    assert policies.count() == 6
    for policy in policies.prefetch_related("criteria__sectors"):
        criteria = list(policy.criteria.all())
        assert 1 <= len(criteria) <= 5
        for criterion in criteria:
            problem = rule_problem(
                kind=criterion.kind,
                value=criterion.value,
                degree=criterion.degree,
                has_district=criterion.district_id is not None,
                has_sectors=criterion.sectors.exists() or criterion.kind != "sector",
                note_zh=criterion.note_zh,
                note_en=criterion.note_en,
            )
            assert problem is None, (criterion.kind, problem)
    published = policies.filter(status="published")
    assert PolicyVersion.objects.filter(policy__in=published, number=1).count() == published.count()

    events = synthetic_events()
    assert events.count() == 5
    assert not events.filter(starts_at__lte=timezone.now()).exists()

    for queryset in (
        User.objects.filter(pk__in=synthetic_users()),
        profiles,
        startups,
        openings,
        advisors,
        policies,
        events,
    ):
        full_clean_all(queryset)


def test_the_synthetic_rows_carry_their_search_words():
    generate(seed=2)
    policies = synthetic_policies()
    assert not policies.filter(search_vector__isnull=True).exists()
    assert not policies.filter(search_a="").exists()
    assert set(policy_search(policies, "留学回国人员 Returnees")) == set(policies)
    startups = synthetic_startups()
    assert not startups.filter(search_vector__isnull=True).exists()
    startup = startups.order_by("pk").first()
    assert startup in startup_search(startups, startup.name)
    openings = Opening.objects.filter(startup__in=startups)
    assert not openings.filter(search_vector__isnull=True).exists()
    opening = openings.order_by("pk").prefetch_related("skills").first()
    skill = opening.skills.all()[0]
    assert opening in opening_search(openings, skill.name)
    assert opening in opening_search(openings, opening.startup.name)


def test_the_same_seed_makes_the_same_data_and_it_is_never_mixed():
    generate(seed=3)
    first = fingerprint()

    with pytest.raises(CommandError, match=r"already holds synthetic data.*--replace"):
        generate(seed=3)
    assert fingerprint() == first

    out = generate(seed=3, replace=True)
    assert "Deleted the synthetic data" in out
    assert fingerprint() == first
    assert synthetic_users().count() == 55

    generate(seed=4, replace=True)
    assert fingerprint() != first


def test_clear_deletes_the_synthetic_data_and_nothing_else():
    create_reference_data()
    pudong = District.objects.get(code="pudong")
    chips = Sector.objects.get(code="integrated-circuits")
    real = UserFactory(email="li.wen@example.com")
    profile = ReturneeProfileFactory(user=real)
    analog = Skill.objects.create(name="analog IC", key="analog ic")
    profile.skills.add(analog)
    founder = FounderFactory(user=real, startup__district=pudong, startup__sector=chips)
    opening = OpeningFactory(startup=founder.startup, skills=[analog])
    policy = PolicyFactory(district=pudong, created_by=real)
    event = EventFactory(district=pudong)

    generate(seed=1)
    assert all(synthetic_counts().values())
    assert Skill.objects.filter(name="chip design").exists()

    out = StringIO()
    call_command("generate_synthetic", clear=True, stdout=out)
    assert "Deleted the synthetic data" in out.getvalue()
    assert not any(synthetic_counts().values())
    assert ReturneeProfile.objects.get() == profile
    assert list(profile.skills.all()) == [analog]  # in the vocabulary, but still used
    assert not Skill.objects.filter(name="chip design").exists()
    assert Startup.objects.get() == founder.startup
    assert list(Opening.objects.get().skills.all()) == [analog] and opening.pk
    assert Policy.objects.get() == policy
    assert Event.objects.get() == event
    assert User.objects.get() == real
    assert District.objects.filter(code="pudong").exists()

    out = StringIO()
    call_command("generate_synthetic", clear=True, stdout=out)
    assert "there was none" in out.getvalue()


def test_startups_need_returnees():
    with pytest.raises(CommandError, match="Startups need founders"):
        generate(returnees=0)


def test_a_batch_the_database_refuses_raises_and_keeps_nothing():
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic(), Sender() as sender:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        tables = Tables(2, sender)
        profiles = tables.table(ReturneeProfile, "user_id headline")
        profiles.add(user.pk, "Kept only if all goes in")
        profiles.add(user.pk + 1000, "Nobody's profile")
        tables.finish()
    assert not ReturneeProfile.objects.exists()
