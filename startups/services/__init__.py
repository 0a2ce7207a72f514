"""Writes of the startups app: startups, their founders (who join by accepting an invitation
sent to their e-mail address) and openings, verification by the district's officials, and
consultations asked for on a startup's behalf."""

from ._shared import (
    MAX_ROLE_LENGTH,
    MAX_SKILLS,
    OPENING_FIELDS,
    STARTUP_FIELDS,
    can_verify,
    is_founder,
)
from .consultations import (
    startup_consultation_request,
)
from .founders import (
    InvitationClosedError,
    founder_invitation_accept,
    founder_invitation_decline,
    founder_invitation_read,
    founder_invitation_revoke,
    founder_invite,
    founder_remove,
)
from .openings import (
    opening_close,
    opening_create,
    opening_update,
)
from .startups import (
    startup_create,
    startup_unverify,
    startup_update,
    startup_verify,
)

__all__ = [
    "MAX_ROLE_LENGTH",
    "MAX_SKILLS",
    "OPENING_FIELDS",
    "STARTUP_FIELDS",
    "InvitationClosedError",
    "can_verify",
    "founder_invitation_accept",
    "founder_invitation_decline",
    "founder_invitation_read",
    "founder_invitation_revoke",
    "founder_invite",
    "founder_remove",
    "is_founder",
    "opening_close",
    "opening_create",
    "opening_update",
    "startup_consultation_request",
    "startup_create",
    "startup_unverify",
    "startup_update",
    "startup_verify",
]
