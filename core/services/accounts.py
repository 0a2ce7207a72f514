"""Accounts: sign-up, the link that confirms an address, passwords, API tokens, grants."""

import hashlib
from datetime import timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from ..choices import NotificationKind
from ..exceptions import ApplicationError, PermissionDeniedError
from ..models import (
    District,
    DistrictGrant,
    User,
    normalize_email,
)
from ..privacy import ERASED_DOMAIN
from .notifications import notification_create, supported_language

SIGNUP_SALT = "core.accounts.verify-email"


@transaction.atomic
def user_signup(*, email: str, password: str, full_name: str, language: str = "") -> User | None:
    """Create a returnee account and e-mail it the link that confirms its address.

    An address that has an account already gets no second one: its owner is told by e-mail
    that someone tried to sign up with it. The caller answers both alike (the same words, the
    same work: the password is hashed either way), so sign-up does not tell who has an
    account. Returns the new account, or None.
    """
    email = normalize_email(email)
    if email.endswith(f"@{ERASED_DOMAIN}"):  # the addresses erased accounts are given
        raise ApplicationError(
            _("Please use an e-mail address you can receive mail at."),
            code="email",
            field="email",
        )
    full_name = (full_name or "").strip()
    if not full_name:
        raise ApplicationError(
            _("Please enter your full name."), code="full_name", field="full_name"
        )
    _validated_password(password, User(email=email, full_name=full_name), field="password")
    language = supported_language(language or translation.get_language())
    if not User.objects.filter(email=email).exists():
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email, password=password, full_name=full_name, language=language
                )
        except IntegrityError:  # the same address signed up at the same moment
            pass
        else:
            notification_create(
                recipient=user,
                kind=NotificationKind.ACCOUNT,
                template="welcome",
                context={"full_name": user.full_name},
                url=email_verification_path(user),
                always_email=True,
            )
            return user
    make_password(password)  # the work a new account costs, so that the time tells nothing
    owner = User.objects.filter(email=email, is_active=True, erased_at__isnull=True).first()
    if owner is not None:
        notification_create(
            recipient=owner,
            kind=NotificationKind.ACCOUNT,
            template="signup_attempt",
            context={"full_name": owner.full_name},
            url=reverse("core:password_reset"),
            always_email=True,
        )
    return None


def _validated_password(password: str, user: User, *, field: str) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), code="password", field=field) from exc


# E-mail verification -----------------------------------------------------------------------


def _address_digest(email: str) -> str:
    return hashlib.sha256(normalize_email(email).encode()).hexdigest()[:16]


def email_verification_token(user: User) -> str:
    """A signed link for the account's current address, valid EMAIL_VERIFICATION_DAYS; the
    address itself is not in it, only a digest that stops it working once the address
    changes."""
    return signing.dumps(
        {"u": user.pk, "a": _address_digest(user.email)}, salt=SIGNUP_SALT, compress=True
    )


def email_verification_path(user: User) -> str:
    return reverse("core:verify_email", args=[email_verification_token(user)])


def email_verification_send(*, user: User) -> bool:
    """E-mail a fresh link that confirms the account's address; False if it is confirmed."""
    if user.email_verified_at is not None:
        return False
    notification_create(
        recipient=user,
        kind=NotificationKind.ACCOUNT,
        template="email_verify",
        context={"full_name": user.full_name, "days": settings.EMAIL_VERIFICATION_DAYS},
        url=email_verification_path(user),
        always_email=True,
    )
    return True


@transaction.atomic
def email_verification_confirm(*, token: str) -> User:
    """Confirm the address a link was sent to; opening it again changes nothing."""
    invalid = ApplicationError(
        _("This confirmation link has expired or is not valid. Sign in and ask for a new one."),
        code="invalid_link",
    )
    try:
        data = signing.loads(
            token, salt=SIGNUP_SALT, max_age=timedelta(days=settings.EMAIL_VERIFICATION_DAYS)
        )
    except signing.BadSignature:
        raise invalid from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise invalid
    user = (
        User.objects.select_for_update()
        .filter(pk=data["u"], is_active=True, erased_at__isnull=True)
        .first()
    )
    if user is None or _address_digest(user.email) != data.get("a"):
        raise invalid
    user_email_verify(user=user)
    return user


# Passwords ---------------------------------------------------------------------------------


def password_reset_request(*, email: str) -> None:
    """E-mail a link to choose a new password to the account with this address, if there is
    one that can sign in; nothing tells the caller which. The link (Django's token) works
    for PASSWORD_RESET_TIMEOUT seconds and once: setting a password or signing in ends it."""
    user = User.objects.filter(
        email=normalize_email(email), is_active=True, erased_at__isnull=True
    ).first()
    if user is None or not user.has_usable_password():
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    notification_create(
        recipient=user,
        kind=NotificationKind.ACCOUNT,
        template="password_reset",
        context={
            "full_name": user.full_name,
            "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        },
        url=reverse("core:password_reset_confirm", args=[uid, token]),
        always_email=True,
    )


def password_reset_account(*, uid: str) -> User | None:
    """The account the `uid` of a reset link names, if it can still sign in."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uid)))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    return User.objects.filter(pk=pk, is_active=True, erased_at__isnull=True).first()


def password_reset_user(*, uid: str, token: str) -> User | None:
    """The account a reset link is for, if the link is still good."""
    user = password_reset_account(uid=uid)
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


def password_reset_confirm(*, uid: str, token: str, new_password: str) -> User:
    user = password_reset_user(uid=uid, token=token)
    if user is None:
        raise ApplicationError(
            _(
                "This link to choose a new password has expired or has been used already. "
                "Ask for a new one."
            ),
            code="invalid_link",
        )
    user_password_set(user=user, password=new_password, field="new_password")
    return user


def password_confirm(*, request, user: User, password: str, field: str = "password") -> None:
    """A signed-in person confirms a weighty step (a new password, turning two-step sign-in
    off, erasing the account) with their current password; failures count towards the
    sign-in lockout like any other password check."""
    checked = authenticate(request=request, username=user.email, password=password or "")
    if getattr(request, "axes_locked_out", False):
        raise ApplicationError(
            _("Too many failed password attempts. Try again later."), code="locked_out"
        )
    if checked is None or checked.pk != user.pk:
        raise ApplicationError(
            _("Your current password is not correct."), code="password", field=field
        )


def password_change(*, request, user: User, current_password: str, new_password: str) -> None:
    """A signed-in person changes their password, confirming the current one."""
    password_confirm(
        request=request, user=user, password=current_password, field="current_password"
    )
    user_password_set(user=user, password=new_password, field="new_password")


@transaction.atomic
def user_password_set(*, user: User, password: str, field: str = "password") -> None:
    """Set a new password and end every way in that the old one opened: each session (Django
    checks a session against the password it was signed in with), each API token, each reset
    link. A sign-in lockout of the address is lifted, and the person is told by e-mail."""
    _validated_password(password, user, field=field)
    user.set_password(password)
    user.save(update_fields=["password"])
    Token.objects.filter(user=user).delete()
    transaction.on_commit(lambda: axes_reset(username=user.email))
    notification_create(
        recipient=user,
        kind=NotificationKind.ACCOUNT,
        template="password_changed",
        context={"full_name": user.full_name},
        url=reverse("core:password_reset"),
        always_email=True,
    )


def user_email_verify(*, user: User) -> bool:
    """Record that the person can read mail at their address (they opened a link sent there);
    False when it was known already."""
    if user.email_verified_at is not None:
        return False
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    return True


def user_email_verified_required(user: User) -> None:
    """Refuse what only a person whose address is verified may do (register for an event,
    request a consultation, apply)."""
    if user.email_verified_at is None:
        raise PermissionDeniedError(
            _(
                "Please confirm your e-mail address first: open the link we sent you, or ask "
                "for a new one on your account page."
            ),
            code="email_unverified",
        )


def user_language_set(*, user: User, language: str) -> None:
    user.language = supported_language(language)
    user.save(update_fields=["language"])


def api_token_expired(token: Token) -> bool:
    return token.created < timezone.now() - timedelta(days=settings.API_TOKEN_DAYS)


@transaction.atomic
def api_token_issue(*, user: User) -> Token:
    """A new API token for the user: the one they had, if any, stops working (one token an
    account; a key that leaked is replaced by asking again). The account's row is locked so
    that two requests at once cannot both make one."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def api_token_revoke(*, user: User) -> None:
    """Sign out of the API: the user's token stops working."""
    Token.objects.filter(user=user).delete()


@transaction.atomic
def district_grant(*, user: User, district: District, granted_by: User | None = None):
    """Make `user` an official of `district`; granting twice changes nothing."""
    grant, _created = DistrictGrant.objects.get_or_create(
        user=user, district=district, defaults={"granted_by": granted_by}
    )
    return grant
