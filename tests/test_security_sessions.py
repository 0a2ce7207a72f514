"""Sessions and tokens: a new session key at sign-in, sign-out ends the session on the server,
and a deactivated user's sessions and API tokens stop working at once."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core import services
from core.tests.factories import UserFactory
from tests.support.admin import change_form_data

pytestmark = pytest.mark.django_db

SESSION = django_settings.SESSION_COOKIE_NAME
PRIVATE_PAGE = "/notifications/"
TOKEN_API = "/api/v1/auth/token/"


def signed_in_client(user, password) -> Client:
    client = Client()
    response = client.post(reverse("core:login"), {"username": user.email, "password": password})
    assert response.status_code == 302
    return client


def with_cookie(session_key: str) -> Client:
    client = Client()
    client.cookies[SESSION] = session_key
    return client


def test_signing_in_gives_a_new_session_key(client, user, password):
    before = SessionStore()
    before["visited"] = True
    before.create()
    client.cookies[SESSION] = before.session_key
    client.post(reverse("core:login"), {"username": user.email, "password": password})
    after = client.cookies[SESSION].value
    assert after != before.session_key
    assert not SessionStore().exists(before.session_key)
    assert with_cookie(before.session_key).get(PRIVATE_PAGE).status_code == 302
    assert with_cookie(after).get(PRIVATE_PAGE).status_code == 200


def test_signing_up_signs_no_one_in(client):
    """Sign-up answers alike for taken addresses, so it cannot sign the new account in: the
    person signs in (with a new session key, above) once the address is confirmed."""
    before = SessionStore()
    before.create()
    client.cookies[SESSION] = before.session_key
    response = client.post(
        reverse("core:signup"),
        {
            "full_name": "New",
            "email": "new@example.com",
            "password": "Quiet-River-2031",
            "password_again": "Quiet-River-2031",
        },
    )
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_session_cookie_is_http_only_same_site_and_short_lived(user, password):
    client = signed_in_client(user, password)
    cookie = client.cookies[SESSION]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert 0 < int(cookie["max-age"]) <= 12 * 60 * 60
    # In production the cookie is sent over HTTPS only (see tests/test_settings.py).


def test_a_session_remembers_the_password_checking_backend_not_the_lockout(user, password):
    client = signed_in_client(user, password)
    assert client.session[BACKEND_SESSION_KEY] == "django.contrib.auth.backends.ModelBackend"


def test_signing_out_ends_the_session_on_the_server(user, password):
    client = signed_in_client(user, password)
    old_key = client.cookies[SESSION].value
    assert client.post(reverse("core:logout")).status_code == 302
    assert not SessionStore().exists(old_key)
    # Replaying the old cookie does not sign anyone in.
    assert with_cookie(old_key).get(PRIVATE_PAGE).status_code == 302


def test_signing_out_needs_a_post(user, password):
    client = signed_in_client(user, password)
    assert client.get(reverse("core:logout")).status_code == 405
    assert client.get(PRIVATE_PAGE).status_code == 200


def test_a_new_password_ends_the_other_sessions(user, password):
    client = signed_in_client(user, password)
    user.set_password("Another-Quiet-River-2032")
    user.save()
    assert client.get(PRIVATE_PAGE).status_code == 302


def deactivate_in_the_admin(user) -> None:
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    url = reverse("admin:core_user_change", args=[user.pk])
    data = change_form_data(client.get(url))
    data.pop("is_active", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert not user.is_active


def test_deactivating_a_user_in_the_admin_ends_their_sessions_at_once(user, password):
    pages = signed_in_client(user, password)
    api = APIClient()
    api.cookies[SESSION] = pages.cookies[SESSION].value
    assert pages.get(PRIVATE_PAGE).status_code == 200
    assert api.get("/api/v1/me/").status_code == 200
    deactivate_in_the_admin(user)
    assert pages.get(PRIVATE_PAGE).status_code == 302
    assert api.get("/api/v1/me/").status_code in (401, 403)


def test_deactivating_a_user_makes_their_api_token_fail_at_once(user, api_client):
    token = services.api_token_issue(user=user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api_client.get("/api/v1/me/").status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    refused = api_client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 401
    assert refused.json()["code"] == "authentication_failed"


def test_a_deactivated_user_cannot_sign_in_or_get_a_token(client, api_client, user, password):
    user.is_active = False
    user.save(update_fields=["is_active"])
    page = client.post(reverse("core:login"), {"username": user.email, "password": password})
    assert page.status_code == 200
    assert SESSION not in client.cookies or not client.cookies[SESSION].value
    token = api_client.post("/api/v1/auth/token/", {"email": user.email, "password": password})
    assert token.status_code == 400


def test_a_deactivated_admin_loses_the_admin_at_once(password):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = signed_in_client(admin, password)
    assert client.get(reverse("admin:index")).status_code == 200
    admin.is_active = False
    admin.save(update_fields=["is_active"])
    assert client.get(reverse("admin:index")).status_code == 302


def test_an_api_token_can_be_revoked(user, password, api_client):
    key = api_client.post(TOKEN_API, {"email": user.email, "password": password}).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.delete(TOKEN_API).status_code == 204
    assert api_client.get("/api/v1/me/").status_code == 401
    api_client.credentials()
    fresh = api_client.post(TOKEN_API, {"email": user.email, "password": password}).json()
    assert fresh["token"] != key
    assert APIClient().delete(TOKEN_API).status_code == 401


def test_an_old_api_token_stops_working_and_a_new_one_is_issued(user, password, settings):
    settings.API_TOKEN_DAYS = 30
    token = services.api_token_issue(user=user)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(days=31))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    refused = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 401
    assert "expired" in refused.json()["detail"]
    fresh = APIClient().post(TOKEN_API, {"email": user.email, "password": password}).json()
    assert fresh["token"] != token.key
    client.credentials(HTTP_AUTHORIZATION=f"Token {fresh['token']}")
    assert client.get("/api/v1/me/").status_code == 200
