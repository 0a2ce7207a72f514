"""Events, registrations, check-in and calendars."""

from datetime import timedelta

from django.utils import timezone

from .cases import BROWSABLE, Case, by
from .world import (
    A_FEED_TOKEN,
    A_TICKET,
    ANON,
    B_TICKET,
    DRAFT_A_REGISTRANT_EMAIL,
    DRAFT_B_REGISTRANT_EMAIL,
    EMAILS,
    OFFICIAL_A,
    OFFICIAL_B,
    PUBLIC,
    VOLUNTEER,
    A,
    B,
)

EVERYONE = by(200)
# A draft exists only for its district's officials and admins.
DRAFT_A = by(404, official_a=200, admin=200)
DRAFT_B = by(404, official_b=200, admin=200)


def _event(world) -> dict:
    return {"id": world.event_a}


def _draft_a(world) -> dict:
    return {"id": world.draft_event_a}


def _draft_b(world) -> dict:
    return {"id": world.draft_event_b}


def _page(key: str):
    return lambda world: {"pk": getattr(world, key)}


def _times(fmt: str | None = None) -> dict:
    start = timezone.localtime(timezone.now() + timedelta(days=20)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    times = {
        "starts_at": start,
        "ends_at": start + timedelta(hours=4),
        "registration_opens_at": start - timedelta(days=10),
        "registration_closes_at": start - timedelta(hours=1),
    }
    return {key: value.strftime(fmt) if fmt else value.isoformat() for key, value in times.items()}


def _new_event(district: str):
    def body(world) -> dict:
        return {
            "kind": "forum",
            "title_zh": "新论坛",
            "title_en": "New forum",
            "district": getattr(world, district),
            "venue": "Hall 2",
            "capacity": 80,
            **_times(),
        }

    return body


def _event_form(world) -> dict:
    return {
        "kind": "forum",
        "title_zh": "新论坛",
        "title_en": "New forum",
        "district": world.district_a,
        "language": "bilingual",
        "venue": "Hall 2",
        "capacity": "80",
        **_times("%Y-%m-%dT%H:%M"),
        "speakers-TOTAL_FORMS": "0",
        "speakers-INITIAL_FORMS": "0",
        "sessions-TOTAL_FORMS": "0",
        "sessions-INITIAL_FORMS": "0",
    }


CASES = [
    # API: events
    Case(
        "GET",
        "/api/v1/events/",
        EVERYONE,
        shows={
            ANON: (PUBLIC["event_a"], PUBLIC["event_b"]),
            OFFICIAL_A: ("DRAFT-A-event",),
            OFFICIAL_B: ("DRAFT-B-event",),
        },
    ),
    Case(
        "POST",
        "/api/v1/events/",
        by(403, anon=401, official_a=201, admin=201),
        data=_new_event("district_a"),
    ),
    Case("GET", "/api/v1/events/{id}/", EVERYONE, args=_event),
    Case("GET", "/api/v1/events/{id}/", DRAFT_A, args=_draft_a, name="draft A"),
    Case("GET", "/api/v1/events/{id}/", DRAFT_B, args=_draft_b, name="draft B"),
    Case(
        "GET",
        "/api/v1/events/{id}/",
        DRAFT_B,
        args=_draft_b,
        headers=BROWSABLE,
        name="draft B, browsable",
    ),
    Case(
        "PATCH",
        "/api/v1/events/{id}/",
        by(403, anon=401, official_a=200, admin=200),
        args=_event,
        data={"venue": "Hall 3"},
    ),
    Case(
        "PATCH",
        "/api/v1/events/{id}/",
        by(404, anon=401, official_b=200, admin=200),
        args=_draft_b,
        data={"venue": "Hall 3"},
        name="draft B",
    ),
    Case(
        "POST",
        "/api/v1/events/{id}/publish/",
        by(404, anon=401, official_a=200, admin=200),
        args=_draft_a,
    ),
    Case(
        "POST",
        "/api/v1/events/{id}/publish/",
        by(403, anon=401, official_a=409, admin=409),  # 409: it is published already
        args=_event,
        name="published",
    ),
    Case(
        "POST",
        "/api/v1/events/{id}/cancel/",
        by(403, anon=401, official_a=200, admin=200),
        args=_event,
        data={"reason": "Storm."},
    ),
    Case(
        "POST",
        "/api/v1/events/{id}/cancel/",
        by(404, anon=401, official_b=200, admin=200),
        args=_draft_b,
        name="draft B",
    ),
    Case(
        "POST",
        "/api/v1/events/{id}/register/",
        by(201, anon=401, a=409, b=409),  # A and B hold seats already
        args=_event,
    ),
    Case(
        "POST",
        "/api/v1/events/{id}/register/",
        by(404, anon=401, official_a=400, admin=400),  # 400: a draft takes no registrations
        args=_draft_a,
        name="draft A",
    ),
    Case(
        "GET",
        "/api/v1/events/{id}/registrations/",
        by(403, anon=401, official_a=200, admin=200),
        args=_event,
        shows={OFFICIAL_A: (EMAILS[A], EMAILS[B])},
    ),
    Case(
        "GET",
        "/api/v1/events/{id}/registrations/",
        by(403, anon=401, official_a=200, admin=200),
        args=_event,
        query="?format=csv",
        shows={OFFICIAL_A: (EMAILS[A], EMAILS[B])},
        name="csv",
    ),
    Case(
        "GET",
        "/api/v1/events/{id}/registrations/",
        by(404, anon=401, official_b=200, admin=200),
        args=_draft_b,
        shows={OFFICIAL_B: (DRAFT_B_REGISTRANT_EMAIL,)},
        name="draft B",
    ),
    Case(
        "GET",
        "/api/v1/events/{id}/attendees/",
        by(403, anon=401, official_a=200, volunteer=200, admin=200),
        args=_event,
        shows={VOLUNTEER: ("Returnee Alpha", "Returnee Bravo")},
    ),
    Case(
        "GET",
        "/api/v1/events/{id}/attendees/",
        by(403, anon=401, official_b=200, admin=200),
        args=lambda w: {"id": w.event_b},
        name="other district",
    ),
    Case(
        "POST",
        "/api/v1/events/{id}/checkin/",
        by(403, anon=401, official_a=200, volunteer=200, admin=200),
        args=_event,
        data={"code": A_TICKET},
    ),
    Case(
        "POST",
        "/api/v1/events/{id}/checkin/",
        by(403, anon=401, official_b=404, admin=404),  # 404: no ticket of that event
        args=lambda w: {"id": w.event_b},
        data={"code": A_TICKET},
        name="other district",
    ),
    Case(
        "POST",
        "/api/v1/events/{id}/volunteers/",
        by(403, anon=401, official_a=201, admin=201),
        args=_event,
        data={"email": EMAILS[B]},
    ),
    Case("GET", "/api/v1/events/{id}/ics/", EVERYONE, args=_event),
    Case("GET", "/api/v1/events/{id}/ics/", DRAFT_A, args=_draft_a, name="draft A"),
    # API: one's own registrations
    Case(
        "GET",
        "/api/v1/me/registrations/",
        by(200, anon=401),
        shows={A: (A_TICKET,), B: (B_TICKET,)},
    ),
    Case(
        "GET",
        "/api/v1/me/registrations/{id}/",
        by(404, anon=401, a=200),
        args=lambda w: {"id": w.registration_a},
        shows={A: (A_TICKET,)},
    ),
    Case(
        "GET",
        "/api/v1/me/registrations/{id}/",
        by(404, anon=401, a=200),
        args=lambda w: {"id": w.registration_a},
        headers=BROWSABLE,
        name="browsable",
    ),
    Case(
        "GET",
        "/api/v1/events/{id}/attendees/",
        by(403, anon=401, official_a=200, volunteer=200, admin=200),
        args=_event,
        headers=BROWSABLE,
        name="browsable",
    ),
    Case(
        "DELETE",
        "/api/v1/me/registrations/{id}/",
        by(404, anon=401, a=200),
        args=lambda w: {"id": w.registration_a},
    ),
    # Pages: public
    Case(
        "GET",
        "events:list",
        EVERYONE,
        shows={ANON: (PUBLIC["event_a"],), OFFICIAL_A: ("DRAFT-A-event",)},
    ),
    Case("GET", "events:detail", EVERYONE, args=_page("event_a")),
    Case("GET", "events:detail", DRAFT_A, args=_page("draft_event_a"), name="draft A"),
    Case(
        "GET",
        "events:registrants",
        by(404, anon=302, official_a=200, admin=200),
        args=_page("draft_event_a"),
        shows={OFFICIAL_A: (DRAFT_A_REGISTRANT_EMAIL,)},
        name="draft A",
    ),
    Case(
        "POST",
        "events:register",
        by(302),  # A and B: "already registered", and back to the event
        args=_page("event_a"),
        changes=frozenset(
            {"advisor", "official_a", "official_b", "volunteer", "staff_a", "staff", "admin"}
        ),
    ),
    Case(
        "POST",
        "events:register",
        by(404, official_a=302, admin=302),
        args=_page("draft_event_a"),
        changes=frozenset(),
        name="draft A",
    ),
    # Pages: one's own registrations and calendar
    Case(
        "GET",
        "events:my_registrations",
        by(200, anon=302),
        shows={A: (PUBLIC["event_a"], A_FEED_TOKEN)},
    ),
    Case(
        "GET",
        "events:ticket",
        by(404, anon=302, a=200),
        args=_page("registration_a"),
        shows={A: (A_TICKET,)},
    ),
    Case(
        "POST",
        "events:registration_cancel",
        by(404, anon=302, a=302),
        args=_page("registration_a"),
    ),
    # The feed's token is the key to A's private calendar (A gives it to a calendar app).
    Case(
        "GET",
        "events:feed",
        EVERYONE,
        args=lambda w: {"token": A_FEED_TOKEN},
        shows={ANON: (PUBLIC["event_a"],)},
    ),
    Case(
        "GET",
        "events:feed",
        by(404),
        args=lambda w: {"token": "not-a-feed-token"},
        name="unknown token",
    ),
    # Pages: officials
    Case(
        "GET",
        "events:manage",
        by(403, anon=302, official_a=200, official_b=200, admin=200),
        shows={OFFICIAL_A: ("DRAFT-A-event",), OFFICIAL_B: ("DRAFT-B-event",)},
    ),
    Case("GET", "events:create", by(403, anon=302, official_a=200, official_b=200, admin=200)),
    Case(
        "POST",
        "events:create",
        # official B may not choose district A: the form says so
        by(403, anon=302, official_a=302, official_b=200, admin=302),
        data=_event_form,
    ),
    Case(
        "GET",
        "events:edit",
        by(403, anon=302, official_a=200, admin=200),
        args=_page("event_a"),
    ),
    Case(
        "GET",
        "events:edit",
        by(404, anon=302, official_b=200, admin=200),
        args=_page("draft_event_b"),
        name="draft B",
    ),
    Case(
        "POST",
        "events:edit",
        by(403, anon=302, official_a=302, admin=302),
        args=_page("event_a"),
        data=_event_form,
    ),
    Case(
        "POST",
        "events:publish",
        by(404, anon=302, official_a=302, admin=302),
        args=_page("draft_event_a"),
    ),
    Case(
        "POST",
        "events:cancel",
        by(403, anon=302, official_a=302, admin=302),
        args=_page("event_a"),
        data={"reason": "Storm."},
    ),
    Case(
        "GET",
        "events:registrants",
        by(403, anon=302, official_a=200, admin=200),
        args=_page("event_a"),
        shows={OFFICIAL_A: (EMAILS[A], EMAILS[B], EMAILS[VOLUNTEER])},
    ),
    Case(
        "GET",
        "events:registrants",
        by(404, anon=302, official_b=200, admin=200),
        args=_page("draft_event_b"),
        shows={OFFICIAL_B: (DRAFT_B_REGISTRANT_EMAIL,)},
        name="draft B",
    ),
    Case(
        "POST",
        "events:volunteer_add",
        by(403, anon=302, official_a=302, admin=302),
        args=_page("event_a"),
        data={"email": EMAILS[B]},
    ),
    Case(
        "POST",
        "events:volunteer_remove",
        by(403, anon=302, official_a=302, admin=302),
        args=lambda w: {"pk": w.event_a, "user_id": w.users[VOLUNTEER]},
    ),
    Case(
        "GET",
        "events:checkin",
        by(403, anon=302, official_a=200, volunteer=200, admin=200),
        args=_page("event_a"),
        shows={VOLUNTEER: ("Returnee Alpha",)},
    ),
    Case(
        "GET",
        "events:checkin",
        by(404, anon=302, official_b=200, admin=200),
        args=_page("draft_event_b"),
        name="draft B",
    ),
    Case(
        "POST",
        "events:checkin",
        by(403, anon=302, official_a=200, volunteer=200, admin=200),
        args=_page("event_a"),
        data={"code": A_TICKET},
    ),
]
