"""The token in a co-founder invitation's link: the invitation's id, signed with the site's
secret (salted for this purpose only) and stamped with the invitation's creation time, so
the link stops working `FOUNDER_INVITATION_DAYS` after it was sent. Nothing secret is stored:
the row decides whether the invitation is still pending (used once, revocable)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "startups.founder-invitation"


class _Signer(signing.TimestampSigner):
    """Stamps with the given time instead of now, so one invitation has one token."""

    def __init__(self, at: datetime.datetime | None = None):
        super().__init__(salt=SALT)
        self.at = at

    def timestamp(self) -> str:
        if self.at is None:
            return super().timestamp()
        return signing.b62_encode(int(self.at.timestamp()))


def invitation_max_age() -> datetime.timedelta:
    return datetime.timedelta(days=settings.FOUNDER_INVITATION_DAYS)


def invitation_token(invitation) -> str:
    return _Signer(at=invitation.created_at).sign(str(invitation.pk))


@dataclass(frozen=True)
class ReadToken:
    invitation_id: int
    expired: bool  # signed longer ago than FOUNDER_INVITATION_DAYS


def invitation_token_read(token: str) -> ReadToken | None:
    """The invitation a token names, or None when it is not one of ours (mangled, forged,
    another salt's)."""
    signer = _Signer()
    try:
        value = signer.unsign(token or "")
    except signing.BadSignature:
        return None
    if not value.isdigit() or len(value) > 18:
        return None
    try:
        signer.unsign(token, max_age=invitation_max_age())
    except signing.SignatureExpired:
        return ReadToken(invitation_id=int(value), expired=True)
    return ReadToken(invitation_id=int(value), expired=False)
