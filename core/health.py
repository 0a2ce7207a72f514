"""What `/healthz/` reports: the database, which the portal cannot work without, and the two
Redis services it can work without for a while (the shared cache: rate limits and public
lists; the Celery broker: e-mail and background work), each asked with a short timeout."""

import redis
from django.conf import settings
from django.db import DatabaseError, connection

TIMEOUT_SECONDS = 0.5


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False


def _redis(url: str) -> bool | None:
    """True when Redis at `url` answers a PING; None when `url` is not a Redis address."""
    if not url.startswith(("redis://", "rediss://")):
        return None
    try:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
        )
        try:
            return bool(client.ping())
        finally:
            client.close()
    except redis.RedisError:
        return False


def health() -> tuple[int, dict]:
    """(HTTP status, body). 503 when the database does not answer; 200 otherwise, with
    `"status": "degraded"` when the cache or the broker does not (the pages and the API go
    on working: rate limits let requests through, lists are built afresh, notifications wait
    in the outbox), so that a load balancer keeps the portal serving."""
    checks = {
        "database": _database(),
        "cache": _redis(settings.CACHES["default"]["LOCATION"]),
        "broker": _redis(settings.CELERY_BROKER_URL),
    }
    body = {name: "ok" if up else "unreachable" for name, up in checks.items() if up is not None}
    if not checks["database"]:
        return 503, {"status": "unavailable", **body}
    healthy = all(up is not False for up in checks.values())
    return 200, {"status": "ok" if healthy else "degraded", **body}
