"""Matching: a person's matches, a founder's candidates, and the officials' proposals,
overrides and weekly figures.

A match is its person's alone (the returnee, or the founders of the startup for a
candidate): anyone else, the candidate themselves included, gets a 404 and changes nothing.
Proposals and figures are for officials of the district and admins; another district's
proposal is a 404, its figures a 403.
"""

from .cases import Case, by
from .world import (
    ADMIN,
    EMAILS,
    NAMES,
    OFFICIAL_A,
    OFFICIAL_B,
    PUBLIC,
    STAFF_A,
    A,
    B,
)


def only(actor: str, code: int, anon: int = 401) -> dict:
    """Only `actor` gets `code`: anyone else signed in does not find the object (404)."""
    return by(404, anon=anon, **{actor: code})


# The API
SIGNED_IN = by(200, anon=401)
OFFICIALS = by(403, anon=401, official_a=200, official_b=200, admin=200)
# An official of the other district does not find the proposal; non-officials are refused.
OVERRIDE_A = by(403, anon=401, official_a=201, official_b=404, admin=201)
OVERRIDE_B = by(403, anon=401, official_a=404, official_b=201, admin=201)
FIGURES_A = by(403, anon=401, official_a=200, admin=200)
FIGURES_B = by(403, anon=401, official_b=200, admin=200)
# Pages: anonymous visitors go to the sign-in page.
PAGE = by(200, anon=302)
OFFICIAL_PAGE = by(403, anon=302, official_a=200, official_b=200, admin=200)
# Both staff actors may view advisor proposals, not matches; they see only their districts'.
STAFF = by(302, staff_a=403, staff=403, admin=200)
PROPOSAL_VIEWERS = by(302, staff_a=200, staff=200, admin=200)

# What each side sees of a candidate: A's name, and what A's directory card shows.
CANDIDATE = (NAMES[A], PUBLIC["a_headline"], "Both studied at PUBLIC-A-institution")
A_MATCHES = ("SECRET-A-match-opening", "SECRET-A-match-advisor", PUBLIC["opening_b"])


def _match(key: str):
    return lambda world: {"id": getattr(world, key)}


def _page(key: str):
    return lambda world: {"pk": getattr(world, key)}


def _opening(key: str):
    return lambda world: {"opening_id": getattr(world, key)}


def _override(world) -> dict:
    return {"advisor": world.other_advisor, "reason": "Speaks the requester's dialect."}


CONTACT = {"action": "contacted", "message": "Reach me through the portal's inbox."}

CASES = [
    # API: your matches
    Case("GET", "/api/v1/me/matches/", SIGNED_IN, shows={A: A_MATCHES, B: CANDIDATE}),
    Case(
        "GET",
        "/api/v1/me/matches/",
        by(400, anon=401),
        query="?kind=everything",
        name="unknown kind",
    ),
    Case("POST", "/api/v1/me/matches/{id}/dismiss/", only(A, 204), args=_match("match_a")),
    Case(
        "POST",
        "/api/v1/me/matches/{id}/dismiss/",
        only(B, 204),  # the candidate (A) may not dismiss it either
        args=_match("candidate_a"),
        name="candidate",
    ),
    Case(
        "POST",
        "/api/v1/me/matches/{id}/act/",
        only(A, 200),
        args=_match("match_a"),
        data={"action": "viewed"},
        shows={A: (PUBLIC["opening_b"],)},
    ),
    Case(
        "POST",
        "/api/v1/me/matches/{id}/act/",
        only(A, 200),
        args=_match("advisor_match_a"),
        data={"action": "viewed"},
        shows={A: ("SECRET-A-match-advisor",)},
        name="advisor",
    ),
    Case(
        "POST",
        "/api/v1/me/matches/{id}/act/",
        only(B, 200),
        args=_match("candidate_a"),
        data=CONTACT,
        shows={B: CANDIDATE},
        name="candidate",
    ),
    # API: candidates for a founder's opening
    Case(
        "GET",
        "/api/v1/me/openings/{opening_id}/candidates/",
        only(B, 200),
        args=_opening("opening_b"),
        shows={B: CANDIDATE},
    ),
    Case(
        "GET",
        "/api/v1/me/openings/{opening_id}/candidates/",
        only(A, 200),
        args=_opening("opening_a"),
        name="A's opening",
    ),
    # API: officials
    Case(
        "GET",
        "/api/v1/matching/proposals/",
        OFFICIALS,
        shows={
            OFFICIAL_A: ("SECRET-A-proposal", NAMES[A]),
            OFFICIAL_B: ("SECRET-B-proposal", "PUBLIC-B-startup"),
            ADMIN: ("SECRET-A-proposal", "SECRET-B-proposal"),
        },
    ),
    Case(
        "GET",
        "/api/v1/matching/proposals/",
        OFFICIALS,
        query="?district=authz-b",  # a filter does not reach past one's districts
        shows={OFFICIAL_B: ("SECRET-B-proposal",)},
        name="district B",
    ),
    Case(
        "POST",
        "/api/v1/matching/proposals/{id}/override/",
        OVERRIDE_A,
        args=_match("proposal_a"),
        data=_override,
        shows={OFFICIAL_A: ("Advisor Kilo", "dialect")},
    ),
    Case(
        "POST",
        "/api/v1/matching/proposals/{id}/override/",
        OVERRIDE_B,
        args=_match("proposal_b"),
        data=_override,
        name="district B",
    ),
    Case(
        "GET",
        "/api/v1/matching/district-stats/",
        FIGURES_A,
        query="?district=authz-a",
        shows={OFFICIAL_A: ('"district":"authz-a"',)},
    ),
    Case(
        "GET",
        "/api/v1/matching/district-stats/",
        FIGURES_B,
        query="?district=authz-b",
        name="district B",
    ),
    Case(
        "GET",
        "/api/v1/matching/district-stats/",
        by(400, anon=401),
        name="no district",
    ),
    # Pages: your matches
    Case("GET", "matching:list", PAGE, shows={A: A_MATCHES, B: CANDIDATE}),
    Case("POST", "matching:dismiss", only(A, 302, anon=302), args=_page("match_a")),
    Case(
        "POST",
        "matching:dismiss",
        only(B, 302, anon=302),
        args=_page("candidate_a"),
        name="candidate",
    ),
    Case(
        "POST",
        "matching:act",
        only(A, 302, anon=302),
        args=_page("match_a"),
        data={"action": "viewed"},
    ),
    Case(
        "POST",
        "matching:act",
        only(B, 302, anon=302),
        args=_page("candidate_a"),
        data=CONTACT,
        name="candidate",
    ),
    Case(
        "GET",
        "matching:candidates",
        only(B, 200, anon=302),
        args=_page("opening_b"),
        shows={B: CANDIDATE},
    ),
    Case(
        "GET",
        "matching:candidates",
        only(A, 200, anon=302),
        args=_page("opening_a"),
        name="A's opening",
    ),
    # Pages: officials
    Case(
        "GET",
        "matching:dashboard",
        OFFICIAL_PAGE,
        shows={
            OFFICIAL_A: ("SECRET-A-proposal", "District A"),
            OFFICIAL_B: ("SECRET-B-proposal", "District B"),
            ADMIN: ("SECRET-A-proposal", "SECRET-B-proposal"),
        },
    ),
    Case(
        "GET",
        "matching:dashboard",
        OFFICIAL_PAGE,
        query="?district=authz-b",
        shows={OFFICIAL_B: ("SECRET-B-proposal",)},
        name="district B",
    ),
    Case(
        "GET",
        "matching:override",
        by(403, anon=302, official_a=200, official_b=404, admin=200),
        args=_page("proposal_a"),
        shows={OFFICIAL_A: ("SECRET-A-proposal", "Advisor Kilo")},
    ),
    Case(
        "POST",
        "matching:override",
        by(403, anon=302, official_a=302, official_b=404, admin=302),
        args=_page("proposal_a"),
        data=_override,
    ),
    Case(
        "POST",
        "matching:override",
        by(403, anon=302, official_a=404, official_b=302, admin=302),
        args=_page("proposal_b"),
        data=_override,
        name="district B",
    ),
    # The admin's pages: staff only
    Case("GET", "admin:matching_match_changelist", STAFF),
    Case(
        "GET",
        "admin:matching_advisorproposal_changelist",
        PROPOSAL_VIEWERS,
        shows={STAFF_A: (EMAILS[A],), ADMIN: (EMAILS[A], "PUBLIC-B-startup")},
    ),
]
