"""Real servers that tests start and stop themselves."""

import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager

import redis

from returnee_portal.celery import app as celery_app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A redis-server of the test's own on a free port, so the test can stop and start it."""

    def __init__(self, directory):
        self.port = free_port()
        self.directory = directory
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        executable = shutil.which("redis-server")
        assert executable, "redis-server is needed for the outage tests"
        self.process = subprocess.Popen(
            [
                executable,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("the private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def _reset_broker_pools() -> None:
    pool = celery_app._pool
    if pool is not None:
        pool.force_close_all()
        celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def celery_broker(url: str):
    """Point the Celery app at another broker for the duration of a test. (Celery reads the
    CELERY_BROKER_URL environment variable before its own setting, so both change.)"""
    previous_setting = celery_app.conf.broker_url
    previous_env = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = url
    celery_app.conf.broker_url = url
    _reset_broker_pools()
    try:
        assert celery_app.connection_for_write().port == int(url.rsplit(":", 1)[1].split("/")[0])
        yield celery_app
    finally:
        if previous_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = previous_env
        celery_app.conf.broker_url = previous_setting
        _reset_broker_pools()
