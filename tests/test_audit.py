"""The audit trail (django-simple-history): every change by an official or an admin to events,
policies, registrations and roles is kept with who, when and what changed, and the admin
shows it."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from rest_framework.test import APIClient

from core.models import DistrictGrant, User
from core.tests.factories import DistrictFactory, SectorFactory, UserFactory
from events.models import Event, Registration
from events.tests.factories import EventFactory, RegistrationFactory
from policies.models import Policy
from tests.support.admin import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def pudong():
    return DistrictFactory(code="pudong", name_en="Pudong New Area")


@pytest.fixture
def official(pudong):
    user = UserFactory(email="official@example.com", full_name="Qi Yuxia")
    DistrictGrant.objects.create(user=user, district=pudong)
    return user


@pytest.fixture
def admin():
    return UserFactory(email="admin@example.com", is_staff=True, is_superuser=True)


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def pages_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def label(model, field: str) -> str:
    """How the admin's history page names a field (in English, the admin's language here)."""
    with translation.override("en"):
        return str(capfirst(model._meta.get_field(field).verbose_name))


def changes(record) -> set[str]:
    """The fields a history record changed, against the record before it."""
    previous = record.prev_record
    return set() if previous is None else set(record.diff_against(previous).changed_fields)


def assert_recorded(record, *, user, kind, fields=()):
    assert record.history_user == user
    assert record.history_type == kind
    assert timezone.now() - record.history_date < timedelta(minutes=1)
    assert set(fields) <= changes(record), changes(record)


def test_an_officials_event_changes_are_kept_with_who_when_and_what(official, pudong):
    client = api_as(official)
    start = timezone.now() + timedelta(days=20)
    created = client.post(
        "/api/v1/events/",
        {
            "kind": "forum",
            "title_zh": "浦东海归论坛",
            "title_en": "Pudong Returnee Forum",
            "district": "pudong",
            "venue": "Zhangjiang Science Hall",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=4)).isoformat(),
            "capacity": 100,
            "registration_opens_at": timezone.now().isoformat(),
            "registration_closes_at": (start - timedelta(hours=2)).isoformat(),
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    event = Event.objects.get(pk=created.json()["id"])
    url = f"/api/v1/events/{event.pk}/"
    assert client.patch(url, {"title_en": "Pudong Forum"}, format="json").status_code == 200
    assert client.post(url + "publish/").status_code == 200
    assert client.post(url + "cancel/", {"reason": "Typhoon"}, format="json").status_code == 200

    created_record, edited, published, cancelled = event.history.order_by("history_id")
    assert_recorded(created_record, user=official, kind="+")
    assert_recorded(edited, user=official, kind="~", fields={"title_en"})
    assert edited.diff_against(created_record).changes[0].new == "Pudong Forum"
    assert_recorded(published, user=official, kind="~", fields={"status", "published_at"})
    assert_recorded(cancelled, user=official, kind="~", fields={"status", "cancel_reason"})


def test_an_officials_change_on_the_pages_is_kept_too(official, pudong):
    event = EventFactory(district=pudong, status="draft")
    response = pages_as(official).post(reverse("events:publish", args=[event.pk]))
    assert response.status_code == 302
    assert_recorded(event.history.latest(), user=official, kind="~", fields={"status"})


def test_an_officials_policy_changes_are_kept_with_who_when_and_what(official, pudong):
    SectorFactory(code="integrated-circuits")
    client = api_as(official)
    created = client.post(
        "/api/v1/policies/",
        {
            "title_zh": "浦东新区人才安居",
            "title_en": "Pudong talent housing",
            "summary_en": "Rent support.",
            "category": "housing",
            "district": "pudong",
            "criteria": [{"kind": "max_age", "value": 45}],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    policy = Policy.objects.get(pk=created.json()["id"])
    url = f"/api/v1/policies/{policy.pk}/"
    assert client.post(url + "publish/").status_code == 200
    changed = client.patch(
        url,
        {"title_en": "Pudong talent rent support", "criteria": [{"kind": "max_age", "value": 40}]},
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    assert client.post(url + "archive/").status_code == 200

    records = list(policy.history.order_by("history_id"))
    assert_recorded(records[0], user=official, kind="+")
    assert all(record.history_user == official for record in records)
    by_field = {field for record in records for field in changes(record)}
    assert {"status", "title_en"} <= by_field
    assert records[-1].status == "archived"
    # The criteria replaced with the edit: the old one's deletion and the new one are kept.
    criteria = policy.criteria.model.history.filter(policy_id=policy.pk)
    assert {(row.history_type, row.value) for row in criteria} >= {("-", 45), ("+", 40)}
    assert {row.history_user for row in criteria} == {official}


def test_a_check_in_by_an_official_is_kept_on_the_registration(official, pudong):
    event = EventFactory(district=pudong, starts_at=timezone.now() + timedelta(minutes=30))
    registration = RegistrationFactory(event=event)
    response = api_as(official).post(
        f"/api/v1/events/{event.pk}/checkin/", {"code": registration.code}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert_recorded(
        registration.history.latest(),
        user=official,
        kind="~",
        fields={"status", "checked_in_at", "checked_in_by"},
    )


def test_waitlist_moves_are_kept_row_by_row(pudong):
    event = EventFactory(district=pudong, capacity=1)
    seated = RegistrationFactory(event=event)
    first = RegistrationFactory(event=event, status="waitlisted", waitlist_position=1)
    second = RegistrationFactory(event=event, status="waitlisted", waitlist_position=2)
    response = api_as(seated.user).delete(f"/api/v1/me/registrations/{seated.pk}/")
    assert response.status_code in (200, 204)
    first.refresh_from_db()
    assert first.status == "confirmed"
    promoted = first.history.latest()
    assert_recorded(promoted, user=seated.user, kind="~", fields={"status", "waitlist_position"})
    moved = second.history.latest()
    assert moved.waitlist_position == 1
    assert_recorded(moved, user=seated.user, kind="~", fields={"waitlist_position"})


def test_granting_and_removing_a_district_in_the_admin_is_kept(admin, pudong):
    person = UserFactory(email="new.official@example.com")
    client = pages_as(admin)
    url = reverse("admin:core_user_change", args=[person.pk])
    data = change_form_data(client.get(url))
    prefix = "district_grants"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": 1,
            f"{prefix}-INITIAL_FORMS": 0,
            f"{prefix}-0-district": pudong.pk,
            f"{prefix}-0-user": person.pk,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    grant = DistrictGrant.objects.get(user=person)
    assert grant.granted_by == admin

    data = change_form_data(client.get(url))
    data[f"{prefix}-0-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    assert not DistrictGrant.objects.filter(user=person).exists()

    added, removed = DistrictGrant.history.filter(user_id=person.pk).order_by("history_id")
    assert_recorded(added, user=admin, kind="+")
    assert_recorded(removed, user=admin, kind="-")
    assert removed.district_id == pudong.pk


def test_making_someone_staff_in_the_admin_is_kept_and_shown(admin):
    person = UserFactory(email="helper@example.com", full_name="Helper")
    client = pages_as(admin)
    url = reverse("admin:core_user_change", args=[person.pk])
    data = change_form_data(client.get(url))
    data["is_staff"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = person.history.latest()
    assert_recorded(record, user=admin, kind="~", fields={"is_staff"})

    page = client.get(reverse("admin:core_user_history", args=[person.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "admin@example.com" in body  # changed by
    assert label(User, "is_staff") in body  # what changed


def test_the_admin_history_pages_of_events_and_policies_show_who_changed_what(
    admin, official, pudong
):
    event = EventFactory(district=pudong, status="draft")
    api_as(official).post(f"/api/v1/events/{event.pk}/publish/")
    policy = Policy.objects.create(
        title_zh="草案", title_en="Draft", summary_en="x", category="housing", district=pudong
    )
    api_as(official).post(f"/api/v1/policies/{policy.pk}/publish/")
    client = pages_as(admin)
    for url in (
        reverse("admin:events_event_history", args=[event.pk]),
        reverse("admin:policies_policy_history", args=[policy.pk]),
    ):
        body = client.get(url).content.decode()
        assert "official@example.com" in body
        assert label(Event, "status") in body


def test_passwords_and_sign_in_times_are_not_kept_in_the_history(client, user, password):
    assert "password" not in {field.name for field in User.history.model._meta.fields}
    assert "last_login" not in {field.name for field in User.history.model._meta.fields}
    before = user.history.count()
    client.post(reverse("core:login"), {"username": user.email, "password": password})
    user.refresh_from_db()
    assert user.last_login is not None
    assert user.history.count() == before  # a sign-in is not a change to audit


def test_an_admins_action_on_a_registration_is_kept(admin):
    """Admins change registrations through the actions (which call the services); the
    change is recorded with who made it."""
    seated = RegistrationFactory()
    waiting = RegistrationFactory(event=seated.event, status="waitlisted", waitlist_position=1)
    client = pages_as(admin)
    response = client.post(
        reverse("admin:events_registration_changelist"),
        {"action": "cancel_registrations", "_selected_action": [waiting.pk]},
    )
    assert response.status_code == 302
    assert_recorded(
        waiting.history.latest(), user=admin, kind="~", fields={"status", "waitlist_position"}
    )
    history = client.get(reverse("admin:events_registration_history", args=[waiting.pk]))
    assert label(Registration, "waitlist_position") in history.content.decode()
    form = client.get(reverse("admin:events_registration_change", args=[seated.pk]))
    assert 'name="status"' not in form.content.decode()  # read-only: the services decide
