import datetime

import pytest
from django.utils import timezone, translation

from core.models import DistrictGrant, User
from core.tests.factories import DistrictFactory, UserFactory
from matching import selectors
from matching.choices import ProposalStatus
from matching.tests.factories import (
    AdvisorProposalFactory,
    MatchFactory,
    ReturneeFactory,
    consenting,
)
from startups.tests.factories import FounderFactory, OpeningFactory, StartupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """The reasons are read in English here, whatever an earlier test left active."""
    with translation.override("en"):
        yield


SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def at(*args) -> datetime.datetime:
    """A moment given in Shanghai time."""
    return datetime.datetime(*args, tzinfo=SHANGHAI)


# Who sees what ---------------------------------------------------------------------------


def test_a_returnee_sees_their_current_undismissed_matches_best_first(user):
    consenting(user)
    low = MatchFactory(returnee=user, score=0.3)
    high = MatchFactory(returnee=user, score=0.9)
    event = MatchFactory(returnee=user, returnee_event=True, score=0.5)
    MatchFactory(returnee=user, is_current=False)
    MatchFactory(returnee=user, dismissed_at=timezone.now())
    MatchFactory()  # someone else's

    assert list(selectors.matches_for_user(user)) == [high, event, low]
    assert list(selectors.matches_for_user(user, kind="returnee_event")) == [event]


def test_founders_see_candidates_and_advisors_for_their_startup_not_the_candidates_matches(user):
    opening = OpeningFactory()
    FounderFactory(startup=opening.startup, user=user)
    candidate = MatchFactory(opening_returnee=True, opening=opening)
    advisor = MatchFactory(startup_advisor=True, startup=opening.startup)
    for_the_candidate = MatchFactory(returnee=candidate.returnee, opening=opening)

    assert set(selectors.matches_for_user(user)) == {candidate, advisor}
    assert list(selectors.matches_for_user(candidate.returnee)) == [for_the_candidate]
    assert list(selectors.candidates_for_opening(opening)) == [candidate]
    assert selectors.is_for(user, candidate)
    assert not selectors.is_for(user, for_the_candidate)


def test_a_founder_of_several_startups_sees_each_ones_candidates_and_advisors(user):
    first, second = OpeningFactory(), OpeningFactory()
    no_openings = StartupFactory()
    for startup in (first.startup, second.startup, no_openings):
        FounderFactory(startup=startup, user=user)
    consenting(user)
    mine = {
        MatchFactory(opening_returnee=True, opening=first, score=0.9),
        MatchFactory(opening_returnee=True, opening=second, score=0.8),
        MatchFactory(startup_advisor=True, startup=no_openings, score=0.7),
        MatchFactory(returnee=user, score=0.6),
    }
    MatchFactory(opening_returnee=True)  # another startup's candidate
    MatchFactory(startup_advisor=True)  # another startup's advisor

    assert set(selectors.matches_for_user(user)) == mine
    assert [match.score for match in selectors.matches_for_user(user)] == [0.9, 0.8, 0.7, 0.6]
    assert list(selectors.matches_for_user(user, kind="startup_advisor")) == [
        match for match in mine if match.kind == "startup_advisor"
    ]


def test_matches_of_withdrawn_consent_closed_openings_and_inactive_advisors_are_hidden(user):
    profile = consenting(user)
    closed = MatchFactory(returnee=user, opening=OpeningFactory(is_open=False))
    advisor = MatchFactory(returnee=user, returnee_advisor=True)
    advisor.advisor.is_active = False
    advisor.advisor.save()
    shown = MatchFactory(returnee=user)
    assert list(selectors.matches_for_user(user)) == [shown]
    assert not selectors.match_for_user(user, closed.pk)

    profile.matching_consent = False
    profile.save()
    assert list(selectors.matches_for_user(user)) == []
    candidate = MatchFactory(opening_returnee=True, returnee=user)
    assert list(selectors.candidates_for_opening(candidate.opening)) == []


def test_a_candidate_is_described_by_name_and_only_a_public_card(user):
    match = MatchFactory(opening_returnee=True, returnee=ReturneeFactory(full_name="Li Wen"))
    target = selectors.match_target(match)
    assert target == {
        "type": "returnee",
        "id": None,
        "title": "Li Wen",
        "subtitle": "",
        "url": None,
    }

    profile = match.returnee.profile
    profile.is_public = True
    profile.headline = "Chip designer"
    profile.save()
    match.refresh_from_db()
    target = selectors.match_target(match)
    assert target["url"] == profile.get_absolute_url()
    assert target["subtitle"] == "Chip designer"
    assert selectors.match_subject(match)["title"] == match.opening.title


def test_founders_read_only_the_reasons_a_candidates_card_shows():
    reasons = [
        {"code": "skill", "weight": 0.4, "params": {"name": "chip design"}},
        {"code": "employer", "weight": 0.3, "params": {"name": "Siemens"}},
        {"code": "institution", "weight": 0.2, "params": {"name": "ETH Zurich"}},
    ]
    match = MatchFactory(opening_returnee=True, reasons=reasons)
    assert selectors.match_reasons(match) == []  # not listed: the name only

    profile = match.returnee.profile
    profile.is_public = True
    profile.show_skills = False
    profile.show_work = False
    profile.save()
    match.refresh_from_db()
    assert selectors.match_reasons(match) == ["Both studied at ETH Zurich"]

    # The returnee reads every reason of their own matches.
    own = MatchFactory(returnee=match.returnee, reasons=reasons)
    assert selectors.match_reasons(own) == [
        "Needs chip design — you list chip design",
        "Both worked at Siemens",
        "Both studied at ETH Zurich",
    ]


# Officials -------------------------------------------------------------------------------


def test_weekly_counts_put_matches_in_shanghai_weeks_and_count_acting_by_its_week():
    district, elsewhere = DistrictFactory(), DistrictFactory()
    now = at(2026, 3, 18, 12)  # a Wednesday; this week starts on Monday 16 March
    MatchFactory(district=district, created_at=at(2026, 3, 16, 0, 30))  # this week
    MatchFactory(district=district, created_at=at(2026, 3, 15, 23, 30))  # last week (Sunday)
    MatchFactory(
        district=district, created_at=at(2026, 3, 2, 9), acted_at=at(2026, 3, 17, 9)
    )  # made three weeks ago, acted on this week
    MatchFactory(district=district, created_at=at(2025, 12, 1))  # too old
    MatchFactory(district=elsewhere, created_at=at(2026, 3, 17))

    weeks = selectors.district_weekly_counts(district, weeks=12, now=now)

    assert len(weeks) == 12
    assert weeks[0][0] == datetime.date(2025, 12, 29)
    assert weeks[-1] == (datetime.date(2026, 3, 16), 1, 1)
    assert weeks[-2] == (datetime.date(2026, 3, 9), 1, 0)
    assert weeks[-3] == (datetime.date(2026, 3, 2), 1, 0)
    assert sum(made for _monday, made, _acted in weeks) == 3


def test_weekly_counts_of_several_districts_take_two_queries(django_assert_num_queries):
    districts = [DistrictFactory() for _ in range(3)]
    for district in districts:
        MatchFactory(district=district)
    with django_assert_num_queries(2):
        counts = selectors.weekly_counts(districts, weeks=4)
    assert [counts[district.pk][-1][1] for district in districts] == [1, 1, 1]


def test_officials_see_the_proposals_of_their_districts_admins_all_others_none():
    pudong, qingpu = DistrictFactory(), DistrictFactory()
    official = UserFactory()
    DistrictGrant.objects.create(user=official, district=pudong)
    admin = UserFactory(is_staff=True, is_superuser=True)
    ours = AdvisorProposalFactory(district=pudong)
    theirs = AdvisorProposalFactory(district=qingpu)
    old = AdvisorProposalFactory(district=pudong, status=ProposalStatus.SUPERSEDED)

    assert set(selectors.proposals_visible_to(official)) == {ours, old}
    assert set(selectors.proposals_visible_to(admin)) == {ours, theirs, old}
    assert list(selectors.proposals_visible_to(UserFactory())) == []
    assert list(selectors.proposals_for_district(pudong)) == [ours]
    assert selectors.is_official(official) and selectors.is_official(admin)
    assert not selectors.is_official(UserFactory())


def test_staff_see_the_proposals_of_their_granted_districts_only():
    """`is_staff` opens Django admin, nothing more: a staff member acts where granted."""
    pudong, qingpu = DistrictFactory(), DistrictFactory()
    staff = UserFactory(is_staff=True)
    ours = AdvisorProposalFactory(district=pudong)
    AdvisorProposalFactory(district=qingpu)

    assert list(selectors.proposals_visible_to(staff)) == []
    assert list(selectors.managed_districts(staff)) == []
    assert not selectors.is_official(staff)
    DistrictGrant.objects.create(user=staff, district=pudong)
    staff = User.objects.get(pk=staff.pk)
    assert list(selectors.proposals_visible_to(staff)) == [ours]
    assert list(selectors.managed_districts(staff)) == [pudong]
    assert selectors.is_official(staff)
