"""A returnee's eligibility checked against a policy, and recorded."""

import datetime

from django.utils import timezone

from core.models import User

from .. import selectors
from ..choices import PolicyStatus
from ..eligibility import (
    Result,
    policy_eligibility,
)
from ..models import (
    EligibilityRecord,
    Policy,
)

# Eligibility -----------------------------------------------------------------------------


def eligibility_check(*, user: User, policy: Policy, today: datetime.date | None = None) -> Result:
    """Check the user's profile against a policy (loaded with its criteria) and record
    what they were told, so a later change of criteria can tell them it flipped."""
    today = today or timezone.localdate()
    profile = selectors.eligibility_profile(user=user)
    result = policy_eligibility(profile, policy, today=today)
    if policy.status == PolicyStatus.PUBLISHED:
        eligibility_record(user=user, results={policy: result})
    return result


def eligibility_record(*, user: User, results: dict[Policy, Result]) -> int:
    """Record what the user was told about each policy (only rows whose status changed
    are written)."""
    if not results:
        return 0
    known = dict(
        EligibilityRecord.objects.filter(user=user, policy__in=list(results)).values_list(
            "policy_id", "status"
        )
    )
    now = timezone.now()
    rows = [
        EligibilityRecord(
            user=user,
            policy=policy,
            status=result.status,
            version=selectors.latest_version_number(policy),
            checked_at=now,
        )
        for policy, result in results.items()
        if known.get(policy.pk) != result.status
    ]
    if rows:
        EligibilityRecord.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["user", "policy"],
            update_fields=["status", "version", "checked_at"],
        )
    return len(rows)
