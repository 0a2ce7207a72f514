"""The notices that tell returnees of new policies, new versions, eligibility they gained or
lost, and coming expiry; each told once (`PolicyNotice`)."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from core.choices import NotificationKind
from core.i18n import localized
from core.models import User
from core.services import notification_create

from .. import selectors
from ..choices import EligibilityStatus, NoticeReason, PolicyCategory, PolicyStatus
from ..eligibility import (
    Facts,
    Result,
    evaluate,
    policy_eligibility,
    policy_rules,
)
from ..models import (
    EligibilityRecord,
    Policy,
    PolicyNotice,
    PolicyVersion,
    TopicFollow,
)
from ..versions import (
    describe_changes,
    format_amount,
    snapshot_rules,
)
from ._shared import EXPIRY_NOTICE_DAYS

# Notices ---------------------------------------------------------------------------------


def _notify_once(
    *, user: User, policy: Policy, key: str, reason: str, template: str, context: dict
) -> bool:
    """Write the notice and its notification together, unless this user was told already."""
    with transaction.atomic():
        _notice, created = PolicyNotice.objects.get_or_create(
            user=user, policy=policy, key=key, defaults={"reason": reason}
        )
    if not created:
        return False
    with translation.override(user.language):
        base = {
            "full_name": user.full_name,
            "title": localized(policy, "title"),
            "issuer": policy.issuer_name,
        }
    notification_create(
        recipient=user,
        kind=NotificationKind.POLICY_UPDATE,
        template=template,
        context={**base, **context},
        url=policy.get_absolute_url(),
    )
    return True


def _topic_followers(policy: Policy) -> list[User]:
    place = Q(district__isnull=True, municipal=False)
    place |= Q(district_id=policy.district_id) if policy.district_id else Q(municipal=True)
    topics = (
        TopicFollow.objects.filter(place, Q(category="") | Q(category=policy.category))
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    users = {}
    for topic in topics:
        users.setdefault(topic.user_id, topic.user)
    return list(users.values())


def _announce_new_policy(*, policy: Policy, version: PolicyVersion) -> int:
    told = 0
    for user in _topic_followers(policy):
        with translation.override(user.language):
            context = {
                "category": str(dict(PolicyCategory.choices)[policy.category]),
                "summary": localized(policy, "summary"),
                "amount": format_amount(policy.benefit_amount)
                if policy.benefit_amount is not None
                else "",
            }
        told += _notify_once(
            user=user,
            policy=policy,
            key=f"v{version.number}",
            reason=NoticeReason.NEW_POLICY,
            template="policy_published",
            context=context,
        )
    return told


def _eligibility_context(result: Result, *, gained: bool) -> dict:
    """What to say about a change of eligibility (in the active language)."""
    if gained:
        reasons = [line.required for line in result.lines if line.met]
    else:
        reasons = [
            f"{line.required} — {line.hint}" if line.hint else line.required
            for line in result.unmet or result.unknown
        ]
    return {"eligibility": "gained" if gained else "lost", "reasons": reasons}


def _reevaluate(
    *, policy: Policy, version: PolicyVersion, previous: dict | None, users: dict, today
) -> dict[int, bool]:
    """Check everyone in `users` against the new criteria, record their status, and return
    {user id: True (gained) / False (lost)} for those whose eligibility flipped."""
    records = {record.user_id: record for record in EligibilityRecord.objects.filter(policy=policy)}
    for record in records.values():
        users.setdefault(record.user_id, None)
    missing = [user_id for user_id, user in users.items() if user is None]
    if missing:
        for user in User.objects.filter(pk__in=missing, is_active=True):
            users[user.pk] = user
    profiles = selectors.eligibility_profiles(user_ids=list(users))
    new_rules = policy_rules(policy)
    old_rules = snapshot_rules(previous)
    flips, now = {}, timezone.now()
    rows = []
    for user_id, user in users.items():
        if user is None:
            continue
        facts = Facts.from_profile(profiles.get(user_id))
        new_status = evaluate(facts, new_rules, today=today).status
        record = records.get(user_id)
        old_status = record.status if record else evaluate(facts, old_rules, today=today).status
        was, now_eligible = (
            old_status == EligibilityStatus.ELIGIBLE,
            new_status == EligibilityStatus.ELIGIBLE,
        )
        if was != now_eligible:
            flips[user_id] = now_eligible
        rows.append(
            EligibilityRecord(
                user_id=user_id,
                policy=policy,
                status=new_status,
                version=version.number,
                checked_at=now,
            )
        )
    EligibilityRecord.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["user", "policy"],
        update_fields=["status", "version", "checked_at"],
    )
    return flips


def _announce_new_version(
    *, policy: Policy, version: PolicyVersion, previous: dict | None, today
) -> int:
    followers = {
        follow.user_id: follow.user
        for follow in policy.follows.filter(user__is_active=True).select_related("user")
    }
    flips = {}
    if version.criteria_changed:
        flips = _reevaluate(
            policy=policy,
            version=version,
            previous=previous,
            users=dict(followers),
            today=today,
        )
    profiles = selectors.eligibility_profiles(user_ids=list(flips)) if flips else {}
    users = dict(followers)
    if flips:
        users.update(
            {user.pk: user for user in User.objects.filter(pk__in=flips) if user.pk not in users}
        )
    told = 0
    for user_id, user in users.items():
        with translation.override(user.language):
            context = {"version": version.number, "changes": describe_changes(version.changes)}
            if user_id in flips:
                result = policy_eligibility(profiles.get(user_id), policy, today=today)
                context.update(_eligibility_context(result, gained=flips[user_id]))
        following = user_id in followers
        told += _notify_once(
            user=user,
            policy=policy,
            key=f"v{version.number}",
            reason=NoticeReason.NEW_VERSION if following else NoticeReason.ELIGIBILITY,
            template="policy_updated" if following else "policy_eligibility",
            context=context,
        )
    return told


def policy_expiry_notices(
    *, today: datetime.date | None = None, days: int = EXPIRY_NOTICE_DAYS
) -> int:
    """Tell the followers of every published policy that expires within `days` days, once
    per expiry date (a policy extended and nearing its new date is told again)."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=days)
    told = 0
    expiring = Policy.objects.filter(
        status=PolicyStatus.PUBLISHED, expires_on__gte=today, expires_on__lte=horizon
    ).select_related("district")
    for policy in expiring:
        with transaction.atomic():
            follows = policy.follows.filter(user__is_active=True).select_related("user")
            for follow in follows:
                told += _notify_once(
                    user=follow.user,
                    policy=policy,
                    key=f"expiry:{policy.expires_on.isoformat()}",
                    reason=NoticeReason.EXPIRING,
                    template="policy_expiring",
                    context={
                        "expires_on": policy.expires_on.isoformat(),
                        "days": (policy.expires_on - today).days,
                    },
                )
    return told
