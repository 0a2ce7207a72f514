"""Queue Celery tasks after a commit without ever making a request wait for the broker.

The database row a task works on is already safe when it is queued (the outbox, a match to
redo), and a periodic sweep finds what was not queued. So:

- `broker_publish(task, *args)` sends one message at once, trying the broker once (no
  reconnect loop, BROKER_CONNECT_TIMEOUT); after a failure the process stops trying for
  BROKER_PUBLISH_PAUSE seconds and leaves the work to the sweeps.
- `broker_publish_batched(task, item)` hands an item to a thread of the process, which
  gathers what arrives within BROKER_BATCH_SECONDS and sends it as one message
  `task([items])`: a registration rush sends a few messages a second instead of one per
  registration, and the request does not wait for Redis at all. Items still waiting when
  the process ends are left to the sweep.
"""

import atexit
import logging
import os
import queue
import threading
import time

from django.conf import settings

logger = logging.getLogger(__name__)


class Pause:
    """After a failure to reach a shared service (the broker, the cache), stop trying it in
    this process for a while instead of making every request wait for it again."""

    def __init__(self, seconds_setting: str):
        self.seconds_setting = seconds_setting
        self.until = 0.0
        self.lock = threading.Lock()

    def active(self) -> bool:
        return time.monotonic() < self.until

    def start(self) -> None:
        with self.lock:
            self.until = time.monotonic() + getattr(settings, self.seconds_setting)

    def end(self) -> None:
        with self.lock:
            self.until = 0.0


broker_pause = Pause("BROKER_PUBLISH_PAUSE")
# The shared cache (throttle counters, public lists) after it could not be reached.
cache_pause = Pause("CACHE_FAILURE_PAUSE")


def broker_paused() -> bool:
    return broker_pause.active()


def broker_resume() -> None:
    """Forget an earlier failure (tests, and a process that knows the broker is back)."""
    broker_pause.end()


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
        broker_pause.start()
        logger.warning("Broker unavailable; %s%r left for the sweep", task.name, args)
        return False
    return True


class _Batcher:
    """One per process (made again after a fork): a queue and the thread that empties it."""

    def __init__(self):
        self.pid = os.getpid()
        self.items: queue.SimpleQueue = queue.SimpleQueue()
        self.waiting = threading.Event()
        self.thread = threading.Thread(target=self._run, name="broker-batcher", daemon=True)
        self.thread.start()

    def put(self, entry) -> None:
        self.items.put(entry)
        self.waiting.set()

    def _run(self) -> None:
        while True:
            self.waiting.wait()
            time.sleep(settings.BROKER_BATCH_SECONDS)
            self.waiting.clear()  # before draining: what comes after wakes the next round
            try:
                self.send(self._drain())
            except Exception:
                logger.exception("Queuing a batch failed; left for the sweep")

    def _drain(self) -> list:
        drained = []
        while True:
            try:
                drained.append(self.items.get_nowait())
            except queue.Empty:
                return drained

    def send(self, entries: list) -> None:
        by_task: dict = {}
        for task, item in entries:
            by_task.setdefault(task, []).append(item)
        for task, items in by_task.items():
            broker_publish(task, items)

    def flush(self) -> None:
        """Send what is waiting now, in the calling thread (at exit, and in tests)."""
        self.send(self._drain())


_lock = threading.Lock()
_batcher: _Batcher | None = None


def _current_batcher() -> _Batcher:
    global _batcher
    with _lock:
        if _batcher is None or _batcher.pid != os.getpid() or not _batcher.thread.is_alive():
            _batcher = _Batcher()
        return _batcher


def broker_publish_batched(task, item) -> None:
    """Queue `item` for `task`, which receives a list of the items gathered together."""
    _current_batcher().put((task, item))


def broker_flush() -> None:
    """Send the items still waiting in this process, now."""
    if _batcher is not None and _batcher.pid == os.getpid():
        _batcher.flush()


atexit.register(broker_flush)
