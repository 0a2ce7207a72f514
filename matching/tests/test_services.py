import pytest
from django.utils import timezone

from core.exceptions import ApplicationError, ConflictError, NotFoundError
from core.models import Notification
from events.models import Registration
from matching import selectors, services
from matching.choices import MatchAction
from matching.models import Match
from matching.tests.factories import MatchFactory, ReturneeFactory, consenting
from policies.models import PolicyFollow
from startups.models import StartupConsultation
from startups.tests.factories import FounderFactory
from talent.models import Consultation

pytestmark = pytest.mark.django_db


@pytest.fixture
def returnee(user):
    consenting(user)
    return user


# Dismissing ------------------------------------------------------------------------------


def test_a_dismissed_match_stays_hidden_through_a_later_re_match(returnee):
    match = MatchFactory(returnee=returnee)
    services.match_dismiss(user=returnee, match=match)
    services.match_dismiss(user=returnee, match=match)  # twice changes nothing
    match.refresh_from_db()
    dismissed_at = match.dismissed_at
    assert dismissed_at is not None
    assert list(selectors.matches_for_user(returnee)) == []

    # A later run finds the same pair again: it updates the row, never its dismissal.
    Match.objects.filter(pk=match.pk).update(is_current=True, score=0.95, updated_at=timezone.now())
    assert list(selectors.matches_for_user(returnee)) == []
    match.refresh_from_db()
    assert match.dismissed_at == dismissed_at


def test_nobody_else_can_dismiss_a_match(returnee, other_user):
    match = MatchFactory(returnee=returnee)
    with pytest.raises(NotFoundError):
        services.match_dismiss(user=other_user, match=match)
    match.refresh_from_db()
    assert match.dismissed_at is None


# Acting ----------------------------------------------------------------------------------


def test_viewing_records_the_first_action_and_a_stronger_action_is_kept(returnee):
    match = MatchFactory(returnee=returnee)
    opening = match.opening
    FounderFactory(startup=opening.startup)

    acted = services.match_act(user=returnee, match=match, action=MatchAction.VIEWED)
    assert acted.url == opening.get_absolute_url()
    first = acted.match.acted_at
    assert first is not None and acted.match.action == MatchAction.VIEWED

    services.match_act(user=returnee, match=match, action="contacted", message="Call me: 123")
    services.match_act(user=returnee, match=match, action="viewed")
    match.refresh_from_db()
    assert match.action == MatchAction.CONTACTED
    assert match.acted_at == first


def test_contacting_an_opening_writes_to_each_founder_once(returnee):
    match = MatchFactory(returnee=returnee)
    founders = [FounderFactory(startup=match.opening.startup) for _ in range(2)]

    with pytest.raises(ApplicationError) as error:
        services.match_act(user=returnee, match=match, action="contacted", message="  ")
    assert error.value.field == "message"

    services.match_act(
        user=returnee, match=match, action="contacted", message="I design chips; 138 0000 0000"
    )
    told = Notification.objects.filter(template="match_contact_founders")
    assert {row.recipient_id for row in told} == {founder.user_id for founder in founders}
    assert all("138 0000 0000" in row.body for row in told)
    assert all(returnee.email not in row.body for row in told)

    with pytest.raises(ConflictError):
        services.match_act(user=returnee, match=match, action="contacted", message="Again")
    assert told.count() == 2


def test_a_founder_contacts_a_candidate_and_an_outsider_cannot(user, other_user):
    match = MatchFactory(opening_returnee=True)
    FounderFactory(startup=match.opening.startup, user=user)

    with pytest.raises(NotFoundError):
        services.match_act(user=other_user, match=match, action="contacted", message="Hi")
    acted = services.match_act(user=user, match=match, action="contacted", message="Join us")

    note = Notification.objects.get(template="match_contact_candidate")
    assert note.recipient == match.returnee
    assert "Join us" in note.body
    assert acted.url.endswith(f"/matches/openings/{match.opening_id}/candidates/")


def test_an_action_that_does_not_fit_the_kind_is_refused(returnee):
    match = MatchFactory(returnee=returnee)
    with pytest.raises(ApplicationError) as error:
        services.match_act(user=returnee, match=match, action="followed")
    assert error.value.field == "action"


def test_requesting_a_consultation_uses_the_consultations_flow(returnee):
    match = MatchFactory(returnee=returnee, returnee_advisor=True)
    with pytest.raises(ApplicationError) as error:
        services.match_act(user=returnee, match=match, action="consultation", message="Help")
    assert error.value.field == "topic"

    acted = services.match_act(
        user=returnee, match=match, action="consultation", topic="financing", message="Help"
    )
    consultation = Consultation.objects.get(requester=returnee, advisor=match.advisor)
    assert acted.url == consultation.get_absolute_url()
    assert acted.match.action == MatchAction.CONSULTATION


def test_a_founder_requests_a_consultation_on_the_startups_behalf(user):
    match = MatchFactory(startup_advisor=True)
    FounderFactory(startup=match.startup, user=user)
    services.match_act(
        user=user, match=match, action="consultation", topic="ip", message="Patents?"
    )
    link = StartupConsultation.objects.get(startup=match.startup)
    assert link.consultation.advisor == match.advisor


def test_registering_and_following_go_through_events_and_policies(returnee):
    event_match = MatchFactory(returnee=returnee, returnee_event=True)
    acted = services.match_act(user=returnee, match=event_match, action="registered")
    registration = Registration.objects.get(user=returnee, event=event_match.event)
    assert acted.url == registration.get_absolute_url()
    # Registered already (here or on the event's page): the action is still recorded.
    acted = services.match_act(user=returnee, match=event_match, action="registered")
    assert acted.url == event_match.event.get_absolute_url()

    policy_match = MatchFactory(returnee=returnee, returnee_policy=True)
    services.match_act(user=returnee, match=policy_match, action="followed")
    assert PolicyFollow.objects.filter(user=returnee, policy=policy_match.policy).exists()


def test_a_dismissed_or_stale_match_cannot_be_acted_on(returnee):
    dismissed = MatchFactory(returnee=returnee, dismissed_at=timezone.now())
    stale = MatchFactory(returnee=returnee, is_current=False)
    for match in (dismissed, stale):
        with pytest.raises(NotFoundError):
            services.match_act(user=returnee, match=match, action="viewed")


def test_a_candidate_who_withdrew_consent_cannot_be_contacted(user):
    candidate = ReturneeFactory()
    match = MatchFactory(opening_returnee=True, returnee=candidate)
    FounderFactory(startup=match.opening.startup, user=user)
    consenting(candidate, matching_consent=False)
    with pytest.raises(NotFoundError):
        services.match_act(user=user, match=match, action="contacted", message="Hi")
    assert not Notification.objects.filter(recipient=candidate).exists()
