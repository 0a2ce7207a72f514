"""The portal behind gunicorn, as the image runs it: its settings file is read."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.support.servers import free_port

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture
def gunicorn_url():
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
    url = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(100):
            try:
                urllib.request.urlopen(f"{url}/healthz/", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.django_db
def test_a_search_of_four_kilobytes_gets_the_portals_json_400_not_gunicorns_414(gunicorn_url):
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(f"{gunicorn_url}/api/v1/policies/?q={'x' * 4096}", timeout=10)
    assert answer.value.code == 400
    assert answer.value.headers["Content-Type"] == "application/json"
