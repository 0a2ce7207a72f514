"""What the matching app holds about a person (their matches and advisor proposals), for
`core.privacy`, and what withdrawing the consent to matching does at once."""

from django.db import transaction
from django.utils import translation

from core.models import User
from talent.choices import ConsentPurpose

from . import reasons
from .choices import MatchKind, ProposalStatus
from .models import KIND_COLUMNS, AdvisorProposal, Match


def _iso(value):
    return value.isoformat() if value else None


def _target(match: Match) -> dict:
    column = KIND_COLUMNS[match.kind][1]
    return {"type": column, "id": getattr(match, f"{column}_id"), "name": str(match.target)}


def export(user: User) -> dict:
    """Every match made of the person (as the one matched, or as a candidate for an
    opening) and every advisor proposed to them, with the reasons in their language."""
    matches = (
        Match.objects.filter(returnee=user)
        .select_related("opening__startup", "advisor__user", "policy", "event", "startup")
        .order_by("created_at", "id")
    )
    proposals = (
        AdvisorProposal.objects.filter(returnee=user)
        .select_related("advisor__user")
        .order_by("created_at", "id")
    )
    with translation.override(user.language):
        return {
            "matches": [
                {
                    "kind": match.kind,
                    "target": _target(match),
                    "score": match.score,
                    "reasons": reasons.render_all(match.reasons, match.kind),
                    "is_current": match.is_current,
                    "found_at": _iso(match.created_at),
                    "notified_at": _iso(match.notified_at),
                    "dismissed_at": _iso(match.dismissed_at),
                    "acted_at": _iso(match.acted_at),
                    "action": match.action,
                }
                for match in matches
            ],
            "advisor_proposals": [
                {
                    "advisor": proposal.advisor_id,
                    "advisor_name": proposal.advisor.user.full_name,
                    "score": proposal.score,
                    "reasons": reasons.render_all(proposal.reasons, MatchKind.RETURNEE_ADVISOR),
                    "status": proposal.status,
                    "override_reason": proposal.reason,
                    "created_at": _iso(proposal.created_at),
                }
                for proposal in proposals
            ],
        }


@transaction.atomic
def erase(user: User) -> None:
    """The person's matches and proposals go, with the proposals' history. Matches that
    propose the person as an advisor stop being current (they are other people's)."""
    Match.objects.filter(returnee=user).delete()
    proposal_ids = list(AdvisorProposal.objects.filter(returnee=user).values_list("pk", flat=True))
    AdvisorProposal.objects.filter(pk__in=proposal_ids).delete()
    AdvisorProposal.history.filter(id__in=proposal_ids).delete()
    Match.objects.filter(advisor__user=user, is_current=True).update(is_current=False)


@transaction.atomic
def withdraw(user: User, purpose: str) -> None:
    """Consent to matching withdrawn: none of the person's matches is current any more (so
    none is shown or notified), and a live advisor proposal for them is superseded. The
    engine and the notifier match and tell only people who consent."""
    if purpose != ConsentPurpose.MATCHING:
        return
    Match.objects.filter(returnee=user, is_current=True).update(is_current=False)
    for proposal in AdvisorProposal.objects.filter(returnee=user, status=ProposalStatus.PROPOSED):
        proposal.status = ProposalStatus.SUPERSEDED
        proposal.save(update_fields=["status"])
