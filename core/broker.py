"""Queue a Celery task after a commit without ever making the request wait for the broker.

The database row the task works on is already safe when it is queued (the outbox, a match to
redo), and a periodic sweep finds what was not queued. So when the broker cannot be reached,
queuing gives up after one short connection attempt (BROKER_CONNECT_TIMEOUT) and the process
stops trying for BROKER_PUBLISH_PAUSE seconds: in a registration rush with Redis down, one
request waits a fraction of a second and the others not at all.
"""

import logging
import threading
import time

from django.conf import settings

logger = logging.getLogger(__name__)

_paused_until = 0.0
_lock = threading.Lock()


def broker_paused() -> bool:
    return time.monotonic() < _paused_until


def _pause() -> None:
    global _paused_until
    with _lock:
        _paused_until = time.monotonic() + settings.BROKER_PUBLISH_PAUSE


def broker_resume() -> None:
    """Forget an earlier failure (tests, and a process that knows the broker is back)."""
    global _paused_until
    with _lock:
        _paused_until = 0.0


def broker_publish(task, *args) -> bool:
    """Send `task(*args)` to the broker once, quickly; False when it was left for the sweep."""
    if broker_paused():
        logger.info("Broker paused after a failure; %s%r left for the sweep", task.name, args)
        return False
    try:
        # One attempt: CELERY_BROKER_TRANSPORT_OPTIONS allow no reconnect loop (max_retries 0)
        # and a short connection timeout (BROKER_CONNECT_TIMEOUT).
        task.apply_async(args=list(args), retry=False)
    except Exception:  # noqa: BLE001 - whatever the broker says, the row is safe for the sweep
        _pause()
        logger.warning("Broker unavailable; %s%r left for the sweep", task.name, args)
        return False
    return True
