import itertools

import numpy as np
import pytest
from django.utils import timezone

from core.exceptions import ApplicationError, PermissionDeniedError
from core.models import DistrictGrant
from core.tests.factories import DistrictFactory, SectorFactory, UserFactory
from matching import assignment
from matching.choices import ProposalStatus
from matching.models import AdvisorProposal
from talent.tests.factories import AdvisorFactory

from .hand_made import profile


def best_total(scores, requesters, advisors, slots) -> float:
    """The optimum by trying every assignment (tiny cases only)."""
    options = {}
    for position, requester in enumerate(requesters):
        options.setdefault(int(requester), [None]).append(position)
    best = 0.0
    for choice in itertools.product(*options.values()):
        picked = [position for position in choice if position is not None]
        used = np.bincount(advisors[picked], minlength=len(slots)) if picked else 0
        if np.all(used <= slots):
            best = max(best, float(scores[picked].sum()))
    return best


def test_the_solver_beats_first_come_first_served_where_that_is_worse():
    # Requester 0 likes advisor 0 best (0.9) but can live with advisor 1 (0.8); requester 1
    # has only advisor 0 (0.85). Each advisor has one slot. First come, first served gives
    # 0 -> advisor 0 and leaves requester 1 without anyone: 0.9. The solver: 0.8 + 0.85.
    scores = np.array([0.9, 0.8, 0.85])
    requesters = np.array([0, 0, 1])
    advisors = np.array([0, 1, 0])
    slots = np.array([1, 1])
    assert scores[assignment.greedy(scores, requesters, advisors, slots)].sum() == 0.9
    chosen = assignment.solve(scores, requesters, advisors, slots)
    assert chosen.tolist() == [1, 2]
    assert scores[chosen].sum() == pytest.approx(1.65)
    # A perfect match (score 1) is a real choice, not a missing edge.
    perfect = assignment.solve(np.array([1.0, 0.2]), np.array([0, 1]), np.array([0, 0]), slots)
    assert perfect.tolist() == [0]


def test_the_solver_finds_the_optimum_and_never_exceeds_capacity():
    rng = np.random.default_rng(11)
    for _case in range(30):
        requester_count, advisor_count = rng.integers(2, 6), rng.integers(1, 4)
        slots = rng.integers(0, 3, advisor_count)
        pairs = [
            (requester, advisor)
            for requester in range(requester_count)
            for advisor in range(advisor_count)
            if rng.random() < 0.6
        ]
        if not pairs:
            continue
        requesters = np.array([pair[0] for pair in pairs])
        advisors = np.array([pair[1] for pair in pairs])
        scores = np.round(rng.random(len(pairs)), 3) + 0.001
        chosen = assignment.solve(scores, requesters, advisors, slots)
        assert np.all(np.bincount(advisors[chosen], minlength=advisor_count) <= slots)
        assert len(set(requesters[chosen].tolist())) == len(chosen)
        assert scores[chosen].sum() == pytest.approx(
            best_total(scores, requesters, advisors, slots)
        )
        greedy = assignment.greedy(scores, requesters, advisors, slots)
        assert scores[chosen].sum() >= scores[greedy].sum() - 1e-9


@pytest.fixture
def place(db):
    qingpu = DistrictFactory(code="qingpu", name_en="Qingpu")
    pudong = DistrictFactory(code="pudong", name_en="Pudong")
    chips = SectorFactory(code="ic", name_en="Integrated circuits")
    return qingpu, pudong, chips


def advisor(email, *, districts, sectors, capacity=1, expertise=("policies",)):
    made = AdvisorFactory(
        user=UserFactory(email=email, full_name=email.split("@")[0].title()),
        expertise=list(expertise),
        languages=["zh"],
        monthly_capacity=capacity,
    )
    made.districts.set(districts)
    made.sectors.set(sectors)
    return made


@pytest.mark.django_db
def test_assign_advisors_proposes_what_first_come_first_served_would_not(place):
    qingpu, pudong, chips = place
    near = advisor("near@example.com", districts=[qingpu], sectors=[chips])
    far = advisor("far@example.com", districts=[pudong], sectors=[chips])
    first = UserFactory(email="first@example.com")  # asks first; fits both advisors
    profile(first, sectors=[chips], work_district=qingpu, seeking=["policy_help"])
    second = UserFactory(email="second@example.com")  # only the Qingpu advisor fits
    profile(second, work_district=qingpu, seeking=["advisor"])

    figures = assignment.assign_advisors()
    proposed = {p.returnee_id: p for p in AdvisorProposal.objects.filter(status="proposed")}
    assert {user_id: p.advisor for user_id, p in proposed.items()} == {
        first.pk: far,
        second.pk: near,
    }
    assert figures["proposed"] == 2
    assert figures["total_score"] > figures["first_come_first_served_score"]
    assert proposed[second.pk].district == qingpu
    assert {reason["code"] for reason in proposed[second.pk].reasons} >= {"district", "capacity"}
    assert sum(r["weight"] for r in proposed[first.pk].reasons) == pytest.approx(
        proposed[first.pk].score
    )


@pytest.mark.django_db
def test_no_advisor_is_proposed_past_the_consultations_left(place):
    qingpu, _pudong, chips = place
    only = advisor("only@example.com", districts=[qingpu], sectors=[chips], capacity=3)
    only.consultations.create(
        requester=UserFactory(),
        topic="policies",
        message="Help",
        status="accepted",
        scheduled_at=timezone.now(),
    )
    for index in range(5):
        profile(
            UserFactory(email=f"asker{index}@example.com"),
            sectors=[chips],
            work_district=qingpu,
            seeking=["policy_help"],
        )
    figures = assignment.assign_advisors()
    assert figures["slots"] == 2
    assert AdvisorProposal.objects.filter(status="proposed", advisor=only).count() == 2


@pytest.mark.django_db
def test_a_new_run_supersedes_the_solver_s_proposals_but_keeps_the_officials(place):
    qingpu, pudong, chips = place
    near = advisor("near@example.com", districts=[qingpu], sectors=[chips], capacity=2)
    other = advisor("other@example.com", districts=[pudong], sectors=[chips], capacity=2)
    users = []
    for index in range(3):
        user = UserFactory(email=f"asker{index}@example.com")
        profile(user, sectors=[chips], work_district=qingpu, seeking=["advisor"])
        users.append(user)
    first = assignment.assign_advisors()
    official = UserFactory(email="official@example.com")
    DistrictGrant.objects.create(user=official, district=qingpu)
    chosen = AdvisorProposal.objects.get(status="proposed", returnee=users[0])
    replacement = other if chosen.advisor == near else near
    overridden = assignment.proposal_override(
        proposal=chosen, user=official, advisor=replacement, reason="Speaks her dialect."
    )

    second = assignment.assign_advisors()
    assert second["run"] == first["run"] + 1
    overridden.refresh_from_db()
    assert overridden.status == ProposalStatus.PROPOSED  # the official's choice stays
    live = AdvisorProposal.objects.filter(status="proposed")
    assert live.filter(returnee=users[0]).get() == overridden
    assert live.count() == 3
    assert AdvisorProposal.objects.filter(status="superseded", run=first["run"]).count() == 2
    # The override holds one of its advisor's two slots.
    assert live.filter(advisor=replacement).count() <= 2


@pytest.mark.django_db
def test_an_official_overrides_a_proposal_with_a_reason_kept_in_the_trail(place):
    qingpu, pudong, chips = place
    near = advisor("near@example.com", districts=[qingpu], sectors=[chips])
    other = advisor("other@example.com", districts=[pudong], sectors=[chips])
    full = advisor("full@example.com", districts=[qingpu], sectors=[chips], capacity=1)
    full.consultations.create(
        requester=UserFactory(),
        topic="policies",
        message="x",
        status="accepted",
        scheduled_at=timezone.now(),
    )
    asker = UserFactory(email="asker@example.com")
    profile(asker, sectors=[chips], work_district=qingpu, seeking=["policy_help"])
    assignment.assign_advisors()
    proposal = AdvisorProposal.objects.get(status="proposed", returnee=asker)
    assert proposal.advisor == near and proposal.district == qingpu

    stranger = UserFactory(email="stranger@example.com")
    elsewhere = UserFactory(email="elsewhere@example.com")
    DistrictGrant.objects.create(user=elsewhere, district=pudong)
    for user in (stranger, elsewhere):
        with pytest.raises(PermissionDeniedError):
            assignment.proposal_override(
                proposal=proposal, user=user, advisor=other, reason="Better fit."
            )
    official = UserFactory(email="official@example.com")
    DistrictGrant.objects.create(user=official, district=qingpu)
    with pytest.raises(ApplicationError) as missing:
        assignment.proposal_override(proposal=proposal, user=official, advisor=other, reason=" ")
    assert missing.value.field == "reason"
    with pytest.raises(ApplicationError) as busy:
        assignment.proposal_override(proposal=proposal, user=official, advisor=full, reason="x")
    assert busy.value.field == "advisor"
    with pytest.raises(ApplicationError) as same:
        assignment.proposal_override(proposal=proposal, user=official, advisor=near, reason="x")
    assert same.value.field == "advisor"

    new = assignment.proposal_override(
        proposal=proposal, user=official, advisor=other, reason="She asked for Pudong."
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.OVERRIDDEN
    assert (new.replaces, new.decided_by, new.reason, new.status) == (
        proposal,
        official,
        "She asked for Pudong.",
        ProposalStatus.PROPOSED,
    )
    assert new.advisor == other and new.score > 0
    assert {reason["code"] for reason in new.reasons} >= {"sector", "capacity"}
    assert [row.status for row in proposal.history.order_by("history_date")] == [
        "proposed",
        "overridden",
    ]
    with pytest.raises(ApplicationError):  # the replaced one cannot be overridden again
        assignment.proposal_override(proposal=proposal, user=official, advisor=near, reason="x")

    admin = UserFactory(email="admin@example.com", is_staff=True, is_superuser=True)
    again = assignment.proposal_override(
        proposal=new, user=admin, advisor=near, reason="Back to the first."
    )
    assert again.replaces == new and again.decided_by == admin


@pytest.mark.django_db
def test_nobody_is_matched_or_assigned_with_themselves(place):
    from matching import engine
    from matching.models import Match
    from startups.tests.factories import FounderFactory, OpeningFactory, StartupFactory

    qingpu, _pudong, chips = place
    # One person in every role: a consenting returnee who seeks an advisor, the founder of
    # a startup with an opening in their sector, and an advisor serving their district.
    person = UserFactory(email="all-roles@example.com")
    profile(person, sectors=[chips], work_district=qingpu, seeking=["advisor", "job"])
    self_advisor = advisor("unused@example.com", districts=[qingpu], sectors=[chips], capacity=3)
    self_advisor.user = person
    self_advisor.save()
    startup = StartupFactory(sector=chips, district=qingpu, needs=["policies"])
    FounderFactory(startup=startup, user=person)
    opening = OpeningFactory(startup=startup, sector=chips)
    someone_else = advisor("else@example.com", districts=[qingpu], sectors=[chips], capacity=3)

    engine.rematch_all()
    engine.rematch_returnee(person.pk)
    engine.rematch_opening(opening.pk)
    engine.rematch_startup(startup.pk)
    assert not Match.objects.filter(returnee=person, opening=opening).exists()
    assert not Match.objects.filter(returnee=person, advisor=self_advisor).exists()
    assert not Match.objects.filter(startup=startup, advisor=self_advisor).exists()
    # The others are still matched: the exclusion is of the person alone.
    assert Match.objects.filter(returnee=person, advisor=someone_else).exists()

    assignment.assign_advisors()
    live = AdvisorProposal.objects.filter(status="proposed")
    assert not live.filter(advisor=self_advisor, returnee=person).exists()
    assert not live.filter(advisor=self_advisor, startup=startup).exists()
    proposal = live.get(returnee=person)
    admin = UserFactory(email="admin@example.com", is_staff=True, is_superuser=True)
    with pytest.raises(ApplicationError) as refused:
        assignment.proposal_override(
            proposal=proposal, user=admin, advisor=self_advisor, reason="Knows the case."
        )
    assert refused.value.code == "own_advisor"


@pytest.mark.django_db
def test_an_override_to_an_advisor_who_stops_advising_goes_back_to_the_solver(place):
    qingpu, pudong, chips = place
    near = advisor("near@example.com", districts=[qingpu], sectors=[chips], capacity=2)
    other = advisor("other@example.com", districts=[pudong], sectors=[chips], capacity=2)
    asker = UserFactory(email="asker@example.com")
    profile(asker, sectors=[chips], work_district=qingpu, seeking=["advisor"])
    assignment.assign_advisors()
    chosen = AdvisorProposal.objects.get(status="proposed", returnee=asker)
    replacement = other if chosen.advisor == near else near
    admin = UserFactory(email="admin@example.com", is_staff=True, is_superuser=True)
    overridden = assignment.proposal_override(
        proposal=chosen, user=admin, advisor=replacement, reason="Closer to her office."
    )
    replacement.is_active = False
    replacement.save()

    assignment.assign_advisors()
    overridden.refresh_from_db()
    assert overridden.status == ProposalStatus.SUPERSEDED
    fresh = AdvisorProposal.objects.get(status="proposed", returnee=asker)
    assert fresh.advisor != replacement and fresh.decided_by is None
