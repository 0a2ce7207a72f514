"""The portal behind gunicorn, as the image runs it: its settings file is read."""

import http.client
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.support.servers import free_port

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture
def gunicorn_port():
    database = connection.settings_dict
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "RATE_LIMITS_ENABLED": "false",
        "DEBUG": "true",
    }
    options = ["--bind", f"127.0.0.1:{port}", "--workers", "1"]
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "returnee_portal.wsgi:application", *options],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _attempt in range(100):
            try:
                _get(port, "/healthz/")
                break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def _get(port: int, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@pytest.mark.django_db
def test_a_search_of_four_kilobytes_gets_the_portals_json_400_not_gunicorns_414(gunicorn_port):
    answer = _get(gunicorn_port, f"/api/v1/policies/?q={'x' * 4096}")
    assert answer.status == 400
    assert answer.getheader("Content-Type") == "application/json"
