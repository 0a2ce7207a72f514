"""Founders: they join only by accepting an invitation sent to their address, and leave."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import Language, NotificationKind
from core.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from core.models import User, normalize_email
from core.services import (
    notification_create,
    notification_to_address,
    supported_language,
    user_email_verify,
)
from core.signals import startup_changed
from talent.normalize import clean_name

from ..choices import InvitationStatus
from ..models import Founder, FounderInvitation, Startup
from ..tokens import invitation_max_age, invitation_token_read
from ._shared import MAX_ROLE_LENGTH, _require_founder
from .startups import _notify_founders

# Founders --------------------------------------------------------------------------------


@transaction.atomic
def founder_remove(*, startup: Startup, user: User, founder_id: int) -> None:
    """A founder removes a co-founder, or leaves; a startup keeps at least one founder."""
    # The startup's row is locked first, so two founders leaving at once are counted one
    # after the other and the last one stays.
    startup = Startup.objects.select_for_update().get(pk=startup.pk)
    _require_founder(user=user, startup=startup)
    founder = Founder.objects.filter(startup=startup, pk=founder_id).first()
    if founder is None:
        raise NotFoundError(_("This person is not a founder of this startup."))
    if Founder.objects.filter(startup=startup).count() <= 1:
        raise ConflictError(
            _("A startup keeps at least one founder. Add another founder first."),
            code="last_founder",
        )
    founder.delete()
    startup_changed.send(sender=Startup, startup_id=startup.pk)


# Co-founder invitations ------------------------------------------------------------------
#
# Nobody becomes a founder without consent: a founder invites an e-mail address, and the
# person who reads the mail there accepts (signed in with that address) or declines (no
# account needed). The founder's answer is the same whether or not the address has an
# account, so inviting cannot be used to find out who is registered.


class InvitationClosedError(ConflictError):
    """The invitation can no longer be answered: expired, revoked, accepted or declined."""


def _invitation_invalid() -> NotFoundError:
    return NotFoundError(
        _(
            "This invitation link is not valid. Open the whole link from the e-mail, or ask "
            "the startup's founders to send a new invitation."
        ),
        code="invitation_invalid",
    )


def _require_open(invitation: FounderInvitation, *, token_expired: bool = False) -> None:
    status = invitation.current_status
    if status == InvitationStatus.PENDING and token_expired:
        status = InvitationStatus.EXPIRED
    if status == InvitationStatus.PENDING:
        return
    if status == InvitationStatus.EXPIRED:
        raise InvitationClosedError(
            _("This invitation has expired. Ask the startup's founders to send a new one."),
            code="invitation_expired",
        )
    if status == InvitationStatus.REVOKED:
        raise InvitationClosedError(
            _(
                "This invitation was withdrawn by the startup's founders, or replaced by a newer "
                "one. Use the link of the latest invitation you received."
            ),
            code="invitation_revoked",
        )
    raise InvitationClosedError(
        _("This invitation has already been answered; its link works only once."),
        code="invitation_used",
    )


def _invitation_address(email: str) -> str:
    address = normalize_email(email)
    try:
        validate_email(address)
    except ValidationError as exc:
        raise ApplicationError(
            _("Enter a valid e-mail address."), code="invalid", field="email"
        ) from exc
    return address


def _invitation_send(invitation: FounderInvitation, *, inviter: User) -> None:
    """Mail the link. An account whose address is confirmed also finds it in its inbox; an
    account whose address is not confirmed gets it by mail only (whoever made that account
    may not own the address, and accepting confirms it), in its language; an address without
    an account gets it in both languages, the inviter's first."""
    context = {
        "startup": invitation.startup.name,
        "invited_by": inviter.full_name,
        "role": invitation.role,
        "days": invitation_max_age().days,
    }
    url = invitation.get_absolute_url()
    account = User.objects.filter(email=invitation.address, is_active=True).first()
    if account is not None and account.email_verified_at is not None:
        notification_create(
            recipient=account,
            kind=NotificationKind.ACCOUNT,
            template="startup_founder_invitation",
            context={**context, "full_name": account.full_name},
            url=url,
            always_email=True,
            actor=inviter,
        )
    elif account is not None:
        notification_to_address(
            address=invitation.address,
            language=account.language,
            kind=NotificationKind.ACCOUNT,
            template="startup_founder_invitation",
            context={**context, "full_name": account.full_name},
            url=url,
            actor=inviter,
        )
    else:
        first = supported_language(inviter.language)
        second = next(code for code, _label in Language.choices if code != first)
        notification_to_address(
            address=invitation.address,
            language=first,
            kind=NotificationKind.ACCOUNT,
            template="startup_founder_invitation_bilingual",
            context={**context, "full_name": "", "languages": [first, second]},
            url=url,
            actor=inviter,
        )


@transaction.atomic
def founder_invite(
    *, startup: Startup, user: User, email: str, role: str = ""
) -> FounderInvitation:
    """A founder invites the person at `email` to become a co-founder, with `role`.

    An earlier pending invitation of the startup to the same address gives way to this one
    (its link stops working). Whether the address has an account changes only how the mail
    is sent, never what the caller is told; the one refusal is for an address that is
    already a founder's, which the founders can see on the startup's page anyway."""
    startup = Startup.objects.select_for_update().get(pk=startup.pk)
    _require_founder(user=user, startup=startup)
    address = _invitation_address(email)
    if Founder.objects.filter(startup=startup, user__email=address).exists():
        raise ConflictError(
            _("This address belongs to a founder of this startup already."),
            code="already_founder",
        )
    now = timezone.now()
    earlier = FounderInvitation.objects.filter(
        startup=startup, address=address, status=InvitationStatus.PENDING
    )
    earlier.filter(expires_at__lte=now).update(status=InvitationStatus.EXPIRED, closed_at=now)
    earlier.update(status=InvitationStatus.REVOKED, closed_at=now, closed_by=user)
    invitation = FounderInvitation.objects.create(
        startup=startup,
        address=address,
        role=clean_name(role)[:MAX_ROLE_LENGTH],
        invited_by=user,
        created_at=now,
        expires_at=now + invitation_max_age(),
    )
    _invitation_send(invitation, inviter=user)
    return invitation


def founder_invitation_read(*, token: str) -> FounderInvitation:
    """The invitation a link names, while it can be answered; otherwise the error that says
    why (NotFoundError for a link that is not one of ours, InvitationClosedError)."""
    read = invitation_token_read(token)
    if read is None:
        raise _invitation_invalid()
    invitation = (
        FounderInvitation.objects.select_related("startup", "invited_by")
        .filter(pk=read.invitation_id)
        .first()
    )
    if invitation is None:
        raise _invitation_invalid()
    _require_open(invitation, token_expired=read.expired)
    return invitation


def _invitation_locked(token: str) -> FounderInvitation:
    """The invitation, locked after its startup's row (the order every founder change takes,
    so that two answers to one invitation run one after the other), if still pending."""
    read = invitation_token_read(token)
    if read is None:
        raise _invitation_invalid()
    startup_id = (
        FounderInvitation.objects.filter(pk=read.invitation_id)
        .values_list("startup_id", flat=True)
        .first()
    )
    if startup_id is None:
        raise _invitation_invalid()
    startup = Startup.objects.select_for_update().get(pk=startup_id)
    invitation = FounderInvitation.objects.select_for_update().get(pk=read.invitation_id)
    invitation.startup = startup
    _require_open(invitation, token_expired=read.expired)
    return invitation


def _invitation_close(invitation: FounderInvitation, *, status: str, by: User | None) -> None:
    invitation.status = status
    invitation.closed_at = timezone.now()
    invitation.closed_by = by
    invitation.save(update_fields=["status", "closed_at", "closed_by"])


@transaction.atomic
def founder_invitation_accept(*, token: str, user: User) -> Founder:
    """The invited person, signed in with the address the invitation was sent to, becomes a
    founder. Opening the link proves they read mail there: their address is confirmed. The
    other founders are told."""
    invitation = _invitation_locked(token)
    if not getattr(user, "is_authenticated", False) or user.email != invitation.address:
        raise PermissionDeniedError(
            _(
                "This invitation was sent to another e-mail address. Sign in with the address "
                "it was sent to, or sign up with it if you have no account yet."
            ),
            code="wrong_account",
        )
    startup = invitation.startup
    founder, created = Founder.objects.get_or_create(
        startup=startup, user=user, defaults={"role": invitation.role}
    )
    _invitation_close(invitation, status=InvitationStatus.ACCEPTED, by=user)
    user_email_verify(user=user)
    if created:
        _notify_founders(
            startup,
            template="startup_founder_joined",
            context={"new_founder": user.full_name, "role": founder.role},
            exclude_user_id=user.pk,
            actor=user,
        )
        startup_changed.send(sender=Startup, startup_id=startup.pk)
    return founder


@transaction.atomic
def founder_invitation_decline(*, token: str, user: User | None = None) -> FounderInvitation:
    """The invited person says no; the link is the proof, no account is needed. The founder
    who sent it is told."""
    invitation = _invitation_locked(token)
    by = user if getattr(user, "is_authenticated", False) else None
    _invitation_close(invitation, status=InvitationStatus.DECLINED, by=by)
    inviter = invitation.invited_by
    if inviter is not None and inviter.is_active:
        notification_create(
            recipient=inviter,
            kind=NotificationKind.ACCOUNT,
            template="startup_founder_invitation_declined",
            context={
                "full_name": inviter.full_name,
                "startup": invitation.startup.name,
                "address": invitation.address,
            },
            url=invitation.startup.get_absolute_url(),
        )
    return invitation


@transaction.atomic
def founder_invitation_revoke(
    *, startup: Startup, user: User, invitation_id: int
) -> FounderInvitation:
    """A founder withdraws a pending invitation of the startup; its link stops working."""
    startup = Startup.objects.select_for_update().get(pk=startup.pk)
    _require_founder(user=user, startup=startup)
    invitation = (
        FounderInvitation.objects.select_for_update()
        .filter(startup=startup, pk=invitation_id)
        .first()
    )
    if invitation is None:
        raise NotFoundError(_("This startup has no such invitation."))
    if invitation.current_status != InvitationStatus.PENDING:
        raise ConflictError(
            _("This invitation is no longer pending; there is nothing to withdraw."),
            code="invitation_closed",
        )
    _invitation_close(invitation, status=InvitationStatus.REVOKED, by=user)
    return invitation
