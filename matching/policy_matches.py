"""Policies for returnees, through the eligibility rules of `policies.eligibility`.

A published policy in force is a match for a returnee whose profile meets every criterion
("eligible"), or meets some and leaves the rest unknown ("likely eligible"); one it fails on
any criterion is not. The score is (met + 1) / (total + 2): more criteria known to be met
weigh more, and a policy with no criteria is no match at all. Its one reason says how many
criteria are met (`eligible` or `likely_eligible`, weighing the whole score).

For one person every distinct criterion is checked once with `check_rule`. For the whole
city (`match_all`) profiles are grouped, criterion kind by kind, into classes that read the
same for that kind (`PROJECTIONS`: the facts `check_rule` reads for it); each distinct
criterion is checked once per class, with a real member's facts, and each policy combines
its criteria as vectors over all profiles.
"""

import datetime

import numpy as np
from django.db import connection

from core.models import District, Sector, User
from policies import selectors as policy_selectors
from policies.choices import CriterionKind, PolicyStatus
from policies.eligibility import Facts, Period, Place, check_rule, policy_rules
from policies.models import Criterion, Policy
from talent.models import Education, ReturneeProfile, WorkExperience

from .features import _table, _through, int_rows

MET, UNKNOWN, UNMET = 1, 0, -1

# The facts `check_rule` reads for each kind of criterion, as a hashable key: two profiles
# with the same key get the same answer (tested against `policies.eligibility`).
PROJECTIONS = {
    CriterionKind.MIN_DEGREE: lambda facts: frozenset(facts.degrees),
    CriterionKind.OVERSEAS_YEARS: lambda facts: (
        bool(facts.study or facts.work),
        sum(period.years or 0 for period in facts.study),
        sum(period.years or 0 for period in facts.work),
        any(period.years is None for period in facts.study + facts.work),
    ),
    CriterionKind.RETURNED_WITHIN: lambda facts: facts.returned_on,
    CriterionKind.MAX_AGE: lambda facts: facts.birth_year,
    CriterionKind.SECTOR: lambda facts: frozenset(sector.code for sector in facts.sectors),
    CriterionKind.COMPANY_DISTRICT: lambda facts: facts.company_district,
    CriterionKind.EMPLOYED_IN_DISTRICT: lambda facts: (
        facts.work_district,
        facts.company_role,
        facts.company_district,
    ),
    CriterionKind.FOUNDER_IN_DISTRICT: lambda facts: (facts.company_role, facts.company_district),
    CriterionKind.NOTE: lambda facts: None,
}

_cache: dict = {"stamp": None, "policies": [], "outcomes": {}}
OUTCOMES_KEPT = 500_000  # criterion answers remembered between per-person re-matches


def score(met: int, total: int) -> float:
    return round((met + 1) / (total + 2), 4)


def reasons(met: int, unknown: int, total: int) -> str:
    code = "likely_eligible" if unknown else "eligible"
    return (
        f'[{{"code": "{code}", "params": {{"met": {met}, "total": {total}}}, '
        f'"weight": {score(met, total)!r}}}]'
    )


def _stamp(today: datetime.date) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT count(*) FROM {_table(Policy)} WHERE status = %s),"
            f" (SELECT max(updated_at) FROM {_table(Policy)}),"
            f" (SELECT count(*) FROM {_table(Criterion)}),"
            f" (SELECT max(id) FROM {_table(Criterion)})",
            [PolicyStatus.PUBLISHED],
        )
        return (today, *cursor.fetchone())


def published_policies(today: datetime.date) -> list[tuple[int, int | None, list]]:
    """(id, district id, rules) of the published policies in force on `today`, newest
    first; kept in memory until a policy or criterion changes."""
    stamp = _stamp(today)
    if _cache["stamp"] != stamp:
        rows = policy_selectors.published_active(day=today).order_by("-id")
        policies = [(policy.pk, policy.district_id, policy_rules(policy)) for policy in rows]
        # The distinct criteria, and which of them each policy has (-1: none).
        distinct: dict[tuple, int] = {}
        width = max((len(rules) for _pk, _district, rules in policies), default=0)
        table = np.full((len(policies), max(width, 1)), -1, dtype=np.int64)
        for row, (_pk, _district, rules) in enumerate(policies):
            for column, rule in enumerate(rules):
                table[row, column] = distinct.setdefault(rule.identity, len(distinct))
        rules_by_index = [None] * len(distinct)
        for _pk, _district, rules in policies:
            for rule in rules:
                rules_by_index[distinct[rule.identity]] = rule
        _cache.update(
            policies=policies,
            distinct=[(rule, rule.identity) for rule in rules_by_index],
            table=table,
            ids=np.array([pk for pk, _district, _rules in policies], dtype=np.int64),
            outcomes={},
            stamp=stamp,
        )
    return _cache["policies"]


def _outcome(met) -> int:
    return MET if met is True else UNMET if met is False else UNKNOWN


def match_person(
    user_id: int, *, k: int, today: datetime.date, dismissed: set | None = None
) -> list[tuple]:
    """The k best policy matches of one returnee: (user id, policy id, district id, score,
    reasons JSON) rows, leaving out the (user id, policy id) pairs in `dismissed`."""
    profile = policy_selectors.eligibility_profiles(user_ids=[user_id]).get(user_id)
    if profile is None:
        return []
    facts = Facts.from_profile(profile)
    policies = published_policies(today)
    if not policies:
        return []
    # A criterion's answer depends only on the facts its kind reads (PROJECTIONS): answers
    # are remembered by criterion and those facts, for the next person who shares them.
    remembered = _cache["outcomes"]
    if len(remembered) > OUTCOMES_KEPT:
        remembered.clear()
    projected = {kind: project(facts) for kind, project in PROJECTIONS.items()}
    answers = np.empty(len(_cache["distinct"]) + 1, dtype=np.int8)
    answers[-1] = MET  # the padding of policies with fewer criteria: neither fails nor counts
    for index, (rule, identity) in enumerate(_cache["distinct"]):
        key = (identity, projected.get(rule.kind, facts))
        outcome = remembered.get(key)
        if outcome is None:
            outcome = remembered[key] = _outcome(check_rule(rule, facts, today=today).met)
        answers[index] = outcome
    table = _cache["table"]
    outcomes = answers[table]  # -1 indexes the padding
    real = table >= 0
    met = ((outcomes == MET) & real).sum(axis=1)
    unknown = ((outcomes == UNKNOWN) & real).sum(axis=1)
    total = real.sum(axis=1)
    matched = ~(outcomes == UNMET).any(axis=1) & (met > 0)
    if dismissed:
        gone = [policy for user, policy in dismissed if user == user_id]
        matched &= ~np.isin(_cache["ids"], gone)
    orders = np.flatnonzero(matched)
    ranked = orders[np.lexsort((orders, -((met[orders] + 1) / (total[orders] + 2))))][:k]
    rows = []
    for order in ranked.tolist():
        policy_id, district_id, _rules = policies[order]
        rows.append(
            (
                user_id,
                policy_id,
                district_id,
                score(int(met[order]), int(total[order])),
                reasons(int(met[order]), int(unknown[order]), int(total[order])),
            )
        )
    return rows


# The whole city ---------------------------------------------------------------------------


def load_facts() -> dict[int, Facts]:
    """The eligibility facts of every consenting, active returnee, by user id, read with a
    few raw queries (the same fields as `Facts.from_profile`)."""
    profile = _table(ReturneeProfile)
    user = _table(User)
    places = {
        "district": {
            row[0]: Place(code=row[1], name_zh=row[2], name_en=row[3])
            for row in District.objects.values_list("pk", "code", "name_zh", "name_en")
        },
        "sector": {
            row[0]: Place(code=row[1], name_zh=row[2], name_en=row[3])
            for row in Sector.objects.values_list("pk", "code", "name_zh", "name_en")
        },
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.id, p.user_id, p.birth_year, p.returned_on, p.work_district_id,"
            f" p.company_district_id, p.company_role FROM {profile} p"
            f" JOIN {user} u ON u.id = p.user_id WHERE p.matching_consent AND u.is_active"
        )
        rows = cursor.fetchall()
        cursor.execute(
            f"SELECT profile_id, degree_level, start_year, end_year FROM {_table(Education)}"
        )
        education = cursor.fetchall()
    table, owner, other = _through(ReturneeProfile, "sectors")
    sectors: dict[int, list] = {}
    for profile_id, sector_id in int_rows(f"SELECT {owner}, {other} FROM {table}"):
        sectors.setdefault(int(profile_id), []).append(places["sector"].get(int(sector_id)))
    study: dict[int, list] = {}
    degrees: dict[int, list] = {}
    for profile_id, degree, start, end in education:
        study.setdefault(profile_id, []).append(Period(start, end))
        degrees.setdefault(profile_id, []).append(degree)
    work: dict[int, list] = {}
    for profile_id, start, end in int_rows(
        f"SELECT profile_id, COALESCE(start_year, -1), COALESCE(end_year, -1)"
        f" FROM {_table(WorkExperience)}",
        columns=3,
    ):
        work.setdefault(int(profile_id), []).append(
            Period(None if start < 0 else int(start), None if end < 0 else int(end))
        )
    districts = places["district"]
    return {
        user_id: Facts(
            has_profile=True,
            birth_year=birth_year,
            returned_on=returned_on,
            work_district=districts.get(work_district),
            company_district=districts.get(company_district),
            company_role=company_role or "",
            sectors=tuple(place for place in sectors.get(profile_id, ()) if place),
            degrees=tuple(degrees.get(profile_id, ())),
            study=tuple(study.get(profile_id, ())),
            work=tuple(work.get(profile_id, ())),
        )
        for profile_id, user_id, birth_year, returned_on, work_district, company_district, (
            company_role
        ) in rows
    }


def _classes(people: list[Facts], kind: str) -> tuple[np.ndarray, list[int]]:
    """Each person's class for `kind`, and one member of each class."""
    project = PROJECTIONS.get(kind, lambda facts: facts)
    index: dict = {}
    members: list[int] = []
    classes = np.empty(len(people), dtype=np.int64)
    for position, facts in enumerate(people):
        key = project(facts)
        found = index.get(key)
        if found is None:
            found = index[key] = len(members)
            members.append(position)
        classes[position] = found
    return classes, members


def match_all(
    facts_by_user: dict[int, Facts],
    *,
    user_ids,
    k: int,
    today: datetime.date,
    dismissed: set | None = None,
) -> list[tuple]:
    """The k best policy matches of every returnee in `user_ids`, as `match_person` rows."""
    user_ids = [int(user_id) for user_id in user_ids]
    positions = {user_id: position for position, user_id in enumerate(user_ids)}
    set_aside: dict[int, list[int]] = {}
    for user_id, policy_id in dismissed or ():
        if user_id in positions:
            set_aside.setdefault(policy_id, []).append(positions[user_id])
    people = [facts_by_user.get(user_id) or Facts() for user_id in user_ids]
    policies = published_policies(today)
    n = len(people)
    if not n or not policies:
        return []
    classes: dict[str, tuple] = {}
    outcomes: dict[tuple, np.ndarray] = {}
    for _policy_id, _district_id, rules in policies:
        for rule in rules:
            if rule.identity in outcomes:
                continue
            if rule.kind not in classes:
                classes[rule.kind] = _classes(people, rule.kind)
            members_class, members = classes[rule.kind]
            per_class = np.array(
                [_outcome(check_rule(rule, people[m], today=today).met) for m in members],
                dtype=np.int8,
            )
            outcomes[rule.identity] = per_class[members_class]
    # Each person's k best so far, in slots: score, policy order (newest first), criteria met.
    best_scores = np.zeros((n, k), dtype=np.float32)
    best_orders = np.full((n, k), -1, dtype=np.int64)
    best_met = np.zeros((n, k), dtype=np.int64)
    lowest = np.zeros(n, dtype=np.float32)
    for order, (policy_id, _district_id, rules) in enumerate(policies):
        if not rules:
            continue
        stacked = np.stack([outcomes[rule.identity] for rule in rules])
        met = (stacked == MET).sum(axis=0)
        failed = (stacked == UNMET).any(axis=0)
        scores = np.where(failed | (met == 0), 0, (met + 1) / (len(rules) + 2)).astype(np.float32)
        if policy_id in set_aside:
            scores[set_aside[policy_id]] = 0
        # Policies come newest first: an equal score never displaces an earlier one.
        people_found = np.flatnonzero(scores > lowest)
        if not len(people_found):
            continue
        # The slot to replace: the lowest score, and among equal scores the oldest policy.
        slot_keys = best_scores[people_found].astype(np.float64) * 1e9 - best_orders[people_found]
        slots = np.argmin(slot_keys, axis=1)
        best_scores[people_found, slots] = scores[people_found]
        best_orders[people_found, slots] = order
        best_met[people_found, slots] = met[people_found]
        lowest[people_found] = best_scores[people_found].min(axis=1)
    people, slots = np.nonzero(best_orders >= 0)
    rows = []
    for person, slot in zip(people.tolist(), slots.tolist(), strict=True):
        policy_id, district_id, rules = policies[best_orders[person, slot]]
        total, met = len(rules), int(best_met[person, slot])
        rows.append(
            (
                user_ids[person],
                policy_id,
                district_id,
                score(met, total),
                reasons(met, total - met, total),
            )
        )
    return rows
