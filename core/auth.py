"""Sign-in helpers for django-axes."""

from .models import normalize_email


def axes_username(request, credentials: dict | None = None) -> str:
    """The e-mail address a sign-in attempt is for, normalised so that case does not split
    one person's failures across several counters."""
    if credentials:
        return normalize_email(credentials.get("username") or credentials.get("email") or "")
    data = getattr(request, "data", None) or request.POST
    return normalize_email(data.get("username") or data.get("email") or "")
