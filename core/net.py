"""The address of the person behind a request, the one rule that throttles and the sign-in
lockout share. Behind NUM_PROXIES trusted proxies, the address the nearest of them saw is
read from X-Forwarded-For; with none (the default) the header is ignored, as a client can
write anything into it."""

from django.conf import settings


def client_ip(request) -> str:
    meta = request.META
    proxies = settings.NUM_PROXIES
    if proxies > 0:
        forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if forwarded:
            return forwarded[-min(proxies, len(forwarded))]
    return meta.get("REMOTE_ADDR", "")


def axes_client_ip(request) -> str:
    """django-axes' AXES_CLIENT_IP_CALLABLE."""
    return client_ip(request)
