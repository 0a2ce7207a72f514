"""PIPL art. 14-15: consents to the directory and to matching are recorded (purpose, notice
version, given, withdrawn) and can be withdrawn with effect at once."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from matching.choices import ProposalStatus
from matching.models import Match
from matching.tests.factories import AdvisorProposalFactory, MatchFactory
from talent import services
from talent.choices import ConsentChannel, ConsentPurpose
from talent.models import ConsentRecord, ReturneeProfile

pytestmark = pytest.mark.django_db

DIRECTORY = ConsentPurpose.DIRECTORY
MATCHING = ConsentPurpose.MATCHING


def records(user, purpose=None):
    rows = ConsentRecord.objects.filter(user=user).order_by("granted_at", "id")
    return list(rows.filter(purpose=purpose) if purpose else rows)


def test_giving_consent_records_purpose_notice_version_and_channel(user, settings):
    settings.PRIVACY_NOTICE_VERSION = "7"
    profile = services.profile_update(
        user=user, data={"is_public": True, "matching_consent": True}, via=ConsentChannel.PAGE
    )
    assert profile.is_public and profile.public_since
    assert profile.matching_consent and profile.matching_consent_at
    given = records(user)
    assert [(r.purpose, r.notice_version, r.granted_via) for r in given] == [
        (DIRECTORY, "7", "page"),
        (MATCHING, "7", "page"),
    ]
    assert all(r.is_open for r in given)


def test_withdrawing_closes_the_record_and_giving_again_opens_a_new_one(user):
    services.profile_update(user=user, data={"matching_consent": True}, via="page")
    services.profile_update(user=user, data={"matching_consent": False}, via="api")
    profile = ReturneeProfile.objects.get(user=user)
    assert not profile.matching_consent and profile.matching_consent_at is None
    [withdrawn] = records(user, MATCHING)
    assert withdrawn.withdrawn_at and withdrawn.withdrawn_via == "api"

    services.consent_grant(user=user, purpose=MATCHING, via="page")
    first, second = records(user, MATCHING)
    assert not first.is_open and second.is_open
    assert ReturneeProfile.objects.get(user=user).matching_consent


def test_saving_the_profile_unchanged_records_nothing_new(user):
    services.profile_update(user=user, data={"is_public": True}, via="page")
    for _ in range(3):
        services.profile_update(
            user=user, data={"is_public": True, "headline": "Again"}, via="page"
        )
    services.consent_grant(user=user, purpose=DIRECTORY, via="page")
    assert len(records(user)) == 1
    services.consent_withdraw(user=user, purpose=DIRECTORY, via="page")
    services.consent_withdraw(user=user, purpose=DIRECTORY, via="page")
    [record] = records(user)
    assert record.withdrawn_at is not None


def test_withdrawing_the_directory_consent_removes_the_card_at_once(user, other_user):
    services.profile_update(user=user, data={"is_public": True, "headline": "Listed"}, via="page")
    profile = ReturneeProfile.objects.get(user=user)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.get(reverse("talent:returnee_detail", args=[profile.pk])).status_code == 200
    assert APIClient().get(f"/api/v1/returnees/{profile.pk}/").status_code == 200

    services.consent_withdraw(user=user, purpose=DIRECTORY, via="page")

    assert client.get(reverse("talent:returnee_detail", args=[profile.pk])).status_code == 404
    assert APIClient().get(f"/api/v1/returnees/{profile.pk}/").status_code == 404
    assert "Listed" not in client.get(reverse("talent:directory")).content.decode()


def test_withdrawing_the_matching_consent_stops_matches_at_once(user):
    services.profile_update(user=user, data={"matching_consent": True}, via="page")
    mine = MatchFactory(returnee=user)
    as_candidate = MatchFactory(returnee=user, opening_returnee=True)
    others = MatchFactory()
    proposal = AdvisorProposalFactory(returnee=user)
    client = APIClient()
    client.force_authenticate(user)
    assert client.get("/api/v1/me/matches/").json()["count"] == 1

    services.consent_withdraw(user=user, purpose=MATCHING, via="api")

    assert not Match.objects.filter(pk__in=[mine.pk, as_candidate.pk], is_current=True).exists()
    assert Match.objects.get(pk=others.pk).is_current
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUPERSEDED
    assert proposal.history.first().status == ProposalStatus.SUPERSEDED  # in the audit trail
    assert client.get("/api/v1/me/matches/").json()["count"] == 0


def test_the_profile_page_and_the_api_record_their_channel(user):
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(user)
    page = browser.get(reverse("talent:profile")).content.decode()
    assert reverse("core:privacy_notice") in page
    form = {
        "full_name": user.full_name,
        "is_public": "on",
        "education-TOTAL_FORMS": "0",
        "education-INITIAL_FORMS": "0",
        "work-TOTAL_FORMS": "0",
        "work-INITIAL_FORMS": "0",
    }
    assert browser.post(reverse("talent:profile"), form).status_code == 302
    api = APIClient()
    api.force_authenticate(user)
    response = api.patch("/api/v1/me/profile/", {"matching_consent": True}, format="json")
    assert response.status_code == 200
    assert [(r.purpose, r.granted_via) for r in records(user)] == [
        (DIRECTORY, "page"),
        (MATCHING, "api"),
    ]


def test_only_one_consent_per_purpose_is_open(user):
    services.consent_grant(user=user, purpose=DIRECTORY, via="page")
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentRecord.objects.create(
            user=user, purpose=DIRECTORY, notice_version="1", granted_via="page"
        )


def test_the_your_data_page_shows_the_consent_history(user, settings):
    services.profile_update(user=user, data={"is_public": True}, via="page")
    services.consent_withdraw(user=user, purpose=DIRECTORY, via="page")
    services.consent_grant(user=user, purpose=DIRECTORY, via="api")
    settings.PRIVACY_NOTICE_VERSION = "2"
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(user)
    page = browser.get(reverse("core:my_data")).content.decode()
    assert page.count("Listing in the public talent directory") == 2
    assert "In force" in page
    assert reverse("core:privacy_notice_version", args=["1"]) in page
    assert "The notice has changed since." in page
