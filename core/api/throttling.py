"""Rate limits of the API and of the pages' forms.

Each throttle checks one or more counters: a scope of THROTTLE_RATES (read at request time, so
operators tune them from the environment) and who is counted (an IP address, a user, the
account a sign-in is for). Counters live in the shared Redis cache, so every process and
every server counts together. RATE_LIMITS_ENABLED=false turns them all off, and when the cache
cannot be reached requests are let through rather than refused.

Pages use them too: `throttle.allow_request(request, view)` with a stand-in `view` that carries
the `throttle_scope`, then `core.views.too_many_requests(request, throttle)` when refused.
"""

import hashlib
import logging
from collections.abc import Mapping

from django.conf import settings
from rest_framework import throttling

from core.broker import cache_pause
from core.models import normalize_email
from core.net import client_ip

logger = logging.getLogger(__name__)
# After the cache failed, this process lets requests through unchecked for CACHE_FAILURE_PAUSE
# seconds rather than make each of them wait for the cache's connection timeout again.


class Counter(throttling.SimpleRateThrottle):
    """One counter: the rate of `scope` in THROTTLE_RATES, kept per `ident`."""

    def __init__(self, scope: str, ident: str):
        self.scope = scope
        self.ident = ident
        self.rate = settings.THROTTLE_RATES.get(scope)
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.ident}


class _Throttle(throttling.BaseThrottle):
    """Allows a request when each of its counters does; `wait()` is the refusing one's."""

    refused: Counter | None = None

    def counters(self, request, view) -> list[Counter]:
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        self.refused = None
        if not settings.RATE_LIMITS_ENABLED:
            return True
        if cache_pause.active():  # the cache failed a moment ago: let requests through
            return True
        counters = self.counters(request, view)
        try:
            for counter in counters:
                if not counter.allow_request(request, view):
                    self.refused = counter
                    return False
        except Exception:  # an unreachable cache must not take the site down
            cache_pause.start()
            logger.exception("Throttle cache unavailable; requests allowed for a while")
        return True

    def wait(self):
        return self.refused.wait() if self.refused else None


def _user_id(request) -> int | None:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


class AnonRateThrottle(_Throttle):
    """Every anonymous API request, per IP address (`anon`)."""

    def counters(self, request, view):
        if _user_id(request) is not None:
            return []
        return [Counter("anon", client_ip(request))]


class UserRateThrottle(_Throttle):
    """Every signed-in API request, per user (`user`)."""

    def counters(self, request, view):
        user_id = _user_id(request)
        return [] if user_id is None else [Counter("user", str(user_id))]


class ScopedRateThrottle(_Throttle):
    """The view's `throttle_scope` (registration, consultation): per user at the scope's rate
    and per IP address at the `<scope>_ip` rate, so that many accounts made behind one
    address share a limit too."""

    def counters(self, request, view):
        scope = getattr(view, "throttle_scope", None)
        if not scope:
            return []
        counters = [Counter(f"{scope}_ip", client_ip(request))]
        user_id = _user_id(request)
        if user_id is not None:
            counters.insert(0, Counter(scope, str(user_id)))
        return counters


class SignupThrottle(_Throttle):
    """Sign-ups per IP address (`signup`); there is no account yet to count by."""

    def counters(self, request, view):
        return [Counter("signup", client_ip(request))]


class PasswordResetThrottle(_Throttle):
    """Requests for a link to choose a new password (and uses of one): per IP address
    (`password_reset`) and per address asked for, from wherever (`password_reset_account`),
    so that no one floods a person's mailbox. The address is kept only as a digest."""

    def counters(self, request, view):
        counters = [Counter("password_reset", client_ip(request))]
        account = _account_tried(request)
        if account:
            digest = hashlib.sha256(account.encode()).hexdigest()
            counters.append(Counter("password_reset_account", digest))
        return counters


def _account_tried(request) -> str:
    """The e-mail address a sign-in form or token request names, normalised ("" if none)."""
    data = getattr(request, "data", None)
    if data is None:
        data = request.POST
    if not isinstance(data, Mapping):
        return ""
    value = data.get("email") or data.get("username")
    return normalize_email(value) if isinstance(value, str) else ""


class SigninThrottle(_Throttle):
    """Sign-in pages and token requests: per IP address (`signin`) and per account tried,
    from wherever it is tried (`signin_account`). The address is kept only as a digest."""

    def counters(self, request, view):
        counters = [Counter("signin", client_ip(request))]
        account = _account_tried(request)
        if account:
            digest = hashlib.sha256(account.encode()).hexdigest()
            counters.append(Counter("signin_account", digest))
        return counters
