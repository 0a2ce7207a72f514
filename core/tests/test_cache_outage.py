"""With the cache unreachable, rate limits let requests through, and after one failure a
process stops asking the cache for a while instead of waiting for it on every request."""

import pytest
from django.core.cache import caches
from django.test import RequestFactory

from core.api.throttling import UserRateThrottle
from core.broker import cache_pause
from core.tests.factories import UserFactory
from tests.support.servers import free_port


@pytest.mark.django_db
def test_an_unreachable_cache_lets_requests_through_and_is_not_asked_again_for_a_while(
    settings, monkeypatch
):
    settings.RATE_LIMITS_ENABLED = True
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    request = RequestFactory().post("/api/v1/events/1/register/")
    request.user = UserFactory()
    assert UserRateThrottle().allow_request(request, None) is True
    assert cache_pause.active()

    asked = []
    monkeypatch.setattr(caches["default"], "get", lambda *args, **kwargs: asked.append(args))
    assert UserRateThrottle().allow_request(request, None) is True
    assert asked == []  # paused: the cache is not asked
