from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from core.tests.factories import DistrictFactory, SectorFactory, UserFactory
from events.models import Event, Registration

from .factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pudong():
    return DistrictFactory(code="pudong", name_en="Pudong New Area")


@pytest.fixture
def official(pudong):
    user = UserFactory(email="official@example.com")
    user.districts.add(pudong)
    return user


def as_user(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def event_payload(**overrides):
    start = timezone.now() + timedelta(days=20)
    payload = {
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
    }
    payload.update(overrides)
    return payload


def test_officials_create_drafts_of_their_district_only(api_client, official, pudong):
    DistrictFactory(code="qingpu")
    SectorFactory(code="integrated-circuits")
    client = as_user(api_client, official)
    created = client.post(
        "/api/v1/events/",
        event_payload(sectors=["integrated-circuits"], status="published"),
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["status"] == "draft"
    assert created.json()["sectors"] == ["integrated-circuits"]
    other = client.post("/api/v1/events/", event_payload(district="qingpu"), format="json")
    assert other.status_code == 403


def test_returnees_cannot_create_events_and_anonymous_must_sign_in(api_client, pudong):
    assert api_client.post("/api/v1/events/", event_payload(), format="json").status_code == 401
    client = as_user(api_client, UserFactory())
    assert client.post("/api/v1/events/", event_payload(), format="json").status_code == 403


def test_event_errors_are_400_naming_the_field(api_client, official, pudong):
    client = as_user(api_client, official)
    start = timezone.now() + timedelta(days=5)
    bad = client.post(
        "/api/v1/events/",
        event_payload(
            ends_at=(start - timedelta(hours=1)).isoformat(), starts_at=start.isoformat()
        ),
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 400
    assert "ends_at" in bad.json()["errors"]
    assert (
        client.post("/api/v1/events/", event_payload(capacity=0), format="json").status_code == 400
    )
    assert (
        client.post("/api/v1/events/", event_payload(district="mars"), format="json").status_code
        == 400
    )


def test_drafts_are_invisible_outside_their_district(api_client, official, pudong):
    draft = EventFactory(district=pudong, status="draft")
    EventFactory(district=pudong)
    assert api_client.get("/api/v1/events/").json()["count"] == 1
    assert api_client.get(f"/api/v1/events/{draft.pk}/").status_code == 404
    outsider = UserFactory()
    outsider.districts.add(DistrictFactory(code="qingpu"))
    assert (
        as_user(api_client, outsider)
        .patch(f"/api/v1/events/{draft.pk}/", {"capacity": 3})
        .status_code
        == 404
    )
    assert as_user(api_client, official).get("/api/v1/events/").json()["count"] == 2


def test_another_districts_official_cannot_touch_a_published_event(api_client, pudong):
    event = EventFactory(district=pudong)
    outsider = UserFactory()
    outsider.districts.add(DistrictFactory(code="qingpu"))
    client = as_user(api_client, outsider)
    assert (
        client.patch(f"/api/v1/events/{event.pk}/", {"capacity": 3}, format="json").status_code
        == 403
    )
    assert client.post(f"/api/v1/events/{event.pk}/cancel/").status_code == 403
    assert client.get(f"/api/v1/events/{event.pk}/registrations/").status_code == 403
    event.refresh_from_db()
    assert (event.capacity, event.status) == (50, "published")


def test_publish_edit_and_cancel(api_client, official, pudong):
    event = EventFactory(district=pudong, status="draft")
    client = as_user(api_client, official)
    assert client.post(f"/api/v1/events/{event.pk}/publish/").json()["status"] == "published"
    assert client.post(f"/api/v1/events/{event.pk}/publish/").status_code == 409
    patched = client.patch(
        f"/api/v1/events/{event.pk}/", {"venue": "New hall", "status": "draft"}, format="json"
    )
    assert patched.json()["venue"] == "New hall"
    assert patched.json()["status"] == "published"  # status is not writable
    cancelled = client.post(
        f"/api/v1/events/{event.pk}/cancel/", {"reason": "Typhoon"}, format="json"
    )
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancel_reason"] == "Typhoon"


def test_register_answers_with_status_and_position(api_client):
    event = EventFactory(capacity=1)
    first = as_user(api_client, UserFactory()).post(f"/api/v1/events/{event.pk}/register/")
    assert first.status_code == 201
    assert first.json()["status"] == "confirmed"
    assert first.json()["waitlist_position"] is None
    second_user = UserFactory()
    second = as_user(api_client, second_user).post(f"/api/v1/events/{event.pk}/register/")
    assert (second.json()["status"], second.json()["waitlist_position"]) == ("waitlisted", 1)
    again = api_client.post(f"/api/v1/events/{event.pk}/register/", HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 409
    assert again.json()["detail"] == "You are already registered for this event."


def test_registration_refusals_are_400_with_a_message(api_client):
    closed = EventFactory(registration_closes_at=timezone.now() - timedelta(minutes=5))
    client = as_user(api_client, UserFactory())
    response = client.post(f"/api/v1/events/{closed.pk}/register/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["code"] == "closed"
    assert response.json()["detail"].startswith("Registration closed on")
    assert api_client.post("/api/v1/events/999999/register/").status_code == 404


def test_my_registrations_and_cancelling_promotes(api_client):
    event = EventFactory(capacity=1)
    holder, waiting = UserFactory(), UserFactory()
    held = RegistrationFactory(event=event, user=holder)
    RegistrationFactory(event=event, user=waiting, status="waitlisted", waitlist_position=1)
    client = as_user(api_client, holder)
    mine = client.get("/api/v1/me/registrations/").json()
    assert [row["id"] for row in mine["results"]] == [held.pk]
    assert client.delete(f"/api/v1/me/registrations/{held.pk}/").json()["status"] == "cancelled"
    assert Registration.objects.get(user=waiting).status == "confirmed"
    other = RegistrationFactory()
    assert client.delete(f"/api/v1/me/registrations/{other.pk}/").status_code == 404


def test_registrants_list_and_csv_for_officials(api_client, official, pudong):
    event = EventFactory(district=pudong)
    people = [
        RegistrationFactory(event=event, user=UserFactory(full_name=f"Person {n}"))
        for n in range(3)
    ]
    client = as_user(api_client, official)
    body = client.get(f"/api/v1/events/{event.pk}/registrations/").json()
    assert body["count"] == 3
    assert {row["email"] for row in body["results"]} == {p.user.email for p in people}
    csv = client.get(f"/api/v1/events/{event.pk}/registrations/?format=csv")
    assert csv.status_code == 200
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("id,full_name,email,status")
    assert "Person 2" in text
    assert (
        as_user(api_client, UserFactory())
        .get(f"/api/v1/events/{event.pk}/registrations/")
        .status_code
        == 403
    )


def test_checkin_then_409_then_404_for_wrong_code_or_event(api_client, official, pudong):
    registration = RegistrationFactory(event=EventFactory(district=pudong))
    other_event = EventFactory(district=pudong)
    client = as_user(api_client, official)
    url = f"/api/v1/events/{registration.event_id}/checkin/"
    first = client.post(url, {"code": registration.code}, format="json")
    assert first.status_code == 200
    assert first.json()["status"] == "attended"
    second = client.post(url, {"code": registration.code}, format="json")
    assert second.status_code == 409
    assert second.json()["code"] == "already_checked_in"
    assert second.json()["checked_in_at"]
    assert client.post(url, {"code": "wrong"}, format="json").status_code == 404
    assert (
        client.post(
            f"/api/v1/events/{other_event.pk}/checkin/", {"code": registration.code}, format="json"
        ).status_code
        == 404
    )


def test_a_volunteer_checks_in_and_sees_names_only(api_client, official, pudong):
    registration = RegistrationFactory(
        event=EventFactory(district=pudong), user=UserFactory(full_name="Zhou Min")
    )
    volunteer = UserFactory(email="volunteer@example.com")
    granted = as_user(api_client, official).post(
        f"/api/v1/events/{registration.event_id}/volunteers/",
        {"email": "volunteer@example.com"},
        format="json",
    )
    assert granted.status_code == 201
    client = as_user(api_client, volunteer)
    attendees = client.get(f"/api/v1/events/{registration.event_id}/attendees/")
    assert attendees.json()["results"][0]["full_name"] == "Zhou Min"
    assert registration.user.email not in attendees.content.decode()
    assert client.get(f"/api/v1/events/{registration.event_id}/registrations/").status_code == 403
    assert (
        client.post(
            f"/api/v1/events/{registration.event_id}/checkin/", {"code": registration.code}
        ).status_code
        == 200
    )


def test_the_ics_file_is_valid_icalendar_in_shanghai_time(api_client, settings):
    settings.SITE_URL = "https://portal.example.com"
    event = EventFactory(title_en="Pudong Returnee Forum")
    response = api_client.get(f"/api/v1/events/{event.pk}/ics/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    entry = next(component for component in calendar.walk("VEVENT"))
    assert str(entry["summary"]) == "Pudong Returnee Forum"
    start = entry.decoded("dtstart")
    assert str(start.tzinfo) == "Asia/Shanghai"
    assert start == event.starts_at.replace(microsecond=0)
    assert str(entry["url"]) == f"https://portal.example.com/events/{event.pk}/"
    assert any(component.name == "VTIMEZONE" for component in calendar.walk())


@pytest.mark.parametrize(
    "query",
    [
        "district=atlantis",
        "sector=nothing",
        "kind=party",
        "starts_after=tomorrow",
        "q=" + "x" * 201,
    ],
)
def test_bad_filters_are_400(api_client, query):
    response = api_client.get(f"/api/v1/events/?{query}")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_filters_combine(api_client, pudong):
    chips = SectorFactory(code="integrated-circuits")
    match = EventFactory(district=pudong, kind="workshop", title_en="Chip design workshop")
    match.sectors.add(chips)
    EventFactory(district=pudong, kind="forum")
    EventFactory(kind="workshop")
    after = (timezone.now() + timedelta(days=1)).isoformat().replace("+00:00", "Z")
    body = api_client.get(
        "/api/v1/events/",
        {
            "district": "pudong",
            "sector": "integrated-circuits",
            "kind": "workshop",
            "q": "chip",
            "starts_after": after,
        },
    ).json()
    assert [row["id"] for row in body["results"]] == [match.pk]


@pytest.mark.parametrize("size", [5, 40])
def test_lists_run_a_constant_number_of_queries(
    api_client, official, pudong, size, django_assert_max_num_queries
):
    event = EventFactory(district=pudong)
    for _ in range(40):
        EventFactory(district=pudong).sectors.add(SectorFactory())
        RegistrationFactory(event=event)
    with django_assert_max_num_queries(6):
        assert len(api_client.get(f"/api/v1/events/?page_size={size}").json()["results"]) == size
    client = as_user(api_client, official)
    with django_assert_max_num_queries(10):
        assert (
            len(
                client.get(f"/api/v1/events/{event.pk}/registrations/?page_size={size}").json()[
                    "results"
                ]
            )
            == size
        )
    assert Event.objects.count() == 41


def test_a_waitlisted_registration_has_no_ticket_code(api_client):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    body = as_user(api_client, UserFactory()).post(f"/api/v1/events/{event.pk}/register/").json()
    assert body["status"] == "waitlisted"
    assert body["code"] is None


def test_csv_cells_that_look_like_formulas_stay_text(api_client, official, pudong):
    event = EventFactory(district=pudong)
    RegistrationFactory(event=event, user=UserFactory(full_name='=HYPERLINK("http://x","y")'))
    text = (
        as_user(api_client, official)
        .get(f"/api/v1/events/{event.pk}/registrations/?format=csv")
        .content.decode("utf-8-sig")
    )
    assert "'=HYPERLINK" in text
