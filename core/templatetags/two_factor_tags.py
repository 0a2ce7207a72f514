"""Template helpers of two-step sign-in (`core.two_factor`)."""

from django import template

from core import two_factor

register = template.Library()


@register.simple_tag
def two_factor_enabled(user) -> bool:
    """Whether the user signs in with a code of an authenticator app too."""
    return two_factor.is_enabled(user)
