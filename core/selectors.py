"""Reads of the base app shared by pages and the API."""

from django.db.models import QuerySet

from .choices import Frequency, NotificationKind
from .models import District, IndustrialPark, Notification, Sector, User


def district_list() -> QuerySet[District]:
    return District.objects.all()


def sector_list() -> QuerySet[Sector]:
    return Sector.objects.all()


def park_list() -> QuerySet[IndustrialPark]:
    return IndustrialPark.objects.select_related("district").prefetch_related("sectors")


def notification_inbox(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_preferences(*, user: User) -> dict[str, str]:
    """The e-mail frequency of every kind of notification for `user` (instant by default)."""
    chosen = dict(user.notification_preferences.values_list("kind", "frequency"))
    return {kind: chosen.get(kind, Frequency.INSTANT) for kind in NotificationKind.values}
