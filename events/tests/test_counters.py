"""The seat counters kept on the event row: always equal to its registrations, whatever
sequence of registrations, cancellations, promotions, check-ins, admin actions, capacity
changes and erasures happens, one after another or at once; and the short locked section of
a registration."""

import contextlib
import random
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.admin.sites import AdminSite
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from core.choices import NotificationKind
from core.exceptions import ConflictError
from core.models import Notification
from core.privacy import erase_user
from core.tests.factories import UserFactory
from events import selectors, services
from events.admin import RegistrationAdmin
from events.models import Event, Registration

from .factories import EventFactory


def assert_counters_true(event: Event) -> None:
    assert selectors.counter_mismatches(event_ids=[event.pk]) == []


def _admin_request(user):
    request = RequestFactory().post("/admin/events/registration/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.django_db
def test_counters_equal_the_rows_after_a_random_sequence_of_everything():
    rng = random.Random(7)
    official = UserFactory(is_staff=True)
    event = EventFactory(capacity=4)
    people = UserFactory.create_batch(12)
    admin = RegistrationAdmin(Registration, AdminSite())
    for _step in range(120):
        action = rng.choice(
            ["register", "register", "cancel", "checkin", "admin_cancel", "capacity", "erase"]
        )
        live = list(
            Registration.objects.filter(
                event=event, status__in=["confirmed", "waitlisted"], user__isnull=False
            )
        )
        if action == "register":
            person = rng.choice(people)
            if person.is_active:
                with contextlib.suppress(ConflictError):  # registered already
                    services.registration_create(user=person, event=event)
        elif action == "cancel" and live:
            row = rng.choice(live)
            services.registration_cancel(registration=row, user=row.user)
        elif action == "admin_cancel" and live:
            row = rng.choice(live)
            queryset = Registration.objects.filter(pk=row.pk)
            admin.cancel_registrations(_admin_request(official), queryset)
        elif action == "checkin":
            seated = [row for row in live if row.status == "confirmed"]
            if seated:
                row = rng.choice(seated)
                queryset = Registration.objects.filter(pk=row.pk)
                admin.check_in(_admin_request(official), queryset)
        elif action == "capacity":
            event.refresh_from_db()
            services.event_update(
                event=event,
                user=official,
                data={"capacity": max(event.seats_taken, 1) + rng.randint(0, 2)},
            )
        elif action == "erase":
            person = rng.choice(people)
            if person.is_active and person.registrations.exists():
                erase_user(person)
                person.refresh_from_db()
        assert_counters_true(event)
    event.refresh_from_db()
    assert event.seats_taken <= event.capacity
    # Nobody waits while a seat is free.
    assert event.waitlist_count == 0 or event.seats_taken == event.capacity


@pytest.mark.django_db
def test_seat_figures_come_from_the_counters():
    event = EventFactory(capacity=2)
    for person in UserFactory.create_batch(3):
        services.registration_create(user=person, event=event)
    event.refresh_from_db()
    assert (event.seats_taken, event.waitlist_count, event.seats_left) == (2, 1, 0)
    # A counter the rows do not back shows where it is read: the figures are the counters.
    Event.objects.filter(pk=event.pk).update(waitlist_count=5)
    listed = selectors.event_list().get(pk=event.pk)
    assert listed.waitlist_count == 5


@pytest.mark.django_db
def test_saving_an_event_read_earlier_does_not_write_its_counters_back():
    event = EventFactory(capacity=3)
    stale = Event.objects.get(pk=event.pk)
    services.registration_create(user=UserFactory(), event=event)
    stale.venue = "Zhangjiang Science Hall"
    stale.save()
    event.refresh_from_db()
    assert (event.venue, event.seats_taken) == ("Zhangjiang Science Hall", 1)


@pytest.mark.django_db
def test_events_recount_finds_wrong_counters_and_sets_them_right(capsys):
    event = EventFactory(capacity=2)
    for person in UserFactory.create_batch(4):
        services.registration_create(user=person, event=event)
    call_command("events_recount")
    assert "equal its registrations" in capsys.readouterr().out

    Event.objects.filter(pk=event.pk).update(seats_taken=1, waitlist_count=7)
    Registration.objects.filter(event=event, waitlist_position=2).update(waitlist_position=9)
    with pytest.raises(CommandError, match="1 event"):
        call_command("events_recount")
    assert f"Event {event.pk}: seats taken 1 (counted 2)" in capsys.readouterr().out

    call_command("events_recount", "--fix")
    assert_counters_true(event)
    places = Registration.objects.filter(event=event, status="waitlisted").order_by(
        "waitlist_position"
    )
    assert list(places.values_list("waitlist_position", flat=True)) == [1, 2]


@pytest.mark.django_db
def test_the_locked_section_of_a_registration_is_one_update_and_three_inserts():
    """Everything that reads (is it open, registered already, the e-mail choice) and renders
    comes before the UPDATE that takes the place and the lock; after it only the INSERTs of the
    registration, its history and the notice, then the commit."""
    event = EventFactory(capacity=1)
    services.registration_create(user=UserFactory(), event=event)
    for _ in range(2):  # a seat taken, then the waitlist: the same statements
        with CaptureQueriesContext(connection) as queries:
            services.registration_create(user=UserFactory(), event=event)
        statements = [query["sql"].lstrip().split()[0].upper() for query in queries]
        locked = statements[statements.index("UPDATE") :]
        tables = [query["sql"] for query in queries][statements.index("UPDATE") :]
        assert locked == ["UPDATE", "INSERT", "INSERT", "INSERT", "RELEASE"] or locked == [
            "UPDATE",
            "INSERT",
            "INSERT",
            "INSERT",
        ], locked
        assert "events_registration" in tables[1]
        assert "events_historicalregistration" in tables[2]
        assert "core_notification" in tables[3]
        assert not any("COUNT(" in sql.upper() or "MAX(" in sql.upper() for sql in tables)


@pytest.mark.django_db
def test_the_waitlist_notice_names_the_place_taken():
    event = EventFactory(capacity=1)
    services.registration_create(user=UserFactory(), event=event)
    person = UserFactory(language="en")
    registration = services.registration_create(user=person, event=event)
    notice = Notification.objects.get(recipient=person)
    assert registration.waitlist_position == 1
    assert "number 1 on the waitlist" in notice.body
    assert "(place 1)" in notice.subject
    assert notice.context["position"] == 1
    assert notice.url == registration.get_absolute_url()
    assert "\x00" not in notice.subject + notice.body


@pytest.mark.django_db(transaction=True)
def test_a_rush_with_cancellations_keeps_every_rule():
    """60 people register and 15 of those seated or waiting cancel, all at once, each on a
    connection of its own: seats never exceed capacity, the waitlist stays 1..N in the order
    of joining, the counters equal the rows, and each person is told exactly once per step."""
    assert connection.vendor == "postgresql"
    event = EventFactory(capacity=20)
    first = UserFactory.create_batch(30)
    later = UserFactory.create_batch(30)

    def register(user):
        try:
            return services.registration_create(user=user, event=event)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=30) as pool:
        made = list(pool.map(register, first))

    def cancel(registration):
        try:
            services.registration_cancel(registration=registration, user=registration.user)
        finally:
            connection.close()

    def work(item):
        return cancel(item) if isinstance(item, Registration) else register(item)

    cancelling = made[::2]  # seated and waiting ones alike
    with ThreadPoolExecutor(max_workers=30) as pool:
        list(pool.map(work, [*later, *cancelling]))

    assert_counters_true(event)
    rows = Registration.objects.filter(event=event)
    assert rows.filter(status="confirmed").count() == 20
    waiting = list(rows.filter(status="waitlisted").order_by("waitlist_position"))
    assert [row.waitlist_position for row in waiting] == list(range(1, len(waiting) + 1))
    assert [row.created_at for row in waiting] == sorted(row.created_at for row in waiting)
    assert len(waiting) == 60 - 15 - 20
    notices = Notification.objects.filter(kind=NotificationKind.EVENT_REGISTRATION)
    for row in rows.filter(status="confirmed"):
        templates = list(notices.filter(recipient=row.user).values_list("template", flat=True))
        # a seat at once, or a waitlist place and then the promotion: never twice the same
        assert sorted(templates) in (["event_confirmed"], ["event_promoted", "event_waitlisted"])
    for row in waiting:
        assert list(notices.filter(recipient=row.user).values_list("template", flat=True)) == [
            "event_waitlisted"
        ]
