"""Reads of the policies app shared by pages and the API; each owns its joins (no N+1).

Visibility: published and archived policies are public; a draft is seen only by the
officials of its district and by admins (to everyone else it does not exist: a 404)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from core import permissions
from search.models import SEARCH_FIELDS
from talent.models import Education, ReturneeProfile, WorkExperience

from .choices import MUNICIPAL, CriterionKind, EligibilityStatus, PolicyStatus
from .eligibility import Facts, Result, Rule, absent_text, describe_rule, evaluate, policy_rules
from .models import Criterion, Policy, PolicyFollow, PolicyVersion, TopicFollow

PUBLIC_STATUSES = [PolicyStatus.PUBLISHED, PolicyStatus.ARCHIVED]
MAX_COMPARED = 8


def _criteria() -> Prefetch:
    return Prefetch(
        "criteria",
        queryset=Criterion.objects.select_related("district")
        .prefetch_related("sectors")
        .order_by("position", "id"),
    )


def latest_version_subquery():
    """The number of a policy's latest version, for `.annotate(version_number=...)`."""
    return Subquery(
        PolicyVersion.objects.filter(policy=OuterRef("pk")).order_by("-number").values("number")[:1]
    )


def policy_base() -> QuerySet[Policy]:
    """Policies with what a list shows: district, sectors and the latest version number
    (not the search words, which only the database reads)."""
    return (
        Policy.objects.defer(*SEARCH_FIELDS)
        .select_related("district")
        .prefetch_related("sectors")
        .annotate(version_number=latest_version_subquery())
    )


def policy_with_criteria() -> QuerySet[Policy]:
    """Policies with their criteria loaded, ready for `policy_eligibility`."""
    return policy_base().prefetch_related(_criteria())


def latest_version_number(policy: Policy) -> int:
    number = getattr(policy, "version_number", None)
    if number is None:
        number = (
            PolicyVersion.objects.filter(policy=policy)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
    return number or 0


def visible_q(user) -> Q | None:
    """Which policies `user` may see (None: all of them)."""
    managed = permissions.district_q(user)
    if managed is None:
        return None
    return Q(status__in=PUBLIC_STATUSES) | (Q(status=PolicyStatus.DRAFT) & managed)


def policy_visible(*, user, queryset: QuerySet[Policy] | None = None) -> QuerySet[Policy]:
    queryset = policy_base() if queryset is None else queryset
    condition = visible_q(user)
    return queryset if condition is None else queryset.filter(condition)


def policy_list(*, user) -> QuerySet[Policy]:
    """Visible policies, newest first, with `is_following` for a signed-in user."""
    queryset = policy_visible(user=user)
    if getattr(user, "is_authenticated", False):
        queryset = queryset.annotate(
            is_following=Exists(PolicyFollow.objects.filter(user=user, policy=OuterRef("pk")))
        )
    return queryset.order_by("-published_at", "-id")


def policy_details(*, user) -> QuerySet[Policy]:
    """Visible policies with their criteria and versions (a policy's page)."""
    return policy_list(user=user).prefetch_related(
        _criteria(),
        Prefetch(
            "versions",
            queryset=PolicyVersion.objects.select_related("published_by").order_by("-number"),
        ),
    )


def policy_detail(*, user, policy_id: int) -> Policy | None:
    """A visible policy with its criteria and versions, or None."""
    return policy_details(user=user).filter(pk=policy_id).first()


def managed_policies(*, user) -> QuerySet[Policy]:
    """Every policy (any status) the user may change: their districts', or all for admins."""
    queryset = policy_base().order_by("status", "-updated_at", "-id")
    return permissions.in_managed_districts(queryset, user)


def active_q(day: datetime.date) -> Q:
    return (Q(effective_from__isnull=True) | Q(effective_from__lte=day)) & (
        Q(expires_on__isnull=True) | Q(expires_on__gte=day)
    )


def published_active(*, day: datetime.date) -> QuerySet[Policy]:
    return policy_with_criteria().filter(active_q(day), status=PolicyStatus.PUBLISHED)


# Profiles --------------------------------------------------------------------------------


def _profiles() -> QuerySet[ReturneeProfile]:
    return ReturneeProfile.objects.select_related(
        "work_district", "company_district"
    ).prefetch_related(
        "sectors",
        Prefetch(
            "education",
            queryset=Education.objects.only(
                "id", "profile_id", "degree_level", "start_year", "end_year"
            ),
        ),
        Prefetch(
            "work",
            queryset=WorkExperience.objects.only("id", "profile_id", "start_year", "end_year"),
        ),
    )


def eligibility_profile(*, user) -> ReturneeProfile | None:
    """The user's profile with what eligibility reads, or None if they have none."""
    if not getattr(user, "is_authenticated", False):
        return None
    return _profiles().filter(user=user).first()


def eligibility_profiles(*, user_ids: list[int]) -> dict[int, ReturneeProfile]:
    if not user_ids:
        return {}
    return {profile.user_id: profile for profile in _profiles().filter(user_id__in=user_ids)}


# Eligibility across policies -------------------------------------------------------------


@dataclass
class Match:
    """A policy and a returnee's result for it, with other policies worth a look."""

    policy: Policy
    result: Result
    alternatives: list[dict] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.result.status


def alternatives_for(
    policy: Policy, result: Result, candidates: list[Match], *, limit: int = 3
) -> list[dict]:
    """For a policy the returnee misses: policies of the same kind elsewhere that they
    qualify for, or that lack the criterion they fail ("the Pudong one has no age limit")."""
    if result.status != EligibilityStatus.INELIGIBLE:
        return []
    failing = [line.kind for line in result.unmet]
    found = []
    for other in candidates:
        if other.policy.pk == policy.pk or other.policy.category != policy.category:
            continue
        kinds = {criterion.kind for criterion in other.policy.criteria.all()}
        absent = _(", ").join(absent_text(kind) for kind in failing if kind not in kinds)
        if other.result.is_eligible:
            reason, rank = _("you qualify for it"), 0
        elif not absent:
            continue
        elif other.result.status == EligibilityStatus.UNKNOWN:
            reason = _("%(absent)s; your profile does not say enough to tell") % {"absent": absent}
            rank = 1
        elif other.result.narrowly_missed:
            reason = _("%(absent)s; you miss it on one criterion: %(hint)s") % {
                "absent": absent,
                "hint": other.result.hint.rstrip(".。"),
            }
            rank = 2
        else:  # missed on other criteria too: no help
            continue
        found.append(
            {
                "policy": other.policy,
                "status": other.result.status,
                "reason": str(reason),
                "text": _("“%(title)s” (%(issuer)s): %(reason)s.")
                % {
                    "title": other.policy.title,
                    "issuer": other.policy.issuer_name,
                    "reason": reason,
                },
                "rank": rank,
            }
        )
    found.sort(key=lambda item: item["rank"])
    return found[:limit]


def policy_matches(*, user, day: datetime.date, policies=None) -> list[Match]:
    """Every published policy in force on `day`, checked against the user's profile."""
    facts = Facts.from_profile(eligibility_profile(user=user))
    policies = list(published_active(day=day) if policies is None else policies)
    return [
        Match(policy=policy, result=evaluate(facts, policy_rules(policy), today=day))
        for policy in policies
    ]


def policy_alternatives(*, user, policy: Policy, result: Result, day: datetime.date) -> list[dict]:
    """Alternatives to one policy (its detail page and the eligibility answer)."""
    if result.status != EligibilityStatus.INELIGIBLE:
        return []
    same_kind = published_active(day=day).filter(category=policy.category).exclude(pk=policy.pk)
    candidates = policy_matches(user=user, day=day, policies=same_kind)
    return alternatives_for(policy, result, candidates)


@dataclass
class ForMe:
    """The "policies for me" page: what the returnee qualifies for, what needs more of their
    profile, what they narrowly miss (with what would change it), and the rest."""

    eligible: list[Match]
    unknown: list[Match]
    narrowly_missed: list[Match]
    ineligible: list[Match]
    has_profile: bool

    @property
    def ordered(self) -> list[Match]:
        return self.eligible + self.unknown + self.narrowly_missed + self.ineligible


def policies_for_me(*, user, day: datetime.date) -> ForMe:
    profile = eligibility_profile(user=user)
    facts = Facts.from_profile(profile)
    matches = [
        Match(policy=policy, result=evaluate(facts, policy_rules(policy), today=day))
        for policy in published_active(day=day)
    ]
    eligible, unknown, narrow, rest = [], [], [], []
    for match in matches:
        if match.result.is_eligible:
            eligible.append(match)
        elif match.status == EligibilityStatus.UNKNOWN:
            unknown.append(match)
        elif match.result.narrowly_missed:
            match.alternatives = alternatives_for(match.policy, match.result, matches)
            narrow.append(match)
        else:
            match.alternatives = alternatives_for(match.policy, match.result, matches)
            rest.append(match)
    # Within a group, the fewest things left to fill in (or to miss) first.
    unknown.sort(key=lambda match: len(match.result.unknown))
    rest.sort(key=lambda match: len(match.result.unmet))
    return ForMe(eligible, unknown, narrow, rest, has_profile=profile is not None)


# Comparison ------------------------------------------------------------------------------


@dataclass
class Comparison:
    """Policies of one category side by side: a row per kind of criterion, a cell per
    policy ("No age limit" where a policy has none)."""

    category: str
    policies: list[Policy]
    rows: list[dict]
    results: list[Result | None]


def compare_policies(
    *, category: str, day: datetime.date, user=None, district_codes: list[str] | None = None
) -> Comparison:
    queryset = published_active(day=day).filter(category=category)
    if district_codes:
        place = Q(district__code__in=[code for code in district_codes if code != MUNICIPAL])
        if MUNICIPAL in district_codes:
            place |= Q(district__isnull=True)
        queryset = queryset.filter(place)
    policies = list(
        queryset.order_by("district__sort_order", "district__code", "id")[:MAX_COMPARED]
    )
    facts = None
    if getattr(user, "is_authenticated", False):
        profile = eligibility_profile(user=user)
        facts = Facts.from_profile(profile) if profile is not None else None
    results = [
        evaluate(facts, policy_rules(policy), today=day) if facts else None for policy in policies
    ]
    kinds = [
        kind
        for kind in CriterionKind.values
        if any(criterion.kind == kind for policy in policies for criterion in policy.criteria.all())
    ]
    rows = []
    for kind in kinds:
        cells = []
        for index, policy in enumerate(policies):
            position = [
                i for i, criterion in enumerate(policy.criteria.all()) if criterion.kind == kind
            ]
            if not position:
                cells.append({"text": absent_text(kind), "met": None, "absent": True})
                continue
            lines = [results[index].lines[i] for i in position] if results[index] else []
            texts = [line.required for line in lines] or [
                _describe(policy.criteria.all()[i]) for i in position
            ]
            met = None
            if lines:
                met = (
                    False
                    if any(line.met is False for line in lines)
                    else (True if all(line.met for line in lines) else None)
                )
            cells.append({"text": "; ".join(texts), "met": met, "absent": False})
        rows.append({"kind": kind, "label": dict(CriterionKind.choices)[kind], "cells": cells})
    return Comparison(category=category, policies=policies, rows=rows, results=results)


def _describe(criterion: Criterion) -> str:
    return describe_rule(Rule.from_criterion(criterion))


# Follows ---------------------------------------------------------------------------------


def followed_policies(*, user) -> QuerySet[Policy]:
    if not getattr(user, "is_authenticated", False):
        return Policy.objects.none()
    return policy_base().filter(follows__user=user).order_by("-follows__created_at")


def topics_of(*, user) -> QuerySet[TopicFollow]:
    if not getattr(user, "is_authenticated", False):
        return TopicFollow.objects.none()
    return TopicFollow.objects.filter(user=user).select_related("district")


def is_following(*, user, policy: Policy) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    annotated = getattr(policy, "is_following", None)
    if annotated is not None:
        return bool(annotated)
    return PolicyFollow.objects.filter(user=user, policy=policy).exists()


# Facets ----------------------------------------------------------------------------------


def category_counts(queryset: QuerySet[Policy]) -> dict[str, int]:
    rows = queryset.order_by().values("category").annotate(count=Count("id", distinct=True))
    return {row["category"]: row["count"] for row in rows}


def district_counts(queryset: QuerySet[Policy]) -> dict[str, int]:
    rows = queryset.order_by().values("district__code").annotate(count=Count("id", distinct=True))
    return {(row["district__code"] or MUNICIPAL): row["count"] for row in rows}
