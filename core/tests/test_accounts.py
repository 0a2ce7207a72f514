"""Accounts people can recover and trust: sign-up that tells no one who has an account, the
link that confirms an address, password reset and change, by API and by page."""

import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.tokens import default_token_generator
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.authtoken.models import Token

from core import delivery, services
from core.choices import Frequency, NotificationKind
from core.models import Notification, NotificationPreference, User

from .factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/api/v1/auth/signup/"
TOKEN = "/api/v1/auth/token/"
RESET = "/api/v1/auth/password-reset/"
RESET_CONFIRM = "/api/v1/auth/password-reset/confirm/"
CHANGE = "/api/v1/me/password/"
VERIFY = "/api/v1/auth/verify-email/"
VERIFY_SEND = "/api/v1/me/verify-email/"
NEW_PASSWORD = "Amber-Lantern-2044"


def _signup(api_client, email: str):
    return api_client.post(
        SIGNUP,
        {"email": email, "password": "Quiet-River-2031", "full_name": "Someone"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _link_parts(notification: Notification) -> list[str]:
    return [part for part in notification.url.split("/") if part]


# Sign-up without enumeration ------------------------------------------------------------------


def test_signup_answers_alike_for_a_new_and_a_taken_address(api_client):
    UserFactory(email="taken@example.com", full_name="Owner")
    new = _signup(api_client, "fresh@example.com")
    taken = _signup(api_client, "TAKEN@example.com")
    assert (new.status_code, new.content) == (taken.status_code, taken.content)
    assert new.status_code == 202
    welcome = Notification.objects.get(recipient__email="fresh@example.com")
    told = Notification.objects.get(recipient__email="taken@example.com")
    assert (welcome.template, told.template) == ("welcome", "signup_attempt")
    assert "sign in" in told.body.lower() and told.url == reverse("core:password_reset")


def test_the_sign_up_page_answers_alike_for_a_new_and_a_taken_address(client):
    UserFactory(email="taken@example.com")
    answers = []
    for email in ("fresh@example.com", "taken@example.com"):
        response = client.post(
            reverse("core:signup"),
            {
                "full_name": "Someone",
                "email": email,
                "password": "Quiet-River-2031",
                "password_again": "Quiet-River-2031",
            },
        )
        answers.append((response.status_code, response.url))
    assert answers[0] == answers[1] == (302, reverse("core:signup_sent"))
    assert "_auth_user_id" not in client.session


def test_security_mail_is_sent_at_once_whatever_the_account_chose():
    owner = UserFactory(email="quiet@example.com")
    NotificationPreference.objects.create(
        user=owner, kind=NotificationKind.ACCOUNT, frequency=Frequency.OFF
    )
    services.user_signup(email="quiet@example.com", password="Quiet-River-2031", full_name="X")
    services.password_reset_request(email="quiet@example.com")
    rows = Notification.objects.filter(recipient=owner)
    assert rows.count() == 2
    assert {row.frequency for row in rows} == {Frequency.INSTANT}


# E-mail verification ---------------------------------------------------------------------


def test_the_welcome_link_confirms_the_address_once_and_for_good(client):
    user = services.user_signup(
        email="new@example.com", password="Quiet-River-2031", full_name="New", language="en"
    )
    link = Notification.objects.get(recipient=user, template="welcome").url
    response = client.get(link)
    assert response.status_code == 302 and response.url == reverse("core:login")
    user.refresh_from_db()
    verified_at = user.email_verified_at
    assert verified_at is not None
    assert client.get(link).status_code == 302  # again: nothing changes
    user.refresh_from_db()
    assert user.email_verified_at == verified_at


def test_a_tampered_or_expired_link_confirms_nothing(client, monkeypatch, settings):
    user = UserFactory(email_verified_at=None)
    token = services.email_verification_token(user)
    tampered = client.get(reverse("core:verify_email", args=[token[:-2] + "xx"]))
    assert tampered.status_code == 400
    settings.EMAIL_VERIFICATION_DAYS = 7
    old = int(time.time()) - 8 * 24 * 3600
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(old))
    expired = services.email_verification_token(user)
    monkeypatch.undo()
    response = client.get(reverse("core:verify_email", args=[expired]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_a_link_stops_working_when_the_address_changes(api_client):
    user = UserFactory(email="before@example.com", email_verified_at=None)
    token = services.email_verification_token(user)
    user.email = "after@example.com"
    user.save()
    response = api_client.post(VERIFY, {"token": token}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_link"
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_the_api_confirms_an_address_and_sends_a_new_link(api_client):
    user = UserFactory(email_verified_at=None)
    api_client.force_authenticate(user)
    sent = api_client.post(VERIFY_SEND)
    assert sent.status_code == 202
    link = Notification.objects.get(recipient=user, template="email_verify")
    assert link.frequency == Frequency.INSTANT
    token = _link_parts(link)[-1]
    api_client.force_authenticate(None)
    assert api_client.post(VERIFY, {"token": token}, format="json").status_code == 200
    user.refresh_from_db()
    assert user.email_verified_at is not None
    api_client.force_authenticate(user)
    assert api_client.post(VERIFY_SEND).status_code == 200  # confirmed already: nothing sent
    assert Notification.objects.filter(recipient=user, template="email_verify").count() == 1


def test_unverified_accounts_browse_but_do_not_register_or_request(api_client):
    from events.tests.factories import EventFactory
    from talent.tests.factories import AdvisorFactory

    user = UserFactory(email_verified_at=None)
    event = EventFactory()
    advisor = AdvisorFactory()
    api_client.force_authenticate(user)
    assert api_client.get("/api/v1/events/").status_code == 200
    register = api_client.post(f"/api/v1/events/{event.pk}/register/")
    assert register.status_code == 403
    assert register.json()["code"] == "email_unverified"
    consult = api_client.post(
        f"/api/v1/advisors/{advisor.pk}/consultations/",
        {"topic": "policies", "message": "Which subsidies?", "mode": "on_site"},
        format="json",
    )
    assert consult.status_code == 403
    assert consult.json()["code"] == "email_unverified"
    services.user_email_verify(user=user)
    user.refresh_from_db()
    assert api_client.post(f"/api/v1/events/{event.pk}/register/").status_code == 201


def test_the_account_page_offers_a_new_link_to_the_unverified(client):
    user = UserFactory(email_verified_at=None)
    client.force_login(user)
    page = client.get(reverse("core:account"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "not confirmed yet" in page
    response = client.post(reverse("core:verify_email_send"))
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=user, template="email_verify").exists()


# Password reset --------------------------------------------------------------------------


def test_reset_answers_alike_and_mails_only_an_account(api_client):
    user = UserFactory(email="li@example.com")
    known = api_client.post(RESET, {"email": "LI@example.com"}, format="json")
    unknown = api_client.post(RESET, {"email": "nobody@example.com"}, format="json")
    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content
    assert Notification.objects.filter(template="password_reset").count() == 1
    assert Notification.objects.get(template="password_reset").recipient == user


def test_reset_by_api_sets_the_password_and_ends_every_session_and_token(api_client):
    user = UserFactory(email="li@example.com")
    old_token = Token.objects.create(user=user)
    browser = Client()
    browser.force_login(user)
    assert browser.get(reverse("core:notifications")).status_code == 200
    api_client.post(RESET, {"email": "li@example.com"}, format="json")
    uid, token = _link_parts(Notification.objects.get(template="password_reset"))[-2:]

    weak = api_client.post(
        RESET_CONFIRM, {"uid": uid, "token": token, "new_password": "password"}, format="json"
    )
    assert weak.status_code == 400 and "new_password" in weak.json()["errors"]
    done = api_client.post(
        RESET_CONFIRM, {"uid": uid, "token": token, "new_password": NEW_PASSWORD}, format="json"
    )
    assert done.status_code == 200, done.json()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not Token.objects.filter(pk=old_token.pk).exists()
    assert browser.get(reverse("core:notifications")).status_code == 302  # signed out
    assert Notification.objects.filter(recipient=user, template="password_changed").exists()
    again = api_client.post(
        RESET_CONFIRM,
        {"uid": uid, "token": token, "new_password": "Other-Lantern-2045"},
        format="json",
    )
    assert again.status_code == 400 and again.json()["code"] == "invalid_link"  # used once
    signin = api_client.post(TOKEN, {"email": "li@example.com", "password": NEW_PASSWORD})
    assert signin.status_code == 200


def test_a_reset_link_expires(api_client, settings):
    settings.PASSWORD_RESET_TIMEOUT = 3600
    user = UserFactory()
    generator = default_token_generator
    old = generator._num_seconds(generator._now()) - 3601
    token = generator._make_token_with_timestamp(user, old, generator.secret)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    response = api_client.post(
        RESET_CONFIRM, {"uid": uid, "token": token, "new_password": NEW_PASSWORD}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_link"
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


@pytest.mark.parametrize("uid", ["", "!!", "MTIzNDU2Nzg5MDEyMzQ1Njc4OTA", "zz"])
def test_a_malformed_reset_link_is_a_clear_400(api_client, uid):
    response = api_client.post(
        RESET_CONFIRM,
        {"uid": uid or "x", "token": "1-abc", "new_password": NEW_PASSWORD},
        format="json",
    )
    assert response.status_code == 400


def test_erased_and_deactivated_accounts_get_no_reset_mail(api_client):
    UserFactory(email="gone@example.com", is_active=False)
    api_client.post(RESET, {"email": "gone@example.com"}, format="json")
    assert not Notification.objects.filter(template="password_reset").exists()


def test_reset_requests_are_throttled_per_address(api_client, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "password_reset_account": "2/hour"}
    UserFactory(email="li@example.com")
    answers = [
        api_client.post(RESET, {"email": "li@example.com"}, format="json").status_code
        for _ in range(3)
    ]
    assert answers == [202, 202, 429]
    assert Notification.objects.filter(template="password_reset").count() == 2
    assert api_client.post(RESET, {"email": "other@example.com"}, format="json").status_code == 202


def test_a_reset_lifts_the_sign_in_lockout(
    api_client, settings, django_capture_on_commit_callbacks
):
    settings.AXES_FAILURE_LIMIT = 2
    user = UserFactory(email="li@example.com")
    for _ in range(2):
        api_client.post(TOKEN, {"email": "li@example.com", "password": "wrong"}, format="json")
    assert AccessAttempt.objects.filter(username="li@example.com").exists()
    with_new = {"email": "li@example.com", "password": NEW_PASSWORD}
    assert api_client.post(TOKEN, with_new, format="json").status_code == 429
    api_client.post(RESET, {"email": "li@example.com"}, format="json")
    uid, token = _link_parts(Notification.objects.get(template="password_reset"))[-2:]
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post(
            RESET_CONFIRM,
            {"uid": uid, "token": token, "new_password": NEW_PASSWORD},
            format="json",
        )
    assert not AccessAttempt.objects.filter(username=user.email).exists()
    assert api_client.post(TOKEN, with_new, format="json").status_code == 200


def test_the_reset_pages_walk_a_person_through(client):
    user = UserFactory(email="li@example.com")
    page = client.get(reverse("core:login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("core:password_reset") in page
    sent = client.post(reverse("core:password_reset"), {"email": "li@example.com"})
    assert sent.status_code == 302 and sent.url == reverse("core:password_reset_sent")
    link = Notification.objects.get(template="password_reset").url
    opened = client.get(link)  # Django moves the token out of the address
    assert opened.status_code == 302 and "set-password" in opened.url
    form = client.get(opened.url, HTTP_ACCEPT_LANGUAGE="en")
    assert form.context["validlink"]
    weak = client.post(opened.url, {"new_password1": "password", "new_password2": "password"})
    assert weak.status_code == 200 and weak.context["form"].errors
    saved = client.post(opened.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert saved.status_code == 302 and saved.url == reverse("core:login")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    used = client.get(link, HTTP_ACCEPT_LANGUAGE="en")
    assert not used.context["validlink"]
    assert "has expired or has been used" in used.content.decode()


# Password change -------------------------------------------------------------------------


def test_change_by_api_needs_the_current_password_and_replaces_tokens(api_client):
    user = UserFactory()
    old = Token.objects.create(user=user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {old.key}")
    wrong = api_client.post(
        CHANGE,
        {"current_password": "nope", "new_password": NEW_PASSWORD},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert wrong.status_code == 400
    assert "current_password" in wrong.json()["errors"]
    changed = api_client.post(
        CHANGE, {"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}, format="json"
    )
    assert changed.status_code == 200
    new_key = changed.json()["token"]
    assert new_key != old.key
    assert api_client.get("/api/v1/me/").status_code == 401  # the old token ended
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {new_key}")
    assert api_client.get("/api/v1/me/").status_code == 200


def test_change_by_page_keeps_this_sign_in_and_ends_the_others(client):
    user = UserFactory()
    other = Client()
    other.force_login(user)
    client.force_login(user)
    response = client.post(
        reverse("core:password_change"),
        {
            "current_password": DEFAULT_PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302 and response.url == reverse("core:account")
    assert client.get(reverse("core:account")).status_code == 200
    assert other.get(reverse("core:account")).status_code == 302


def test_change_by_page_shows_a_wrong_current_password(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("core:password_change"),
        {
            "current_password": "wrong",
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Your current password is not correct." in response.content.decode()


# Mail to an address without an account ---------------------------------------------------


def test_mail_to_an_address_goes_out_once_without_an_unsubscribe_link(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    row = services.notification_to_address(
        address="Guest@Example.com",
        language="en",
        kind=NotificationKind.ACCOUNT,
        template="welcome",
        context={"full_name": "Guest"},
        url="/signup/",
    )
    assert row.recipient is None and row.address == "guest@example.com"
    assert not Notification.objects.filter(recipient__isnull=False).exists()
    assert delivery.deliver_notification(row.pk)
    assert not delivery.deliver_notification(row.pk)
    (message,) = mail.outbox
    assert message.to == ["guest@example.com"]
    assert "List-Unsubscribe" not in message.extra_headers
    assert message.body.rstrip().endswith("/signup/")
    assert User.objects.count() == 0


def test_reset_requests_are_throttled_per_network_address(api_client, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "password_reset": "2/hour"}
    answers = [
        api_client.post(RESET, {"email": f"p{n}@example.com"}, format="json").status_code
        for n in range(3)
    ]
    assert answers == [202, 202, 429]
    page = api_client.post(reverse("core:password_reset"), {"email": "q@example.com"})
    assert page.status_code == 429
