"""Writes of the matching app that people make: dismissing a match, and acting on one.

Acting does what the action says through the app that owns it: `contacted` writes a message
to the other side through the outbox (the founders of the opening's startup, or the
candidate), `consultation` asks the advisor for a consultation (talent's flow, or startups'
on a startup's behalf), `registered` registers for the event, `followed` follows the policy,
`viewed` only records the visit. The match keeps when its person first acted (`acted_at`, what
the officials' weekly counts read) and the last action other than a mere view (`action`)."""

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import NotificationKind
from core.exceptions import ApplicationError, ConflictError, NotFoundError
from core.models import User
from core.services import notification_create
from events import services as events_services
from policies import services as policies_services
from startups import services as startups_services
from talent import services as talent_services

from . import selectors
from .choices import MatchAction, MatchKind
from .models import Match

MAX_MESSAGE_LENGTH = 2000

# What a person may do with each kind of match.
ACTIONS = {
    MatchKind.RETURNEE_OPENING: [MatchAction.VIEWED, MatchAction.CONTACTED],
    MatchKind.OPENING_RETURNEE: [MatchAction.VIEWED, MatchAction.CONTACTED],
    MatchKind.RETURNEE_ADVISOR: [MatchAction.VIEWED, MatchAction.CONSULTATION],
    MatchKind.STARTUP_ADVISOR: [MatchAction.VIEWED, MatchAction.CONSULTATION],
    MatchKind.RETURNEE_POLICY: [MatchAction.VIEWED, MatchAction.FOLLOWED],
    MatchKind.RETURNEE_EVENT: [MatchAction.VIEWED, MatchAction.REGISTERED],
}


@dataclass
class Acted:
    """The match after an action, and the page the person goes to next (the target, the
    consultation asked for, the ticket)."""

    match: Match
    url: str


def _locked(*, user: User, match: Match) -> Match:
    """The match locked for the change, if it is the user's and still shown; else 404."""
    if not selectors.is_for(user, match):
        raise NotFoundError(_("No such match."))
    locked = (
        selectors.matches_for_user(user).select_for_update(of=("self",)).filter(pk=match.pk).first()
    )
    if locked is None:
        raise NotFoundError(_("This match is no longer shown."))
    return locked


@transaction.atomic
def match_dismiss(*, user: User, match: Match) -> Match:
    """Hide a match from its person for good: the row keeps its dismissal through every
    later re-match. Dismissing a dismissed match changes nothing."""
    if not selectors.is_for(user, match):
        raise NotFoundError(_("No such match."))
    match = Match.objects.select_for_update().get(pk=match.pk)
    if match.dismissed_at is None:
        match.dismissed_at = timezone.now()
        match.save(update_fields=["dismissed_at"])
    return match


def _message(message: str, *, required: bool) -> str:
    message = (message or "").strip()
    if required and not message:
        raise ApplicationError(
            _("Write a message, and say how they can reach you."),
            code="message",
            field="message",
        )
    if len(message) > MAX_MESSAGE_LENGTH:
        raise ApplicationError(
            _("Keep the message to %(count)d characters.") % {"count": MAX_MESSAGE_LENGTH},
            code="message",
            field="message",
        )
    return message


def _contact(match: Match, *, user: User, message: str) -> str:
    """Send the message to the other side of an opening match; returns the next page."""
    if match.action == MatchAction.CONTACTED:
        raise ConflictError(
            _("You have already sent a message about this match."), code="already_contacted"
        )
    opening = match.opening
    startup = opening.startup
    context = {
        "sender": user.full_name,
        "opening": opening.title,
        "startup": startup.name,
        "message": message,
    }
    if match.kind == MatchKind.RETURNEE_OPENING:
        profile = getattr(user, "profile", None)
        url = profile.get_absolute_url() if profile and profile.is_public else ""
        for founder in startup.founders.select_related("user").exclude(user=user):
            notification_create(
                recipient=founder.user,
                kind=NotificationKind.MATCH,
                template="match_contact_founders",
                context={**context, "full_name": founder.user.full_name},
                url=url or opening.get_absolute_url(),
                actor=user,
            )
        return opening.get_absolute_url()
    candidate = match.returnee
    notification_create(
        recipient=candidate,
        kind=NotificationKind.MATCH,
        template="match_contact_candidate",
        context={**context, "full_name": candidate.full_name},
        url=opening.get_absolute_url(),
        actor=user,
    )
    return reverse("matching:candidates", args=[opening.pk])


def _consultation(
    match: Match, *, user: User, topic: str, message: str, preferred_times: str, mode: str | None
) -> str:
    extra = {"mode": mode} if mode else {}
    if match.kind == MatchKind.STARTUP_ADVISOR:
        link = startups_services.startup_consultation_request(
            startup=match.startup,
            user=user,
            advisor=match.advisor,
            topic=topic,
            message=message,
            preferred_times=preferred_times,
            **extra,
        )
        return link.consultation.get_absolute_url()
    consultation = talent_services.consultation_request(
        requester=user,
        advisor=match.advisor,
        topic=topic,
        message=message,
        preferred_times=preferred_times,
        **extra,
    )
    return consultation.get_absolute_url()


def _register(match: Match, *, user: User) -> str:
    try:
        registration = events_services.registration_create(user=user, event=match.event)
    except ConflictError as exc:
        if exc.code != "already_registered":
            raise
        return match.event.get_absolute_url()
    return registration.get_absolute_url()


@transaction.atomic
def match_act(
    *,
    user: User,
    match: Match,
    action: str,
    message: str = "",
    topic: str = "",
    preferred_times: str = "",
    mode: str | None = None,
) -> Acted:
    """The person a match is for acts on it (see the module's docstring for each action).

    `contacted` needs a `message`; `consultation` needs a `topic` (an expertise code) and a
    `message` for the advisor. Someone else's match, or one no longer shown, is a
    NotFoundError."""
    match = _locked(user=user, match=match)
    allowed = ACTIONS[match.kind]
    if action not in allowed:
        raise ApplicationError(
            _("This match cannot be acted on with “%(action)s”; choose from: %(choices)s.")
            % {"action": action, "choices": ", ".join(allowed)},
            code="action",
            field="action",
        )
    url = selectors.target_url(match)
    if action == MatchAction.CONTACTED:
        url = _contact(match, user=user, message=_message(message, required=True))
    elif action == MatchAction.CONSULTATION:
        url = _consultation(
            match,
            user=user,
            topic=topic,
            message=_message(message, required=False),
            preferred_times=preferred_times,
            mode=mode,
        )
    elif action == MatchAction.FOLLOWED:
        policies_services.policy_follow(user=user, policy=match.policy)
    elif action == MatchAction.REGISTERED:
        url = _register(match, user=user)
    if match.acted_at is None:
        match.acted_at = timezone.now()
    if action != MatchAction.VIEWED or not match.action:
        match.action = action
    match.save(update_fields=["acted_at", "action"])
    return Acted(match=match, url=url)
