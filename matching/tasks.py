"""Thin Celery tasks over the matching engine, the advisor assignment and the notifier.

Each is safe to run twice or at once: re-matches rewrite the same rows, the full run holds
an advisory lock, and notifications are claimed row by row (`matching.notify`). The
re-matches of one returnee, opening or startup are queued when its transaction commits
(see `matching.apps`); the periodic ones are scheduled in django-celery-beat's tables."""

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from . import assignment, engine, notify

# The full run and the assignment take minutes at city scale: longer limits than the
# default five minutes of every other task.
LONG = {"soft_time_limit": 1500, "time_limit": 1800}


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def rematch_returnee_task(user_id: int) -> int:
    return engine.rematch_returnee(user_id)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def rematch_opening_task(opening_id: int) -> int:
    return engine.rematch_opening(opening_id)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def rematch_startup_task(startup_id: int) -> int:
    return engine.rematch_startup(startup_id)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=2, **LONG)
def rematch_all_task() -> dict:
    """Nightly: the whole city, every kind."""
    return engine.rematch_all()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=2, **LONG)
def assign_advisors_task() -> dict:
    """Daily, after the full run: advisors proposed to all requesters at once."""
    return assignment.assign_advisors()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def notify_matches() -> int:
    """Every few minutes: tell people of their new matches, exactly once (at most
    `MATCH_NOTIFY_PER_RUN` matches a run, so a run stays within the task time limit; the
    next run goes on where it stopped)."""
    return notify.notify_new_matches(limit=settings.MATCH_NOTIFY_PER_RUN)
