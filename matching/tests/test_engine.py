"""The engine on a hand-made city whose scores are worked out on paper.

Alice (integrated circuits; chip design, Python; ETH Zurich; works in Qingpu, lives in
Pudong; seeks a job and an advisor) and what the engine must find for her:

- "Test engineer" at Pudong Silicon (Series B): skills {Python}, sector, Pudong, job.
  Weights: skill 4, sector 2, district 1, seeking 1 = 8. She shares all: 4/8 + 2/8 + 1/8 + 1/8
  = 1.0; Pudong is only where she lives.
- "Chip designer" at Qingpu Chips (seed): skills {chip design, FPGA}, sector, Qingpu, the
  founder's ETH Zurich, job and co-founder: 4 + 2 + 1.5 + 1 + 1 = 9.5. She shares chip
  design (2/9.5), the sector (2/9.5), ETH (1.5/9.5), Qingpu (1/9.5), a job (0.5/9.5):
  0.2105 + 0.2105 + 0.1579 + 0.1053 + 0.0526 = 0.7368.
- Advisor Ada: expertise 3, sector 2, district 1.5, language 1, seeking 1, capacity 1 = 9.5;
  shared: sector 0.2105, Qingpu 0.1579, Chinese 0.1053, capacity (4 of 4 free) 0.1053,
  "an advisor" (one of her two offers) 0.0526 = 0.6316. The busy advisor is full this month.
- The chip forum in Qingpu, in Chinese: sector 2, district 1.5, language 1 = 4.5; all shared:
  0.4444 + 0.3333 + 0.2222 = 0.9999.
- Policies: eligible for the Qingpu subsidy (age, works in Qingpu): (2 + 1) / (2 + 2) = 0.75;
  likely for the chip grant (sector met, return date unknown): (1 + 1) / (2 + 2) = 0.5;
  the doctors' policy fails.
"""

import numpy as np
import psycopg2
import pytest
from django.db import connection
from django.utils import timezone, translation

from core.tests.factories import UserFactory
from matching import engine, policy_matches
from matching.models import Match, OpeningFeature
from matching.reasons import render_all
from policies import selectors as policy_selectors
from policies.eligibility import Facts, check_rule, policy_rules
from startups.tests.factories import OpeningFactory, StartupFactory
from talent import services as talent_services
from talent.models import ReturneeProfile

from .hand_made import build_city, days_ago, profile, skill


def reasons_of(match):
    return [(reason["code"], reason["weight"]) for reason in match.reasons]


def current(**filters):
    return Match.objects.filter(is_current=True, **filters)


@pytest.fixture
def city(db):
    return build_city()


@pytest.mark.django_db
def test_full_run_finds_the_worked_out_scores_and_reasons(city):
    figures = engine.rematch_all()
    assert figures["counts"]["returnees"] == 2  # Alice and the founder consent

    openings = {m.opening_id: m for m in current(kind="returnee_opening", returnee=city.alice)}
    assert set(openings) == {city.python_opening.pk, city.chip_opening.pk}
    python, chip = openings[city.python_opening.pk], openings[city.chip_opening.pk]
    assert python.score == 1.0
    assert reasons_of(python) == [
        ("skill", 0.5),
        ("sector", 0.25),
        ("district_home", 0.125),
        ("seeking", 0.125),
    ]
    assert chip.score == pytest.approx(0.7368)
    assert reasons_of(chip) == [
        ("skill", 0.2105),
        ("sector", 0.2105),
        ("institution", 0.1579),
        ("district", 0.1053),
        ("seeking", 0.0526),
    ]
    assert chip.district == city.qingpu and python.district == city.pudong

    advisor = current(kind="returnee_advisor", returnee=city.alice).get()
    assert advisor.advisor == city.advisor  # the busy advisor is full this month
    assert advisor.score == pytest.approx(0.6316)
    assert reasons_of(advisor) == [
        ("sector", 0.2105),
        ("district", 0.1579),
        ("language", 0.1053),
        ("capacity", 0.1053),
        ("seeking", 0.0526),
    ]
    assert advisor.reasons[3]["params"] == {"left": 4, "capacity": 4}

    event = current(kind="returnee_event", returnee=city.alice).get()
    assert event.event == city.event and event.score == pytest.approx(0.9999)

    policies = {m.policy_id: m for m in current(kind="returnee_policy", returnee=city.alice)}
    assert set(policies) == {city.eligible_policy.pk, city.likely_policy.pk}
    assert policies[city.eligible_policy.pk].score == 0.75
    assert policies[city.eligible_policy.pk].reasons == [
        {"code": "eligible", "params": {"met": 2, "total": 2}, "weight": 0.75}
    ]
    assert policies[city.likely_policy.pk].reasons == [
        {"code": "likely_eligible", "params": {"met": 1, "total": 2}, "weight": 0.5}
    ]

    # Candidates for the openings: the same pair read the other way.
    candidate = current(kind="opening_returnee", opening=city.chip_opening).get()
    assert candidate.returnee == city.alice
    assert (candidate.score, candidate.reasons) == (chip.score, chip.reasons)
    assert not current(opening=city.bio_opening).exists()  # another sector

    startup = current(kind="startup_advisor", startup=city.chip_startup).get()
    assert startup.score == pytest.approx(0.6)  # sector 2/7.5, Qingpu 1.5/7.5, capacity 1/7.5


@pytest.mark.django_db
def test_every_match_s_reasons_add_up_to_its_score(city):
    engine.rematch_all()
    matches = list(Match.objects.all())
    assert len(matches) > 8
    for match in matches:
        total = sum(reason["weight"] for reason in match.reasons)
        assert total == pytest.approx(match.score, abs=1e-9)
        assert 0 < match.score <= 1


@pytest.mark.django_db
def test_reasons_read_as_sentences_in_english_and_chinese(city):
    engine.rematch_all()
    python = current(kind="returnee_opening", opening=city.python_opening).get()
    with translation.override("en"):
        assert render_all(python.reasons, python.kind) == [
            "Needs Python — you list Python",
            "In Integrated circuits, your sector",
            "In Pudong, where you live",
            "You are looking for: A job",
        ]
    candidate = current(kind="opening_returnee", opening=city.python_opening).get()
    with translation.override("en"):
        assert render_all(candidate.reasons, candidate.kind)[:3] == [
            "Lists Python, which the opening needs",
            "Works in Integrated circuits, the opening's sector",
            "Works or lives in Pudong, where the startup is",
        ]
    advisor = current(kind="returnee_advisor").get()
    with translation.override("en"):
        lines = render_all(advisor.reasons, advisor.kind)
    assert "Serves Qingpu, where you work" in lines
    assert "4 of 4 consultations free this month" in lines
    policy = current(kind="returnee_policy", policy=city.eligible_policy).get()
    with translation.override("en"):
        assert render_all(policy.reasons, policy.kind) == ["You are eligible: 2 of 2 criteria"]
    with translation.override("zh-hans"):
        lines = render_all(python.reasons, python.kind)
    assert any("集成电路" in line for line in lines)
    assert any("浦东新区" in line for line in lines)


@pytest.mark.django_db
def test_a_second_full_run_rewrites_nothing(city):
    engine.rematch_all()
    before = {m.pk: (m.score, m.reasons, m.updated_at) for m in Match.objects.all()}
    figures = engine.rematch_all()
    assert figures["rows"]["inserted_or_changed"] == 0
    assert figures["rows"]["no_longer_current"] == 0
    assert figures["rows"]["unchanged"] == len(before)
    assert {m.pk: (m.score, m.reasons, m.updated_at) for m in Match.objects.all()} == before


@pytest.mark.django_db
def test_one_changed_profile_is_rematched_alone_as_the_full_run_would(city):
    engine.rematch_all()
    assert engine.rematch_returnee(city.alice.pk) == 0  # nothing changed: nothing written

    talent_services.profile_update(
        user=city.alice, data={"skills": ["chip design", "Python", "FPGA"]}
    )
    engine.rematch_returnee(city.alice.pk)
    chip = current(kind="returnee_opening", opening=city.chip_opening).get()
    assert chip.score == pytest.approx(0.9473)  # both skills: 4 x 0.2105 + ... - see above
    assert reasons_of(chip)[:2] == [("skill", 0.2105), ("skill", 0.2105)]
    candidate = current(kind="opening_returnee", opening=city.chip_opening).get()
    assert candidate.score == chip.score  # her place among the opening's candidates too

    snapshot = {(m.kind, m.opening_id, m.policy_id): m.score for m in current(returnee=city.alice)}
    figures = engine.rematch_all()
    assert figures["rows"]["inserted_or_changed"] == 0  # the full run agrees
    assert {
        (m.kind, m.opening_id, m.policy_id): m.score for m in current(returnee=city.alice)
    } == snapshot


@pytest.mark.django_db
def test_a_dismissed_match_stays_dismissed_through_later_runs(city):
    engine.rematch_all()
    python = current(kind="returnee_opening", opening=city.python_opening).get()
    python.dismissed_at = timezone.now()
    python.save(update_fields=["dismissed_at"])
    engine.rematch_all()
    engine.rematch_returnee(city.alice.pk)
    python.refresh_from_db()
    assert python.dismissed_at is not None
    assert Match.objects.filter(kind="returnee_opening", opening=city.python_opening).count() == 1
    assert (
        current(kind="returnee_opening", returnee=city.alice, dismissed_at__isnull=True).count()
        == 1
    )


@pytest.mark.django_db
def test_a_returnee_who_withdraws_consent_keeps_no_current_match(city):
    engine.rematch_all()
    assert current(returnee=city.alice).exists()
    ReturneeProfile.objects.filter(user=city.alice).update(matching_consent=False)
    engine.rematch_returnee(city.alice.pk)
    assert not current(returnee=city.alice).exists()
    engine.rematch_all()
    assert not current(returnee=city.alice).exists()
    assert not current(opening=city.chip_opening).exists()


@pytest.mark.django_db
def test_a_closed_opening_is_no_longer_matched(city):
    engine.rematch_all()
    city.chip_opening.is_open = False
    city.chip_opening.save()
    engine.rematch_opening(city.chip_opening.pk)
    assert not current(opening=city.chip_opening).exists()
    assert not OpeningFeature.objects.filter(opening=city.chip_opening).exists()
    city.chip_opening.is_open = True
    city.chip_opening.save()
    engine.rematch_opening(city.chip_opening.pk)
    assert current(kind="opening_returnee", opening=city.chip_opening).get().returnee == city.alice
    assert current(kind="returnee_opening", opening=city.chip_opening).get().score == pytest.approx(
        0.7368
    )


@pytest.mark.django_db
def test_a_new_opening_joins_the_lists_it_belongs_to(city, settings):
    settings.MATCH_TOP_K = {**settings.MATCH_TOP_K, "returnee_opening": 2}
    engine.rematch_all()
    # At Qingpu Chips, needing only chip design: 0.4211 + 0.2105 + 0.1579 + 0.1053 + 0.0526.
    better = city.chip_startup.openings.create(title="Chip lead", sector=city.chips, description="")
    better.skills.set([skill("chip design")])
    engine.rematch_opening(better.pk)
    mine = current(kind="returnee_opening", returnee=city.alice).order_by("-score")
    assert [(m.opening_id, m.score) for m in mine] == [
        (city.python_opening.pk, 1.0),
        (better.pk, 0.9474),
    ]
    assert not current(kind="returnee_opening", opening=city.chip_opening).exists()


@pytest.mark.django_db
def test_a_startup_s_advisors_are_rematched_with_it(city):
    engine.rematch_startup(city.chip_startup.pk)
    match = current(kind="startup_advisor", startup=city.chip_startup).get()
    assert match.advisor == city.advisor
    assert reasons_of(match) == [("sector", 0.2667), ("district", 0.2), ("capacity", 0.1333)]


# One definition, two ways of computing it --------------------------------------------------


@pytest.mark.django_db
def test_the_per_person_rematch_agrees_with_the_full_run_on_a_random_city(city):
    """Random profiles and openings: after a full run, re-matching each returnee alone (SQL
    over the stored opening weights) writes nothing, because it finds exactly the same."""
    rng = np.random.default_rng(7)
    skills = [skill(f"skill {i}") for i in range(12)]
    sectors = [city.chips, city.biotech]
    districts = [city.qingpu, city.pudong]
    people = []
    for index in range(25):
        user = UserFactory(email=f"random{index}@example.com")
        profile(
            user,
            sectors=list(rng.choice(sectors, size=rng.integers(1, 3), replace=False)),
            skills=list(rng.choice(skills, size=rng.integers(0, 5), replace=False)),
            work_district=districts[rng.integers(0, 2)],
            residence_district=districts[rng.integers(0, 2)],
            seeking=list(rng.choice(["job", "cofounder", "advisor"], size=2, replace=False)),
        )
        people.append(user)
    for index in range(15):
        startup = StartupFactory(
            district=districts[rng.integers(0, 2)],
            sector=sectors[rng.integers(0, 2)],
            stage=["idea", "seed", "a"][rng.integers(0, 3)],
        )
        OpeningFactory(
            startup=startup,
            title=f"Opening {index}",
            sector=startup.sector,
            skills=list(rng.choice(skills, size=rng.integers(1, 4), replace=False)),
        )
    engine.rematch_all()
    assert current(kind="returnee_opening").count() > 50
    for user in people:
        assert engine.rematch_returnee(user.pk) == 0


@pytest.mark.django_db
def test_policy_classes_give_the_answers_of_eligibility_itself(city):
    """The full run checks each criterion once per class of profiles (PROJECTIONS); every
    profile in a class gets what `check_rule` says for that very profile."""
    rng = np.random.default_rng(3)
    for index in range(30):
        profile(
            UserFactory(email=f"facts{index}@example.com"),
            sectors=[[city.chips], [city.biotech], []][index % 3],
            birth_year=int(rng.integers(1960, 2000)) if index % 4 else None,
            returned_on=days_ago(int(rng.integers(10, 4000))) if index % 5 else None,
            work_district=[city.qingpu, city.pudong, None][index % 3],
            company_district=[None, city.qingpu][index % 2],
            company_role=["", "founder", "employee"][index % 3],
        )
    today = timezone.localdate()
    facts = policy_matches.load_facts()
    rules = [
        rule
        for policy in policy_selectors.published_active(day=today)
        for rule in policy_rules(policy)
    ]
    for user_id, person in facts.items():
        expected = Facts.from_profile(
            policy_selectors.eligibility_profiles(user_ids=[user_id])[user_id]
        )
        for rule in rules:
            assert (
                check_rule(rule, person, today=today).met
                == check_rule(rule, expected, today=today).met
            )
    users = list(facts)
    every = policy_matches.match_all(facts, user_ids=users, k=5, today=today)
    one_by_one = [
        row for user in users for row in policy_matches.match_person(user, k=5, today=today)
    ]
    assert sorted(every) == sorted(one_by_one)


@pytest.mark.django_db
def test_a_first_run_loads_in_bulk_and_leaves_every_index_and_key_in_place(city, monkeypatch):
    def schema():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'matching_match'"
                " UNION ALL SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid = 'matching_match'::regclass ORDER BY 1"
            )
            return [row[0] for row in cursor.fetchall()]

    before = schema()
    monkeypatch.setattr(engine.full_run, "BULK_MIN", 1)
    figures = engine.rematch_all()
    assert figures["rows"]["bulk_load"] is True
    assert schema() == before
    python = current(kind="returnee_opening", opening=city.python_opening).get()
    assert python.score == 1.0
    assert engine.rematch_all()["rows"]["bulk_load"] is False  # now most rows exist


@pytest.mark.django_db
def test_a_founder_who_withdraws_consent_no_longer_lends_their_studies_to_openings(city):
    engine.rematch_all()
    assert OpeningFeature.objects.filter(opening=city.chip_opening, code__startswith="inst:")
    ReturneeProfile.objects.filter(user=city.founder).update(matching_consent=False)
    engine.rematch_returnee(city.founder.pk)
    assert not OpeningFeature.objects.filter(opening=city.chip_opening, code__startswith="inst:")
    engine.rematch_returnee(city.alice.pk)
    chip = current(kind="returnee_opening", opening=city.chip_opening).get()
    assert "institution" not in {reason["code"] for reason in chip.reasons}


@pytest.mark.parametrize("hidden", [{"is_public": False}, {"show_education": False}])
def test_a_founder_s_hidden_studies_are_never_a_reason_others_read(city, hidden):
    ReturneeProfile.objects.filter(user=city.founder).update(**hidden)
    engine.rematch_all()
    assert not OpeningFeature.objects.filter(opening=city.chip_opening, code__startswith="inst:")
    chip = current(kind="returnee_opening", opening=city.chip_opening).get()
    assert "institution" not in {reason["code"] for reason in chip.reasons}


@pytest.mark.django_db
def test_two_full_runs_never_overlap(city):
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [engine.LOCK_ID])
        assert engine.rematch_all() == {"skipped": True}
        assert not Match.objects.exists()
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [engine.LOCK_ID])
    finally:
        other.close()
    assert engine.rematch_all()["counts"]["returnees"] == 2
