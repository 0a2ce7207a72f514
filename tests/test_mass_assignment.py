"""Mass assignment: a request that carries fields it may not set (staff flags, statuses,
another district, verification, capacities, another person as owner, check-in data, ...)
changes none of them. One test per write endpoint of the API and per main form of the
pages; the database is read afterwards. The last tests check that serializers and model
forms name their fields one by one.

The requests run against the authorization matrix's world (`tests/authz/world.py`)."""

import importlib
import inspect
import json
from datetime import timedelta

import pytest
from django import forms
from django.apps import apps
from django.utils import timezone
from rest_framework import serializers
from rest_framework.authtoken.models import Token

from core.models import Notification, NotificationPreference, User
from core.tests.factories import DEFAULT_PASSWORD
from events.models import CheckinVolunteer, Event, Registration
from policies.models import Policy, PolicyFollow, TopicFollow
from startups import services as startup_services
from startups.models import Founder, FounderInvitation, Opening, Startup, StartupConsultation
from talent.models import AdvisorProfile, Consultation, ReturneeProfile
from tests.authz.world import (
    A_TICKET,
    ADVISOR,
    EMAILS,
    OFFICIAL_A,
    VOLUNTEER,
    A,
    B,
    client_for,
    world_in_transaction,
)

LONG_AGO = "2001-01-01T00:00:00Z"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_in_transaction(django_db_blocker) as built:
        yield built


@pytest.fixture
def w(world, db):
    """The world, inside the test's own transaction."""
    return world


def privileged(world, **legit) -> dict:
    """`legit` plus every field a caller may not set, with values that would hand them
    someone else's data or powers (the names in `legit` are left to their legit value)."""
    other = world.users[B]
    values = {
        "id": 999_999,
        "pk": 999_999,
        "is_staff": True,
        "is_superuser": True,
        "is_admin": True,
        "is_active": False,
        "roles": ["admin", "official"],
        "districts": [world.district_b],
        "email": "hijacked@example.com",
        "language": "zh-hans",
        "status": "published",
        "district": world.district_b,
        "verified": True,
        "is_verified": True,
        "verified_by": other,
        "verified_at": LONG_AGO,
        "capacity": 99_999,
        "monthly_capacity": 200,
        "user": other,
        "user_id": other,
        "recipient": other,
        "requester": other,
        "founder": other,
        "founders": [other],
        "created_by": other,
        "granted_by": other,
        "checked_in_by": other,
        "checked_in_at": LONG_AGO,
        "waitlist_position": 1,
        "code": "CHOSEN-CODE",
        "published_at": LONG_AGO,
        "public_since": LONG_AGO,
        "matching_consent_at": LONG_AGO,
        "created_at": LONG_AGO,
        "rating": 5,
        "notes": "INJECTED",
        "decline_reason": "INJECTED",
        "scheduled_at": LONG_AGO,
        "startup": world.startup_b,
        "event": world.event_b,
        "policy": world.draft_policy_b,
    }
    for name in legit:
        values.pop(name, None)
    return {**values, **legit}


def api(world, actor: str, method: str, path: str, body=None):
    content = "" if body is None else json.dumps(body)
    return client_for(world, actor).generic(method, path, content, content_type="application/json")


def page(world, actor: str, path: str, data: dict):
    return client_for(world, actor).post(path, data)


def assert_plain_user(user: User, email: str) -> None:
    assert user.email == email
    assert not user.is_staff
    assert not user.is_superuser
    assert user.is_active
    assert not user.district_grants.exists()


def assert_b_untouched(world) -> None:
    """B's account and profile as the world made them."""
    b = User.objects.get(pk=world.users[B])
    assert_plain_user(b, EMAILS[B])
    profile = ReturneeProfile.objects.get(pk=world.profile_b)
    assert profile.headline == "SECRET-B-headline"
    assert not profile.is_public


def _future(days: int = 14):
    return timezone.localtime(timezone.now() + timedelta(days=days)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )


def _soon_long_ago(moment) -> bool:
    return moment is not None and moment.year < 2010


# Accounts and notifications ---------------------------------------------------------------


def test_signup_api(w):
    body = privileged(
        w, email="new@example.com", password="A-long-new-pass-99", full_name="New Person"
    )
    response = api(w, "anon", "POST", "/api/v1/auth/signup/", body)
    assert response.status_code == 202, response.content
    assert_plain_user(User.objects.get(email="new@example.com"), "new@example.com")
    assert_b_untouched(w)


def test_token_api(w):
    body = privileged(w, email=EMAILS[A], password=DEFAULT_PASSWORD)
    response = api(w, "anon", "POST", "/api/v1/auth/token/", body)
    assert response.status_code == 200, response.content
    assert Token.objects.get(key=response.json()["token"]).user_id == w.users[A]
    assert not Token.objects.filter(user_id=w.users[B]).exists()
    assert_plain_user(User.objects.get(pk=w.users[A]), EMAILS[A])


def test_account_erase_api(w):
    """Erasing one's account with someone else's id in the body erases only one's own."""
    body = privileged(w, password=DEFAULT_PASSWORD)
    response = api(w, A, "DELETE", "/api/v1/me/", body)
    assert response.status_code == 204, response.content
    assert User.objects.get(pk=w.users[A]).email != EMAILS[A]
    assert_b_untouched(w)
    assert Registration.objects.get(pk=w.registration_b).status == "confirmed"
    assert Notification.objects.filter(pk=w.notification_b).exists()


def test_signup_page(w):
    data = privileged(
        w,
        email="new@example.com",
        password="A-long-new-pass-99",
        password_again="A-long-new-pass-99",
        full_name="New Person",
    )
    response = page(w, "anon", "/signup/", data)
    assert response.status_code == 302
    assert_plain_user(User.objects.get(email="new@example.com"), "new@example.com")


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_profile_api(w, method):
    body = privileged(w, headline="New headline", is_public=True)
    response = api(w, A, method, "/api/v1/me/profile/", body)
    assert response.status_code == 200, response.content
    a = User.objects.get(pk=w.users[A])
    assert_plain_user(a, EMAILS[A])
    assert a.language == "en"
    profile = ReturneeProfile.objects.get(user=a)
    assert profile.pk == w.profile_a
    assert profile.headline == "New headline"
    assert not _soon_long_ago(profile.public_since)
    assert not _soon_long_ago(profile.matching_consent_at)
    assert_b_untouched(w)


def test_profile_page(w):
    data = privileged(
        w,
        full_name="Returnee Alpha",
        headline="New headline",
        **{
            "education-TOTAL_FORMS": "0",
            "education-INITIAL_FORMS": "0",
            "work-TOTAL_FORMS": "0",
            "work-INITIAL_FORMS": "0",
        },
    )
    response = page(w, A, "/profile/", data)
    assert response.status_code == 302
    a = User.objects.get(pk=w.users[A])
    assert_plain_user(a, EMAILS[A])
    profile = ReturneeProfile.objects.get(user=a)
    assert profile.headline == "New headline"
    assert not _soon_long_ago(profile.public_since)
    assert_b_untouched(w)


def test_notification_preferences_api(w):
    body = [{"kind": "account", "frequency": "weekly", "user": w.users[B]}]
    response = api(w, A, "PUT", "/api/v1/me/notification-preferences/", body)
    assert response.status_code == 200, response.content
    assert NotificationPreference.objects.get(user_id=w.users[A], kind="account").frequency == (
        "weekly"
    )
    assert not NotificationPreference.objects.filter(user_id=w.users[B]).exists()


def test_notification_preferences_page(w):
    from core.choices import NotificationKind

    data = privileged(w, **dict.fromkeys(NotificationKind.values, "weekly"))
    response = page(w, A, "/notifications/settings/", data)
    assert response.status_code == 302
    assert not NotificationPreference.objects.filter(user_id=w.users[B]).exists()
    assert_plain_user(User.objects.get(pk=w.users[A]), EMAILS[A])


def test_notifications_read_api(w):
    body = privileged(w, ids=[w.notification_b, w.notification_a])
    response = api(w, A, "POST", "/api/v1/me/notifications/read/", body)
    assert response.status_code == 200, response.content
    assert Notification.objects.get(pk=w.notification_a).read_at is not None
    assert Notification.objects.get(pk=w.notification_b).read_at is None


# Consultations ----------------------------------------------------------------------------


def _assert_consultation(consultation: Consultation, *, status: str, w) -> None:
    assert consultation.requester_id == w.users[A]
    assert consultation.advisor_id == w.advisor_profile
    assert consultation.status == status
    assert consultation.notes in ("", "Legit notes.")
    assert consultation.decline_reason in ("", "Fully booked.")
    assert AdvisorProfile.objects.get(pk=w.advisor_profile).monthly_capacity == 3


def test_consultation_request_api(w):
    body = privileged(w, topic="policies", message="Could we talk?")
    path = f"/api/v1/advisors/{w.advisor_profile}/consultations/"
    response = api(w, A, "POST", path, body)
    assert response.status_code == 201, response.content
    consultation = Consultation.objects.get(pk=response.json()["id"])
    _assert_consultation(consultation, status="requested", w=w)
    assert consultation.scheduled_at is None
    assert consultation.rating is None


def test_consultation_request_page(w):
    data = privileged(w, topic="policies", message="Could we talk?", mode="online")
    response = page(w, A, f"/advisors/{w.advisor_profile}/", data)
    assert response.status_code == 302
    consultation = Consultation.objects.filter(message="Could we talk?").get()
    _assert_consultation(consultation, status="requested", w=w)
    assert consultation.scheduled_at is None
    assert consultation.rating is None


def test_consultation_accept_api(w):
    body = privileged(w, scheduled_at=_future().isoformat(), location="Room 1")
    response = api(w, ADVISOR, "POST", f"/api/v1/consultations/{w.consultation_a}/accept/", body)
    assert response.status_code == 200, response.content
    consultation = Consultation.objects.get(pk=w.consultation_a)
    _assert_consultation(consultation, status="accepted", w=w)
    assert consultation.rating is None


def test_consultation_accept_page(w):
    data = privileged(w, **{"accept-scheduled_at": _future().strftime("%Y-%m-%dT%H:%M")})
    response = page(w, ADVISOR, f"/consultations/{w.consultation_a}/accept/", data)
    assert response.status_code == 302
    consultation = Consultation.objects.get(pk=w.consultation_a)
    _assert_consultation(consultation, status="accepted", w=w)
    assert consultation.rating is None


def test_consultation_decline_api(w):
    body = privileged(w, reason="Fully booked.")
    response = api(w, ADVISOR, "POST", f"/api/v1/consultations/{w.consultation_a}/decline/", body)
    assert response.status_code == 200, response.content
    consultation = Consultation.objects.get(pk=w.consultation_a)
    _assert_consultation(consultation, status="declined", w=w)
    assert consultation.decline_reason == "Fully booked."


def test_consultation_complete_api(w):
    Consultation.objects.filter(pk=w.consultation_a).update(
        status="accepted", scheduled_at=_future()
    )
    body = privileged(w, notes="Legit notes.")
    response = api(w, ADVISOR, "POST", f"/api/v1/consultations/{w.consultation_a}/complete/", body)
    assert response.status_code == 200, response.content
    consultation = Consultation.objects.get(pk=w.consultation_a)
    _assert_consultation(consultation, status="completed", w=w)
    assert consultation.notes == "Legit notes."
    assert consultation.rating is None


def test_consultation_cancel_api(w):
    body = privileged(w)
    response = api(w, A, "POST", f"/api/v1/consultations/{w.consultation_a}/cancel/", body)
    assert response.status_code == 200, response.content
    consultation = Consultation.objects.get(pk=w.consultation_a)
    _assert_consultation(consultation, status="cancelled", w=w)
    assert consultation.rating is None
    assert consultation.scheduled_at is None


def test_consultation_rate_api(w):
    Consultation.objects.filter(pk=w.consultation_a).update(status="completed")
    body = privileged(w, rating=4, comment="Useful.")
    response = api(w, A, "POST", f"/api/v1/consultations/{w.consultation_a}/rate/", body)
    assert response.status_code == 200, response.content
    consultation = Consultation.objects.get(pk=w.consultation_a)
    _assert_consultation(consultation, status="completed", w=w)
    assert consultation.rating == 4
    assert consultation.notes == ""


# Startups ---------------------------------------------------------------------------------


def _startup_fields(w, **extra) -> dict:
    return {"name": "Fresh startup", "district": w.district_a, "sector": w.sector, **extra}


def _assert_unverified(startup: Startup) -> None:
    assert not startup.is_verified
    assert startup.verified_by_id is None
    assert startup.verified_at is None


def _assert_startup_b_untouched(w) -> None:
    startup = Startup.objects.get(pk=w.startup_b)
    assert startup.is_verified
    assert list(startup.founders.values_list("user_id", flat=True)) == [w.users[B]]
    # Its one opening is as the world made it: still B's, open, with its title.
    assert list(startup.openings.values_list("pk", "title", "is_open")) == [
        (w.opening_b, "PUBLIC-B-opening", True)
    ]


def test_startup_create_api(w):
    response = api(w, A, "POST", "/api/v1/startups/", privileged(w, **_startup_fields(w)))
    assert response.status_code == 201, response.content
    startup = Startup.objects.get(pk=response.json()["id"])
    _assert_unverified(startup)
    assert startup.district.code == w.district_a
    assert list(startup.founders.values_list("user_id", flat=True)) == [w.users[A]]
    _assert_startup_b_untouched(w)


def test_startup_create_page(w):
    data = privileged(w, **_startup_fields(w, stage="idea", team_size="2"))
    response = page(w, A, "/startups/new/", data)
    assert response.status_code == 302
    startup = Startup.objects.get(name="Fresh startup")
    _assert_unverified(startup)
    assert list(startup.founders.values_list("user_id", flat=True)) == [w.users[A]]
    _assert_startup_b_untouched(w)


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_startup_update_api(w, method):
    body = privileged(w, **_startup_fields(w, name="PUBLIC-A-startup", team_size=9))
    response = api(w, A, method, f"/api/v1/startups/{w.startup_a}/", body)
    assert response.status_code == 200, response.content
    startup = Startup.objects.get(pk=w.startup_a)
    assert startup.team_size == 9
    _assert_unverified(startup)
    assert set(startup.founders.values_list("pk", flat=True)) == {w.founder_a, w.cofounder}
    _assert_startup_b_untouched(w)


def test_startup_edit_page(w):
    data = privileged(w, **_startup_fields(w, name="PUBLIC-A-startup", stage="seed", team_size=9))
    response = page(w, A, f"/startups/{w.startup_a}/edit/", data)
    assert response.status_code == 302
    startup = Startup.objects.get(pk=w.startup_a)
    assert startup.team_size == 9
    _assert_unverified(startup)
    _assert_startup_b_untouched(w)


def test_startup_verify_api(w):
    response = api(w, OFFICIAL_A, "POST", f"/api/v1/startups/{w.startup_a}/verify/", privileged(w))
    assert response.status_code == 200, response.content
    startup = Startup.objects.get(pk=w.startup_a)
    assert startup.verified_by_id == w.users[OFFICIAL_A]
    assert not _soon_long_ago(startup.verified_at)
    _assert_startup_b_untouched(w)


def _assert_invitation(w, *, address: str) -> None:
    """Invited, not added: the invitation is A's, for A's startup, pending, sent now."""
    invitation = FounderInvitation.objects.get(address=address)
    assert (invitation.startup_id, invitation.invited_by_id) == (w.startup_a, w.users[A])
    assert invitation.status == "pending"
    assert invitation.closed_by_id is None
    assert not _soon_long_ago(invitation.created_at)
    assert invitation.expires_at > timezone.now() + timedelta(days=1)
    assert not Founder.objects.filter(startup_id=w.startup_a, user_id=w.users[VOLUNTEER]).exists()
    _assert_startup_b_untouched(w)


def test_founder_invitation_api(w):
    body = privileged(w, email=EMAILS[VOLUNTEER], role="COO")
    response = api(w, A, "POST", f"/api/v1/startups/{w.startup_a}/invitations/", body)
    assert response.status_code == 202, response.content
    _assert_invitation(w, address=EMAILS[VOLUNTEER])


def test_founder_invitation_page(w):
    data = privileged(w, email=EMAILS[VOLUNTEER], role="COO")
    response = page(w, A, f"/startups/{w.startup_a}/invitations/", data)
    assert response.status_code == 302
    _assert_invitation(w, address=EMAILS[VOLUNTEER])


def test_founder_invitation_accept_api(w):
    invitation = startup_services.founder_invite(
        startup=Startup.objects.get(pk=w.startup_a),
        user=User.objects.get(pk=w.users[A]),
        email=EMAILS[VOLUNTEER],
        role="COO",
    )
    body = privileged(w, token=invitation.token, role="CEO")
    response = api(w, VOLUNTEER, "POST", "/api/v1/founder-invitations/accept/", body)
    assert response.status_code == 200, response.content
    founder = Founder.objects.get(user_id=w.users[VOLUNTEER])
    assert (founder.startup_id, founder.role) == (w.startup_a, "COO")
    assert not _soon_long_ago(founder.joined_at)
    _assert_startup_b_untouched(w)


def test_opening_create_api(w):
    body = privileged(w, title="Chip designer")
    response = api(w, A, "POST", f"/api/v1/startups/{w.startup_a}/openings/", body)
    assert response.status_code == 201, response.content
    assert Opening.objects.get(pk=response.json()["id"]).startup_id == w.startup_a
    _assert_startup_b_untouched(w)


def test_opening_create_page(w):
    data = privileged(w, title="Chip designer", is_open="on")
    response = page(w, A, f"/startups/{w.startup_a}/openings/new/", data)
    assert response.status_code == 302
    assert Opening.objects.get(title="Chip designer").startup_id == w.startup_a
    _assert_startup_b_untouched(w)


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_opening_update_api(w, method):
    body = privileged(w, title="Renamed")
    response = api(w, A, method, f"/api/v1/openings/{w.opening_a}/", body)
    assert response.status_code == 200, response.content
    opening = Opening.objects.get(pk=w.opening_a)
    assert (opening.title, opening.startup_id) == ("Renamed", w.startup_a)
    _assert_startup_b_untouched(w)


def test_opening_edit_page(w):
    data = privileged(w, title="Renamed", is_open="on")
    response = page(w, A, f"/startups/openings/{w.opening_a}/edit/", data)
    assert response.status_code == 302
    opening = Opening.objects.get(pk=w.opening_a)
    assert (opening.title, opening.startup_id) == ("Renamed", w.startup_a)
    _assert_startup_b_untouched(w)


def test_opening_close_api(w):
    response = api(w, A, "POST", f"/api/v1/openings/{w.opening_a}/close/", privileged(w))
    assert response.status_code == 200, response.content
    opening = Opening.objects.get(pk=w.opening_a)
    assert (opening.is_open, opening.startup_id) == (False, w.startup_a)
    _assert_startup_b_untouched(w)


def test_founder_remove_api(w):
    body = privileged(w)
    path = f"/api/v1/startups/{w.startup_a}/founders/{w.cofounder}/"
    response = api(w, A, "DELETE", path, body)
    assert response.status_code == 204, response.content
    assert list(Founder.objects.filter(startup_id=w.startup_a).values_list("pk", flat=True)) == [
        w.founder_a
    ]
    _assert_startup_b_untouched(w)


def test_startup_consultation_api(w):
    body = privileged(w, advisor=w.advisor_profile, topic="financing", message="Help us.")
    response = api(w, A, "POST", f"/api/v1/startups/{w.startup_a}/consultations/", body)
    assert response.status_code == 201, response.content
    link = StartupConsultation.objects.get(pk=response.json()["id"])
    assert link.startup_id == w.startup_a
    _assert_consultation(link.consultation, status="requested", w=w)
    assert link.consultation.rating is None


def test_startup_consultation_page(w):
    data = privileged(
        w, advisor=w.advisor_profile, topic="financing", message="Help us.", mode="online"
    )
    response = page(w, A, f"/startups/{w.startup_a}/consultations/new/", data)
    assert response.status_code == 302
    link = StartupConsultation.objects.exclude(pk=w.startup_consultation_a).get()
    assert link.startup_id == w.startup_a
    _assert_consultation(link.consultation, status="requested", w=w)


# Events -----------------------------------------------------------------------------------


def _event_fields(w, district: str) -> dict:
    start = _future(days=20)
    return {
        "kind": "forum",
        "title_zh": "新论坛",
        "title_en": "New forum",
        "district": district,
        "language": "bilingual",
        "venue": "Hall 2",
        "capacity": 80,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=4)).isoformat(),
        "registration_opens_at": (start - timedelta(days=10)).isoformat(),
        "registration_closes_at": (start - timedelta(hours=1)).isoformat(),
    }


def _assert_event_b_untouched(w) -> None:
    event = Event.objects.get(pk=w.event_b)
    assert (event.status, event.capacity, event.district.code) == ("published", 50, w.district_b)
    assert not event.registrations.exists()
    assert not event.volunteers.exists()


def test_event_create_api(w):
    body = privileged(w, **_event_fields(w, w.district_a))
    response = api(w, OFFICIAL_A, "POST", "/api/v1/events/", body)
    assert response.status_code == 201, response.content
    event = Event.objects.get(pk=response.json()["id"])
    assert (event.status, event.published_at, event.capacity) == ("draft", None, 80)
    assert event.created_by_id == w.users[OFFICIAL_A]
    assert not event.registrations.exists()


def test_event_create_api_other_district(w):
    count = Event.objects.count()
    body = privileged(w, **_event_fields(w, w.district_b))
    response = api(w, OFFICIAL_A, "POST", "/api/v1/events/", body)
    assert response.status_code == 403, response.content
    assert Event.objects.count() == count


def test_event_create_page(w):
    start = _future(days=20)
    fmt = "%Y-%m-%dT%H:%M"
    data = privileged(
        w,
        kind="forum",
        title_zh="新论坛",
        title_en="New forum",
        district=w.district_a,
        language="bilingual",
        venue="Hall 2",
        capacity="80",
        starts_at=start.strftime(fmt),
        ends_at=(start + timedelta(hours=4)).strftime(fmt),
        registration_opens_at=(start - timedelta(days=10)).strftime(fmt),
        registration_closes_at=(start - timedelta(hours=1)).strftime(fmt),
        **{
            "speakers-TOTAL_FORMS": "0",
            "speakers-INITIAL_FORMS": "0",
            "sessions-TOTAL_FORMS": "0",
            "sessions-INITIAL_FORMS": "0",
        },
    )
    response = page(w, OFFICIAL_A, "/events/manage/new/", data)
    assert response.status_code == 302
    event = Event.objects.get(title_en="New forum")
    assert (event.status, event.published_at, event.capacity) == ("draft", None, 80)
    assert event.created_by_id == w.users[OFFICIAL_A]


def test_event_update_api(w):
    body = privileged(w, venue="Hall 3", capacity=60, district=w.district_a, language="en")
    response = api(w, OFFICIAL_A, "PATCH", f"/api/v1/events/{w.event_a}/", body)
    assert response.status_code == 200, response.content
    event = Event.objects.get(pk=w.event_a)
    assert (event.venue, event.capacity, event.status) == ("Hall 3", 60, "published")
    assert event.created_by_id == w.users[OFFICIAL_A]
    assert not _soon_long_ago(event.published_at)
    _assert_event_b_untouched(w)


def test_event_update_api_other_district(w):
    body = {"venue": "Hall 3", "district": w.district_b}
    response = api(w, OFFICIAL_A, "PATCH", f"/api/v1/events/{w.event_a}/", body)
    assert response.status_code == 403, response.content
    event = Event.objects.get(pk=w.event_a)
    assert (event.venue, event.district.code) == ("Science Hall", w.district_a)


def test_event_cancel_api(w):
    body = privileged(w, reason="Storm.")
    response = api(w, OFFICIAL_A, "POST", f"/api/v1/events/{w.event_a}/cancel/", body)
    assert response.status_code == 200, response.content
    assert Event.objects.get(pk=w.event_a).status == "cancelled"
    _assert_event_b_untouched(w)


def _assert_fresh_registration(registration: Registration, w, event_id: int) -> None:
    assert registration.user_id == w.users[A]
    assert registration.event_id == event_id
    assert (registration.status, registration.waitlist_position) == ("confirmed", None)
    assert registration.checked_in_at is None
    assert registration.checked_in_by_id is None
    assert registration.code != "CHOSEN-CODE"


def test_register_api(w):
    response = api(w, A, "POST", f"/api/v1/events/{w.event_b}/register/", privileged(w))
    assert response.status_code == 201, response.content
    _assert_fresh_registration(Registration.objects.get(pk=response.json()["id"]), w, w.event_b)
    event = Event.objects.get(pk=w.event_b)
    assert (event.capacity, event.status) == (50, "published")
    assert not event.registrations.filter(user_id=w.users[B]).exists()


def test_register_page(w):
    response = page(w, A, f"/events/{w.event_b}/register/", privileged(w))
    assert response.status_code == 302
    registration = Registration.objects.get(event_id=w.event_b, user_id=w.users[A])
    _assert_fresh_registration(registration, w, w.event_b)
    assert Event.objects.get(pk=w.event_b).capacity == 50


def _assert_checked_in_by_volunteer(w) -> None:
    registration = Registration.objects.get(pk=w.registration_a)
    assert registration.status == "attended"
    assert registration.checked_in_by_id == w.users[VOLUNTEER]
    assert not _soon_long_ago(registration.checked_in_at)
    assert registration.user_id == w.users[A]
    assert Registration.objects.get(pk=w.registration_b).status == "confirmed"


def test_checkin_api(w):
    body = privileged(w, code=A_TICKET)
    response = api(w, VOLUNTEER, "POST", f"/api/v1/events/{w.event_a}/checkin/", body)
    assert response.status_code == 200, response.content
    _assert_checked_in_by_volunteer(w)


def test_checkin_page(w):
    response = page(w, VOLUNTEER, f"/events/{w.event_a}/checkin/", privileged(w, code=A_TICKET))
    assert response.status_code == 200
    _assert_checked_in_by_volunteer(w)


def test_volunteer_grant_api(w):
    body = privileged(w, email=EMAILS[B])
    response = api(w, OFFICIAL_A, "POST", f"/api/v1/events/{w.event_a}/volunteers/", body)
    assert response.status_code == 201, response.content
    role = CheckinVolunteer.objects.get(event_id=w.event_a, user_id=w.users[B])
    assert role.granted_by_id == w.users[OFFICIAL_A]
    _assert_event_b_untouched(w)


def test_volunteer_grant_page(w):
    data = privileged(w, email=EMAILS[B])
    response = page(w, OFFICIAL_A, f"/events/{w.event_a}/volunteers/", data)
    assert response.status_code == 302
    role = CheckinVolunteer.objects.get(event_id=w.event_a, user_id=w.users[B])
    assert role.granted_by_id == w.users[OFFICIAL_A]
    _assert_event_b_untouched(w)


def test_event_publish_api(w):
    body = privileged(w)
    response = api(w, OFFICIAL_A, "POST", f"/api/v1/events/{w.draft_event_a}/publish/", body)
    assert response.status_code == 200, response.content
    event = Event.objects.get(pk=w.draft_event_a)
    assert (event.status, event.district.code, event.capacity) == ("published", w.district_a, 50)
    assert event.created_by_id == w.users[OFFICIAL_A]
    assert not _soon_long_ago(event.published_at)
    _assert_event_b_untouched(w)


def test_registration_cancel_api(w):
    body = privileged(w)
    response = api(w, A, "DELETE", f"/api/v1/me/registrations/{w.registration_a}/", body)
    assert response.status_code == 200, response.content
    registration = Registration.objects.get(pk=w.registration_a)
    assert (registration.status, registration.user_id) == ("cancelled", w.users[A])
    assert registration.code == A_TICKET
    assert Registration.objects.get(pk=w.registration_b).status == "confirmed"


def test_registration_cancel_page(w):
    response = page(w, A, f"/registrations/{w.registration_a}/cancel/", privileged(w))
    assert response.status_code == 302
    assert Registration.objects.get(pk=w.registration_a).status == "cancelled"
    assert Registration.objects.get(pk=w.registration_b).status == "confirmed"


# Policies ---------------------------------------------------------------------------------


def _assert_draft_of_a(policy: Policy, w) -> None:
    assert (policy.status, policy.published_at) == ("draft", None)
    assert policy.district.code == w.district_a
    assert policy.created_by_id == w.users[OFFICIAL_A]
    assert not policy.versions.exists()


def test_policy_create_api(w):
    body = privileged(w, title_en="New policy", category="housing")
    del body["district"]  # left out: the official's only district
    response = api(w, OFFICIAL_A, "POST", "/api/v1/policies/", body)
    assert response.status_code == 201, response.content
    _assert_draft_of_a(Policy.objects.get(pk=response.json()["id"]), w)


def test_policy_create_api_other_district(w):
    count = Policy.objects.count()
    body = privileged(w, title_en="New policy", category="housing", district=w.district_b)
    response = api(w, OFFICIAL_A, "POST", "/api/v1/policies/", body)
    assert response.status_code == 403, response.content
    assert Policy.objects.count() == count


def test_policy_create_page(w):
    data = privileged(
        w,
        title_zh="新政策",
        title_en="New policy",
        district=w.district_a,
        category="housing",
        **{"criteria-TOTAL_FORMS": "0", "criteria-INITIAL_FORMS": "0"},
    )
    response = page(w, OFFICIAL_A, "/policies/new/", data)
    assert response.status_code == 302
    _assert_draft_of_a(Policy.objects.get(title_en="New policy"), w)


def test_policy_update_api(w):
    body = privileged(w, summary_en="Changed.")
    del body["district"]
    response = api(w, OFFICIAL_A, "PATCH", f"/api/v1/policies/{w.draft_policy_a}/", body)
    assert response.status_code == 200, response.content
    policy = Policy.objects.get(pk=w.draft_policy_a)
    assert policy.summary_en == "Changed."
    _assert_draft_of_a(policy, w)
    assert Policy.objects.get(pk=w.draft_policy_b).status == "draft"


def test_policy_update_api_other_district(w):
    body = {"summary_en": "Changed.", "district": w.district_b}
    response = api(w, OFFICIAL_A, "PATCH", f"/api/v1/policies/{w.draft_policy_a}/", body)
    assert response.status_code == 403, response.content
    policy = Policy.objects.get(pk=w.draft_policy_a)
    assert (policy.summary_en, policy.district.code) == ("Summary.", w.district_a)


def test_policy_edit_page(w):
    data = privileged(
        w,
        title_zh="草稿",
        title_en="DRAFT-A-policy",
        summary_en="Changed.",
        district=w.district_a,
        category="talent_subsidy",
        **{"criteria-TOTAL_FORMS": "0", "criteria-INITIAL_FORMS": "0"},
    )
    response = page(w, OFFICIAL_A, f"/policies/{w.draft_policy_a}/edit/", data)
    assert response.status_code == 302
    policy = Policy.objects.get(pk=w.draft_policy_a)
    assert policy.summary_en == "Changed."
    _assert_draft_of_a(policy, w)


def test_policy_publish_api(w):
    body = privileged(w)
    response = api(w, OFFICIAL_A, "POST", f"/api/v1/policies/{w.draft_policy_a}/publish/", body)
    assert response.status_code == 200, response.content
    policy = Policy.objects.get(pk=w.draft_policy_a)
    assert (policy.status, policy.district.code) == ("published", w.district_a)
    assert policy.created_by_id == w.users[OFFICIAL_A]
    assert not _soon_long_ago(policy.published_at)
    assert policy.versions.get().published_by_id == w.users[OFFICIAL_A]
    assert Policy.objects.get(pk=w.draft_policy_b).status == "draft"


def test_policy_archive_api(w):
    body = privileged(w)
    response = api(w, OFFICIAL_A, "POST", f"/api/v1/policies/{w.policy_a}/archive/", body)
    assert response.status_code == 200, response.content
    policy = Policy.objects.get(pk=w.policy_a)
    assert (policy.status, policy.district.code) == ("archived", w.district_a)
    assert Policy.objects.get(pk=w.draft_policy_b).status == "draft"


def test_policy_follow_api(w):
    response = api(w, A, "POST", f"/api/v1/policies/{w.policy_a}/follow/", privileged(w))
    assert response.status_code == 201, response.content
    follows = PolicyFollow.objects.filter(policy_id=w.policy_a)
    assert sorted(follows.values_list("user_id", flat=True)) == sorted([w.users[A], w.users[B]])
    assert not PolicyFollow.objects.filter(policy_id=w.draft_policy_b).exists()


def test_policy_follow_page(w):
    response = page(w, A, f"/policies/{w.policy_a}/follow/", privileged(w))
    assert response.status_code == 302
    assert PolicyFollow.objects.filter(policy_id=w.policy_a, user_id=w.users[A]).exists()
    assert PolicyFollow.objects.filter(user_id=w.users[B]).count() == 1


def test_topic_follow_api(w):
    body = privileged(w, district=w.district_b)
    response = api(w, A, "POST", "/api/v1/me/policy-topics/", body)
    assert response.status_code == 201, response.content
    topic = TopicFollow.objects.get(pk=response.json()["id"])
    assert (topic.user_id, topic.district.code) == (w.users[A], w.district_b)
    assert list(TopicFollow.objects.filter(user_id=w.users[B]).values_list("pk", flat=True)) == [
        w.topic_b
    ]


def test_topic_follow_page(w):
    response = page(w, A, "/policies/topics/follow/", privileged(w, district=w.district_b))
    assert response.status_code == 302
    assert TopicFollow.objects.filter(user_id=w.users[A], district__code=w.district_b).exists()
    assert TopicFollow.objects.filter(user_id=w.users[B]).count() == 1


# Serializers and forms name their fields ---------------------------------------------------

PROJECT_APPS = [
    config.name
    for config in apps.get_app_configs()
    if not config.name.startswith(("django.", "rest_framework"))
    and "site-packages" not in (config.path or "")
]

# Fields no serializer of the API may accept from a caller: who owns a row, its state as
# the services set it, and people's powers.
NEVER_WRITABLE = {
    "is_staff",
    "is_superuser",
    "is_active",
    "is_admin",
    "roles",
    "is_verified",
    "verified",
    "verified_by",
    "verified_at",
    "status",
    "user",
    "recipient",
    "requester",
    "founder",
    "founders",
    "created_by",
    "granted_by",
    "checked_in_by",
    "checked_in_at",
    "waitlist_position",
    "published_at",
    "public_since",
    "matching_consent_at",
    "monthly_capacity",
    "read_at",
    "sent_at",
}


def _serializer_classes():
    for app in PROJECT_APPS:
        try:
            module = importlib.import_module(f"{app}.api.serializers")
        except ModuleNotFoundError:
            continue
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, serializers.BaseSerializer) and cls.__module__ == module.__name__:
                yield cls


def _form_classes():
    for app in PROJECT_APPS:
        try:
            module = importlib.import_module(f"{app}.forms")
        except ModuleNotFoundError:
            continue
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def test_model_serializers_list_their_fields():
    classes = [cls for cls in _serializer_classes() if issubclass(cls, serializers.ModelSerializer)]
    assert classes
    for cls in classes:
        meta = cls.Meta
        assert isinstance(getattr(meta, "fields", None), list | tuple), cls
        assert not hasattr(meta, "exclude"), cls


def _request_fields(schema: dict, node, seen: set) -> set[str]:
    """The writable property names of a request body's schema, nested ones included."""
    if isinstance(node, list):
        return set().union(set(), *(_request_fields(schema, item, seen) for item in node))
    if not isinstance(node, dict):
        return set()
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return set()
        seen.add(name)
        return _request_fields(schema, schema["components"]["schemas"][name], seen)
    properties = node.get("properties", {})
    names = {name for name, prop in properties.items() if not prop.get("readOnly", False)}
    children = [value for key, value in node.items() if key != "properties"]
    return names | _request_fields(schema, [*children, *properties.values()], seen)


def test_request_bodies_accept_no_privileged_field():
    """What the API documents as its request bodies, which are what its serializers read."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "requestBody" not in operation:
                continue
            fields = _request_fields(schema, operation["requestBody"], set())
            if fields & NEVER_WRITABLE:
                found.append(f"{method.upper()} {path}: {sorted(fields & NEVER_WRITABLE)}")
    assert found == []


def test_model_forms_list_their_fields():
    classes = list(_form_classes())
    assert classes
    for cls in classes:
        if issubclass(cls, forms.ModelForm):
            meta = cls._meta
            assert isinstance(meta.fields, list | tuple), cls
            assert not meta.exclude, cls
        assert not set(cls.base_fields) & NEVER_WRITABLE - {"status"}, cls
