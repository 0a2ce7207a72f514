"""A few Django admin pages: staff only. The admin's own pages are Django's and are not
enumerated by the coverage check.

Staff who are not superusers see there only what their model permissions allow (both staff
actors may view and change events, not users or registrations), and of that only the rows
of the districts they are granted: ``staff_a`` district A's events, ``staff`` none."""

from .cases import Case, by
from .world import (
    ADMIN,
    COFOUNDER_EMAIL,
    DRAFT_A_REGISTRANT_EMAIL,
    EMAILS,
    OTHER_ADVISOR_EMAIL,
    PUBLIC,
    STAFF,
    STAFF_A,
)

# Everyone but staff is sent to the admin's sign-in page.
STAFF_ONLY = by(302, staff_a=200, staff=200, admin=200)
# Staff without the model permission are refused.
PERMITTED = by(302, staff_a=403, staff=403, admin=200)


def _event(key: str):
    return lambda world: {"object_id": getattr(world, key)}


CASES = [
    Case("GET", "admin:index", STAFF_ONLY),
    Case(
        "GET",
        "admin:core_user_changelist",
        PERMITTED,
        shows={
            ADMIN: (
                COFOUNDER_EMAIL,
                EMAILS[ADMIN],
                EMAILS[STAFF_A],
                EMAILS[STAFF],
                DRAFT_A_REGISTRANT_EMAIL,
                OTHER_ADVISOR_EMAIL,
            )
        },
    ),
    Case(
        "GET",
        "admin:events_registration_change",
        PERMITTED,
        args=lambda w: {"object_id": w.registration_a},
    ),
    # Events: district A's for the staff member granted it, none for the one without a grant.
    Case(
        "GET",
        "admin:events_event_changelist",
        STAFF_ONLY,
        shows={
            STAFF_A: (PUBLIC["event_a"], "DRAFT-A-event"),
            ADMIN: ("DRAFT-A-event", "DRAFT-B-event"),
        },
    ),
    Case(
        "GET",
        "admin:events_event_change",
        by(302, staff_a=200, staff=403, admin=200),
        args=_event("draft_event_a"),
        shows={STAFF_A: ("DRAFT-A-event",)},
    ),
    Case(
        "GET",
        "admin:events_event_change",
        by(302, staff_a=403, staff=403, admin=200),
        args=_event("draft_event_b"),
        shows={ADMIN: ("DRAFT-B-event",)},
        name="draft B",
    ),
    Case(
        "POST",
        "admin:events_event_change",
        # The admin's form is incomplete: shown again with its errors, nothing saved.
        by(302, staff_a=403, staff=403, admin=200),
        args=_event("draft_event_b"),
        data={"venue": "Hall 3"},
        changes=frozenset(),
        name="draft B",
    ),
]
