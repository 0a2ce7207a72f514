"""Receivers of `core.signals`: a change to one profile, opening or startup re-matches that one
returnee, opening or startup soon after its transaction commits, not the whole city."""

from django.db import transaction

from core.broker import broker_publish


def _queue(task, object_id: int) -> None:
    """Queued on commit; with the broker down it is left for the nightly run."""
    transaction.on_commit(lambda: broker_publish(task, object_id), robust=True)


def on_profile_changed(sender, *, user_id: int, **kwargs) -> None:
    from .tasks import rematch_returnee_task

    _queue(rematch_returnee_task, user_id)


def on_opening_changed(sender, *, opening_id: int, **kwargs) -> None:
    from .tasks import rematch_opening_task

    _queue(rematch_opening_task, opening_id)


def on_startup_changed(sender, *, startup_id: int, **kwargs) -> None:
    from .tasks import rematch_startup_task

    _queue(rematch_startup_task, startup_id)
