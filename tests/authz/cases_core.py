"""Accounts, reference data and notifications: `core`'s API and pages."""

import itertools

from django.conf import settings

from core.choices import NotificationKind
from core.tests.factories import DEFAULT_PASSWORD

from .cases import BROWSABLE, Case, by
from .world import ACTORS, ANON, EMAILS, SIGNED_IN, A, B

# Anonymous callers of the API get 401 (the token scheme is announced); signed-in ones 200.
OWN = by(200, anon=401)
# Pages for signed-in people send anonymous visitors to the sign-in page.
OWN_PAGE = by(200, anon=302)
EVERYONE = by(200)


def _signup(world):
    password = "A-long-new-pass-99"
    return {
        "email": "new-person@example.com",
        "password": password,
        "password_again": password,
        "full_name": "New Person",
    }


_resets = itertools.count()


def _reset(world):
    """An address of its own for each request: each address may ask a few times an hour."""
    return {"email": f"reset-{next(_resets)}@example.com"}


CASES = [
    # API: accounts
    Case("POST", "/api/v1/auth/signup/", by(202), data=_signup),
    Case("POST", "/api/v1/auth/password-reset/", by(202), data=_reset),
    Case(
        "POST",
        "/api/v1/auth/password-reset/confirm/",
        by(400),
        data={"uid": "MQ", "token": "1-abc", "new_password": "A-long-new-pass-99"},
        changes=frozenset(),
    ),
    Case("POST", "/api/v1/auth/verify-email/", by(400), data={"token": "x"}, changes=frozenset()),
    Case(
        "POST",
        "/api/v1/me/password/",
        by(400, anon=401),  # the current password is wrong
        data={"current_password": "not-the-password", "new_password": "A-long-new-pass-99"},
    ),
    Case("POST", "/api/v1/me/verify-email/", by(200, anon=401), changes=frozenset()),
    Case(
        "POST",
        "/api/v1/auth/token/",
        by(200),
        data={"email": EMAILS[A], "password": DEFAULT_PASSWORD},
    ),
    Case(
        "POST",
        "/api/v1/auth/token/",
        by(200),  # A does not use two-step sign-in: the code is not asked for
        data={"email": EMAILS[A], "password": DEFAULT_PASSWORD, "otp": "123456"},
        name="otp ignored",
    ),
    Case("DELETE", "/api/v1/auth/token/", by(204, anon=401)),
    Case("GET", "/api/v1/me/", OWN, shows={actor: (EMAILS[actor],) for actor in SIGNED_IN}),
    Case("GET", "/api/v1/me/", OWN, headers=BROWSABLE, name="browsable"),
    Case("GET", "api:api-root", EVERYONE),
    # API: one's own data, copied and erased
    Case("GET", "/api/v1/me/export/", OWN, shows={A: (EMAILS[A], "SECRET-A-company")}),
    Case(
        "DELETE",
        "/api/v1/me/",
        by(400, anon=401),
        data={"password": "not-the-password"},
        name="wrong password",
    ),
    Case("DELETE", "/api/v1/me/", by(204, anon=401), data={"password": DEFAULT_PASSWORD}),
    # API: notifications
    Case(
        "GET",
        "/api/v1/me/notifications/",
        OWN,
        shows={A: ("SECRET-A-notification",), B: ("SECRET-B-notification",)},
    ),
    Case(
        "POST",
        "/api/v1/me/notifications/read/",
        OWN,
        data=lambda w: {"ids": [w.notification_b]},
        changes=frozenset({B}),
        name="B's notification",
    ),
    Case("GET", "/api/v1/me/notification-preferences/", OWN),
    Case(
        "PUT",
        "/api/v1/me/notification-preferences/",
        OWN,
        data=[{"kind": "account", "frequency": "weekly"}],
    ),
    # API: reference data
    Case("GET", "/api/v1/districts/", EVERYONE),
    Case("GET", "/api/v1/districts/{code}/", EVERYONE, args=lambda w: {"code": w.district_a}),
    Case("GET", "/api/v1/sectors/", EVERYONE),
    Case("GET", "/api/v1/sectors/{code}/", EVERYONE, args=lambda w: {"code": w.sector}),
    Case("GET", "/api/v1/parks/", EVERYONE),
    Case("GET", "/api/v1/parks/{code}/", EVERYONE, args=lambda w: {"code": w.park}),
    # Pages
    Case("GET", "core:home", EVERYONE),
    Case("GET", "core:health", EVERYONE),
    Case("GET", "core:signup", by(302, anon=200)),
    Case(
        "POST",
        "core:signup",
        by(302),
        data=_signup,
        changes=frozenset({ANON}),
    ),
    Case("GET", "core:signup_sent", EVERYONE),
    Case("GET", "core:password_reset", EVERYONE),
    Case("POST", "core:password_reset", by(302), data=_reset, changes=frozenset(ACTORS)),
    Case("GET", "core:password_reset_sent", EVERYONE),
    Case(
        "GET",
        "core:password_reset_confirm",
        EVERYONE,  # the page says the link is not valid
        args=lambda w: {"uidb64": "MQ", "token": "1-abc"},
    ),
    Case("GET", "core:verify_email", by(400), args=lambda w: {"token": "x"}),
    Case("POST", "core:verify_email_send", by(302), changes=frozenset()),
    Case("GET", "core:account", OWN_PAGE, shows={A: (EMAILS[A],)}),
    Case("GET", "core:password_change", OWN_PAGE),
    Case(
        "POST",
        "core:password_change",
        by(200, anon=302),  # the form says the current password is wrong
        data={
            "current_password": "not-the-password",
            "new_password": "A-long-new-pass-99",
            "new_password_again": "A-long-new-pass-99",
        },
    ),
    Case("GET", "core:login", by(302, anon=200)),
    Case(
        "POST",
        "core:login",
        by(302),
        data={"username": EMAILS[A], "password": DEFAULT_PASSWORD},
        changes=frozenset({ANON}),
    ),
    # Two-step sign-in: one's own set-up; no actor of the world has it on.
    Case("GET", "core:two_factor", OWN_PAGE),
    Case("POST", "core:two_factor", by(302), data={"action": "begin"}, name="begin"),
    Case(
        "POST",
        "core:two_factor",
        by(200, anon=302),  # the form says to start the set-up first
        data={"action": "confirm", "code": "123456"},
        changes=frozenset(),
        name="confirm",
    ),
    Case("GET", "core:two_factor_disable", by(302)),  # it is off: back to the set-up
    Case(
        "POST",
        "core:two_factor_disable",
        by(302),
        data={"password": DEFAULT_PASSWORD, "code": "123456"},
        changes=frozenset(),
    ),
    # The second step of signing in: no sign-in waits for a code, none needs one.
    Case("GET", "core:signin_code", by(302)),
    Case("POST", "core:signin_code", by(302), data={"code": "123456"}, changes=frozenset()),
    Case("POST", "core:logout", by(302), changes=frozenset()),
    Case(
        "POST",
        "core:set_language",
        by(302),
        data={"language": "en", "next": "/"},
        changes=frozenset(SIGNED_IN),
    ),
    Case("GET", "core:privacy_notice", EVERYONE),
    Case(
        "GET",
        "core:privacy_notice_version",
        EVERYONE,
        args=lambda w: {"version": settings.PRIVACY_NOTICE_VERSION},
    ),
    Case("GET", "core:my_data", OWN_PAGE),
    Case(
        "POST",
        "core:my_data",
        by(200, anon=302),  # the form says the password is wrong
        data={"password": "not-the-password"},
        changes=frozenset(),
        name="wrong password",
    ),
    Case("GET", "core:notifications", OWN_PAGE, shows={A: ("SECRET-A-notification",)}),
    Case("POST", "core:notifications", by(302)),
    Case("GET", "core:notification_preferences", OWN_PAGE),
    Case(
        "POST",
        "core:notification_preferences",
        by(302),
        data=dict.fromkeys(NotificationKind.values, "weekly"),
    ),
    # The token of an e-mail's unsubscribe link is the key: whoever holds it stops A's
    # e-mails of that kind, and learns nothing about A.
    Case(
        "GET",
        "core:unsubscribe",
        EVERYONE,
        args=lambda w: {"token": w.unsubscribe_token_a},
    ),
    Case(
        "POST",
        "core:unsubscribe",
        EVERYONE,
        args=lambda w: {"token": w.unsubscribe_token_a},
    ),
    Case(
        "POST",
        "core:unsubscribe",
        by(400),
        args=lambda w: {"token": "forged-token"},
        name="forged token",
    ),
]
