"""Two-step sign-in: after the password, a code from an authenticator app (TOTP, RFC 6238),
through django-otp.

- Set-up: `setup_begin` makes an unconfirmed `TOTPDevice` (its secret shown as a QR code and
  as text); `setup_confirm` turns it on once a code from the app checks, and gives ten backup
  codes (an `otp_static` device, each code works once) for a lost phone.
- Sign-in: the page asks for the code on a second page (`signin_pending_*`, then
  `signin_complete`), the API token for an `otp` (`api_token_for_credentials`). A session that
  passed the second step is "verified" (`request.user.is_verified()`, django-otp's
  middleware), which Django admin requires when ADMIN_2FA_REQUIRED is on
  (`core.admin_site`).
- Turning it off needs the password and a code (`disable`).

Wrong codes are throttled by each device itself (django-otp doubles the wait after each
failure); the pages also count them against the sign-in limits (`SigninCodeThrottle`).
"""

import hashlib
import logging
import re
import time
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.contrib import auth
from django.contrib.auth import authenticate
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.models import Device, VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from . import services
from .api.throttling import Counter, _Throttle
from .choices import NotificationKind
from .exceptions import ApplicationError
from .models import User, normalize_email
from .net import client_ip

logger = logging.getLogger("security")

# The session key of a sign-in whose password was right and whose code is still to come, and
# how long that half sign-in lasts.
PENDING_SESSION_KEY = "two_factor_pending"
PENDING_SECONDS = 5 * 60
BACKUP_CODE_COUNT = 10
APP_DEVICE_NAME = "authenticator app"
BACKUP_DEVICE_NAME = "backup codes"

TOTP_CODE = re.compile(r"^\d{6}$")
BACKUP_CODE = re.compile(r"^[a-z2-7]{8}$")


class TooManyCodesError(ApplicationError):
    """Wrong codes came too fast: the device waits a while before it checks another."""

    status_code = 429
    code = "otp_throttled"


def normalize_code(code: str) -> str:
    """A code as typed (spaces and hyphens allowed, any case) in the form it is checked in."""
    return re.sub(r"[\s-]", "", code or "").lower()


def is_code(code: str) -> bool:
    """Whether `code` (normalised) looks like an app's code or a backup code."""
    return bool(TOTP_CODE.match(code) or BACKUP_CODE.match(code))


# Reads -----------------------------------------------------------------------------------


def app_device(user: User) -> TOTPDevice | None:
    """The user's authenticator app, once confirmed (two-step sign-in is on), else None."""
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def is_enabled(user: User) -> bool:
    return app_device(user) is not None


def setup_device(user: User) -> TOTPDevice | None:
    """The app being set up: made by `setup_begin`, not yet confirmed by a code."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("-pk").first()


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def secret_text(device: TOTPDevice) -> str:
    """The secret as an app's "enter a key" screen takes it: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice, *, label: str) -> SafeString:
    """The device's `otpauth://` address as an inline SVG QR code, made on the server (no
    image request, no script); `label` is its text alternative."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    svg = image.to_string(encoding="unicode")
    attributes = f'class="qr" role="img" aria-label="{conditional_escape(label)}" '
    # Safe: the SVG is the QR library's own markup (path data only), the label is escaped.
    return mark_safe(svg.replace("<svg ", f"<svg {attributes}", 1))  # nosec B308, B703


# Set-up and turning off ------------------------------------------------------------------


@transaction.atomic
def setup_begin(*, user: User, restart: bool = False) -> TOTPDevice:
    """The unconfirmed app device to show the user (a new secret when `restart`, or when
    there is none yet). Refused when two-step sign-in is on already."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    if is_enabled(user):
        raise ApplicationError(_("Two-step sign-in is on already."), code="two_factor_enabled")
    device = None if restart else setup_device(user)
    if device is None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def setup_confirm(*, request, user: User, code: str) -> list[str]:
    """Turn two-step sign-in on with a code from the app just set up; returns the backup
    codes (shown once). The sign-in of `request` counts as having passed the second step."""
    code = normalize_code(code)
    device = setup_device(user)
    if device is None:
        raise ApplicationError(
            _("Start the set-up first: scan the code with your app."), code="two_factor_setup"
        )
    if not TOTP_CODE.match(code):
        raise ApplicationError(
            _("Enter the 6-digit code your app shows."), code="otp_invalid", field="code"
        )
    _check(user, device, code)  # outside the transaction below: a failure stays counted
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        if is_enabled(user):
            raise ApplicationError(_("Two-step sign-in is on already."), code="two_factor_enabled")
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = backup_codes_create(user=user)
        services.notification_create(
            recipient=user,
            kind=NotificationKind.ACCOUNT,
            template="two_factor_enabled",
            context={"full_name": user.full_name},
            url=reverse("core:two_factor"),
            always_email=True,
        )
    ip = "-"
    if request is not None:
        otp_login(request, device)  # this sign-in has just shown it holds the app
        ip = client_ip(request) or "-"
    logger.info("two-step sign-in on: user=%s ip=%s", user.pk, ip)
    return codes


@transaction.atomic
def backup_codes_create(*, user: User) -> list[str]:
    """Ten new backup codes; the earlier ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = []
    while len(codes) < BACKUP_CODE_COUNT:
        token = StaticToken.random_token()
        if token not in codes:
            codes.append(token)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=token) for token in codes)
    return codes


def backup_codes_renew(*, user: User, code: str) -> list[str]:
    """New backup codes, confirmed with a code from the app."""
    code = normalize_code(code)
    device = app_device(user)
    if device is None:
        raise ApplicationError(_("Two-step sign-in is off."), code="two_factor_disabled")
    if not TOTP_CODE.match(code):
        raise ApplicationError(
            _("Enter the 6-digit code your app shows."), code="otp_invalid", field="code"
        )
    _check(user, device, code)
    return backup_codes_create(user=user)


def disable(*, request, user: User, password: str, code: str, code_field: str = "code") -> None:
    """Turn two-step sign-in off, confirming with the current password (failures count
    towards the sign-in lockout) and a code from the app or a backup code (`code_field`: the
    input errors about it name)."""
    if not is_enabled(user):
        raise ApplicationError(_("Two-step sign-in is off."), code="two_factor_disabled")
    services.password_confirm(request=request, user=user, password=password)
    code_verify(user=user, code=code, field=code_field)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        services.notification_create(
            recipient=user,
            kind=NotificationKind.ACCOUNT,
            template="two_factor_disabled",
            context={"full_name": user.full_name},
            url=reverse("core:two_factor"),
            always_email=True,
        )
    logger.info("two-step sign-in off: user=%s ip=%s", user.pk, client_ip(request) or "-")


# Checking codes --------------------------------------------------------------------------


def _throttled_message(extra: dict | None) -> str:
    locked_until = (extra or {}).get("locked_until")
    seconds = 1
    if locked_until is not None:
        seconds = max(1, int((locked_until - timezone.now()).total_seconds() + 0.999))
    return ngettext(
        "Too many wrong codes. Wait %(seconds)d second, then try again.",
        "Too many wrong codes. Wait %(seconds)d seconds, then try again.",
        seconds,
    ) % {"seconds": seconds}


def _wrong_code(field: str) -> ApplicationError:
    return ApplicationError(
        _("This code is not correct. Enter the code your app shows now."),
        code="otp_invalid",
        field=field,
    )


def _check(user: User, device: Device, code: str, *, field: str = "code") -> Device:
    """Check `code` against `device` (its own throttle first), or raise."""
    allowed, extra = device.verify_is_allowed()
    if not allowed:
        if (extra or {}).get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
            raise TooManyCodesError(_throttled_message(extra), field=field)
        raise TooManyCodesError(
            _("Codes cannot be checked right now; try again later."), field=field
        )
    verified = verify_token(user, device.persistent_id, code)
    if verified is None:
        logger.warning("two-step code wrong: user=%s", user.pk)
        raise _wrong_code(field)
    return verified


def code_verify(*, user: User, code: str, field: str = "code") -> Device:
    """The device that accepts `code`: the app for 6 digits, the backup codes otherwise (a
    backup code works once). Only that device counts a failure. `field`: the input that
    errors name."""
    code = normalize_code(code)
    if TOTP_CODE.match(code):
        device = app_device(user)
    elif BACKUP_CODE.match(code):
        device = StaticDevice.objects.devices_for_user(user, confirmed=True).first()
    else:
        raise ApplicationError(
            _("Enter the 6-digit code your app shows, or one of your backup codes."),
            code="otp_invalid",
            field=field,
        )
    if device is None:
        raise _wrong_code(field)
    return _check(user, device, code, field=field)


# Signing in ------------------------------------------------------------------------------


def signin_pending_start(request, *, user: User, next_url: str) -> None:
    """The password was right and the account uses two-step sign-in: remember, for a few
    minutes, whose sign-in waits for a code (in a new session key: what came before the
    password cannot be carried into the sign-in)."""
    request.session.cycle_key()
    request.session[PENDING_SESSION_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", None) or "django.contrib.auth.backends.ModelBackend",
        "next": next_url,
        "since": int(time.time()),
        "hash": user.get_session_auth_hash(),
    }


def signin_pending(request) -> tuple[User, dict] | None:
    """The user whose sign-in waits for a code, and what was remembered; None when there is
    none, or it is too old, or the account changed since (password, deactivated, 2FA off)."""
    pending = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(pending, dict):
        return None
    if time.time() - pending.get("since", 0) > PENDING_SECONDS:
        request.session.pop(PENDING_SESSION_KEY, None)
        return None
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    if user is None or user.get_session_auth_hash() != pending.get("hash"):
        request.session.pop(PENDING_SESSION_KEY, None)
        return None
    return user, pending


def signin_pending_cancel(request) -> None:
    request.session.pop(PENDING_SESSION_KEY, None)


def signin_complete(request, *, user: User, device: Device, backend: str) -> None:
    """Sign in (a new session key, as every sign-in) as having passed the second step."""
    request.session.pop(PENDING_SESSION_KEY, None)
    auth.login(request, user, backend=backend)
    otp_login(request, device)


def signin_verify(request, *, device: Device) -> None:
    """A signed-in session passes the second step (it was signed in before the app was set
    up, or in the admin's own form): a new session key, then marked verified."""
    request.session.cycle_key()
    otp_login(request, device)


class SigninCodeThrottle(_Throttle):
    """Codes on the sign-in pages count against the sign-in limits: per IP address
    (`signin`) and per account (`signin_account`, the same counter as its passwords)."""

    def __init__(self, user: User):
        self.user = user

    def counters(self, request, view):
        digest = hashlib.sha256(normalize_email(self.user.email).encode()).hexdigest()
        return [Counter("signin", client_ip(request)), Counter("signin_account", digest)]


# The API ---------------------------------------------------------------------------------


def api_token_for_credentials(*, request, email: str, password: str, otp: str = "") -> Token:
    """Check an e-mail address and password (counted by the sign-in lockout) and, for an
    account with two-step sign-in, a code (`otp`), for a token. Nothing is said about the
    code until the password is right."""
    user = authenticate(request=request, username=normalize_email(email), password=password)
    if getattr(request, "axes_locked_out", False):
        raise ApplicationError(
            _("Too many failed sign-in attempts. Try again later or reset your password."),
            code="locked_out",
        )
    if user is None:
        raise ApplicationError(
            _("The e-mail address or password is not correct."), code="authorization"
        )
    if is_enabled(user):
        if not otp:
            raise ApplicationError(
                _(
                    "This account uses two-step sign-in: send the 6-digit code of your "
                    "authenticator app (or a backup code) as `otp` with the password."
                ),
                code="otp_required",
                field="otp",
            )
        code_verify(user=user, code=otp, field="otp")
    return services.api_token_issue(user=user)
