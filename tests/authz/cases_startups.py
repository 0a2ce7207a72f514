"""Startups, founders, openings and consultations asked on a startup's behalf."""

from .cases import BROWSABLE, Case, by
from .world import ANON, EMAILS, PUBLIC, A

EVERYONE = by(200)
# The API: founders only (401 for anonymous callers, 403 for everyone else, admins too).
FOUNDERS = by(403, anon=401, a=200)
# Verification: officials of the startup's district and admins.
VERIFIERS = by(403, anon=401, official_a=200, admin=200)
# Pages: anonymous visitors go to the sign-in page; outsiders get the 403 page.
FOUNDER_PAGE = by(403, anon=302, a=200)
FOUNDER_ACTION = by(403, anon=302, a=302)
# A token in the form of an invitation's, signed with no key the portal has.
NOT_A_TOKEN = "1:1xYii5:C-iZTfg38p72GkmhdDQKJdtXmOdGywx4HVeAdeh0PXY"


def _startup(world) -> dict:
    return {"id": world.startup_a}


def _startup_page(world) -> dict:
    return {"pk": world.startup_a}


def _not_a_token(world) -> dict:
    return {"token": NOT_A_TOKEN}


def _opening(world) -> dict:
    return {"id": world.opening_a}


def _opening_page(world) -> dict:
    return {"pk": world.opening_a}


def _startup_body(world) -> dict:
    return {
        "name": "PUBLIC-A-startup",
        "district": world.district_a,
        "sector": world.sector,
        "stage": "seed",
        "team_size": 4,
    }


def _new_startup(world) -> dict:
    return {
        "name": "A brand new startup",
        "district": world.district_a,
        "sector": world.sector,
        "stage": "idea",
        "team_size": 2,
    }


def _consultation_body(world) -> dict:
    return {"advisor": world.advisor_profile, "topic": "financing", "message": "Help us."}


CASES = [
    # API: startups
    Case("GET", "/api/v1/startups/", EVERYONE, shows={ANON: (PUBLIC["startup"],)}),
    Case("POST", "/api/v1/startups/", by(201, anon=401), data=_new_startup),
    Case(
        "GET",
        "/api/v1/startups/{id}/",
        EVERYONE,
        args=_startup,
        shows={ANON: (PUBLIC["opening"], PUBLIC["closed_opening"])},
    ),
    Case("GET", "/api/v1/startups/{id}/", EVERYONE, args=_startup, headers=BROWSABLE, name="html"),
    Case("PUT", "/api/v1/startups/{id}/", FOUNDERS, args=_startup, data=_startup_body),
    Case("PATCH", "/api/v1/startups/{id}/", FOUNDERS, args=_startup, data={"team_size": 7}),
    Case("POST", "/api/v1/startups/{id}/verify/", VERIFIERS, args=_startup),
    Case("POST", "/api/v1/startups/{id}/unverify/", VERIFIERS, args=_startup),
    # Co-founders join by invitation (no world invitation exists: ids and tokens are unknown).
    Case(
        "POST",
        "/api/v1/startups/{id}/invitations/",
        by(403, anon=401, a=202),
        args=_startup,
        data={"email": EMAILS["b"], "role": "COO"},
    ),
    Case("GET", "/api/v1/startups/{id}/invitations/", FOUNDERS, args=_startup),
    Case(
        "DELETE",
        "/api/v1/startups/{id}/invitations/{invitation_id}/",
        by(403, anon=401, a=404),
        args=lambda w: {"id": w.startup_a, "invitation_id": 999_999},
    ),
    Case(
        "POST",
        "/api/v1/founder-invitations/accept/",
        by(404, anon=401),
        data={"token": NOT_A_TOKEN},
    ),
    Case("POST", "/api/v1/founder-invitations/decline/", by(404), data={"token": NOT_A_TOKEN}),
    Case(
        "DELETE",
        "/api/v1/startups/{id}/founders/{founder_id}/",
        by(403, anon=401, a=204),
        args=lambda w: {"id": w.startup_a, "founder_id": w.cofounder},
    ),
    Case(
        "DELETE",
        "/api/v1/startups/{id}/founders/{founder_id}/",
        by(403, anon=401, a=404),  # B's place in B's startup is not A's startup's
        args=lambda w: {"id": w.startup_a, "founder_id": w.founder_b},
        name="another startup's founder",
    ),
    Case(
        "POST",
        "/api/v1/startups/{id}/verify/",
        by(403, anon=401, official_b=200, admin=200),
        args=lambda w: {"id": w.startup_b},
        name="district B",
    ),
    Case(
        "POST",
        "/api/v1/startups/{id}/unverify/",
        by(403, anon=401, official_b=200, admin=200),
        args=lambda w: {"id": w.startup_b},
        name="district B",
    ),
    Case(
        "POST",
        "/api/v1/startups/{id}/openings/",
        by(403, anon=401, a=201),
        args=_startup,
        data={"title": "Chip designer"},
    ),
    Case(
        "POST",
        "/api/v1/startups/{id}/consultations/",
        by(403, anon=401, a=201),
        args=_startup,
        data=_consultation_body,
    ),
    # API: openings
    Case("GET", "/api/v1/openings/", EVERYONE, shows={ANON: (PUBLIC["opening"],)}),
    Case("GET", "/api/v1/openings/{id}/", EVERYONE, args=_opening),
    Case(
        "GET",
        "/api/v1/openings/{id}/",
        EVERYONE,
        args=lambda w: {"id": w.closed_opening_a},
        name="closed",
    ),
    Case("PUT", "/api/v1/openings/{id}/", FOUNDERS, args=_opening, data={"title": "Renamed"}),
    Case("PATCH", "/api/v1/openings/{id}/", FOUNDERS, args=_opening, data={"title": "Renamed"}),
    Case("POST", "/api/v1/openings/{id}/close/", FOUNDERS, args=_opening),
    # Pages
    Case("GET", "startups:directory", EVERYONE, shows={ANON: (PUBLIC["startup"],)}),
    Case("GET", "startups:create", by(200, anon=302)),
    Case("POST", "startups:create", by(302), data=_new_startup),
    Case(
        "GET",
        "startups:detail",
        EVERYONE,
        args=_startup_page,
        shows={A: ("Consultations for the startup",), ANON: (PUBLIC["opening"],)},
    ),
    Case("GET", "startups:edit", FOUNDER_PAGE, args=_startup_page),
    Case("POST", "startups:edit", by(403, anon=302, a=302), args=_startup_page, data=_startup_body),
    Case(
        "POST",
        "startups:verify",
        by(403, anon=302, official_a=302, admin=302),
        args=_startup_page,
    ),
    Case(
        "POST",
        "startups:unverify",
        by(403, anon=302, official_a=302, admin=302),
        args=_startup_page,
    ),
    Case(
        "POST",
        "startups:invitation_send",
        FOUNDER_ACTION,
        args=_startup_page,
        data={"email": EMAILS["b"], "role": "COO"},
    ),
    Case(
        "POST",
        "startups:invitation_revoke",
        FOUNDER_ACTION,  # A: "no such invitation", and back
        args=lambda w: {"pk": w.startup_a, "invitation_id": 999_999},
        changes=frozenset(),
    ),
    Case("GET", "startups:invitation", by(400), args=_not_a_token),
    Case("POST", "startups:invitation_accept", by(400), args=_not_a_token),
    Case("POST", "startups:invitation_decline", by(400), args=_not_a_token),
    Case(
        "POST",
        "startups:founder_remove",
        FOUNDER_ACTION,
        args=lambda w: {"pk": w.startup_a, "founder_id": w.cofounder},
    ),
    Case(
        "POST",
        "startups:founder_remove",
        FOUNDER_ACTION,  # A: "not a founder of this startup", and back
        args=lambda w: {"pk": w.startup_a, "founder_id": w.founder_b},
        changes=frozenset(),
        name="another startup's founder",
    ),
    Case(
        "POST",
        "startups:unverify",
        by(403, anon=302, official_b=302, admin=302),
        args=lambda w: {"pk": w.startup_b},
        name="district B",
    ),
    Case("GET", "startups:opening_create", FOUNDER_PAGE, args=_startup_page),
    Case(
        "POST",
        "startups:opening_create",
        FOUNDER_ACTION,
        args=_startup_page,
        data={"title": "Chip designer", "is_open": "on"},
    ),
    Case("GET", "startups:consultation_request", FOUNDER_PAGE, args=_startup_page),
    Case(
        "POST",
        "startups:consultation_request",
        FOUNDER_ACTION,
        args=_startup_page,
        data=lambda w: {**_consultation_body(w), "mode": "online"},
    ),
    Case("GET", "startups:opening_list", EVERYONE, shows={ANON: (PUBLIC["opening"],)}),
    Case("GET", "startups:opening_detail", EVERYONE, args=_opening_page),
    Case("GET", "startups:opening_edit", FOUNDER_PAGE, args=_opening_page),
    Case(
        "POST",
        "startups:opening_edit",
        FOUNDER_ACTION,
        args=_opening_page,
        data={"title": "Renamed", "is_open": "on"},
    ),
    Case("POST", "startups:opening_close", FOUNDER_ACTION, args=_opening_page),
]
