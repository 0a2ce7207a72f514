"""DRF throttles that read their rates at request time (so operators tune them from the
environment), keep their counters in the shared Redis cache (so every process counts
together), stand aside when RATE_LIMITS_ENABLED is false, and let requests through rather
than fail when the cache is unreachable."""

import logging

from django.conf import settings
from rest_framework import throttling

from core.net import client_ip

logger = logging.getLogger(__name__)


class _SettingsRateMixin:
    def get_ident(self, request):
        return client_ip(request)

    def get_rate(self):
        return settings.THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        if not settings.RATE_LIMITS_ENABLED:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)
        except Exception:
            logger.exception("Throttle cache unavailable; request allowed")
            return True


class AnonRateThrottle(_SettingsRateMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_SettingsRateMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(_SettingsRateMixin, throttling.ScopedRateThrottle):
    """Per scope (`throttle_scope` on the view), per user or else per IP address."""

    def allow_request(self, request, view):
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        return super().allow_request(request, view)


class SignupThrottle(_SettingsRateMixin, throttling.AnonRateThrottle):
    """Sign-ups per IP address."""

    scope = "signup"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SigninThrottle(SignupThrottle):
    """Sign-in and token requests per IP address."""

    scope = "signin"
