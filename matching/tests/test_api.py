import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import DistrictGrant, Notification
from core.tests.factories import DistrictFactory, SectorFactory, UserFactory
from matching.choices import ProposalStatus
from matching.models import AdvisorProposal, Match
from matching.tests.factories import (
    AdvisorProposalFactory,
    MatchFactory,
    ReturneeFactory,
    consenting,
)
from startups.tests.factories import FounderFactory, OpeningFactory, StartupFactory
from talent.services import skill_get_or_create
from talent.tests.factories import AdvisorFactory

pytestmark = pytest.mark.django_db

MATCHES = "/api/v1/me/matches/"
PROPOSALS = "/api/v1/matching/proposals/"
STATS = "/api/v1/matching/district-stats/"


def client_for(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def official_of(district, **fields):
    official = UserFactory(**fields)
    DistrictGrant.objects.create(user=official, district=district)
    return official


@pytest.fixture
def returnee(user):
    consenting(user)
    return user


@pytest.fixture
def client(returnee):
    return client_for(returnee)


# Matches for you -------------------------------------------------------------------------


def test_the_list_gives_score_reasons_in_the_readers_language_and_a_small_target(
    returnee, client, django_assert_max_num_queries
):
    match = MatchFactory(returnee=returnee, score=0.72)
    MatchFactory.create_batch(3, returnee=returnee, score=0.2)
    MatchFactory(returnee=returnee, returnee_advisor=True, score=0.1)
    MatchFactory()  # someone else's

    # A fixed number whatever the matches: the candidates, one liveness query and one
    # prefetch per kind of target on the page (openings, advisors), the count and the page.
    with django_assert_max_num_queries(11):
        response = client.get(MATCHES)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    MatchFactory.create_batch(6, returnee=returnee, score=0.3)
    MatchFactory.create_batch(4, returnee=returnee, returnee_advisor=True, score=0.05)
    with django_assert_max_num_queries(11):
        assert client.get(MATCHES).json()["count"] == 15
    item = body["results"][0]
    assert item["id"] == match.pk
    assert item["kind"] == "returnee_opening"
    assert item["score"] == 0.72
    assert item["reasons"] == [
        "Both studied at ETH Zurich",
        "Needs chip design — you list chip design",
    ]
    assert item["subject"] is None
    assert item["target"] == {
        "type": "opening",
        "id": match.opening.pk,
        "title": match.opening.title,
        "subtitle": match.opening.startup.name,
        "url": match.opening.get_absolute_url(),
    }
    assert item["acted_at"] is None and item["action"] == ""


def test_a_bilingual_reason_follows_the_language_of_the_request(returnee):
    MatchFactory(returnee=returnee, returnee_event=True)
    client = APIClient()
    client.force_authenticate(returnee)
    chinese = client.get(MATCHES, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["results"][0]
    english = client.get(MATCHES, HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
    assert "生物医药" in chinese["reasons"][0]
    assert english["reasons"] == ["About Biomedicine, your sector"]


def test_the_kind_filter_and_a_bad_kind(returnee, client):
    MatchFactory(returnee=returnee)
    event = MatchFactory(returnee=returnee, returnee_event=True)
    body = client.get(MATCHES, {"kind": "returnee_event"}).json()
    assert [item["id"] for item in body["results"]] == [event.pk]

    bad = client.get(MATCHES, {"kind": "spouse"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid"
    assert "kind" in bad.json()["errors"]


def test_anonymous_visitors_are_asked_to_sign_in(api_client):
    assert api_client.get(MATCHES).status_code == 401


def test_dismissing_hides_a_match_for_good(returnee, client):
    match = MatchFactory(returnee=returnee)
    response = client.post(f"{MATCHES}{match.pk}/dismiss/")
    assert response.status_code == 204
    assert client.get(MATCHES).json()["count"] == 0
    assert client.post(f"{MATCHES}{match.pk}/dismiss/").status_code == 404

    # The next run finds the pair again and updates its row: it stays dismissed.
    Match.objects.filter(pk=match.pk).update(is_current=True, score=0.99)
    assert client.get(MATCHES).json()["count"] == 0


def test_acting_records_the_action_and_says_where_to_go(returnee, client):
    match = MatchFactory(returnee=returnee)
    founder = FounderFactory(startup=match.opening.startup)
    response = client.post(f"{MATCHES}{match.pk}/act/", {"action": "viewed"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["url"] == match.opening.get_absolute_url()
    assert body["match"]["action"] == "viewed"
    assert body["match"]["acted_at"] is not None

    missing = client.post(f"{MATCHES}{match.pk}/act/", {"action": "contacted"}, format="json")
    assert missing.status_code == 400
    assert "message" in missing.json()["errors"]
    sent = client.post(
        f"{MATCHES}{match.pk}/act/",
        {"action": "contacted", "message": "Write to me on WeChat: liwen92"},
        format="json",
    )
    assert sent.status_code == 200
    assert Notification.objects.get(recipient=founder.user).body.count("liwen92") == 1
    again = client.post(
        f"{MATCHES}{match.pk}/act/", {"action": "contacted", "message": "Hi"}, format="json"
    )
    assert again.status_code == 409


def test_bad_actions_are_400s(returnee, client):
    match = MatchFactory(returnee=returnee)
    unknown = client.post(f"{MATCHES}{match.pk}/act/", {"action": "marry"}, format="json")
    assert unknown.status_code == 400
    unfit = client.post(f"{MATCHES}{match.pk}/act/", {"action": "registered"}, format="json")
    assert unfit.status_code == 400
    assert unfit.json()["errors"] == {"action": [unfit.json()["detail"]]}


def test_a_consultation_through_a_match(returnee, client):
    match = MatchFactory(returnee=returnee, returnee_advisor=True)
    response = client.post(
        f"{MATCHES}{match.pk}/act/",
        {"action": "consultation", "topic": "financing", "message": "Seed round?"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["url"].startswith("/consultations/")


def test_another_persons_match_is_a_404(returnee, other_user):
    match = MatchFactory(returnee=returnee)
    other = client_for(other_user)
    assert other.post(f"{MATCHES}{match.pk}/dismiss/").status_code == 404
    assert (
        other.post(f"{MATCHES}{match.pk}/act/", {"action": "viewed"}, format="json").status_code
        == 404
    )
    assert other.get(MATCHES).json()["count"] == 0
    match.refresh_from_db()
    assert match.dismissed_at is None and match.acted_at is None


# Founders' candidates --------------------------------------------------------------------


def test_founders_see_the_candidates_for_their_opening_and_nobody_else_does(
    user, other_user, django_assert_max_num_queries
):
    opening = OpeningFactory()
    FounderFactory(startup=opening.startup, user=user)
    hidden = ReturneeFactory(full_name="Private Person", email="private@example.com")
    hidden.profile.birth_year = 1990
    hidden.profile.save()
    listed = ReturneeFactory(full_name="Listed Person")
    listed.profile.is_public = True
    listed.profile.save()
    MatchFactory(opening_returnee=True, opening=opening, returnee=hidden, score=0.8)
    MatchFactory(opening_returnee=True, opening=opening, returnee=listed, score=0.5)
    MatchFactory(opening_returnee=True)  # another opening's candidate
    url = f"/api/v1/me/openings/{opening.pk}/candidates/"

    client = client_for(user)
    with django_assert_max_num_queries(6):
        response = client.get(url)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [item["target"]["title"] for item in results] == ["Private Person", "Listed Person"]
    assert results[0]["target"]["url"] is None and results[0]["target"]["id"] is None
    assert results[1]["target"]["url"] == listed.profile.get_absolute_url()
    # Founders read what a candidate's directory card shows: no reasons for an unlisted one.
    assert results[0]["reasons"] == []
    assert results[1]["reasons"]
    assert results[0]["subject"]["id"] == opening.pk
    assert "private@example.com" not in response.content.decode()
    assert "1990" not in response.content.decode()

    assert client_for(other_user).get(url).status_code == 404
    assert APIClient().get(url).status_code == 401
    assert client_for(user).get("/api/v1/me/openings/999999/candidates/").status_code == 404


def test_founders_candidates_also_appear_in_their_matches(user):
    opening = OpeningFactory()
    FounderFactory(startup=opening.startup, user=user)
    candidate = MatchFactory(opening_returnee=True, opening=opening)
    body = client_for(user).get(MATCHES, {"kind": "opening_returnee"}).json()
    assert [item["id"] for item in body["results"]] == [candidate.pk]
    # The founder writes to the candidate through the match.
    response = client_for(user).post(
        f"{MATCHES}{candidate.pk}/act/",
        {"action": "contacted", "message": "Come and see us"},
        format="json",
    )
    assert response.status_code == 200
    assert Notification.objects.filter(
        recipient=candidate.returnee, template="match_contact_candidate"
    ).exists()


# Officials -------------------------------------------------------------------------------


def test_proposals_are_scoped_to_the_officials_districts(user, django_assert_max_num_queries):
    pudong, qingpu = DistrictFactory(), DistrictFactory()
    official = official_of(pudong)
    admin = UserFactory(is_staff=True, is_superuser=True)
    ours = AdvisorProposalFactory(
        district=pudong,
        reasons=[
            {"code": "expertise", "weight": 0.5, "params": {"name": "financing"}},
            {"code": "employer", "weight": 0.2, "params": {"name": "Hidden Employer GmbH"}},
            {"code": "capacity", "weight": 0.1, "params": {"left": 2, "capacity": 4}},
        ],
    )
    # Listed, but with work abroad hidden: officials read no reason drawn from it.
    ours.returnee.profile.is_public = True
    ours.returnee.profile.show_work = False
    ours.returnee.profile.save()
    theirs = AdvisorProposalFactory(district=qingpu)

    AdvisorProposalFactory.create_batch(3, district=pudong, status=ProposalStatus.SUPERSEDED)
    client = client_for(official)
    with django_assert_max_num_queries(6):
        body = client.get(PROPOSALS, {"status": "proposed"}).json()
    assert [item["id"] for item in body["results"]] == [ours.pk]
    assert client.get(PROPOSALS).json()["count"] == 4
    item = body["results"][0]
    assert item["requester"]["type"] == "returnee"
    assert item["advisor"]["id"] == ours.advisor.pk
    assert item["district"] == pudong.code
    assert item["reasons"] == [
        "Advises on Financing and investment",
        "2 of 4 consultations free this month",
    ]
    all_ids = {
        item["id"]
        for item in client_for(admin).get(PROPOSALS, {"status": "proposed"}).json()["results"]
    }
    assert all_ids == {ours.pk, theirs.pk}
    assert client_for(user).get(PROPOSALS).status_code == 403
    assert client_for(official).get(PROPOSALS, {"status": "nonsense"}).status_code == 400
    assert client_for(official).get(PROPOSALS, {"district": "atlantis"}).status_code == 400


def test_an_official_overrides_a_proposal_of_their_district_with_a_reason():
    pudong, qingpu = DistrictFactory(), DistrictFactory()
    official = official_of(pudong)
    proposal = AdvisorProposalFactory(district=pudong)
    theirs = AdvisorProposalFactory(district=qingpu)
    advisor = AdvisorFactory(monthly_capacity=5)
    client = client_for(official)

    no_reason = client.post(
        f"{PROPOSALS}{proposal.pk}/override/", {"advisor": advisor.pk}, format="json"
    )
    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()["errors"]
    outside = client.post(
        f"{PROPOSALS}{theirs.pk}/override/",
        {"advisor": advisor.pk, "reason": "Speaks German"},
        format="json",
    )
    assert outside.status_code == 404

    response = client.post(
        f"{PROPOSALS}{proposal.pk}/override/",
        {"advisor": advisor.pk, "reason": "Speaks German"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["advisor"]["id"] == advisor.pk
    assert body["reason"] == "Speaks German"
    assert body["replaces"] == proposal.pk
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.OVERRIDDEN
    assert AdvisorProposal.objects.get(pk=body["id"]).decided_by == official


def test_district_stats_for_the_districts_officials_only(user):
    pudong = DistrictFactory(code="pudong")
    DistrictFactory(code="qingpu")
    official = official_of(pudong)
    MatchFactory(district=pudong)
    MatchFactory(district=pudong, acted_at=timezone.now())

    response = client_for(official).get(STATS, {"district": "pudong"})
    assert response.status_code == 200
    body = response.json()
    assert body["district"] == "pudong"
    assert len(body["weeks"]) == 12
    assert body["weeks"][-1]["made"] == 2 and body["weeks"][-1]["acted"] == 1
    assert (
        len(client_for(official).get(STATS, {"district": "pudong", "weeks": 4}).json()["weeks"])
        == 4
    )

    assert client_for(official).get(STATS, {"district": "qingpu"}).status_code == 403
    assert client_for(user).get(STATS, {"district": "pudong"}).status_code == 403
    admin = UserFactory(is_staff=True, is_superuser=True)
    assert client_for(admin).get(STATS, {"district": "qingpu"}).status_code == 200
    for bad in ({}, {"district": "atlantis"}, {"district": "pudong", "weeks": 0}):
        assert client_for(official).get(STATS, bad).status_code == 400
    assert APIClient().get(STATS, {"district": "pudong"}).status_code == 401


# With the engine -------------------------------------------------------------------------


def test_end_to_end_the_engine_explains_a_match_and_a_dismissal_survives_re_matching(user):
    from matching.engine import rematch_opening, rematch_returnee

    district, sector = DistrictFactory(), SectorFactory()
    chips = skill_get_or_create(name="chip design")
    opening = OpeningFactory(
        startup=StartupFactory(district=district, sector=sector), sector=sector, skills=[chips]
    )
    profile = consenting(user, work_district=district, seeking=["job"])
    profile.sectors.set([sector])
    profile.skills.set([chips])
    rematch_opening(opening.pk)
    rematch_returnee(user.pk)
    client = client_for(user)

    results = client.get(MATCHES, {"kind": "returnee_opening"}).json()["results"]
    assert [item["target"]["id"] for item in results] == [opening.pk]
    assert "Needs chip design — you list chip design" in results[0]["reasons"]
    assert 0 < results[0]["score"] <= 1

    assert client.post(f"{MATCHES}{results[0]['id']}/dismiss/").status_code == 204
    rematch_opening(opening.pk)
    rematch_returnee(user.pk)
    assert client.get(MATCHES, {"kind": "returnee_opening"}).json()["count"] == 0
    assert Match.objects.get(pk=results[0]["id"]).dismissed_at is not None
