"""Django admin of matches and advisor proposals for staff who are not superusers: only the
districts they are granted (`core.admin_scope`)."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from core.models import DistrictGrant
from core.tests.factories import DistrictFactory, UserFactory
from matching.tests.factories import AdvisorProposalFactory, MatchFactory

pytestmark = pytest.mark.django_db


def _staff(*codenames: str, districts=()) -> Client:
    user = UserFactory(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="matching", codename__in=codenames)
    )
    for district in districts:
        DistrictGrant.objects.create(user=user, district=district)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_staff_see_only_their_districts_proposals_and_matches():
    pudong, xuhui = DistrictFactory(code="pudong"), DistrictFactory(code="xuhui")
    ours = AdvisorProposalFactory(district=pudong)
    theirs = AdvisorProposalFactory(district=xuhui)
    AdvisorProposalFactory(district=None)  # of no district: superusers only
    our_match = MatchFactory(returnee_event=True, event__district=pudong)
    their_match = MatchFactory(returnee_event=True, event__district=xuhui)
    client = _staff("view_advisorproposal", "view_match", districts=[pudong])

    proposals = client.get(reverse("admin:matching_advisorproposal_changelist"))
    assert list(proposals.context["cl"].result_list) == [ours]
    for proposal, status in ((ours, 200), (theirs, 403)):
        for name in ("change", "history"):
            url = reverse(f"admin:matching_advisorproposal_{name}", args=[proposal.pk])
            assert client.get(url).status_code == status, url

    matches = client.get(reverse("admin:matching_match_changelist"))
    assert list(matches.context["cl"].result_list) == [our_match]
    url = reverse("admin:matching_match_change", args=[their_match.pk])
    assert client.get(url).status_code == 403
