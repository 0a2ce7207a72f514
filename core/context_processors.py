from . import selectors


def portal(request):
    """The unread count shown in the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": selectors.unread_count(user=user)}
