from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from core.models import Notification
from core.tests.factories import DistrictFactory, UserFactory
from events import services
from events.choices import EventStatus, RegistrationStatus
from events.models import CheckinVolunteer, Registration

from .factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def official_of(district):
    user = UserFactory()
    user.districts.add(district)
    return user


def templates_for(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("template", flat=True))


def test_seats_are_confirmed_then_waitlisted_with_positions():
    event = EventFactory(capacity=2)
    people = UserFactory.create_batch(4)
    registrations = [services.registration_create(user=person, event=event) for person in people]
    assert [r.status for r in registrations] == [
        "confirmed",
        "confirmed",
        "waitlisted",
        "waitlisted",
    ]
    assert [r.waitlist_position for r in registrations] == [None, None, 1, 2]
    assert templates_for(people[0]) == ["event_confirmed"]
    assert templates_for(people[3]) == ["event_waitlisted"]
    assert "2" in Notification.objects.get(recipient=people[3]).subject


def test_cancelling_a_seat_promotes_the_first_waiting_and_renumbers_the_rest():
    event = EventFactory(capacity=1)
    first, second, third = UserFactory.create_batch(3)
    held = services.registration_create(user=first, event=event)
    services.registration_create(user=second, event=event)
    services.registration_create(user=third, event=event)
    services.registration_cancel(registration=held, user=first)
    by_user = {r.user_id: r for r in Registration.objects.filter(event=event)}
    assert by_user[second.pk].status == RegistrationStatus.CONFIRMED
    assert by_user[second.pk].waitlist_position is None
    assert (by_user[third.pk].status, by_user[third.pk].waitlist_position) == ("waitlisted", 1)
    assert "event_promoted" in templates_for(second)


def test_leaving_the_waitlist_moves_those_behind_up():
    event = EventFactory(capacity=1)
    users = UserFactory.create_batch(4)
    registrations = [services.registration_create(user=user, event=event) for user in users]
    services.registration_cancel(registration=registrations[1], user=users[1])
    positions = dict(
        Registration.objects.filter(event=event, status="waitlisted").values_list(
            "user_id", "waitlist_position"
        )
    )
    assert positions == {users[2].pk: 1, users[3].pk: 2}


def test_one_live_registration_per_person_and_event():
    event = EventFactory()
    user = UserFactory()
    first = services.registration_create(user=user, event=event)
    with pytest.raises(ConflictError) as error:
        services.registration_create(user=user, event=event)
    assert error.value.extra == {"registration": first.pk}
    services.registration_cancel(registration=first, user=user)
    again = services.registration_create(user=user, event=event)
    assert again.status == RegistrationStatus.CONFIRMED


def test_the_database_itself_refuses_a_second_live_registration():
    registration = RegistrationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            event=registration.event, user=registration.user, status="confirmed"
        )


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"status": EventStatus.DRAFT}, "not_published"),
        ({"status": EventStatus.CANCELLED}, "cancelled"),
        ({"registration_opens_at": timezone.now() + timedelta(days=1)}, "not_open_yet"),
        ({"registration_closes_at": timezone.now() - timedelta(minutes=1)}, "closed"),
    ],
)
def test_registration_is_refused_outside_the_window_or_for_unpublished_events(changes, code):
    event = EventFactory(**changes)
    with pytest.raises(ApplicationError) as error:
        services.registration_create(user=UserFactory(), event=event)
    assert error.value.code == code


def test_registration_is_refused_for_a_past_event():
    now = timezone.now()
    event = EventFactory(
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
        registration_opens_at=now - timedelta(days=3),
        registration_closes_at=now - timedelta(hours=2),
    )
    with pytest.raises(ApplicationError) as error:
        services.registration_create(user=UserFactory(), event=event)
    assert error.value.code == "past"


def test_officials_manage_only_their_own_district():
    pudong, qingpu = DistrictFactory(code="pudong"), DistrictFactory(code="qingpu")
    official = official_of(pudong)
    start = timezone.now() + timedelta(days=10)
    data = {
        "kind": "forum",
        "title_zh": "论坛",
        "title_en": "Forum",
        "venue": "Hall",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "capacity": 10,
        "registration_opens_at": timezone.now(),
        "registration_closes_at": start - timedelta(hours=1),
    }
    event = services.event_create(user=official, district=pudong, data=data)
    assert event.status == EventStatus.DRAFT
    with pytest.raises(PermissionDeniedError):
        services.event_create(user=official, district=qingpu, data=data)
    other = EventFactory(district=qingpu)
    for action in (services.event_publish, services.event_cancel):
        with pytest.raises(PermissionDeniedError):
            action(event=other, user=official)
    with pytest.raises(PermissionDeniedError):
        services.event_update(event=other, user=official, data={"capacity": 5})
    services.event_publish(event=event, user=official)
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_at_offset": -1}, "ends_at"),
        ({"capacity": 0}, "capacity"),
        ({"close_after_end": True}, "registration_closes_at"),
    ],
)
def test_event_validation_names_the_field(changes, field):
    event = EventFactory()
    official = official_of(event.district)
    data = {}
    if "ends_at_offset" in changes:
        data["ends_at"] = event.starts_at - timedelta(hours=1)
    if "capacity" in changes:
        data["capacity"] = changes["capacity"]
    if "close_after_end" in changes:
        data["registration_closes_at"] = event.ends_at + timedelta(hours=1)
    with pytest.raises(ApplicationError) as error:
        services.event_update(event=event, user=official, data=data)
    assert error.value.field == field


def test_rescheduling_tells_everyone_registered_with_the_old_and_new_time():
    event = EventFactory(capacity=1)
    official = official_of(event.district)
    seated, waiting = UserFactory(language="en"), UserFactory(language="en")
    services.registration_create(user=seated, event=event)
    services.registration_create(user=waiting, event=event)
    old = timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M")
    new_start = event.starts_at + timedelta(days=2)
    services.event_update(
        event=event,
        user=official,
        data={"starts_at": new_start, "ends_at": new_start + timedelta(hours=3)},
    )
    for person in (seated, waiting):
        note = Notification.objects.get(recipient=person, template="event_rescheduled")
        assert old in note.body
        assert timezone.localtime(new_start).strftime("%Y-%m-%d %H:%M") in note.body


def test_capacity_cannot_drop_below_seats_taken_and_raising_it_promotes():
    event = EventFactory(capacity=1)
    official = official_of(event.district)
    users = UserFactory.create_batch(3)
    for user in users:
        services.registration_create(user=user, event=event)
    with pytest.raises(ApplicationError):
        services.event_update(event=event, user=official, data={"capacity": 0})
    services.event_update(event=event, user=official, data={"capacity": 2})
    assert Registration.objects.filter(event=event, status="confirmed").count() == 2
    assert Registration.objects.get(event=event, status="waitlisted").waitlist_position == 1


def test_cancelling_an_event_tells_every_registrant_with_the_reason():
    event = EventFactory(capacity=1)
    official = official_of(event.district)
    users = UserFactory.create_batch(2, language="en")
    for user in users:
        services.registration_create(user=user, event=event)
    services.event_cancel(event=event, user=official, reason="Typhoon warning")
    for user in users:
        assert (
            "Typhoon warning"
            in Notification.objects.get(recipient=user, template="event_cancelled").body
        )


def test_check_in_once_then_409_with_when():
    registration = RegistrationFactory()
    official = official_of(registration.event.district)
    attended = services.checkin(event=registration.event, code=registration.code, user=official)
    assert attended.status == RegistrationStatus.ATTENDED
    with pytest.raises(ConflictError) as error:
        services.checkin(event=registration.event, code=registration.code, user=official)
    assert error.value.extra["checked_in_at"] == attended.checked_in_at.isoformat()


def test_check_in_with_a_wrong_code_or_event_is_not_found():
    registration = RegistrationFactory()
    other_event = EventFactory(district=registration.event.district)
    official = official_of(registration.event.district)
    with pytest.raises(NotFoundError):
        services.checkin(event=registration.event, code="not-a-code", user=official)
    with pytest.raises(NotFoundError):
        services.checkin(event=other_event, code=registration.code, user=official)


def test_volunteers_check_in_only_at_their_event():
    registration = RegistrationFactory()
    event = registration.event
    official = official_of(event.district)
    volunteer = UserFactory(email="helper@example.com")
    services.volunteer_grant(event=event, user=official, email="Helper@Example.com")
    assert CheckinVolunteer.objects.filter(event=event, user=volunteer).exists()
    services.checkin(event=event, code=registration.code, user=volunteer)
    other = RegistrationFactory(event=EventFactory(district=event.district))
    with pytest.raises(PermissionDeniedError):
        services.checkin(event=other.event, code=other.code, user=volunteer)
    with pytest.raises(PermissionDeniedError):
        services.event_publish(event=event, user=volunteer)
    with pytest.raises(ApplicationError):
        services.volunteer_grant(event=event, user=official, email="nobody@example.com")


def test_ticket_codes_are_unguessable():
    from events.models import new_ticket_code

    codes = [new_ticket_code() for _ in range(500)]
    assert len(set(codes)) == 500
    assert all(len(code) >= 22 for code in codes)
    # Random, not counted: no shared prefix, and the characters spread over the alphabet.
    assert len({code[:4] for code in codes}) > 450
    assert len(set("".join(codes))) > 60


def test_the_agenda_is_replaced_by_officials_only():
    event = EventFactory()
    official = official_of(event.district)
    start = event.starts_at
    services.event_agenda_set(
        event=event,
        user=official,
        speakers=[{"name": "Gu Bing", "title": "Director"}, {"name": "Qi Yuxia"}],
        sessions=[
            {
                "starts_at": start,
                "title_zh": "开幕",
                "title_en": "Opening",
                "speaker_names": ["Gu Bing"],
            },
            {
                "starts_at": start,
                "title_zh": "政策",
                "title_en": "Policies",
                "speaker_names": ["Qi Yuxia", "Gu Bing"],
            },
        ],
    )
    assert [s.name for s in event.speakers.all()] == ["Gu Bing", "Qi Yuxia"]
    assert event.sessions.get(title_en="Policies").speakers.count() == 2
    with pytest.raises(ApplicationError):
        services.event_agenda_set(
            event=event,
            user=official,
            speakers=[],
            sessions=[
                {"starts_at": start, "title_zh": "x", "title_en": "x", "speaker_names": ["Nobody"]}
            ],
        )
    with pytest.raises(PermissionDeniedError):
        services.event_agenda_set(event=event, user=UserFactory(), speakers=[], sessions=[])
    assert event.speakers.count() == 2


def test_saving_an_event_unchanged_notifies_nobody_and_keeps_its_reminders(settings):
    settings.EVENT_REMINDER_OFFSETS = [1440]
    now = timezone.now()
    event = EventFactory(
        starts_at=now + timedelta(hours=5, seconds=17), ends_at=now + timedelta(hours=8)
    )
    official = official_of(event.district)
    registration = RegistrationFactory(event=event)
    services.event_update(
        event=event, user=official, data={"venue": "Hall B"}
    )  # times to the minute
    assert services.reminders_send(now=now) == 1
    event.refresh_from_db()
    same = {"starts_at": event.starts_at, "ends_at": event.ends_at, "venue": "Hall C"}
    services.event_update(event=event, user=official, data=same)
    assert not Notification.objects.filter(template="event_rescheduled").exists()
    assert services.reminders_send(now=now) == 0
    assert (
        Notification.objects.filter(recipient=registration.user, template="event_reminder").count()
        == 1
    )


def test_dates_outside_sensible_years_are_refused_with_the_field():
    event = EventFactory()
    official = official_of(event.district)
    with pytest.raises(ApplicationError) as error:
        services.event_update(
            event=event,
            user=official,
            data={"starts_at": event.starts_at.replace(year=2001) - timedelta(days=400 * 365)},
        )
    assert error.value.field == "starts_at"


def test_no_cancelling_or_promoting_once_the_event_has_started():
    now = timezone.now()
    event = EventFactory(
        capacity=1,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=2),
        registration_opens_at=now - timedelta(days=2),
        registration_closes_at=now - timedelta(hours=2),
    )
    seated = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status="waitlisted", waitlist_position=1)
    with pytest.raises(ConflictError):
        services.registration_cancel(registration=seated, user=seated.user)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.WAITLISTED
    assert not Notification.objects.filter(template="event_promoted").exists()


def test_no_check_in_at_a_cancelled_event():
    registration = RegistrationFactory()
    official = official_of(registration.event.district)
    services.event_cancel(event=registration.event, user=official)
    with pytest.raises(ConflictError):
        services.checkin(event=registration.event, code=registration.code, user=official)


def test_superusers_manage_every_district():
    event = EventFactory(status="draft")
    admin = UserFactory(is_staff=True, is_superuser=True)
    services.event_publish(event=event, user=admin)
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED


def test_staff_manage_only_the_districts_they_are_granted():
    """`is_staff` opens Django admin, nothing more: a staff member acts where granted."""
    ours, theirs = EventFactory(status="draft"), EventFactory(status="draft")
    staff = official_of(ours.district)
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    with pytest.raises(PermissionDeniedError):
        services.event_publish(event=theirs, user=staff)
    with pytest.raises(PermissionDeniedError):
        services.event_publish(event=ours, user=UserFactory(is_staff=True))
    services.event_publish(event=ours, user=staff)
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert (ours.status, theirs.status) == (EventStatus.PUBLISHED, EventStatus.DRAFT)


def test_an_event_and_its_agenda_are_saved_together_or_not_at_all():
    district = DistrictFactory()
    official = official_of(district)
    start = timezone.now() + timedelta(days=9)
    data = {
        "district": district,
        "kind": "workshop",
        "title_zh": "工作坊",
        "title_en": "Workshop",
        "venue": "Hall",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "capacity": 20,
        "registration_opens_at": timezone.now(),
        "registration_closes_at": start - timedelta(hours=1),
    }
    bad_session = {
        "starts_at": start,
        "title_zh": "x",
        "title_en": "x",
        "speaker_names": ["Nobody"],
    }
    with pytest.raises(ApplicationError):
        services.event_save(
            user=official, event=None, data=data, speakers=[], sessions=[bad_session]
        )
    assert not district.events.exists()
    event = services.event_save(
        user=official,
        event=None,
        data=data,
        speakers=[{"name": "Gu Bing"}],
        sessions=[{**bad_session, "speaker_names": ["Gu Bing"]}],
    )
    assert event.status == EventStatus.DRAFT
    assert event.sessions.get().speakers.get().name == "Gu Bing"
