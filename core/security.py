"""The security log and what keeps secrets and contact details out of every log.

The `security` logger records sign-ins, failed sign-ins, lockouts, permission denials and
refused API credentials, naming the user by id and the client by IP address, nothing more.
Whatever any code logs, `RedactFilter` (on every handler of LOGGING) blanks e-mail addresses,
API tokens, passwords and other secrets written as `name=value`, long hexadecimal keys and
phone numbers before a line is written.

The sign-in receivers are connected in `CoreConfig.ready()`: authentication spans every app
(the pages, the API's token exchange, the admin), so a signal is its one place. Recording the
time of a sign-in skips the audit trail: it is not a change anyone made to an account.
"""

import logging
import re

from core.net import client_ip

logger = logging.getLogger("security")

REDACTED = "[redacted]"

_PATTERNS = [
    # e-mail addresses
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    # an Authorization header's credentials: "Token 9944b0...", "Bearer eyJ..."
    (re.compile(r"\b(Token|Bearer|Basic)\s+[\w.~+/=-]+", re.IGNORECASE), rf"\1 {REDACTED}"),
    # name=value or "name": "value" for passwords, tokens, keys, secrets and session cookies
    (
        re.compile(
            r"""(?P<name>["']?[\w-]*(?:password|passwd|secret|token|api[_-]?key|sessionid|"""
            r"""csrf|authorization)[\w-]*["']?\s*[:=]\s*)(?P<quote>["']?)[^\s"',;&}\]]+""",
            re.IGNORECASE,
        ),
        rf"\g<name>\g<quote>{REDACTED}",
    ),
    # long hexadecimal strings: API token keys (40), digests, reset keys
    (re.compile(r"\b[0-9a-fA-F]{32,}\b"), REDACTED),
    # phone numbers: 10 to 15 digits, optionally with +, spaces or dashes between them
    (re.compile(r"(?<![\w./:-])\+?\d(?:[ -]?\d){9,14}(?![\w./:-]?\d)"), "[phone]"),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactFilter(logging.Filter):
    """Rewrites a record's message (and traceback) with `redact()`; never drops a record."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            record.msg = redact(record.getMessage())
            record.args = None
            if record.exc_info and not record.exc_text:
                record.exc_text = self._formatter.formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = redact(record.exc_text)
            if record.stack_info:
                record.stack_info = redact(record.stack_info)
        except Exception:  # noqa: BLE001 - a log line must never break the request
            record.msg, record.args = "(unloggable message withheld)", None
        return True


def _who(request) -> tuple[str, str]:
    """The user id (or "-") and IP address of a request."""
    if request is None:
        return "-", "-"
    user = getattr(request, "user", None)
    user_id = str(user.pk) if user is not None and user.is_authenticated else "-"
    return user_id, client_ip(request) or "-"


def _account_id(credentials: dict | None) -> str:
    """The id of the account a failed sign-in named, or "-" (the address is never logged)."""
    from core.models import User, normalize_email

    email = (credentials or {}).get("username") or (credentials or {}).get("email")
    if not isinstance(email, str) or not email:
        return "-"
    user_id = User.objects.filter(email=normalize_email(email)).values_list("pk", flat=True)
    return str(user_id.first() or "-")


def on_user_logged_in(sender, request, user, **kwargs):
    logger.info("sign-in: user=%s ip=%s", user.pk, _who(request)[1])


def on_user_logged_out(sender, request, user, **kwargs):
    logger.info("sign-out: user=%s ip=%s", getattr(user, "pk", "-"), _who(request)[1])


def on_user_login_failed(sender, credentials, request=None, **kwargs):
    logger.warning(
        "sign-in failed: user=%s ip=%s path=%s",
        _account_id(credentials),
        _who(request)[1],
        getattr(request, "path", "-"),
    )


def on_user_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    logger.warning(
        "sign-in locked out: user=%s ip=%s", _account_id({"username": username}), ip_address
    )


def log_refusal(request, response) -> None:
    """A 403 is a permission denial; a 401 of a request that carried credentials (an unknown,
    revoked or inactive user's API token) a refused credential."""
    status = response.status_code
    if status == 403:
        event = "permission denied"
    elif status == 401 and "HTTP_AUTHORIZATION" in request.META:
        event = "credentials refused"
    else:
        return
    user_id, ip = _who(request)
    logger.warning("%s: user=%s ip=%s %s %s", event, user_id, ip, request.method, request.path)


def update_last_login_outside_history(sender, user, **kwargs):
    """Django's `update_last_login`, but a sign-in is not a change the audit trail keeps
    (the security log has it)."""
    from django.contrib.auth.models import update_last_login

    user.skip_history_when_saving = True
    try:
        update_last_login(sender, user, **kwargs)
    finally:
        del user.skip_history_when_saving


def connect_signals() -> None:
    from axes.signals import user_locked_out
    from django.contrib.auth import signals

    if signals.user_logged_in.disconnect(dispatch_uid="update_last_login"):
        signals.user_logged_in.connect(
            update_last_login_outside_history, dispatch_uid="update_last_login"
        )
    signals.user_logged_in.connect(on_user_logged_in, dispatch_uid="security-logged-in")
    signals.user_logged_out.connect(on_user_logged_out, dispatch_uid="security-logged-out")
    signals.user_login_failed.connect(on_user_login_failed, dispatch_uid="security-failed")
    user_locked_out.connect(on_user_locked_out, dispatch_uid="security-locked-out")
