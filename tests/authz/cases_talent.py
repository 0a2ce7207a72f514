"""Profiles, the talent directory, advisors and consultations."""

from datetime import timedelta

from django.utils import timezone

from .cases import BROWSABLE, Case, by
from .world import A_BIRTH_YEAR, A_RETURNED_ON, ADVISOR, ANON, B_BIRTH_YEAR, PUBLIC, A, B

EVERYONE = by(200)


def _future(fmt: str | None = None) -> str:
    moment = timezone.localtime(timezone.now() + timedelta(days=14)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    return moment.strftime(fmt) if fmt else moment.isoformat()


def _consultation(world) -> dict:
    return {"pk": world.consultation_a}


def _action(action: str):
    return lambda world: {"pk": world.consultation_a, "action": action}


PROFILE_FORM = {
    "full_name": "Same Name",
    "headline": "A headline",
    "education-TOTAL_FORMS": "0",
    "education-INITIAL_FORMS": "0",
    "work-TOTAL_FORMS": "0",
    "work-INITIAL_FORMS": "0",
}

CASES = [
    # API: one's own profile
    Case(
        "GET",
        "/api/v1/me/profile/",
        by(200, anon=401),
        shows={
            A: (
                "SECRET-A-company",
                "SECRET-A-employer",
                "SECRET-A-role",
                "SECRET-A-skill",
                str(A_BIRTH_YEAR),
                A_RETURNED_ON.isoformat(),
            ),
            B: ("SECRET-B-headline", "SECRET-B-company", str(B_BIRTH_YEAR)),
        },
    ),
    Case(
        "GET",
        "/api/v1/me/profile/",
        by(200, anon=401),
        headers=BROWSABLE,
        shows={A: ("SECRET-A-company",)},
        name="browsable",
    ),
    Case("PUT", "/api/v1/me/profile/", by(200, anon=401), data={"headline": "New headline"}),
    Case("PATCH", "/api/v1/me/profile/", by(200, anon=401), data={"headline": "New headline"}),
    # API: the directory shows listed profiles, and of them only the public sections
    Case(
        "GET",
        "/api/v1/returnees/",
        EVERYONE,
        shows={ANON: (PUBLIC["a_headline"], PUBLIC["a_institution"])},
    ),
    # A filter finds a listed profile by its public sections only: no oracle on hidden data.
    Case(
        "GET",
        "/api/v1/returnees/",
        EVERYONE,
        query="?country=CH",
        shows={ANON: (PUBLIC["a_headline"],)},
        name="public education country",
    ),
    Case(
        "GET",
        "/api/v1/returnees/",
        EVERYONE,
        query="?country=DE",
        hides=(PUBLIC["a_headline"],),
        name="hidden work country",
    ),
    Case(
        "GET",
        "/api/v1/returnees/",
        EVERYONE,
        query="?skill=SECRET-A-skill",
        hides=(PUBLIC["a_headline"],),
        name="hidden skill",
    ),
    Case(
        "GET",
        "/api/v1/returnees/",
        EVERYONE,
        query="?q=SECRET-A-skill",
        hides=(PUBLIC["a_headline"],),
        name="search hidden skill",
    ),
    Case(
        "GET",
        "/api/v1/returnees/",
        EVERYONE,
        query="?district=authz-a",
        hides=(PUBLIC["a_headline"],),
        name="hidden district",
    ),
    Case(
        "GET",
        "/api/v1/returnees/",
        EVERYONE,
        query="?q=Returnee+Bravo",
        hides=("Returnee Bravo",),
        name="private profile",
    ),
    Case(
        "GET",
        "/api/v1/returnees/{id}/",
        EVERYONE,
        args=lambda w: {"id": w.profile_a},
        shows={ANON: (PUBLIC["a_headline"],)},
    ),
    Case(
        "GET",
        "/api/v1/returnees/{id}/",
        by(404),
        args=lambda w: {"id": w.profile_b},
        name="private profile",
    ),
    # API: advisors
    Case("GET", "/api/v1/advisors/", EVERYONE, shows={ANON: (PUBLIC["advisor"],)}),
    Case("GET", "/api/v1/advisors/{id}/", EVERYONE, args=lambda w: {"id": w.advisor_profile}),
    Case(
        "POST",
        "/api/v1/advisors/{id}/consultations/",
        by(201, anon=401, advisor=400),
        args=lambda w: {"id": w.advisor_profile},
        data={"topic": "policies", "message": "Could we talk?"},
    ),
    # API: consultations, seen and answered only by their two parties
    Case(
        "GET",
        "/api/v1/consultations/",
        by(200, anon=401),
        shows={
            A: ("SECRET-A-consultation", "SECRET-A-startup-consultation"),
            ADVISOR: ("SECRET-A-preferred-times", "SECRET-A-startup-consultation"),
        },
    ),
    Case(
        "GET",
        "/api/v1/consultations/{id}/",
        by(404, anon=401, a=200, advisor=200),
        args=lambda w: {"id": w.consultation_a},
        shows={A: ("SECRET-A-consultation",), ADVISOR: ("SECRET-A-consultation",)},
    ),
    Case(
        "GET",
        "/api/v1/consultations/{id}/",
        by(404, anon=401, a=200, advisor=200),
        args=lambda w: {"id": w.consultation_a},
        headers=BROWSABLE,
        name="browsable",
    ),
    Case(
        "POST",
        "/api/v1/consultations/{id}/accept/",
        by(404, anon=401, a=403, advisor=200),
        args=lambda w: {"id": w.consultation_a},
        data=lambda w: {"scheduled_at": _future(), "location": "Room 1"},
    ),
    Case(
        "POST",
        "/api/v1/consultations/{id}/decline/",
        by(404, anon=401, a=403, advisor=200),
        args=lambda w: {"id": w.consultation_a},
        data={"reason": "Fully booked."},
    ),
    Case(
        "POST",
        "/api/v1/consultations/{id}/complete/",
        by(404, anon=401, a=403, advisor=409),  # 409: it is not accepted yet
        args=lambda w: {"id": w.consultation_a},
        data={"notes": "Notes."},
    ),
    Case(
        "POST",
        "/api/v1/consultations/{id}/cancel/",
        by(404, anon=401, a=200, advisor=403),
        args=lambda w: {"id": w.consultation_a},
    ),
    Case(
        "POST",
        "/api/v1/consultations/{id}/rate/",
        by(404, anon=401, a=409, advisor=403),  # 409: it is not completed yet
        args=lambda w: {"id": w.consultation_a},
        data={"rating": 5},
    ),
    # Pages
    Case("GET", "talent:profile", by(200, anon=302), shows={A: ("SECRET-A-company",)}),
    Case("POST", "talent:profile", by(302), data=PROFILE_FORM),
    Case("GET", "talent:directory", EVERYONE, shows={ANON: (PUBLIC["a_headline"],)}),
    Case(
        "GET",
        "talent:directory",
        EVERYONE,
        query="?country=DE",
        hides=(PUBLIC["a_headline"],),
        name="hidden work country",
    ),
    Case(
        "GET",
        "talent:directory",
        EVERYONE,
        query="?q=Returnee+Bravo",
        hides=lambda w: (f"/talent/{w.profile_b}/",),
        name="private profile",
    ),
    Case(
        "GET",
        "talent:returnee_detail",
        EVERYONE,
        args=lambda w: {"pk": w.profile_a},
        shows={ANON: (PUBLIC["a_headline"], PUBLIC["a_institution"])},
    ),
    Case(
        "GET",
        "talent:returnee_detail",
        by(404),
        args=lambda w: {"pk": w.profile_b},
        name="private profile",
    ),
    Case("GET", "talent:advisor_list", EVERYONE, shows={A: (PUBLIC["advisor"],)}),
    Case("GET", "talent:advisor_detail", EVERYONE, args=lambda w: {"pk": w.advisor_profile}),
    Case(
        "POST",
        "talent:advisor_detail",
        by(302, advisor=200),  # the advisor cannot ask themselves: the form says so
        args=lambda w: {"pk": w.advisor_profile},
        data={"topic": "policies", "message": "Could we talk?", "mode": "online"},
    ),
    Case(
        "GET",
        "talent:consultation_list",
        by(200, anon=302),
        shows={A: ("Advisor Charlie",), ADVISOR: ("Returnee Alpha",)},
    ),
    Case(
        "GET",
        "talent:consultation_detail",
        by(404, anon=302, a=200, advisor=200),
        args=_consultation,
        shows={A: ("SECRET-A-consultation",), ADVISOR: ("SECRET-A-consultation",)},
    ),
    Case(
        "POST",
        "talent:consultation_action",
        by(404, anon=302, a=403, advisor=302),
        args=_action("accept"),
        data=lambda w: {"accept-scheduled_at": _future("%Y-%m-%dT%H:%M")},
        name="accept",
    ),
    Case(
        "POST",
        "talent:consultation_action",
        by(404, anon=302, a=403, advisor=302),
        args=_action("decline"),
        data={"decline-reason": "Fully booked."},
        name="decline",
    ),
    Case(
        "POST",
        "talent:consultation_action",
        by(404, anon=302, a=403, advisor=302),
        args=_action("complete"),
        data={"complete-notes": "Notes."},
        name="complete",
    ),
    Case(
        "POST",
        "talent:consultation_action",
        by(404, anon=302, a=302, advisor=403),
        args=_action("cancel"),
        name="cancel",
    ),
    Case(
        "POST",
        "talent:consultation_action",
        by(404, anon=302, a=302, advisor=403),
        args=_action("rate"),
        data={"rate-rating": "5"},
        name="rate",
    ),
    Case(
        "GET",
        "talent:consultation_action",
        by(405, anon=302),
        args=_action("accept"),
        name="GET",
    ),
]
