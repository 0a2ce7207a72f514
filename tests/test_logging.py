"""The security log records failed sign-ins, lockouts and permission denials by user id and IP
address; no log line carries a password, a token, an e-mail address or a phone number."""

import io
import logging
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from core import services
from core.security import RedactFilter, redact
from core.tests.factories import UserFactory
from events.tests.factories import EventFactory
from startups.tests.factories import StartupFactory

pytestmark = pytest.mark.django_db

TOKEN_API = "/api/v1/auth/token/"


@pytest.fixture
def console():
    """What the configured console handler writes (the one the settings' LOGGING makes)."""
    handler = next(h for h in logging.getLogger().handlers if _redacts(h))
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


def _redacts(handler) -> bool:
    return any(isinstance(item, RedactFilter) for item in handler.filters)


def security_lines(console) -> list[str]:
    return [line for line in console.getvalue().splitlines() if " security " in line]


# What is logged --------------------------------------------------------------------------


def test_a_failed_sign_in_on_the_page_is_logged_by_user_id_and_address(console, user):
    Client(REMOTE_ADDR="203.0.113.7").post(
        reverse("core:login"), {"username": user.email, "password": "Secret-Guess-1"}
    )
    lines = security_lines(console)
    assert any(
        f"sign-in failed: user={user.pk} ip=203.0.113.7" in line and "WARNING" in line
        for line in lines
    ), lines
    output = console.getvalue()
    assert user.email not in output
    assert "Secret-Guess-1" not in output


def test_a_failed_token_request_is_logged(console, user):
    APIClient(REMOTE_ADDR="203.0.113.8").post(
        TOKEN_API, {"email": user.email, "password": "Secret-Guess-2"}
    )
    assert any(
        f"sign-in failed: user={user.pk} ip=203.0.113.8" in line for line in security_lines(console)
    )
    assert "Secret-Guess-2" not in console.getvalue()
    assert user.email not in console.getvalue()


def test_a_failed_sign_in_for_an_unknown_address_names_no_one(console, db):
    APIClient().post(TOKEN_API, {"email": "nobody@example.com", "password": "x"})
    assert any("sign-in failed: user=- ip=127.0.0.1" in line for line in security_lines(console))
    assert "nobody@example.com" not in console.getvalue()


def test_a_lockout_is_logged(console, user, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(3):
        APIClient().post(TOKEN_API, {"email": user.email, "password": "wrong"})
    assert any(f"sign-in locked out: user={user.pk}" in line for line in security_lines(console))
    assert user.email not in console.getvalue()


def test_a_sign_in_and_a_sign_out_are_logged(console, user, password):
    client = Client()
    client.post(reverse("core:login"), {"username": user.email, "password": password})
    client.post(reverse("core:logout"))
    lines = security_lines(console)
    assert any(f"sign-in: user={user.pk} ip=127.0.0.1" in line for line in lines)
    assert any(f"sign-out: user={user.pk}" in line for line in lines)


def test_an_api_permission_denial_is_logged(console, user):
    event = EventFactory()
    client = APIClient()
    client.force_authenticate(user)
    path = f"/api/v1/events/{event.pk}/cancel/"
    assert client.post(path, {}, format="json").status_code == 403
    assert any(
        f"permission denied: user={user.pk} ip=127.0.0.1 POST {path}" in line
        for line in security_lines(console)
    )


def test_a_page_permission_denial_is_logged(console, user):
    startup = StartupFactory()
    client = Client()
    client.force_login(user)
    path = reverse("startups:edit", args=[startup.pk])
    assert client.get(path).status_code == 403
    assert any(
        f"permission denied: user={user.pk} ip=127.0.0.1 GET {path}" in line
        for line in security_lines(console)
    )
    staff = UserFactory(is_staff=True)  # staff without any permission
    client.force_login(staff)
    assert client.get("/admin/events/event/").status_code == 403
    assert any(
        f"permission denied: user={staff.pk} ip=127.0.0.1 GET /admin/events/event/" in line
        for line in security_lines(console)
    )


def test_a_refused_csrf_token_is_logged(console, user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(reverse("core:notifications")).status_code == 403
    assert any(f"permission denied: user={user.pk}" in line for line in security_lines(console))


def test_a_refused_api_token_is_logged_without_the_token(console, user):
    token = services.api_token_issue(user=user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/me/").status_code == 401
    assert any(
        "credentials refused: user=- ip=127.0.0.1" in line for line in security_lines(console)
    )
    assert token.key not in console.getvalue()


def test_signing_up_and_signing_in_write_no_secret_or_address(console, db):
    password = "Quiet-River-2031"
    api = APIClient()
    response = api.post(
        "/api/v1/auth/signup/",
        {"email": "zhou.min@example.com", "password": password, "full_name": "Zhou Min"},
    )
    assert response.status_code == 202
    api.post(TOKEN_API, {"email": "zhou.min@example.com", "password": "wrong"})
    key = api.post(TOKEN_API, {"email": "zhou.min@example.com", "password": password}).json()[
        "token"
    ]
    api.credentials(HTTP_AUTHORIZATION=f"Token {key[:-1]}0")
    api.get("/api/v1/me/")
    output = console.getvalue()
    assert "security" in output
    for secret in (password, key, "zhou.min@example.com", "Zhou Min"):
        assert secret not in output


# The filter ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("sign-in by li.wen@example.com failed", "li.wen@example.com"),
        ("Authorization: Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b", "9944b0919"),
        ("header Bearer eyJhbGciOiJIUzI1NiJ9.e30.x", "eyJhbGci"),
        ("POST data password=hunter2&email=x", "hunter2"),
        ("{'password': 'hunter2', 'username': 'x'}", "hunter2"),
        ('{"new_password1": "hunter2"}', "hunter2"),
        ("sessionid=abcdef123456; csrftoken=zyx987", "abcdef123456"),
        ("sessionid=abcdef123456; csrftoken=zyx987", "zyx987"),
        ("key 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b in cache", "9944b0919"),
        ("call me on 13812345678", "13812345678"),
        ("call me on +86 138 1234 5678", "1234 5678"),
        ("office 021-6321-1234", "6321-1234"),
    ],
)
def test_the_filter_blanks_secrets_and_contact_details(text, secret):
    assert secret not in redact(text)


@pytest.mark.parametrize(
    "text",
    [
        "permission denied: user=42 ip=203.0.113.7 POST /api/v1/events/17/publish/",
        "event starts 2026-05-01 09:30",
        "ip=2001:db8::1 user=7",
        "Throttle cache unavailable; request allowed",
    ],
)
def test_the_filter_keeps_what_the_log_needs(text):
    assert redact(text) == text


def test_the_filter_blanks_arguments_and_tracebacks_and_never_drops_a_record():
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "failed for %s", ("li@example.com",), None
    )
    try:
        raise ValueError("password=hunter2 for li@example.com")
    except ValueError:
        record.exc_info = sys.exc_info()
    assert RedactFilter().filter(record) is True
    formatted = logging.Formatter().format(record)
    assert "li@example.com" not in formatted
    assert "hunter2" not in formatted
    assert "ValueError" in formatted
    broken = logging.LogRecord("x", logging.INFO, __file__, 1, "%d apples", ("many",), None)
    assert RedactFilter().filter(broken) is True


def test_every_handler_of_every_logger_redacts_in_the_web_and_worker_processes():
    code = """
import logging, os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "returnee_portal.settings")
django.setup()
from core.security import RedactFilter

def handlers():
    found = set(logging.getLogger().handlers)
    for logger in logging.Logger.manager.loggerDict.values():
        found.update(getattr(logger, "handlers", []))
    return found

def all_redact():
    writing = [h for h in handlers() if not isinstance(h, logging.NullHandler)]
    return bool(writing) and all(
        any(isinstance(item, RedactFilter) for item in handler.filters) for handler in writing
    )

web = all_redact()
from celery import signals
from returnee_portal.celery import app
app.log.setup(loglevel="INFO")  # what a worker does at start
print(web, all_redact(), bool(signals.setup_logging.receivers))
"""
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True"]
