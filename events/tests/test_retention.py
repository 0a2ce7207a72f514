"""Attendees' details are anonymised ATTENDEE_RETENTION_DAYS after their event; the
registrations stay in the figures, and every page and export copes with them."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_celery_beat.models import PeriodicTask
from rest_framework.test import APIClient

from core.services import district_grant
from core.tests.factories import DistrictFactory, UserFactory
from events import services, tasks
from events.choices import EventStatus, RegistrationStatus
from events.models import Registration
from events.selectors import registration_counts

from .factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def ended(days_ago: float, **fields):
    end = timezone.now() - timedelta(days=days_ago)
    return EventFactory(
        starts_at=end - timedelta(hours=3),
        ends_at=end,
        registration_opens_at=end - timedelta(days=30),
        registration_closes_at=end - timedelta(hours=4),
        status=EventStatus.COMPLETED,
        **fields,
    )


@pytest.fixture
def official():
    user = UserFactory(full_name="Official Pudong")
    district_grant(user=user, district=DistrictFactory(code="pudong"))
    return user


@pytest.fixture
def old_event(official):
    event = ended(200, district=official.districts.get())
    RegistrationFactory(
        event=event,
        user=UserFactory(email="old-attendee@example.com", full_name="Old Attendee"),
        status=RegistrationStatus.ATTENDED,
        checked_in_at=event.starts_at,
        checked_in_by=official,
    )
    RegistrationFactory(event=event, status=RegistrationStatus.CONFIRMED)
    RegistrationFactory(event=event, status=RegistrationStatus.CANCELLED)
    return event


def test_attendees_of_events_past_the_retention_period_are_anonymised(old_event, settings):
    settings.ATTENDEE_RETENTION_DAYS = 180
    recent = ended(30)
    kept = RegistrationFactory(event=recent, status=RegistrationStatus.ATTENDED)
    counts_before = registration_counts(event=old_event)

    assert services.attendees_anonymise_past() == 3

    rows = Registration.objects.filter(event=old_event)
    assert rows.count() == 3
    assert all(r.user_id is None and r.checked_in_by_id is None for r in rows)
    assert all(r.anonymised_at is not None for r in rows)
    assert registration_counts(event=old_event) == counts_before
    history = Registration.history.filter(id__in=[r.pk for r in rows])
    assert history.exists()
    assert not history.filter(user__isnull=False).exists()
    assert not history.filter(checked_in_by__isnull=False).exists()
    kept.refresh_from_db()
    assert kept.user_id is not None and kept.anonymised_at is None


def test_the_retention_period_is_a_setting(old_event, settings):
    settings.ATTENDEE_RETENTION_DAYS = 365
    assert services.attendees_anonymise_past() == 0
    settings.ATTENDEE_RETENTION_DAYS = 199
    assert services.attendees_anonymise_past() == 3


def test_running_twice_changes_nothing_more(old_event):
    assert tasks.anonymise_past_attendees() == 3
    first = list(Registration.objects.values_list("pk", "anonymised_at"))
    assert tasks.anonymise_past_attendees() == 0
    assert list(Registration.objects.values_list("pk", "anonymised_at")) == first


def test_the_sweep_is_scheduled_daily():
    task = PeriodicTask.objects.get(task="events.tasks.anonymise_past_attendees")
    assert task.enabled and task.crontab.hour == "3"


def test_officials_pages_and_exports_show_anonymised_registrants(old_event, official):
    services.attendees_anonymise_past()
    browser = Client()
    browser.force_login(official)  # English: the factory's language
    page = browser.get(reverse("events:registrants", args=[old_event.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "(anonymised)" in text and "old-attendee@example.com" not in text
    assert browser.get(reverse("events:checkin", args=[old_event.pk])).status_code == 200

    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(official)
    body = api.get(f"/api/v1/events/{old_event.pk}/registrations/").json()
    assert {row["email"] for row in body["results"]} == {None}
    assert {row["full_name"] for row in body["results"]} == {"(anonymised)"}
    csv = api.get(f"/api/v1/events/{old_event.pk}/registrations/?format=csv")
    assert csv.status_code == 200 and b"Old Attendee" not in csv.content
    attendees = api.get(f"/api/v1/events/{old_event.pk}/attendees/").json()
    assert attendees["count"] == 2


def test_an_anonymised_ticket_still_checks_in_at_a_running_event(official):
    """An erased person's registration for an event under way stays (and counts)."""
    event = EventFactory(
        district=official.districts.get(),
        starts_at=timezone.now() - timedelta(hours=1),
        registration_opens_at=timezone.now() - timedelta(days=3),
        registration_closes_at=timezone.now() - timedelta(hours=2),
    )
    registration = RegistrationFactory(event=event)
    services.registrations_anonymise(Registration.objects.filter(pk=registration.pk))
    done = services.checkin(event=event, code=registration.code, user=official)
    with translation.override("en"):
        assert done.status == RegistrationStatus.ATTENDED
        assert done.attendee_name == "(anonymised)"
    browser = Client()
    browser.force_login(official)
    response = browser.post(reverse("events:checkin", args=[event.pk]), {"code": registration.code})
    assert response.status_code == 409
    assert "(anonymised) was already checked in" in response.content.decode()


def test_a_waitlisted_anonymised_registration_is_promoted_without_a_notification(official):
    event = EventFactory(district=official.districts.get(), capacity=1)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(
        event=event, status=RegistrationStatus.WAITLISTED, waitlist_position=1
    )
    services.registrations_anonymise(Registration.objects.filter(pk=waiting.pk))
    services.event_update(event=event, user=official, data={"capacity": 2})
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
