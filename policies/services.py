"""Writes of the policies app: policies and their criteria (by the district's officials and
admins), publishing versions, follows, eligibility records, and the notices that tell
returnees of new policies, new versions, eligibility they gained or lost, and coming expiry.

Publishing rules:
- A policy is written as a draft; publishing it records version 1 and tells those who follow
  its district (or the municipal level) or its category.
- Changing a published policy publishes the change at once as the next version (the live
  policy is always its latest version); followers are told what changed. When the criteria
  changed, followers and everyone who has checked their eligibility are checked again, and
  those who gained or lost eligibility are told so.
- Publishing what is already published changes nothing and tells no one.
- Every notice is keyed (user, policy, "v<number>" or "expiry:<date>") in `PolicyNotice`,
  written in the notification's transaction, so no one is told the same thing twice.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.choices import NotificationKind
from core.exceptions import ApplicationError, PermissionDeniedError
from core.i18n import localized
from core.models import District, Sector, User
from core.services import notification_create

from . import selectors
from .choices import CriterionKind, EligibilityStatus, NoticeReason, PolicyCategory, PolicyStatus
from .eligibility import (
    DISTRICT_KINDS,
    NUMBER_KINDS,
    Facts,
    Result,
    evaluate,
    policy_eligibility,
    policy_rules,
    rule_problem,
)
from .models import (
    MAX_CRITERIA,
    Criterion,
    EligibilityRecord,
    Policy,
    PolicyFollow,
    PolicyNotice,
    PolicyVersion,
    TopicFollow,
)
from .search import INDEXED_FIELDS, policy_index
from .versions import (
    criteria_changed,
    describe_changes,
    format_amount,
    policy_snapshot,
    snapshot_diff,
    snapshot_rules,
)

# The fields an official or admin writes, and nothing else (never `status` or the times).
POLICY_FIELDS = [
    "title_zh",
    "title_en",
    "summary_zh",
    "summary_en",
    "body_zh",
    "body_en",
    "district",
    "authority_zh",
    "authority_en",
    "document_number",
    "category",
    "sectors",
    "benefits_zh",
    "benefits_en",
    "benefit_amount",
    "effective_from",
    "expires_on",
    "source_url",
]
TEXT_FIELDS = [
    "title_zh",
    "title_en",
    "summary_zh",
    "summary_en",
    "body_zh",
    "body_en",
    "authority_zh",
    "authority_en",
    "document_number",
    "benefits_zh",
    "benefits_en",
    "source_url",
]
EXPIRY_NOTICE_DAYS = 30


# Who may do what -------------------------------------------------------------------------


def is_admin(user) -> bool:
    return getattr(user, "is_admin", False)  # anonymous users have no such attribute


def official_district_ids(user) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(user.district_grants.values_list("district_id", flat=True))


def can_write_policies(user) -> bool:
    """Admins, and officials of at least one district."""
    return is_admin(user) or bool(official_district_ids(user))


def can_manage(*, user, policy: Policy) -> bool:
    """Admins manage every policy; officials those of their districts (not municipal ones)."""
    if is_admin(user):
        return True
    return policy.district_id is not None and policy.district_id in official_district_ids(user)


def _require_manage(*, user, policy: Policy) -> None:
    if not can_manage(user=user, policy=policy):
        raise PermissionDeniedError(
            _("Only officials of the policy's district can change it."), code="not_your_district"
        )


def _check_district(*, user, district: District | None) -> District | None:
    """The district a policy may be written for by `user`; an official's only district when
    they name none."""
    if is_admin(user):
        return district
    mine = official_district_ids(user)
    if not mine:
        raise PermissionDeniedError(
            _("Only district officials and admins can write policies."), code="not_official"
        )
    if district is None:
        if len(mine) == 1:
            return District.objects.get(pk=next(iter(mine)))
        raise ApplicationError(
            _("Choose one of your districts."), code="district", field="district"
        )
    if district.pk not in mine:
        raise PermissionDeniedError(
            _("You can write policies of your own district only."), code="not_your_district"
        )
    return district


# Validation ------------------------------------------------------------------------------


def _validated(instance, *, exclude: list[str] | None = None) -> None:
    """Run the model's checks; the first problem becomes an ApplicationError naming its
    field (with every field's messages)."""
    try:
        instance.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as exc:
        errors = {
            ("non_field_errors" if field == NON_FIELD_ERRORS else field): messages
            for field, messages in exc.message_dict.items()
        }
        field, messages = next(iter(errors.items()))
        raise ApplicationError(
            messages[0],
            code="invalid",
            field=None if field == "non_field_errors" else field,
            extra={"errors": errors},
        ) from exc


def criteria_clean(criteria: list[dict]) -> list[dict]:
    """Check each criterion for impossible or missing values; at most one of each kind
    (several free-text conditions are fine)."""
    if len(criteria) > MAX_CRITERIA:
        raise ApplicationError(
            _("At most %(count)d criteria.") % {"count": MAX_CRITERIA},
            code="too_many",
            field="criteria",
        )
    cleaned, seen = [], set()
    for index, item in enumerate(criteria):
        kind = item.get("kind") or ""
        sectors = list(item.get("sectors") or [])
        district = item.get("district")
        value = item.get("value")
        degree = item.get("degree") or ""
        note_zh = (item.get("note_zh") or "").strip()
        note_en = (item.get("note_en") or "").strip()
        problem = rule_problem(
            kind=kind,
            value=value,
            degree=degree,
            has_district=district is not None,
            has_sectors=bool(sectors),
            note_zh=note_zh,
            note_en=note_en,
        )
        if problem:
            field, message = problem
            raise ApplicationError(message, code="criterion", field=f"criteria.{index}.{field}")
        if kind != CriterionKind.NOTE and kind in seen:
            raise ApplicationError(
                _("Each kind of criterion can appear once; “%(kind)s” appears twice.")
                % {"kind": dict(CriterionKind.choices)[kind]},
                code="criterion",
                field=f"criteria.{index}.kind",
            )
        seen.add(kind)
        cleaned.append(
            {
                "kind": kind,
                "value": value if kind in NUMBER_KINDS else None,
                "degree": degree if kind == CriterionKind.MIN_DEGREE else "",
                "district": district if kind in DISTRICT_KINDS else None,
                "sectors": sectors if kind == CriterionKind.SECTOR else [],
                "note_zh": note_zh if kind == CriterionKind.NOTE else "",
                "note_en": note_en if kind == CriterionKind.NOTE else "",
            }
        )
    return cleaned


def criteria_replace(policy: Policy, criteria: list[dict]) -> None:
    policy.criteria.all().delete()
    for position, item in enumerate(criteria):
        criterion = Criterion.objects.create(
            policy=policy,
            kind=item["kind"],
            value=item["value"],
            degree=item["degree"],
            district=item["district"],
            note_zh=item["note_zh"],
            note_en=item["note_en"],
            position=position,
        )
        if item["sectors"]:
            criterion.sectors.set(item["sectors"])


def _apply(policy: Policy, data: dict) -> list[Sector] | None:
    """Set the writable fields given in `data` on `policy`; the sectors, if given, are
    returned to be set once the policy is saved."""
    for name in POLICY_FIELDS:
        if name not in data or name == "sectors":
            continue
        value = data[name]
        if name in TEXT_FIELDS:
            value = (value or "").strip()
        if name == "benefit_amount" and value is not None and not isinstance(value, Decimal):
            value = Decimal(str(value))
        setattr(policy, name, value)
    return list(data["sectors"]) if "sectors" in data else None


def _save(policy: Policy, **kwargs) -> None:
    try:
        with transaction.atomic():
            policy.save(**kwargs)
    except IntegrityError as exc:  # a check constraint the clean() missed; never a 500
        raise ApplicationError(
            _("These values cannot be saved together; check the dates and the amount."),
            code="invalid",
        ) from exc


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
