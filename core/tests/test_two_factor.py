"""Two-step sign-in (core.two_factor): set-up, the pages' and the API's sign-in, Django admin
with ADMIN_2FA_REQUIRED, backup codes, turning it off. Codes are computed as an authenticator
app does, from the device's key and the clock (`django_otp.oath.totp`)."""

import base64

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import two_factor
from core.models import Notification
from core.tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.support.browser import sign_in, sign_out

pytestmark = pytest.mark.django_db

SESSION = django_settings.SESSION_COOKIE_NAME
TOKEN = "/api/v1/auth/token/"
PRIVATE_PAGE = "/notifications/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the app shows now (or `steps_ahead` periods of 30 s later: the device takes
    the next period's too, and each code once, in order)."""
    return f"{totp(device.bin_key, step=device.step, t0=-device.step * steps_ahead):06d}"


def wrong(device: TOTPDevice) -> str:
    """A 6-digit code that none of the periods the device accepts shows."""
    accepted = {code(device, n) for n in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(1000000) if f"{n:06d}" not in accepted)


def enable(user) -> tuple[TOTPDevice, list[str]]:
    """Two-step sign-in on, as if set up: a confirmed app and ten backup codes."""
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return device, two_factor.backup_codes_create(user=user)


@pytest.fixture
def no_code_throttle(settings):
    """A wrong code makes the device wait a second before the next one (then 2, 4, ...);
    tests that go on with the right code at once turn the wait off."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


# Set-up ----------------------------------------------------------------------------------


def test_set_up_turns_on_only_with_a_right_code(client, user, no_code_throttle):
    client.force_login(user)
    page = client.get(reverse("core:two_factor"), **EN)
    assert page.status_code == 200
    assert "Set up two-step sign-in" in page.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()

    assert client.post(reverse("core:two_factor"), {"action": "begin"}).status_code == 302
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    page = client.get(reverse("core:two_factor"), **EN)
    html = page.content.decode()
    assert "<svg" in html and 'role="img"' in html
    assert two_factor.secret_text(device) in html
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert "no-store" in page["Cache-Control"]
    # Asking again shows the same key (a reload does not break the app just set up).
    client.post(reverse("core:two_factor"), {"action": "begin"})
    assert TOTPDevice.objects.get(user=user).pk == device.pk

    refused = client.post(
        reverse("core:two_factor"), {"action": "confirm", "code": wrong(device)}, **EN
    )
    assert refused.status_code == 200
    assert "This code is not correct" in refused.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not two_factor.is_enabled(user)
    garbled = client.post(reverse("core:two_factor"), {"action": "confirm", "code": "12ab"}, **EN)
    assert "Enter the 6-digit code your app shows." in garbled.content.decode()

    done = client.post(
        reverse("core:two_factor"), {"action": "confirm", "code": code(device)}, **EN
    )
    assert done.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert two_factor.is_enabled(user)
    codes = list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(codes) == 10
    assert all(backup in done.content.decode() for backup in codes)
    assert "no-store" in done["Cache-Control"]
    # This sign-in passed the second step, and the owner is told by e-mail.
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert Notification.objects.filter(recipient=user, subject="Two-step sign-in is on").exists()
    # Set up once: a second set-up is refused.
    client.post(reverse("core:two_factor"), {"action": "begin"})
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_starting_again_gives_a_new_key(client, user):
    client.force_login(user)
    client.post(reverse("core:two_factor"), {"action": "begin"})
    first = TOTPDevice.objects.get(user=user)
    client.post(reverse("core:two_factor"), {"action": "restart"})
    second = TOTPDevice.objects.get(user=user)
    assert second.key != first.key


def test_the_set_up_page_needs_sign_in(client):
    response = client.get(reverse("core:two_factor"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_the_account_page_shows_whether_it_is_on(client, user):
    client.force_login(user)
    assert "Set up two-step sign-in" in client.get(reverse("core:account"), **EN).content.decode()
    enable(user)
    html = client.get(reverse("core:account"), **EN).content.decode()
    assert "Manage two-step sign-in" in html


# Signing in on the page ------------------------------------------------------------------


def test_a_user_without_the_app_signs_in_in_one_step(client, user, password):
    response = client.post(reverse("core:login"), {"username": user.email, "password": password})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert signed_in_user_id(client) == str(user.pk)


def test_page_sign_in_asks_for_the_code_and_signs_in_only_with_a_right_one(
    client, user, password, no_code_throttle
):
    device, _codes = enable(user)
    client.get(reverse("core:login"))
    before = client.session.session_key
    first = client.post(
        reverse("core:login") + "?next=/notifications/",
        {"username": user.email, "password": password, "next": "/notifications/"},
    )
    assert first.status_code == 302
    assert first["Location"] == reverse("core:signin_code")
    assert signed_in_user_id(client) is None  # not signed in yet
    assert client.get(PRIVATE_PAGE).status_code == 302

    page = client.get(reverse("core:signin_code"), **EN)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    refused = client.post(reverse("core:signin_code"), {"code": wrong(device)}, **EN)
    assert refused.status_code == 200
    assert "This code is not correct" in refused.content.decode()
    assert signed_in_user_id(client) is None
    empty = client.post(reverse("core:signin_code"), {"code": ""}, **EN)
    assert "Enter the code your app shows." in empty.content.decode()

    right = client.post(reverse("core:signin_code"), {"code": code(device)})
    assert right.status_code == 302
    assert right["Location"] == "/notifications/"
    assert signed_in_user_id(client) == str(user.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.session.session_key != before
    assert two_factor.PENDING_SESSION_KEY not in client.session
    assert client.get(PRIVATE_PAGE).status_code == 200


def test_a_code_is_taken_once(client, user, password):
    device, _codes = enable(user)
    used = code(device)
    client.post(reverse("core:login"), {"username": user.email, "password": password})
    assert client.post(reverse("core:signin_code"), {"code": used}).status_code == 302
    other = type(client)()
    other.post(reverse("core:login"), {"username": user.email, "password": password})
    replay = other.post(reverse("core:signin_code"), {"code": used}, **EN)
    assert replay.status_code == 200
    assert signed_in_user_id(other) is None


def test_a_backup_code_signs_in_once(client, user, password):
    _device, codes = enable(user)
    client.post(reverse("core:login"), {"username": user.email, "password": password})
    typed = f"{codes[0][:4].upper()}-{codes[0][4:]}"  # as people copy it
    assert client.post(reverse("core:signin_code"), {"backup_code": typed}).status_code == 302
    assert signed_in_user_id(client) == str(user.pk)
    assert two_factor.backup_codes_left(user) == 9

    other = type(client)()
    other.post(reverse("core:login"), {"username": user.email, "password": password})
    again = other.post(reverse("core:signin_code"), {"backup_code": codes[0]}, **EN)
    assert again.status_code == 200
    assert signed_in_user_id(other) is None


def test_wrong_codes_make_the_device_wait(client, user, password):
    device, _codes = enable(user)
    client.post(reverse("core:login"), {"username": user.email, "password": password})
    client.post(reverse("core:signin_code"), {"code": wrong(device)})
    # At once after a wrong code even the right one is not checked: the device waits.
    waiting = client.post(reverse("core:signin_code"), {"code": code(device)}, **EN)
    assert waiting.status_code == 200
    assert "Too many wrong codes" in waiting.content.decode()
    assert signed_in_user_id(client) is None
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_codes_count_against_the_sign_in_limit(client, user, password, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "signin": "3/min"}
    enable(user)
    client.post(reverse("core:login"), {"username": user.email, "password": password})
    statuses = [
        client.post(reverse("core:signin_code"), {"code": "000000"}).status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_the_code_page_without_a_password_first_sends_to_sign_in(client):
    response = client.get(reverse("core:signin_code"))
    assert response.status_code == 302
    assert response["Location"] == reverse("core:login")


def test_a_half_sign_in_expires(client, user, password):
    device, _codes = enable(user)
    client.post(reverse("core:login"), {"username": user.email, "password": password})
    session = client.session
    session[two_factor.PENDING_SESSION_KEY]["since"] -= two_factor.PENDING_SECONDS + 1
    session.save()
    response = client.post(reverse("core:signin_code"), {"code": code(device)})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:login")
    assert signed_in_user_id(client) is None


def test_a_wrong_password_never_reaches_the_code(client, user):
    enable(user)
    response = client.post(reverse("core:login"), {"username": user.email, "password": "nope"})
    assert response.status_code == 200
    assert two_factor.PENDING_SESSION_KEY not in client.session


# The API ---------------------------------------------------------------------------------


def test_the_api_token_needs_the_code_after_the_password(api_client, user, password):
    device, _codes = enable(user)
    missing = api_client.post(TOKEN, {"email": user.email, "password": password}, **EN)
    assert missing.status_code == 400
    assert missing.json()["code"] == "otp_required"
    assert "two-step sign-in" in missing.json()["detail"]
    assert "otp" in missing.json()["errors"]

    bad = api_client.post(
        TOKEN, {"email": user.email, "password": password, "otp": wrong(device)}, format="json"
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "otp_invalid"


def test_the_api_token_is_given_with_the_right_code(api_client, user, password):
    device, codes = enable(user)
    right = api_client.post(
        TOKEN, {"email": user.email, "password": password, "otp": code(device)}, format="json"
    )
    assert right.status_code == 200, right.json()
    me = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {right.json()['token']}")
    assert me.status_code == 200
    backup = api_client.post(
        TOKEN, {"email": user.email, "password": password, "otp": codes[0]}, format="json"
    )
    assert backup.status_code == 200


def test_the_api_checks_the_password_before_the_code(api_client, user, password):
    """Without the password nothing tells whether the account uses two-step sign-in."""
    device, _codes = enable(user)
    without_code = api_client.post(TOKEN, {"email": user.email, "password": "nope"})
    with_code = api_client.post(
        TOKEN, {"email": user.email, "password": "nope", "otp": code(device)}, format="json"
    )
    plain = UserFactory()
    other = api_client.post(TOKEN, {"email": plain.email, "password": "nope"})
    for response in (without_code, with_code, other):
        assert response.status_code == 400
        assert response.json()["code"] == "authorization"
    device.refresh_from_db()
    assert device.last_t == -1  # the code was not even checked


def test_an_account_without_the_app_needs_no_code(api_client, user, password):
    response = api_client.post(
        TOKEN, {"email": user.email, "password": password, "otp": ""}, format="json"
    )
    assert response.status_code == 200


def test_wrong_api_codes_in_quick_succession_are_throttled(api_client, user, password):
    device, _codes = enable(user)
    body = {"email": user.email, "password": password, "otp": wrong(device)}
    assert api_client.post(TOKEN, body, format="json").json()["code"] == "otp_invalid"
    throttled = api_client.post(TOKEN, {**body, "otp": code(device)}, format="json")
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "otp_throttled"


# Django admin ----------------------------------------------------------------------------


@pytest.fixture
def staff(db):
    return UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)


def sign_in_with_code(client, user, password, device, next_url="/admin/"):
    client.post(
        reverse("core:login"), {"username": user.email, "password": password, "next": next_url}
    )
    return client.post(reverse("core:signin_code"), {"code": code(device)})


def test_admin_as_today_when_not_required(client, staff, settings):
    settings.ADMIN_2FA_REQUIRED = False
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 200


def test_admin_when_required_refuses_a_session_without_the_second_step(
    client, staff, password, settings
):
    settings.ADMIN_2FA_REQUIRED = True
    client.force_login(staff)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    login_page = client.get(response["Location"], **EN)
    html = login_page.content.decode()
    assert "Two-step sign-in is required for the administration" in html
    assert reverse("core:two_factor") in html
    # Nor does the password alone open it through the admin's own form.
    client.logout()
    refused = client.post(
        reverse("admin:login"), {"username": staff.email, "password": password}, **EN
    )
    assert refused.status_code == 200
    assert reverse("core:two_factor") in refused.content.decode()
    assert signed_in_user_id(client) is None


def test_admin_when_required_accepts_a_verified_sign_in(client, staff, password, settings):
    settings.ADMIN_2FA_REQUIRED = True
    device, _codes = enable(staff)
    response = sign_in_with_code(client, staff, password, device)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


def test_admin_when_required_lets_an_older_sign_in_pass_the_second_step(client, staff, settings):
    settings.ADMIN_2FA_REQUIRED = True
    device, _codes = enable(staff)
    client.force_login(staff)  # signed in before the app was set up
    assert client.get(reverse("admin:index")).status_code == 302
    login_page = client.get(reverse("admin:login"), **EN).content.decode()
    assert "has not passed the second step" in login_page
    step = client.post(reverse("core:signin_code") + "?next=/admin/", {"code": code(device)})
    assert step.status_code == 302
    assert step["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_form_takes_the_code(client, staff, password, settings, no_code_throttle):
    settings.ADMIN_2FA_REQUIRED = True
    device, _codes = enable(staff)
    without = client.post(
        reverse("admin:login"), {"username": staff.email, "password": password}, **EN
    )
    assert without.status_code == 200
    assert "enter the code of your authenticator app too" in without.content.decode()
    bad = client.post(
        reverse("admin:login"),
        {"username": staff.email, "password": password, "code": wrong(device)},
        **EN,
    )
    assert "This code is not correct" in bad.content.decode()
    assert signed_in_user_id(client) is None
    right = client.post(
        reverse("admin:login"),
        {"username": staff.email, "password": password, "code": code(device)},
    )
    assert right.status_code == 302
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_form_asks_for_the_code_even_when_not_required(client, staff, password, settings):
    """Else the admin's form would be a way around the portal's second step."""
    settings.ADMIN_2FA_REQUIRED = False
    enable(staff)
    response = client.post(reverse("admin:login"), {"username": staff.email, "password": password})
    assert response.status_code == 200
    assert signed_in_user_id(client) is None


def test_the_admin_sign_in_page_renders(client, settings):
    settings.ADMIN_2FA_REQUIRED = True
    page = client.get(reverse("admin:login"), **EN)
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()


# Backup codes and turning it off ----------------------------------------------------------


def test_new_backup_codes_need_a_code_and_replace_the_old_ones(client, user, no_code_throttle):
    device, old = enable(user)
    client.force_login(user)
    refused = client.post(
        reverse("core:two_factor"), {"action": "backup_codes", "code": wrong(device)}, **EN
    )
    assert "This code is not correct" in refused.content.decode()
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(old)
    done = client.post(reverse("core:two_factor"), {"action": "backup_codes", "code": code(device)})
    assert done.status_code == 200
    new = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(new) == 10
    assert not new & set(old)


def test_turning_it_off_needs_the_password_and_a_code(client, user, password, no_code_throttle):
    device, _codes = enable(user)
    client.force_login(user)
    url = reverse("core:two_factor_disable")
    assert client.get(url).status_code == 200

    bad_password = client.post(url, {"password": "nope", "code": code(device)}, **EN)
    assert "Your current password is not correct." in bad_password.content.decode()
    bad_code = client.post(url, {"password": password, "code": wrong(device)}, **EN)
    assert "This code is not correct" in bad_code.content.decode()
    no_code = client.post(url, {"password": password}, **EN)
    assert "Enter the code your app shows." in no_code.content.decode()
    assert two_factor.is_enabled(user)

    done = client.post(url, {"password": password, "code": code(device)})
    assert done.status_code == 302
    assert not two_factor.is_enabled(user)
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert Notification.objects.filter(recipient=user, subject="Two-step sign-in is off").exists()
    # Signing in is one step again.
    client.logout()
    again = client.post(reverse("core:login"), {"username": user.email, "password": password})
    assert again["Location"] == reverse("core:home")


def test_a_backup_code_turns_it_off_when_the_phone_is_lost(client, user, password):
    _device, codes = enable(user)
    client.force_login(user)
    done = client.post(
        reverse("core:two_factor_disable"), {"password": password, "backup_code": codes[3]}
    )
    assert done.status_code == 302
    assert not two_factor.is_enabled(user)


def test_wrong_passwords_to_turn_it_off_count_towards_the_lockout(client, user, settings):
    settings.AXES_FAILURE_LIMIT = 2
    device, _codes = enable(user)
    client.force_login(user)
    url = reverse("core:two_factor_disable")
    for _ in range(2):
        client.post(url, {"password": "nope", "code": code(device)})
    locked = client.post(url, {"password": DEFAULT_PASSWORD, "code": code(device)}, **EN)
    assert locked.status_code == 429
    assert two_factor.is_enabled(user)


# In a browser ----------------------------------------------------------------------------


@pytest.fixture
def official(db):
    """Made before the browser starts: Playwright's event loop forbids the ORM in the test."""
    return UserFactory(email="wang.fang@example.com", full_name="Wang Fang")


def app_code(secret_text: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key it was given as text."""
    key = base64.b32decode(secret_text.replace(" ", ""))
    return f"{totp(key, t0=-30 * steps_ahead):06d}"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_person_sets_up_two_step_sign_in_and_signs_in_with_a_code(
    official, page, live_server, tmp_path
):
    sign_in(page, live_server, official.email, DEFAULT_PASSWORD)
    page.goto(live_server.url + "/account/")
    page.get_by_role("link", name="Set up two-step sign-in").click()
    page.get_by_role("button", name="Set up two-step sign-in").click()
    page.wait_for_load_state()
    assert page.get_by_role("img", name="QR code to scan with your authenticator app").is_visible()
    secret = page.locator(".two-factor-secret").inner_text()
    page.get_by_label("Code from your app").fill(app_code(secret))
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Your backup codes").is_visible()
    assert page.locator(".backup-codes li").count() == 10

    sign_out(page)
    sign_in(page, live_server, official.email, DEFAULT_PASSWORD)
    assert page.get_by_role("heading", name="Enter your code").is_visible()
    page.get_by_label("Code from your app").fill(app_code(secret, 1))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Sign out").is_visible()
    page.goto(live_server.url + "/account/")
    assert "Manage two-step sign-in" in page.content()
