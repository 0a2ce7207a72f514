"""Reads of the matching app shared by pages and the API; each owns its joins (no N+1).

Who a match is for: the returnee for the `returnee_*` kinds, the founders of the startup for
`opening_returnee` (candidates for an opening) and `startup_advisor`. Everyone else never sees
it. A match is shown while it is current, not dismissed, its target is still live (an open
opening, an active advisor, a published policy, a published event yet to start) and the
returnee in it, if any, is an active account that consents to matching.
"""

import datetime

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import timezone

from core import permissions
from core.models import District, User
from events.choices import EventStatus
from events.models import Event
from policies.choices import PolicyStatus
from policies.models import Policy
from startups.models import Founder, Opening
from talent.models import AdvisorProfile

from .choices import MatchKind, ProposalStatus
from .models import KIND_COLUMNS, AdvisorProposal, Match
from .reasons import render_all

RETURNEE_KINDS = [
    MatchKind.RETURNEE_OPENING,
    MatchKind.RETURNEE_ADVISOR,
    MatchKind.RETURNEE_POLICY,
    MatchKind.RETURNEE_EVENT,
]
FOUNDER_KINDS = [MatchKind.OPENING_RETURNEE, MatchKind.STARTUP_ADVISOR]


def _live_q() -> Q:
    """Current, not dismissed, with a live target and a consenting returnee (if any)."""
    target_live = (
        Q(
            kind__in=[MatchKind.RETURNEE_OPENING, MatchKind.OPENING_RETURNEE],
            opening__is_open=True,
        )
        | Q(
            kind__in=[MatchKind.RETURNEE_ADVISOR, MatchKind.STARTUP_ADVISOR],
            advisor__is_active=True,
            advisor__user__is_active=True,
        )
        | Q(kind=MatchKind.RETURNEE_POLICY, policy__status=PolicyStatus.PUBLISHED)
        | Q(
            kind=MatchKind.RETURNEE_EVENT,
            event__status=EventStatus.PUBLISHED,
            event__starts_at__gt=timezone.now(),
        )
    )
    returnee_ok = Q(returnee__isnull=True) | Q(
        returnee__is_active=True, returnee__profile__matching_consent=True
    )
    return Q(is_current=True, dismissed_at__isnull=True) & target_live & returnee_ok


def _for_q(user: User) -> Q:
    """The matches that are `user`'s to see and act on.

    The startups the user founded and their openings are read first (one query), so that
    each branch of the condition compares a column of the match with values: the partial
    indexes on (returnee | opening | startup, kind, -score) answer each branch and
    PostgreSQL combines them, where a sub-select inside the OR made it read every match. A
    branch with nothing to find (most users found no startup) is left out."""
    condition = Q(kind__in=RETURNEE_KINDS, returnee_id=user.pk)
    founded = Founder.objects.filter(user_id=user.pk).values_list(
        "startup_id", "startup__openings__id"
    )
    startup_ids, opening_ids = set(), set()
    for startup_id, opening_id in founded:
        startup_ids.add(startup_id)
        if opening_id is not None:
            opening_ids.add(opening_id)
    if opening_ids:
        condition |= Q(kind=MatchKind.OPENING_RETURNEE, opening_id__in=sorted(opening_ids))
    if startup_ids:
        condition |= Q(kind=MatchKind.STARTUP_ADVISOR, startup_id__in=sorted(startup_ids))
    return condition


def _with_relations(queryset: QuerySet[Match]) -> QuerySet[Match]:
    """The rows a match card shows, in a few small queries. Joining all of them into the
    page query (thirteen tables) made PostgreSQL spend far longer planning it than running
    it; the targets of one page come by id instead."""
    return queryset.select_related("returnee__profile").prefetch_related(
        "opening__startup",
        "startup__district",
        "advisor__user",
        "policy__district",
        "event__district",
    )


# Where each kind's live target is named in a candidate row (id, kind, returnee, opening,
# advisor, policy, event): a candidate for an opening is live while the opening is open.
_TARGET_COLUMN = {
    MatchKind.RETURNEE_OPENING: 3,
    MatchKind.OPENING_RETURNEE: 3,
    MatchKind.RETURNEE_ADVISOR: 4,
    MatchKind.STARTUP_ADVISOR: 4,
    MatchKind.RETURNEE_POLICY: 5,
    MatchKind.RETURNEE_EVENT: 6,
}


def _live_targets() -> dict[int, QuerySet]:
    """Per target column, the live rows of its table (`_live_q`'s target conditions)."""
    return {
        3: Opening.objects.filter(is_open=True),
        4: AdvisorProfile.objects.filter(is_active=True, user__is_active=True),
        5: Policy.objects.filter(status=PolicyStatus.PUBLISHED),
        6: Event.objects.filter(status=EventStatus.PUBLISHED, starts_at__gt=timezone.now()),
    }


def _ids_among(queryset: QuerySet, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    return set(queryset.filter(pk__in=ids).values_list("pk", flat=True))


def _live_ids(rows: list[tuple]) -> list[int]:
    """The ids among candidate rows that `_live_q` keeps: one small query per kind of target
    and one for the returnees' consent."""
    live = {
        column: _ids_among(
            queryset,
            {row[column] for row in rows if _TARGET_COLUMN[row[1]] == column},
        )
        for column, queryset in _live_targets().items()
    }
    consenting = _ids_among(
        User.objects.filter(is_active=True, profile__matching_consent=True),
        {row[2] for row in rows if row[2] is not None},
    )
    return [
        row[0]
        for row in rows
        if row[_TARGET_COLUMN[row[1]]] in live[_TARGET_COLUMN[row[1]]]
        and (row[2] is None or row[2] in consenting)
    ]


def matches_for_user(user: User, kind: str | None = None) -> QuerySet[Match]:
    """The matches shown to `user`, best first; none for an anonymous visitor.

    In two steps: the user's current, undismissed matches (a few hundred at most: each kind
    keeps the top K) by the partial indexes, then which of them are live (`_live_q`), by
    one query per kind of target. One query joining every target table to test it made
    PostgreSQL spend longer planning than running it, on every page of matches."""
    if not getattr(user, "is_authenticated", False):
        return Match.objects.none()
    candidates = Match.objects.filter(_for_q(user), is_current=True, dismissed_at__isnull=True)
    if kind:
        candidates = candidates.filter(kind=kind)
    rows = list(
        candidates.values_list(
            "pk", "kind", "returnee_id", "opening_id", "advisor_id", "policy_id", "event_id"
        )
    )
    queryset = Match.objects.filter(pk__in=_live_ids(rows))
    return _with_relations(queryset).order_by("-score", "-id")


def match_for_user(user: User, match_id: int) -> Match | None:
    """One of the matches shown to `user`, or None (someone else's, dismissed, stale)."""
    return matches_for_user(user).filter(pk=match_id).first()


def is_for(user: User, match: Match) -> bool:
    """Whether `match` is `user`'s (whatever its state)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Match.objects.filter(_for_q(user), pk=match.pk).exists()


def opening_of_founder(user: User, opening_id: int) -> Opening | None:
    """An opening of one of the startups `user` founded, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Opening.objects.select_related("startup", "sector")
        .filter(pk=opening_id, startup__founders__user_id=user.pk)
        .first()
    )


def candidates_for_opening(opening: Opening) -> QuerySet[Match]:
    """The returnees matched to an opening (`opening_returnee`), best first."""
    return _with_relations(
        Match.objects.filter(kind=MatchKind.OPENING_RETURNEE, opening=opening).filter(_live_q())
    ).order_by("-score", "-id")


# Officials -------------------------------------------------------------------------------


def managed_districts(user: User) -> QuerySet[District]:
    """The districts whose matching an official watches: theirs, or all for an admin."""
    return permissions.managed_districts(user)


def proposal_list() -> QuerySet[AdvisorProposal]:
    return AdvisorProposal.objects.select_related(
        "returnee__profile", "startup__district", "advisor__user", "district", "decided_by"
    ).order_by("-created_at", "-id")


def proposals_for_district(district: District) -> QuerySet[AdvisorProposal]:
    """The live (not overridden, not superseded) advisor proposals of a district."""
    return proposal_list().filter(district=district, status=ProposalStatus.PROPOSED)


def proposals_visible_to(user: User) -> QuerySet[AdvisorProposal]:
    """Every proposal (any status: the overridden ones are the audit trail) of the user's
    districts; all of them for an admin; none for anyone else."""
    return permissions.in_managed_districts(proposal_list(), user)


def week_start(moment: datetime.datetime) -> datetime.date:
    """The Monday (in the portal's time zone) of the week of `moment`."""
    day = timezone.localtime(moment).date()
    return day - datetime.timedelta(days=day.weekday())


def weekly_counts(
    districts: list[District], weeks: int = 12, now: datetime.datetime | None = None
) -> dict[int, list[tuple[datetime.date, int, int]]]:
    """For each district, the last `weeks` weeks (oldest first, this week last) as
    `(monday, matches made, matches acted on)`: made counts by when a match was found,
    acted by when its person first acted on it. Two queries for all the districts."""
    this_week = week_start(now or timezone.now())
    mondays = [this_week - datetime.timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    since = timezone.make_aware(datetime.datetime.combine(mondays[0], datetime.time.min))
    ids = [district.pk for district in districts]
    counts = {(district_id, monday): [0, 0] for district_id in ids for monday in mondays}
    for column, index in (("created_at", 0), ("acted_at", 1)):
        rows = (
            Match.objects.filter(district_id__in=ids, **{f"{column}__gte": since})
            .annotate(week=TruncWeek(column))
            .values_list("district_id", "week")
            .annotate(count=Count("id"))
            .order_by()
        )
        for district_id, week, count in rows:
            key = (district_id, timezone.localtime(week).date())
            if key in counts:
                counts[key][index] += count
    return {
        district_id: [(monday, *counts[(district_id, monday)]) for monday in mondays]
        for district_id in ids
    }


def district_weekly_counts(
    district: District, weeks: int = 12, now: datetime.datetime | None = None
) -> list[tuple[datetime.date, int, int]]:
    """`(monday, made, acted)` for each of the last `weeks` weeks, oldest first."""
    return weekly_counts([district], weeks=weeks, now=now)[district.pk]


# What a match shows ----------------------------------------------------------------------


def _public_profile(user: User):
    """The returnee's profile if they are listed in the public directory, else None."""
    profile = getattr(user, "profile", None)
    return profile if profile is not None and profile.is_public else None


def describe(obj, kind: str) -> dict:
    """A small description of a match's subject or target: `type`, `id`, `title`,
    `subtitle`, `url`. A returnee shows only their name, and their headline and directory
    card if they are listed publicly (never their e-mail or a hidden section)."""
    if kind == "returnee":
        profile = _public_profile(obj)
        return {
            "type": kind,
            "id": profile.pk if profile else None,
            "title": obj.full_name,
            "subtitle": profile.headline if profile and profile.show_headline else "",
            "url": profile.get_absolute_url() if profile else None,
        }
    if kind == "opening":
        title, subtitle = obj.title, obj.startup.name
    elif kind == "startup":
        title, subtitle = obj.name, obj.district.name
    elif kind == "advisor":
        title, subtitle = obj.user.full_name, obj.title
    elif kind == "policy":
        title, subtitle = obj.title, obj.issuer_name
    else:  # event
        starts = timezone.localtime(obj.starts_at).strftime("%Y-%m-%d %H:%M")
        title, subtitle = obj.title, f"{starts} · {obj.district.name}"
    return {
        "type": kind,
        "id": obj.pk,
        "title": title,
        "subtitle": subtitle,
        "url": obj.get_absolute_url(),
    }


# The section of a returnee's directory card (`talent.privacy.PUBLIC_SECTIONS`) that each
# reason about the returnee tells of.
REASON_SECTIONS = {
    "institution": "show_education",
    "employer": "show_work",
    "skill": "show_skills",
    "sector": "show_sectors",
    "district": "show_districts",
    "district_home": "show_districts",
    "language": "show_languages",
    "seeking": "show_seeking",
    "expertise": "show_seeking",  # the advice the returnee's seeking calls for
}
# Reasons about the other side only (an advisor's free capacity): always shown.
TARGET_REASONS = {"capacity"}


def _card_reasons(returnee: User, reasons: list[dict]) -> list[dict]:
    """The reasons that tell only what the returnee's directory card shows (none if they
    are not listed)."""
    profile = _public_profile(returnee)
    return [
        reason
        for reason in reasons
        if reason.get("code") in TARGET_REASONS
        or (
            profile is not None
            and reason.get("code") in REASON_SECTIONS
            and getattr(profile, REASON_SECTIONS[reason["code"]])
        )
    ]


def match_reasons(match: Match) -> list[str]:
    """The lines of a match as its people may read them. A candidate is shown to the
    founders as the privacy notice says: their name, and their directory card if they are
    listed; so only the reasons from sections the card shows are given (none if unlisted)."""
    reasons = match.reasons or []
    if match.kind == MatchKind.OPENING_RETURNEE:
        reasons = _card_reasons(match.returnee, reasons)
    return render_all(reasons, match.kind)


def proposal_reasons(proposal: AdvisorProposal) -> list[str]:
    """The lines of an advisor proposal as officials read them: about a returnee, only what
    their directory card shows, as for founders; about a startup (business data), all."""
    if proposal.returnee_id:
        return render_all(
            _card_reasons(proposal.returnee, proposal.reasons or []), MatchKind.RETURNEE_ADVISOR
        )
    return render_all(proposal.reasons or [], MatchKind.STARTUP_ADVISOR)


def match_target(match: Match) -> dict:
    """What the match points at, described for its person."""
    return describe(match.target, KIND_COLUMNS[match.kind][1])


def match_subject(match: Match) -> dict | None:
    """For the founders' kinds, which opening or startup of theirs the match is for."""
    if match.kind not in FOUNDER_KINDS:
        return None
    return describe(match.subject, KIND_COLUMNS[match.kind][0])


def target_url(match: Match) -> str:
    """The page of what a match points at; for a candidate who is not listed publicly, the
    opening's candidates page."""
    return match_target(match)["url"] or reverse("matching:candidates", args=[match.opening_id])


def is_official(user: User) -> bool:
    """Admins, and officials of at least one district, watch matching."""
    return permissions.manages_any_district(user)
