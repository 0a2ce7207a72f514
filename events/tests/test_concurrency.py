"""Seats under load: parallel registrations from separate PostgreSQL connections."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from core.tests.factories import UserFactory
from events import services
from events.models import Registration

from .factories import EventFactory

PEOPLE = 200
SEATS = 50
PARALLEL = 60  # connections at once; PostgreSQL allows 100 by default


@pytest.mark.django_db(transaction=True)
def test_200_parallel_registrations_fill_50_seats_and_a_waitlist_in_order():
    assert connection.vendor == "postgresql"
    event = EventFactory(capacity=SEATS)
    users = UserFactory.create_batch(PEOPLE)

    def register(user):
        try:
            return services.registration_create(user=user, event=event).status
        finally:
            connection.close()  # each registration on a connection of its own

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        statuses = list(pool.map(register, users))

    assert statuses.count("confirmed") == SEATS
    assert statuses.count("waitlisted") == PEOPLE - SEATS
    rows = Registration.objects.filter(event=event)
    assert rows.filter(status="confirmed").count() == SEATS
    waiting = list(rows.filter(status="waitlisted").order_by("waitlist_position"))
    assert [r.waitlist_position for r in waiting] == list(range(1, PEOPLE - SEATS + 1))
    assert [r.created_at for r in waiting] == sorted(r.created_at for r in waiting)

    # Ten people with seats cancel at once: exactly the first ten waiting are promoted.
    cancelling = list(rows.filter(status="confirmed")[:10])
    expected = [r.user_id for r in waiting[:10]]

    def cancel(registration):
        try:
            services.registration_cancel(registration=registration, user=registration.user)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(cancel, cancelling))

    assert rows.filter(status="confirmed").count() == SEATS
    promoted = set(
        rows.filter(status="confirmed", user_id__in=expected).values_list("user_id", flat=True)
    )
    assert promoted == set(expected)
    still_waiting = list(rows.filter(status="waitlisted").order_by("waitlist_position"))
    assert [r.waitlist_position for r in still_waiting] == list(range(1, PEOPLE - SEATS - 10 + 1))
    assert [r.user_id for r in still_waiting] == [r.user_id for r in waiting[10:]]
