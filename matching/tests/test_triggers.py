"""A change to one profile, opening or startup re-matches that one, once its transaction
commits (and not at all if it rolls back)."""

import pytest
from django.db import transaction

from core.tests.factories import SectorFactory, UserFactory
from matching import engine, tasks
from matching.models import Match
from startups import services as startup_services
from startups.tests.factories import FounderFactory
from talent import services as talent_services

from .hand_made import build_city


@pytest.fixture
def queued(monkeypatch):
    """What would have been sent to the broker: (task name, arguments)."""
    sent = []
    for task in (
        tasks.rematch_returnee_task,
        tasks.rematch_opening_task,
        tasks.rematch_startup_task,
    ):
        monkeypatch.setattr(
            task,
            "apply_async",
            lambda args, retry=None, task=task: sent.append((task.name.split(".")[-1], *args)),
        )
    return sent


@pytest.mark.django_db
def test_profile_and_consent_changes_queue_a_rematch_of_that_returnee(
    user, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        talent_services.profile_update(user=user, data={"headline": "Chip designer"})
    assert queued == [("rematch_returnee_task", user.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        talent_services.consent_grant(user=user, purpose="matching", via="page")
    with django_capture_on_commit_callbacks(execute=True):
        talent_services.consent_withdraw(user=user, purpose="matching", via="page")
    assert queued == [("rematch_returnee_task", user.pk)] * 3


@pytest.mark.django_db
def test_opening_and_startup_changes_queue_a_rematch_of_that_one(
    queued, django_capture_on_commit_callbacks
):
    founder = FounderFactory()
    startup, user = founder.startup, founder.user
    with django_capture_on_commit_callbacks(execute=True):
        opening = startup_services.opening_create(
            startup=startup, user=user, title="Chip designer", skills=["chip design"]
        )
    with django_capture_on_commit_callbacks(execute=True):
        startup_services.opening_update(opening=opening, user=user, data={"skills": ["FPGA"]})
    with django_capture_on_commit_callbacks(execute=True):
        startup_services.opening_close(opening=opening, user=user)
    with django_capture_on_commit_callbacks(execute=True):
        startup_services.startup_update(
            startup=startup, user=user, data={"sector": SectorFactory(code="new")}
        )
    co_founder = UserFactory(email="co@example.com")
    invitation = startup_services.founder_invite(startup=startup, user=user, email=co_founder.email)
    with django_capture_on_commit_callbacks(execute=True):
        startup_services.founder_invitation_accept(token=invitation.token, user=co_founder)
    assert queued == [
        ("rematch_opening_task", opening.pk),
        ("rematch_opening_task", opening.pk),
        ("rematch_opening_task", opening.pk),
        ("rematch_startup_task", startup.pk),
        ("rematch_startup_task", startup.pk),
    ]


@pytest.mark.django_db
def test_a_change_that_rolls_back_queues_nothing(user, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                talent_services.profile_update(user=user, data={"headline": "x"})
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert queued == []


@pytest.mark.django_db
def test_the_queued_rematch_updates_the_changed_returnee_s_matches(
    django_capture_on_commit_callbacks, monkeypatch
):
    from returnee_portal.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    city = build_city()
    engine.rematch_all()
    chip = Match.objects.get(
        kind="returnee_opening", returnee=city.alice, opening=city.chip_opening
    )
    assert chip.score == pytest.approx(0.7368)
    with django_capture_on_commit_callbacks(execute=True):
        talent_services.profile_update(
            user=city.alice, data={"skills": ["chip design", "Python", "FPGA"]}
        )
    chip.refresh_from_db()
    assert chip.score == pytest.approx(0.9473)  # the second skill of the opening, 0.2105 more
