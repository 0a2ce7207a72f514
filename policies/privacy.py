"""What the policies app holds about a person (follows, eligibility, notices sent), for
`core.privacy`. None of it outlives an erasure."""

from django.db import transaction

from core.models import User

from .models import EligibilityRecord, PolicyFollow, PolicyNotice, TopicFollow


def _iso(value):
    return value.isoformat() if value else None


def export(user: User) -> dict:
    return {
        "followed_policies": [
            {
                "policy": follow.policy_id,
                "title": str(follow.policy),
                "since": _iso(follow.created_at),
            }
            for follow in PolicyFollow.objects.filter(user=user)
            .select_related("policy")
            .order_by("created_at", "id")
        ],
        "followed_topics": [
            {
                "district": topic.district.code if topic.district_id else None,
                "municipal": topic.municipal,
                "category": topic.category,
                "since": _iso(topic.created_at),
            }
            for topic in TopicFollow.objects.filter(user=user).select_related("district")
        ],
        "eligibility": [
            {
                "policy": record.policy_id,
                "title": str(record.policy),
                "status": record.status,
                "version_checked": record.version,
                "checked_at": _iso(record.checked_at),
            }
            for record in EligibilityRecord.objects.filter(user=user)
            .select_related("policy")
            .order_by("checked_at", "id")
        ],
        "notices_sent": [
            {
                "policy": notice.policy_id,
                "key": notice.key,
                "reason": notice.reason,
                "told_at": _iso(notice.created_at),
            }
            for notice in PolicyNotice.objects.filter(user=user).order_by("created_at", "id")
        ],
    }


@transaction.atomic
def erase(user: User) -> None:
    for model in (PolicyFollow, TopicFollow, EligibilityRecord, PolicyNotice):
        model.objects.filter(user=user).delete()
