"""A couple of Django admin pages: staff only. The admin's own pages are Django's and are
not enumerated by the coverage check."""

from .cases import Case, by
from .world import ADMIN, COFOUNDER_EMAIL, DRAFT_A_REGISTRANT_EMAIL, EMAILS, OTHER_ADVISOR_EMAIL

# Everyone but staff is sent to the admin's sign-in page.
STAFF = by(302, admin=200)

CASES = [
    Case("GET", "admin:index", STAFF),
    Case(
        "GET",
        "admin:core_user_changelist",
        STAFF,
        shows={
            ADMIN: (COFOUNDER_EMAIL, EMAILS[ADMIN], DRAFT_A_REGISTRANT_EMAIL, OTHER_ADVISOR_EMAIL)
        },
    ),
    Case(
        "GET",
        "admin:events_registration_change",
        STAFF,
        args=lambda w: {"object_id": w.registration_a},
    ),
]
