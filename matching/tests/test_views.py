import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import DistrictGrant, Notification, User
from core.tests.factories import DistrictFactory, UserFactory
from matching.choices import ProposalStatus
from matching.tests.factories import (
    AdvisorProposalFactory,
    MatchFactory,
    ReturneeFactory,
    consenting,
)
from startups.tests.factories import FounderFactory, OpeningFactory
from talent.tests.factories import AdvisorFactory

pytestmark = pytest.mark.django_db

LIST = reverse("matching:list")
DASHBOARD = reverse("matching:dashboard")
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+=", re.IGNORECASE)


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def html_of(response) -> str:
    return response.content.decode()


def assert_no_inline_script(html: str) -> None:
    assert "<script>" not in html and "<script " not in html.replace('<script src="', "")
    assert not INLINE_HANDLER.search(html)


@pytest.fixture
def returnee(user):
    consenting(user)
    return user


# Matches for you -------------------------------------------------------------------------


def test_the_page_asks_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert "/signin/" in response["Location"] or "login" in response["Location"]


def test_matches_for_you_show_score_reasons_and_the_forms(returnee):
    match = MatchFactory(returnee=returnee, score=0.72)
    MatchFactory(returnee=returnee, returnee_advisor=True, score=0.4)
    MatchFactory(returnee=returnee, returnee_event=True, score=0.3)
    MatchFactory(returnee=returnee, returnee_policy=True, score=0.2)

    response = signed_in(returnee).get(LIST)
    html = html_of(response)
    assert response.status_code == 200
    assert "<h1>Matches for you</h1>" in html
    assert "4 matches." in html
    assert "Match: 72%" in html
    assert "<li>Both studied at ETH Zurich</li>" in html
    assert match.opening.title in html
    assert f'action="{reverse("matching:dismiss", args=[match.pk])}"' in html
    assert f'action="{reverse("matching:act", args=[match.pk])}"' in html
    assert "csrfmiddlewaretoken" in html
    assert f'<label for="message-{match.pk}">' in html
    assert "Request a consultation" in html
    assert "Follow this policy" in html
    assert "Register" in html
    assert '<select name="kind"' in html
    assert "You have not agreed to be matched" not in html
    assert_no_inline_script(html)


def test_the_kind_filter_and_a_bad_kind(returnee):
    MatchFactory(returnee=returnee)
    event = MatchFactory(returnee=returnee, returnee_event=True)
    client = signed_in(returnee)
    html = html_of(client.get(LIST, {"kind": "returnee_event"}))
    assert "1 match." in html and event.event.title in html
    bad = client.get(LIST, {"kind": "spouse"})
    assert bad.status_code == 200
    assert "0 matches." in html_of(bad)
    assert 'role="alert"' in html_of(bad)


def test_without_consent_the_page_says_how_to_turn_matching_on(user):
    html = html_of(signed_in(user).get(LIST))
    assert "You have not agreed to be matched" in html
    assert reverse("talent:profile") in html


def test_dismissing_from_the_page(returnee, other_user):
    match = MatchFactory(returnee=returnee)
    url = reverse("matching:dismiss", args=[match.pk])
    assert signed_in(other_user).post(url).status_code == 404
    assert signed_in(returnee).get(url).status_code == 405

    response = signed_in(returnee).post(url, {"next": f"{LIST}?kind=returnee_opening"})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?kind=returnee_opening"
    match.refresh_from_db()
    assert match.dismissed_at is not None
    assert match.opening.title not in html_of(signed_in(returnee).get(LIST))
    assert signed_in(returnee).post(url).status_code == 404


def test_acting_from_the_page(returnee):
    match = MatchFactory(returnee=returnee)
    founder = FounderFactory(startup=match.opening.startup)
    url = reverse("matching:act", args=[match.pk])
    client = signed_in(returnee)

    viewed = client.post(url, {"action": "viewed"})
    assert viewed.status_code == 302
    assert viewed["Location"] == match.opening.get_absolute_url()

    empty = client.post(url, {"action": "contacted", "message": "", "next": LIST}, follow=True)
    assert "Write a message" in html_of(empty)
    sent = client.post(url, {"action": "contacted", "message": "WeChat: liwen92"}, follow=True)
    assert "Your message is sent." in html_of(sent)
    assert Notification.objects.filter(recipient=founder.user).count() == 1
    assert "You sent a message about this match." in html_of(client.get(LIST))

    bad = client.post(url, {"action": "marry", "next": LIST}, follow=True)
    assert bad.status_code == 200
    assert "marry" in html_of(bad)


# Founders' candidates --------------------------------------------------------------------


def test_founders_see_candidates_with_names_and_only_public_cards(user, other_user):
    opening = OpeningFactory()
    FounderFactory(startup=opening.startup, user=user)
    hidden = ReturneeFactory(full_name="Private Person", email="private@example.com")
    listed = ReturneeFactory(full_name="Listed Person")
    listed.profile.is_public = True
    listed.profile.save()
    MatchFactory(opening_returnee=True, opening=opening, returnee=hidden, score=0.8)
    MatchFactory(opening_returnee=True, opening=opening, returnee=listed, score=0.6)
    url = reverse("matching:candidates", args=[opening.pk])

    response = signed_in(user).get(url)
    html = html_of(response)
    assert response.status_code == 200
    assert "Private Person" in html and "Listed Person" in html
    assert "private@example.com" not in html
    assert f'href="{listed.profile.get_absolute_url()}"' in html
    assert "Contact the candidate" in html
    assert "2 candidates." in html
    assert_no_inline_script(html)
    assert signed_in(other_user).get(url).status_code == 404

    opening_page = html_of(signed_in(user).get(opening.get_absolute_url()))
    assert url in opening_page


# Officials -------------------------------------------------------------------------------


def test_only_officials_see_the_dashboard(user):
    response = signed_in(user).get(DASHBOARD)
    assert response.status_code == 403
    assert DASHBOARD not in html_of(signed_in(user).get(LIST))


def test_the_dashboard_charts_each_district_and_lists_its_proposals():
    pudong = DistrictFactory(code="pudong", name_en="Pudong New Area")
    qingpu = DistrictFactory(code="qingpu", name_en="Qingpu")
    official = UserFactory()
    DistrictGrant.objects.create(user=official, district=pudong)
    MatchFactory(district=pudong)
    MatchFactory(district=pudong, acted_at=timezone.now())
    ours = AdvisorProposalFactory(district=pudong, returnee=ReturneeFactory(full_name="Wang Min"))
    AdvisorProposalFactory(district=qingpu, returnee=ReturneeFactory(full_name="Zhou Qi"))
    AdvisorProposalFactory(
        district=pudong,
        status=ProposalStatus.SUPERSEDED,
        returnee=ReturneeFactory(full_name="Old One"),
    )

    response = signed_in(official).get(DASHBOARD)
    html = html_of(response)
    assert response.status_code == 200
    assert '<h2 id="district-pudong">Pudong New Area</h2>' in html
    assert "district-qingpu" not in html
    assert '<svg width="' in html and 'role="img"' in html
    assert "Matches per week in Pudong New Area" in html
    assert html.count('<th scope="row"><time') == 12
    assert '<td class="num">2</td><td class="num">1</td>' in html
    assert "Wang Min" in html and "Zhou Qi" not in html and "Old One" not in html
    assert reverse("matching:override", args=[ours.pk]) in html
    assert "Made (solid bars)" in html and "Acted on (striped bars)" in html
    assert_no_inline_script(html)
    assert DASHBOARD in html  # the nav link

    everything = html_of(signed_in(official).get(DASHBOARD, {"status": "superseded"}))
    assert "Old One" in everything and "Wang Min" not in everything


def test_the_override_form_needs_an_advisor_and_a_reason():
    pudong, qingpu = DistrictFactory(), DistrictFactory()
    official = UserFactory()
    DistrictGrant.objects.create(user=official, district=pudong)
    proposal = AdvisorProposalFactory(district=pudong)
    theirs = AdvisorProposalFactory(district=qingpu)
    other = AdvisorFactory(user=UserFactory(full_name="Sun Li"))
    client = signed_in(official)
    url = reverse("matching:override", args=[proposal.pk])

    form = client.get(url)
    html = html_of(form)
    assert form.status_code == 200
    assert '<label for="id_advisor">' in html and '<label for="id_reason">' in html
    assert "Sun Li — 3 of 3 consultations free this month" in html
    refused = client.post(url, {"advisor": other.pk, "reason": ""})
    assert refused.status_code == 200
    assert 'id="id_reason_error"' in html_of(refused)
    assert client.get(reverse("matching:override", args=[theirs.pk])).status_code == 404
    assert signed_in(UserFactory()).get(url).status_code == 403


def test_an_official_overrides_from_the_page():
    pudong = DistrictFactory()
    official = UserFactory()
    DistrictGrant.objects.create(user=official, district=pudong)
    proposal = AdvisorProposalFactory(district=pudong)
    other = AdvisorFactory(monthly_capacity=5)
    response = signed_in(official).post(
        reverse("matching:override", args=[proposal.pk]),
        {"advisor": other.pk, "reason": "Speaks German, as the returnee does"},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.OVERRIDDEN
    assert proposal.replaced_by.get().advisor == other


# Admin -----------------------------------------------------------------------------------


def test_the_admin_shows_matches_and_proposals_with_history_but_changes_nothing():
    admin = UserFactory(is_staff=True, is_superuser=True)
    match = MatchFactory(returnee=ReturneeFactory(email="findme@example.com"))
    MatchFactory()
    proposal = AdvisorProposalFactory()
    client = signed_in(admin)

    listing = client.get(reverse("admin:matching_match_changelist"), {"q": "findme@example"})
    assert listing.status_code == 200
    assert f"/admin/matching/match/{match.pk}/" in html_of(listing)
    assert "1 match" in html_of(listing) or "1 result" in html_of(listing)
    filtered = client.get(
        reverse("admin:matching_match_changelist"), {"dismissed": "yes", "kind": "returnee_opening"}
    )
    assert filtered.status_code == 200
    assert client.get(reverse("admin:matching_match_change", args=[match.pk])).status_code == 200
    assert client.get(reverse("admin:matching_match_add")).status_code == 403
    assert client.post(reverse("admin:matching_match_delete", args=[match.pk])).status_code == 403

    history = client.get(reverse("admin:matching_advisorproposal_history", args=[proposal.pk]))
    assert history.status_code == 200
    version = proposal.history.first()
    url = reverse(
        "admin:matching_advisorproposal_simple_history", args=[proposal.pk, version.history_id]
    )
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 403


# Demo ------------------------------------------------------------------------------------


def test_the_demo_returnee_sees_explained_matches():
    call_command("seed_demo", stdout=StringIO())
    li_wen = User.objects.get(email="returnee@example.com")
    response = signed_in(li_wen).get(LIST)
    html = html_of(response)
    assert response.status_code == 200
    assert "0 matches." not in html
    assert 'class="reasons"' in html and "<li>" in html
