"""Following a policy, or a district (or the municipal level) and category."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from core.models import District, User

from ..choices import PolicyCategory, PolicyStatus
from ..models import (
    Policy,
    PolicyFollow,
    TopicFollow,
)

# Follows ---------------------------------------------------------------------------------


@transaction.atomic
def policy_follow(*, user: User, policy: Policy) -> PolicyFollow:
    """Follow a published policy; following twice changes nothing."""
    if policy.status != PolicyStatus.PUBLISHED:
        raise ApplicationError(_("Only a published policy can be followed."), code="not_published")
    follow, _created = PolicyFollow.objects.get_or_create(user=user, policy=policy)
    return follow


@transaction.atomic
def policy_unfollow(*, user: User, policy: Policy) -> bool:
    deleted, _rows = PolicyFollow.objects.filter(user=user, policy=policy).delete()
    return bool(deleted)


@transaction.atomic
def topic_follow(
    *,
    user: User,
    district: District | None = None,
    municipal: bool = False,
    category: str = "",
) -> TopicFollow:
    """Follow new policies of a district (or the municipal level) and/or of a category."""
    category = category or ""
    if category and category not in PolicyCategory.values:
        raise ApplicationError(
            _("Unknown category “%(value)s”.") % {"value": category},
            code="category",
            field="category",
        )
    if district is not None and municipal:
        raise ApplicationError(
            _("Follow either a district or the municipal level, not both."),
            code="topic",
            field="district",
        )
    if district is None and not municipal and not category:
        raise ApplicationError(
            _("Choose a district, the municipal level or a category to follow."),
            code="topic",
            field="district",
        )
    topic, _created = TopicFollow.objects.get_or_create(
        user=user, district=district, municipal=municipal, category=category
    )
    return topic


@transaction.atomic
def topic_unfollow(*, user: User, topic_id: int) -> bool:
    deleted, _rows = TopicFollow.objects.filter(user=user, pk=topic_id).delete()
    return bool(deleted)
