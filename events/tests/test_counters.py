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

from core import services as core_services
from core.choices import Frequency, NotificationKind, NotificationStatus
from core.exceptions import ConflictError
from core.models import Notification
from core.privacy import erase_user
from core.tests.factories import UserFactory
from events import selectors, services
from events.admin import RegistrationAdmin
from events.choices import RegistrationStatus
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
    official = UserFactory(is_staff=True, is_superuser=True)
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
            row.refresh_from_db()
            assert row.status == RegistrationStatus.CANCELLED
        elif action == "checkin":
            seated = [row for row in live if row.status == "confirmed"]
            if seated:
                row = rng.choice(seated)
                queryset = Registration.objects.filter(pk=row.pk)
                admin.check_in(_admin_request(official), queryset)
                row.refresh_from_db()
                assert row.status == RegistrationStatus.ATTENDED
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


@pytest.mark.django_db(transaction=True)
def test_a_registration_locks_the_event_for_one_statement():
    """Everything that reads (the e-mail choice) and renders comes first; then one statement
    takes the place and writes the registration, its history row and the notice, in its own
    transaction: the event's row is locked for that statement alone, with nothing counted."""
    event = EventFactory(capacity=1)
    services.registration_create(user=UserFactory(), event=event)
    for _ in range(2):  # a seat taken, then the waitlist: the same statements
        person = UserFactory()
        with CaptureQueriesContext(connection) as queries:
            registration = services.registration_create(user=person, event=event)
        statements = [query["sql"] for query in queries]
        writes = [sql for sql in statements if not sql.lstrip().upper().startswith("SELECT")]
        assert len(writes) == 1, writes
        assert writes[0].lstrip().startswith("WITH place AS (")
        assert statements[-1] == writes[0]  # the last one: nothing after it holds the lock
        assert not any("COUNT(" in sql.upper() or "MAX(" in sql.upper() for sql in statements)
        registration.refresh_from_db()
        history = registration.history.get()
        assert (history.history_type, history.status) == ("+", registration.status)
        assert Notification.objects.get(recipient=person).url == registration.get_absolute_url()


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
    assert "\u27e6" not in notice.subject + notice.body  # no marker left


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


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("choice", "status", "queued"),
    [
        (None, NotificationStatus.PENDING, True),
        (Frequency.DAILY, NotificationStatus.PENDING, False),
        (Frequency.OFF, NotificationStatus.SENT, False),
    ],
)
def test_the_registration_statement_follows_the_e_mail_choice(
    choice, status, queued, django_capture_on_commit_callbacks
):
    """The one statement reads the person's e-mail choice for registrations itself: an
    instant notice is queued on commit, a digest one waits, an "off" one is only in the inbox."""
    person = UserFactory()
    if choice is not None:
        core_services.notification_preference_set(
            user=person, kind=NotificationKind.EVENT_REGISTRATION, frequency=choice
        )
    with django_capture_on_commit_callbacks() as callbacks:
        services.registration_create(user=person, event=EventFactory())
    notice = Notification.objects.get(recipient=person)
    assert notice.frequency == (choice or Frequency.INSTANT)
    assert notice.status == status
    assert (notice.sent_at is not None) == (status == NotificationStatus.SENT)
    assert bool(callbacks) == queued


@pytest.mark.django_db
def test_the_statement_and_the_step_by_step_path_write_the_same_notice():
    """The one statement (PostgreSQL) and the steps of other databases fill the waitlist place
    into the notice the same way, before cutting a long subject to its 200 characters."""
    event = EventFactory(capacity=1, title_en="Forum " + "x" * 190)
    services.registration_create(user=UserFactory(), event=event)
    one, other = UserFactory(language="en"), UserFactory(language="en")
    services.registration_create(user=one, event=event)
    notices = services._registration_notices(user=other, event=event, frequency_in_sql=False)
    services._register_step_by_step(event=event, user=other, notices=notices)
    first = Notification.objects.get(recipient=one)
    second = Notification.objects.get(recipient=other)
    assert len(first.subject) == len(second.subject) == 200
    assert "\u27e6" not in first.subject + first.body + second.subject + second.body
    assert first.body.replace("number 1 ", "number 2 ") == second.body
    assert first.context["position"] == 1 and second.context["position"] == 2
    assert_counters_true(event)
