"""Telling people of their new matches, exactly once, through the notification outbox.

`notify_new_matches` claims, batch by batch, the current matches nobody has been told of,
not dismissed, scoring at least `settings.MATCH_NOTIFY_THRESHOLD`, whose target is still
live and whose returnee (if any) is an active account that still consents to matching -
`SELECT ... FOR UPDATE SKIP LOCKED`, so two workers never claim the same row. It groups them
by the person to tell (the returnee for the `returnee_*` kinds, the founders of the startup
for `opening_returnee` and `startup_advisor`), writes one outbox notification per person
listing their matches (`core.services.notification_create`: e-mailed at once, in the daily
or weekly digest, or only shown in the inbox, as each person chose) and marks the matches
notified, all in the claiming transaction. A worker that dies before the commit leaves its
matches unclaimed for the next run; a committed match is never claimed again.
"""

from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.choices import NotificationKind
from core.i18n import localized
from core.models import User
from core.services import notification_create
from events.choices import EventStatus
from policies.choices import PolicyStatus
from startups.models import Founder

from .choices import MatchKind
from .models import Match
from .selectors import match_reasons

BATCH = 500  # matches claimed in one transaction
REASONS_LISTED = 3  # reasons of each match shown in the message
FOUNDER_KINDS = (MatchKind.OPENING_RETURNEE, MatchKind.STARTUP_ADVISOR)
RETURNEE_KINDS = [kind for kind in MatchKind.values if kind not in FOUNDER_KINDS]


def _claimable() -> Q:
    """Matches worth telling of that nobody has been told of."""
    target_live = (
        Q(kind__in=[MatchKind.RETURNEE_OPENING, MatchKind.OPENING_RETURNEE], opening__is_open=True)
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
    return (
        Q(
            is_current=True,
            dismissed_at__isnull=True,
            notified_at__isnull=True,
            score__gte=settings.MATCH_NOTIFY_THRESHOLD,
        )
        & target_live
        & returnee_ok
    )


def _recipients(matches: list[Match]) -> dict[int, list[Match]]:
    """{user id: their matches}: the returnee, or the active founders of the startup."""
    startup_ids = set()
    for match in matches:
        if match.kind == MatchKind.OPENING_RETURNEE:
            startup_ids.add(match.opening.startup_id)
        elif match.kind == MatchKind.STARTUP_ADVISOR:
            startup_ids.add(match.startup_id)
    founders = defaultdict(list)
    for startup_id, user_id in Founder.objects.filter(
        startup_id__in=startup_ids, user__is_active=True
    ).values_list("startup_id", "user_id"):
        founders[startup_id].append(user_id)
    grouped = defaultdict(list)
    for match in matches:
        if match.kind == MatchKind.OPENING_RETURNEE:
            users = founders[match.opening.startup_id]
        elif match.kind == MatchKind.STARTUP_ADVISOR:
            users = founders[match.startup_id]
        else:
            users = [match.returnee_id]
        for user_id in users:
            grouped[user_id].append(match)
    return grouped


def _title(match: Match) -> str:
    """What the match is about, in the active language."""
    if match.kind == MatchKind.RETURNEE_OPENING:
        return f"{match.opening.title} — {match.opening.startup.name}"
    if match.kind == MatchKind.OPENING_RETURNEE:
        return _("A candidate for “%(title)s”") % {"title": match.opening.title}
    if match.kind == MatchKind.RETURNEE_ADVISOR:
        return str(match.advisor)
    if match.kind == MatchKind.STARTUP_ADVISOR:
        return _("%(advisor)s for %(startup)s") % {
            "advisor": str(match.advisor),
            "startup": match.startup.name,
        }
    if match.kind == MatchKind.RETURNEE_POLICY:
        return localized(match.policy, "title") or str(match.policy)
    return localized(match.event, "title")


def _item(match: Match) -> dict:
    return {
        "label": str(match.get_kind_display()),
        "title": _title(match),
        "score": round(match.score * 100),
        "reasons": match_reasons(match)[:REASONS_LISTED],
    }


def _tell(user: User, matches: list[Match]) -> None:
    """One outbox notification listing a person's new matches, best first."""
    matches = sorted(matches, key=lambda match: (-match.score, match.pk))
    listed = settings.MATCH_NOTIFY_LISTED
    with translation.override(user.language):
        items = [_item(match) for match in matches[:listed]]
    notification_create(
        recipient=user,
        kind=NotificationKind.MATCH,
        template="match_new",
        context={
            "full_name": user.full_name,
            "count": len(matches),
            "items": items,
            "more": max(0, len(matches) - listed),
        },
        url=reverse("matching:list"),
    )


def _claim_batch(size: int) -> int:
    """Claim, tell and mark one batch in one transaction; returns how many matches."""
    with transaction.atomic():
        claimable = (
            Match.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(_claimable())
            .select_related("opening__startup", "advisor__user", "startup", "policy", "event")
        )
        # The best new matches first (along the partial index of unnotified scores), then
        # the rest of the new matches of the returnees among them, so that a person's
        # matches go out in one message.
        matches = list(claimable.order_by("-score")[:size])
        if not matches:
            return 0
        taken = {match.pk for match in matches}
        people = {match.returnee_id for match in matches if match.kind in RETURNEE_KINDS}
        matches += [
            match
            for match in claimable.filter(kind__in=RETURNEE_KINDS, returnee_id__in=people)
            if match.pk not in taken
        ]
        grouped = _recipients(matches)
        users = User.objects.in_bulk(list(grouped))
        for user_id, theirs in grouped.items():
            user = users.get(user_id)
            if user is not None and user.is_active:
                _tell(user, theirs)
        Match.objects.filter(pk__in=[match.pk for match in matches]).update(
            notified_at=timezone.now()
        )
        return len(matches)


def notify_new_matches(limit: int | None = None) -> int:
    """Tell everyone of their new matches (at most `limit` matches in this call); returns
    how many matches were told of. Safe to run twice or in several workers at once."""
    told = 0
    while limit is None or told < limit:
        size = BATCH if limit is None else min(BATCH, limit - told)
        claimed = _claim_batch(size)
        if not claimed:
            break
        told += claimed
    return told
