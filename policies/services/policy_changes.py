"""Policies written, published, archived and changed (as versions) by officials and admins."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError, PermissionDeniedError
from core.models import User

from .. import selectors
from ..choices import PolicyStatus
from ..models import (
    Policy,
    PolicyVersion,
)
from ..search import INDEXED_FIELDS, policy_index
from ..versions import (
    criteria_changed,
    policy_snapshot,
    snapshot_diff,
)
from ._shared import (
    _apply,
    _check_district,
    _require_manage,
    _save,
    _validated,
    can_write_policies,
    criteria_clean,
    criteria_replace,
)
from .notices import _announce_new_policy, _announce_new_version

# Writing policies ------------------------------------------------------------------------


@transaction.atomic
def policy_create(*, user: User, data: dict, criteria: list[dict] | None = None) -> Policy:
    """Write a new draft policy for one of the user's districts (admins: any, or municipal
    with no district)."""
    if not can_write_policies(user):
        raise PermissionDeniedError(
            _("Only district officials and admins can write policies."), code="not_official"
        )
    data = dict(data)
    data["district"] = _check_district(user=user, district=data.get("district"))
    policy = Policy(status=PolicyStatus.DRAFT, created_by=user)
    sectors = _apply(policy, data)
    _validated(policy)
    cleaned = criteria_clean(criteria or [])
    policy_index(policy, sectors=sectors or [])
    _save(policy)
    if sectors:
        policy.sectors.set(sectors)
    criteria_replace(policy, cleaned)
    return policy


def _locked(policy: Policy) -> Policy:
    return Policy.objects.select_for_update().get(pk=policy.pk)


@transaction.atomic
def policy_update(
    *, policy: Policy, user: User, data: dict, criteria: list[dict] | None = None
) -> Policy:
    """Change the given fields (and, when `criteria` is given, replace the criteria).

    A draft changes quietly; a published policy's change is published as its next version
    at once, and its followers are told what changed."""
    policy = _locked(policy)
    _require_manage(user=user, policy=policy)
    data = dict(data)
    if "district" in data and data["district"] != policy.district:
        data["district"] = _check_district(user=user, district=data["district"])
    sectors = _apply(policy, data)
    _validated(policy)
    if policy.status == PolicyStatus.PUBLISHED:
        _check_publishable(policy)
    cleaned = criteria_clean(criteria) if criteria is not None else None
    if any(name in data for name in INDEXED_FIELDS):
        policy_index(policy, sectors=sectors)
    _save(policy)
    if sectors is not None:
        policy.sectors.set(sectors)
    if cleaned is not None:
        criteria_replace(policy, cleaned)
    if policy.status == PolicyStatus.PUBLISHED:
        _publish_change(policy=policy, user=user)
    return policy


def _check_publishable(policy: Policy) -> None:
    if not policy.title_zh.strip() or not policy.title_en.strip():
        raise ApplicationError(
            _("A published policy needs its title in Chinese and in English."),
            code="incomplete",
            field="title_zh" if not policy.title_zh.strip() else "title_en",
        )
    if not policy.summary_zh.strip() and not policy.summary_en.strip():
        raise ApplicationError(
            _("Write a summary before publishing the policy."),
            code="incomplete",
            field="summary_en",
        )


@transaction.atomic
def policy_publish(*, policy: Policy, user: User | None) -> PolicyVersion | None:
    """Publish the policy (a draft, an archived one, or a published one with changes the
    admin saved): a new version when anything changed, and the notices it brings. Publishing
    what is already published returns None and tells no one."""
    policy = _locked(policy)
    if user is not None:
        _require_manage(user=user, policy=policy)
    _check_publishable(policy)
    if policy.status != PolicyStatus.PUBLISHED:
        policy.status = PolicyStatus.PUBLISHED
        policy.published_at = policy.published_at or timezone.now()
        policy.save(update_fields=["status", "published_at", "updated_at"])
    return _publish_change(policy=policy, user=user)


@transaction.atomic
def policy_archive(*, policy: Policy, user: User | None) -> Policy:
    """Withdraw a policy from the lists; its page and history stay. Publishing it again
    brings it back."""
    policy = _locked(policy)
    if user is not None:
        _require_manage(user=user, policy=policy)
    if policy.status != PolicyStatus.ARCHIVED:
        policy.status = PolicyStatus.ARCHIVED
        policy.save(update_fields=["status", "updated_at"])
    return policy


@transaction.atomic
def policy_record_change(*, policy: Policy, user: User | None) -> PolicyVersion | None:
    """After a write that bypassed `policy_update` (the admin's form, an import): a
    published policy that changed gets its next version, and the notices it brings."""
    policy = _locked(policy)
    if policy.status != PolicyStatus.PUBLISHED:
        return None
    return _publish_change(policy=policy, user=user)


def _publish_change(*, policy: Policy, user: User | None) -> PolicyVersion | None:
    """Record the next version if the policy differs from its latest one, and announce it."""
    policy = selectors.policy_with_criteria().get(pk=policy.pk)
    snapshot = policy_snapshot(policy)
    last = policy.versions.order_by("-number").first()
    previous = last.snapshot if last else None
    changes = snapshot_diff(previous, snapshot)
    if last is not None and not changes:
        return None
    version = PolicyVersion.objects.create(
        policy=policy,
        number=last.number + 1 if last else 1,
        snapshot=snapshot,
        changes=changes,
        criteria_changed=criteria_changed(changes),
        published_by=user if getattr(user, "is_authenticated", False) else None,
    )
    today = timezone.localdate()
    if version.number == 1:
        _announce_new_policy(policy=policy, version=version)
    else:
        _announce_new_version(policy=policy, version=version, previous=previous, today=today)
    return version
