"""Resource limits: page sizes, request bodies and uploads, search terms, throttles shared
through Redis by every process, the sign-in lockout and common passwords."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from core.api.exceptions import exception_handler
from core.api.throttling import Counter
from core.filters import MAX_QUERY_LENGTH
from core.models import User
from core.tests.factories import DistrictFactory, UserFactory
from events.tests.factories import EventFactory
from startups.tests.factories import FounderFactory
from talent.tests.factories import AdvisorFactory

pytestmark = pytest.mark.django_db

SIGNUP_API = "/api/v1/auth/signup/"
TOKEN_API = "/api/v1/auth/token/"
STRONG_PASSWORD = "Quiet-River-2031"


# Page sizes ------------------------------------------------------------------------------


def test_page_size_is_capped(api_client, settings):
    settings.API_MAX_PAGE_SIZE = 3
    DistrictFactory.create_batch(5)
    body = api_client.get("/api/v1/districts/?page_size=100000").json()
    assert body["count"] == 5
    assert len(body["results"]) == 3


# Request bodies and uploads --------------------------------------------------------------


def test_an_oversized_json_body_is_a_413_in_json_not_a_500(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"email": "a@example.com", "password": "x" * 2000})
    response = api_client.post(
        TOKEN_API, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "too_large"
    assert "too large" in response.json()["detail"]


def test_an_oversized_form_is_a_413_page(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(
        reverse("core:login"),
        {"username": "a@example.com", "password": "x" * 2000},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 413
    assert "The request is too large" in response.content.decode()


def test_an_oversized_upload_is_refused_before_it_is_read(client, settings):
    settings.MAX_UPLOAD_SIZE = 10_000
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    upload = SimpleUploadedFile("policies.csv", b"x" * 20_000, content_type="text/csv")
    response = client.post(
        reverse("admin:policies_policy_import"),
        {"import_file": upload, "format": "0"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 413
    assert "The request is too large" in response.content.decode()
    small = SimpleUploadedFile("policies.csv", b"title_en\n", content_type="text/csv")
    response = client.post(reverse("admin:policies_policy_import"), {"import_file": small})
    assert response.status_code == 200


def test_a_body_too_large_found_while_reading_is_a_413_too():
    """Without a declared length Django counts the bytes as it reads them and raises."""
    response = exception_handler(RequestDataTooBig("too big"), {})
    assert response.status_code == 413
    assert response.data["code"] == "too_large"


def test_too_many_fields_is_a_400_in_json(api_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    fields = "&".join(f"f{number}=1" for number in range(10))
    response = api_client.post(SIGNUP_API, fields, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path", "signed_in"),
    [
        ("post", SIGNUP_API, False),
        ("post", "/api/v1/auth/token/", False),
        ("patch", "/api/v1/me/profile/", True),
    ],
)
def test_json_nested_deeper_than_python_reads_is_a_400_not_a_500(
    api_client, method, path, signed_in
):
    if signed_in:
        api_client.force_authenticate(UserFactory())
    body = "[" * 1500 + "]" * 1500  # 3 KB
    response = getattr(api_client, method)(
        path, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "nested too deeply" in response.json()["detail"]


@pytest.mark.parametrize("body", [b"full_name=%FF%FE&email=a%40example.com", b"full_name=\xff\xfe"])
def test_a_form_whose_text_is_not_utf8_is_refused_not_stored_as_mojibake(api_client, body):
    response = api_client.post(
        SIGNUP_API,
        body,
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "UTF-8" in response.json()["detail"]
    assert not User.objects.filter(full_name__contains="\u00ff").exists()


def test_a_page_form_whose_text_is_not_utf8_is_a_400_page_and_utf8_forms_still_work(client):
    refused = client.post(
        reverse("core:signup"),
        b"full_name=%FF%FE",
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 400
    assert "not valid UTF-8" in refused.content.decode()
    accepted = client.post(
        reverse("core:signup"),
        "full_name=%E6%9D%8E%E6%96%87&email=&password1=&password2=",
        content_type="application/x-www-form-urlencoded",
    )
    assert accepted.status_code == 200  # the form, with its own errors: the text was read
    assert "李文" in accepted.content.decode()


# Search terms ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/districts/",
        "/api/v1/parks/",
        "/api/v1/events/",
        "/api/v1/policies/",
        "/api/v1/startups/",
        "/api/v1/openings/",
        "/api/v1/advisors/",
        "/api/v1/returnees/",
    ],
)
def test_an_over_long_search_term_is_a_400_with_a_message(api_client, path):
    response = api_client.get(path, {"q": "x" * (MAX_QUERY_LENGTH + 1)}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("q: Ensure this value has at most")
    assert api_client.get(path, {"q": "x" * MAX_QUERY_LENGTH}).status_code == 200


def test_an_over_long_search_term_on_a_page_is_explained(client):
    response = client.get(
        reverse("events:list"), {"q": "x" * (MAX_QUERY_LENGTH + 1)}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "Ensure this value has at most" in response.content.decode()


# Throttles: shared by every process through Redis ----------------------------------------

ANOTHER_PROCESS = """
import json, os, sys
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "returnee_portal.settings")
django.setup()
from types import SimpleNamespace
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from core.api import throttling

answers = []
for hit in json.loads(sys.argv[1]):
    request = RequestFactory().post("/", hit.get("data", {}), REMOTE_ADDR=hit["ip"])
    user = hit.get("user")
    request.user = SimpleNamespace(pk=user, is_authenticated=True) if user else AnonymousUser()
    throttle = getattr(throttling, hit["throttle"])()
    view = SimpleNamespace(throttle_scope=hit.get("scope"))
    answers.append(throttle.allow_request(request, view))
print(json.dumps(answers))
"""

RATES = {
    "signup": "2/hour",
    "signin": "2/min",
    "signin_account": "2/hour",
    "registration": "2/min",
    "registration_ip": "2/min",
    "consultation": "2/hour",
    "consultation_ip": "2/hour",
}


def requests_in_another_process(hits: list[dict]) -> list[bool]:
    """Runs throttle checks in a new Python process, with its own connection to the cache."""
    environment = {
        **os.environ,
        "RATE_LIMITS_ENABLED": "true",
        **{f"THROTTLE_{scope.upper()}": rate for scope, rate in RATES.items()},
    }
    result = subprocess.run(
        [sys.executable, "-c", ANOTHER_PROCESS, json.dumps(hits)],
        cwd=django_settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def twice(**hit) -> list[dict]:
    return [hit, hit]


def client_at(address: str, user: User | None = None) -> APIClient:
    client = APIClient(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def test_every_throttle_counts_the_requests_of_other_processes(settings):
    """Another process uses up each allowance; this process's next request is refused, while
    the same request by someone else (another address, another user) still passes."""
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, **RATES}
    victim = UserFactory(email="target@example.com")
    event = EventFactory()
    advisor = AdvisorFactory()
    registrant, neighbour, founder, asker, control = UserFactory.create_batch(5)
    startup = FounderFactory(user=founder).startup
    founder_startup_consultation = {"advisor": advisor.pk, "topic": "financing", "message": "Hi"}
    consultation = {"topic": "financing", "message": "Hello"}

    hits = [
        *twice(throttle="SignupThrottle", ip="198.51.100.1"),
        *twice(throttle="SigninThrottle", ip="198.51.100.2"),
        *twice(throttle="SigninThrottle", ip="198.51.100.3", data={"username": victim.email}),
        *twice(throttle="ScopedRateThrottle", scope="registration", ip="198.51.100.4",
               user=registrant.pk),
        *twice(throttle="ScopedRateThrottle", scope="registration", ip="198.51.100.5",
               user=987654),
        *twice(throttle="ScopedRateThrottle", scope="consultation", ip="198.51.100.6",
               user=founder.pk),
        *twice(throttle="ScopedRateThrottle", scope="consultation", ip="198.51.100.7",
               user=987655),
    ]  # fmt: skip
    assert requests_in_another_process(hits) == [True] * len(hits)

    sign_up = {"email": "new@example.com", "password": STRONG_PASSWORD, "full_name": "New"}
    sign_up_page = {**sign_up, "password_again": STRONG_PASSWORD}
    # Sign-up, per IP address: the page and the API.
    assert client_at("198.51.100.1").post(reverse("core:signup"), sign_up_page).status_code == 429
    assert client_at("198.51.100.1").post(SIGNUP_API, sign_up).status_code == 429
    assert client_at("198.51.100.9").post(SIGNUP_API, sign_up).status_code == 202
    # Sign-in, per IP address: the page and the token.
    credentials = {"email": control.email, "password": "wrong"}
    page_credentials = {"username": control.email, "password": "wrong"}
    assert client_at("198.51.100.2").post(TOKEN_API, credentials).status_code == 429
    refused = client_at("198.51.100.2").post(reverse("core:login"), page_credentials)
    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()
    assert client_at("198.51.100.10").post(TOKEN_API, credentials).status_code == 400
    # Sign-in, per account, whichever address it comes from.
    aimed = {"email": victim.email, "password": "wrong"}
    assert client_at("198.51.100.11").post(TOKEN_API, aimed).status_code == 429
    page_aimed = {"username": victim.email.upper(), "password": "wrong"}
    assert client_at("198.51.100.12").post(reverse("core:login"), page_aimed).status_code == 429
    # Registration, per user (from another address) and per IP address (by another user).
    register_api = f"/api/v1/events/{event.pk}/register/"
    register_page = reverse("events:register", args=[event.pk])
    assert client_at("198.51.100.13", registrant).post(register_api).status_code == 429
    assert client_at("198.51.100.13", registrant).post(register_page).status_code == 429
    assert client_at("198.51.100.5", neighbour).post(register_api).status_code == 429
    assert client_at("198.51.100.14", neighbour).post(register_api).status_code == 201
    # Consultation requests, per user and per IP address: advisors' and startups' pages and API.
    advisor_api = f"/api/v1/advisors/{advisor.pk}/consultations/"
    advisor_page = reverse("talent:advisor_detail", args=[advisor.pk])
    startup_api = f"/api/v1/startups/{startup.pk}/consultations/"
    startup_page = reverse("startups:consultation_request", args=[startup.pk])
    by_founder = client_at("198.51.100.15", founder)
    assert by_founder.post(advisor_api, consultation).status_code == 429
    assert by_founder.post(advisor_page, consultation).status_code == 429
    assert by_founder.post(startup_api, founder_startup_consultation).status_code == 429
    assert by_founder.post(startup_page, founder_startup_consultation).status_code == 429
    assert client_at("198.51.100.7", asker).post(advisor_api, consultation).status_code == 429
    assert client_at("198.51.100.16", asker).post(advisor_api, consultation).status_code == 201


def test_throttle_counters_live_in_redis_not_in_the_process(api_client, settings):
    import redis

    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "signin": "5/min"}
    api_client.post(TOKEN_API, {"email": "someone@example.com", "password": "x"})
    fresh = redis.Redis.from_url(django_settings.CACHES["default"]["LOCATION"])
    keys = {key.decode() for key in fresh.keys("*throttle_signin*")}
    assert any(key.endswith("throttle_signin_127.0.0.1") for key in keys)
    # The account tried is counted by a digest: no e-mail address is written to the cache.
    assert not any("@" in key for key in keys)
    assert any("throttle_signin_account_" in key for key in keys)


def test_an_unreachable_cache_lets_requests_through(
    api_client, settings, user, password, monkeypatch
):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "signin": "1/min"}
    nowhere = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    monkeypatch.setattr(Counter, "cache", nowhere)
    codes = [
        api_client.post(TOKEN_API, {"email": user.email, "password": password}).status_code
        for _ in range(2)
    ]
    assert codes == [200, 200]


def test_rate_limits_can_be_switched_off(api_client, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "signup": "1/hour"}
    settings.RATE_LIMITS_ENABLED = False
    codes = [
        api_client.post(
            SIGNUP_API,
            {"email": f"p{n}@example.com", "password": STRONG_PASSWORD, "full_name": "P"},
        ).status_code
        for n in range(3)
    ]
    assert codes == [202, 202, 202]


# Sign-in lockout -------------------------------------------------------------------------


def test_repeated_failed_sign_ins_lock_the_page_with_a_clear_message(client, user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("core:login"), {"username": user.email, "password": "wrong"})
    locked = client.post(
        reverse("core:login"),
        {"username": user.email, "password": "right-or-wrong"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()


def test_repeated_failed_token_requests_are_locked_out_even_with_the_right_password(
    api_client, user, password, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        api_client.post(TOKEN_API, {"email": user.email, "password": "wrong"})
    locked = api_client.post(
        TOKEN_API, {"email": user.email, "password": password}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"


# Passwords -------------------------------------------------------------------------------


@pytest.mark.parametrize("common", ["password123", "qwertyuiop", "12345678"])
def test_common_passwords_are_refused_on_the_page_and_the_api(client, api_client, common):
    response = api_client.post(
        SIGNUP_API,
        {"email": "new@example.com", "password": common, "full_name": "New"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "password"
    page = client.post(
        reverse("core:signup"),
        {
            "full_name": "New",
            "email": "new@example.com",
            "password": common,
            "password_again": common,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 200
    assert "too common" in page.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()


def test_passwords_shorter_than_twelve_characters_are_refused(api_client):
    response = api_client.post(
        SIGNUP_API,
        {"email": "new@example.com", "password": "Qr7-kw9-Zt2", "full_name": "New"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "at least 12 characters" in response.json()["detail"]
