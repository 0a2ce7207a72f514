"""Receivers of `core.signals`: a change to one profile, opening or startup re-matches that one
returnee, opening or startup soon after its transaction commits, not the whole city."""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def _queue(task, object_id: int) -> None:
    def send():
        try:
            task.apply_async(args=[object_id], retry=False)
        except Exception:  # noqa: BLE001 - the broker may be down; the nightly run catches up
            logger.warning(
                "Broker unavailable; %s(%s) left for the nightly run", task.name, object_id
            )

    transaction.on_commit(send, robust=True)


def on_profile_changed(sender, *, user_id: int, **kwargs) -> None:
    from .tasks import rematch_returnee_task

    _queue(rematch_returnee_task, user_id)


def on_opening_changed(sender, *, opening_id: int, **kwargs) -> None:
    from .tasks import rematch_opening_task

    _queue(rematch_opening_task, opening_id)


def on_startup_changed(sender, *, startup_id: int, **kwargs) -> None:
    from .tasks import rematch_startup_task

    _queue(rematch_startup_task, startup_id)
