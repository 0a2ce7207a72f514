"""The "world" of the authorization matrix: one small set of objects with known owners, and
marker strings in every piece of non-public data, so a response can be searched for data its
reader must not see.

Actors (the keys of a case's expectations):

- ``anon``: not signed in.
- ``a``, ``b``: returnees. A has a public directory profile with hidden sections, a
  registration with a ticket at district A's published event, a consultation with the
  advisor, notifications, a calendar feed and a startup (with an open and a closed opening,
  a co-founder and a consultation asked on its behalf). B has a private profile, a
  registration at the same event, notifications, a followed policy and topic, and a startup
  in district B that district B's official has verified, with an open opening.
- Matching: A has an opening match (B's opening) and an advisor match; A is a candidate for
  B's opening (a match B sees as its founder); A has an advisor proposal in district A and
  B's startup one in district B. A second advisor has room for an official's override.
- ``advisor``: a user with an advisor profile; A's consultation is asked of them.
- ``official_a``, ``official_b``: officials of district A and B. Each district has a
  published event, a draft event with a registrant, and a draft policy; district A also has
  a published policy.
- ``volunteer``: the check-in volunteer of district A's published event.
- ``staff_a``: staff, not a superuser, granted district A, with Django admin's permissions
  to view and change events and to view advisor proposals. Outside Django admin they act
  as official A does (a case expects of them what it expects of official A unless it names
  them, and they may see what official A may see); in Django admin they see only district
  A's rows.
- ``staff``: staff with the same model permissions and no grant: they sign in to Django
  admin, see no district's rows there, and act nowhere else.
- ``admin``: staff and superuser.

Marker strings (see ``MARKERS``) are each visible to a fixed audience of actors; any other
actor finding one in any response is a leak.
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
from django.test import Client, override_settings
from django.utils import timezone

from core.models import (
    District,
    DistrictGrant,
    IndustrialPark,
    Notification,
    NotificationPreference,
    Sector,
)
from core.tests.factories import UserFactory
from events.choices import EventStatus, RegistrationStatus
from events.models import CalendarFeed, CheckinVolunteer, Event, Registration
from events.tests.factories import sync_counters
from matching.tests.factories import AdvisorProposalFactory, MatchFactory
from policies import services as policy_services
from policies.models import Policy, PolicyFollow, TopicFollow
from startups.models import Founder, Opening, Startup, StartupConsultation
from talent import services as talent_services
from talent.models import (
    AdvisorProfile,
    Consultation,
    Education,
    Employer,
    Institution,
    ReturneeProfile,
    WorkExperience,
)
from talent.tests.factories import AdvisorFactory

ANON = "anon"
A = "a"
B = "b"
ADVISOR = "advisor"
OFFICIAL_A = "official_a"
OFFICIAL_B = "official_b"
VOLUNTEER = "volunteer"
STAFF_A = "staff_a"
STAFF = "staff"
ADMIN = "admin"
ACTORS = (ANON, A, B, ADVISOR, OFFICIAL_A, OFFICIAL_B, VOLUNTEER, STAFF_A, STAFF, ADMIN)
SIGNED_IN = tuple(actor for actor in ACTORS if actor != ANON)

# No address is a part of another, so finding one in a text means that person.
EMAILS = {
    A: "person-alpha@example.com",
    B: "person-bravo@example.com",
    ADVISOR: "person-charlie@example.com",
    OFFICIAL_A: "person-delta@example.com",
    OFFICIAL_B: "person-echo@example.com",
    VOLUNTEER: "person-foxtrot@example.com",
    STAFF_A: "person-lima@example.com",
    STAFF: "person-mike@example.com",
    ADMIN: "person-golf@example.com",
}
NAMES = {
    A: "Returnee Alpha",
    B: "Returnee Bravo",
    ADVISOR: "Advisor Charlie",
    OFFICIAL_A: "Official Delta",
    OFFICIAL_B: "Official Echo",
    VOLUNTEER: "Volunteer Foxtrot",
    STAFF_A: "Staff Lima",
    STAFF: "Staff Mike",
    ADMIN: "Admin Golf",
}
COFOUNDER_EMAIL = "person-hotel@example.com"
OTHER_ADVISOR_EMAIL = "person-kilo@example.com"
DRAFT_A_REGISTRANT_EMAIL = "person-india@example.com"
DRAFT_B_REGISTRANT_EMAIL = "person-juliet@example.com"

A_BIRTH_YEAR = 1953  # hidden: show_birth_year is off
B_BIRTH_YEAR = 1961  # B's whole profile is private
A_RETURNED_ON = date(2019, 3, 17)  # hidden: show_returned_on is off
A_TICKET = "SECRET-A-ticket-7f3e9c"
B_TICKET = "SECRET-B-ticket-2d8a41"
A_FEED_TOKEN = "SECRET-A-feed-5b1c0e"


def _only(*actors: str) -> frozenset[str]:
    """`actors` and the admin; the staff member granted district A with official A."""
    extra = (STAFF_A,) if OFFICIAL_A in actors else ()
    return frozenset((*actors, *extra, ADMIN))


# Marker -> the actors who may see it. Admins see everything. A number (a birth year) is
# matched as a whole number only, so it is not found inside a random token.
MARKERS: dict[str, frozenset[str]] = {
    # A's account and profile
    EMAILS[A]: _only(A, OFFICIAL_A),  # A is registered for district A's event
    str(A_BIRTH_YEAR): _only(A),
    A_RETURNED_ON.isoformat(): _only(A),
    "SECRET-A-company": _only(A),
    "SECRET-A-employer": _only(A),  # work abroad: a hidden section
    "SECRET-A-role": _only(A),
    "SECRET-A-skill": _only(A),  # skills: a hidden section
    A_TICKET: _only(A),
    A_FEED_TOKEN: _only(A),
    "SECRET-A-notification": _only(A),
    "SECRET-A-consultation": _only(A, ADVISOR),
    "SECRET-A-preferred-times": _only(A, ADVISOR),
    "SECRET-A-startup-consultation": _only(A, ADVISOR),
    "SECRET-A-match-opening": _only(A),
    "SECRET-A-match-advisor": _only(A),
    "SECRET-A-proposal": _only(A, OFFICIAL_A),  # A's data export lists it
    # B's account and private profile
    EMAILS[B]: _only(B, OFFICIAL_A),  # B is registered for district A's event
    str(B_BIRTH_YEAR): _only(B),
    "SECRET-B-headline": _only(B),
    "SECRET-B-company": _only(B),
    B_TICKET: _only(B),
    "SECRET-B-notification": _only(B),
    "SECRET-B-proposal": _only(OFFICIAL_B),  # for B's startup
    # other accounts
    EMAILS[ADVISOR]: _only(ADVISOR),
    EMAILS[OFFICIAL_A]: _only(OFFICIAL_A),
    EMAILS[OFFICIAL_B]: _only(OFFICIAL_B),
    EMAILS[VOLUNTEER]: _only(VOLUNTEER, OFFICIAL_A),  # on district A's registrants page
    EMAILS[STAFF_A]: _only(STAFF_A),
    EMAILS[STAFF]: _only(STAFF),
    EMAILS[ADMIN]: _only(),
    COFOUNDER_EMAIL: _only(),
    OTHER_ADVISOR_EMAIL: _only(),
    # districts' unpublished work and registrants
    "DRAFT-A-event": _only(OFFICIAL_A),
    "DRAFT-B-event": _only(OFFICIAL_B),
    DRAFT_A_REGISTRANT_EMAIL: _only(OFFICIAL_A),
    DRAFT_B_REGISTRANT_EMAIL: _only(OFFICIAL_B),
    "DRAFT-A-policy": _only(OFFICIAL_A),
    "DRAFT-B-policy": _only(OFFICIAL_B),
}

# Public data: positive controls (a case may require an actor to see one).
PUBLIC = {
    "a_headline": "PUBLIC-A-headline",
    "a_institution": "PUBLIC-A-institution",
    "event_a": "PUBLIC-A-event",
    "event_b": "PUBLIC-B-event",
    "policy_a": "PUBLIC-A-policy",
    "startup": "PUBLIC-A-startup",
    "opening": "PUBLIC-A-opening",
    "closed_opening": "PUBLIC-A-closed-opening",
    "opening_b": "PUBLIC-B-opening",
    "advisor": "PUBLIC-advisor-title",
}


def _pattern(marker: str) -> re.Pattern:
    if marker.isdigit():
        return re.compile(rf"(?<![\w.-]){marker}(?![\w])")
    return re.compile(re.escape(marker), re.IGNORECASE)


MARKER_PATTERNS = {marker: _pattern(marker) for marker in MARKERS}


def leaked_markers(actor: str, body: str) -> list[str]:
    """The markers in `body` that `actor` may not see."""
    return [
        marker
        for marker, audience in MARKERS.items()
        if actor not in audience and MARKER_PATTERNS[marker].search(body)
    ]


@dataclass
class World:
    """Primary keys and values of the objects the cases address."""

    users: dict[str, int] = field(default_factory=dict)  # actor -> user id
    sessions: dict[str, str] = field(default_factory=dict)  # actor -> session key
    district_a: str = ""
    district_b: str = ""
    sector: str = ""
    park: str = ""
    profile_a: int = 0
    profile_b: int = 0
    advisor_profile: int = 0
    consultation_a: int = 0
    startup_consultation_a: int = 0
    notification_a: int = 0
    notification_b: int = 0
    startup_a: int = 0
    startup_b: int = 0
    cofounder: int = 0  # Founder row of A's startup (not A's own)
    founder_a: int = 0  # A's Founder row
    founder_b: int = 0  # B's Founder row, of B's startup
    opening_a: int = 0
    closed_opening_a: int = 0
    event_a: int = 0
    event_b: int = 0
    draft_event_a: int = 0
    draft_event_b: int = 0
    registration_a: int = 0
    registration_b: int = 0
    draft_registration_a: int = 0
    policy_a: int = 0
    draft_policy_a: int = 0
    draft_policy_b: int = 0
    topic_a: int = 0
    topic_b: int = 0
    unsubscribe_token_a: str = ""
    opening_b: int = 0  # an open opening of B's startup
    other_advisor: int = 0  # an advisor with room, for overrides
    match_a: int = 0  # A's match with B's opening
    advisor_match_a: int = 0  # A's match with the advisor
    candidate_a: int = 0  # A as a candidate for B's opening: B's match
    proposal_a: int = 0  # the advisor proposed to A, in district A
    proposal_b: int = 0  # the advisor proposed to B's startup, in district B


def _user(actor: str, **extra):
    return UserFactory(
        email=EMAILS[actor],
        full_name=NAMES[actor],
        language="en",
        **extra,
    )


def _event(district, title: str, status: str, created_by) -> Event:
    now = timezone.now()
    return Event.objects.create(
        kind="forum",
        title_zh=f"{title} 论坛",
        title_en=title,
        summary_en="A forum.",
        district=district,
        venue="Science Hall",
        starts_at=now + timedelta(days=10),
        ends_at=now + timedelta(days=10, hours=3),
        capacity=50,
        registration_opens_at=now - timedelta(days=1),
        registration_closes_at=now + timedelta(days=9),
        status=status,
        published_at=now if status == EventStatus.PUBLISHED else None,
        created_by=created_by,
    )


def build_world() -> World:
    from core.delivery import unsubscribe_token

    world = World()
    district_a = District.objects.create(code="authz-a", name_zh="甲区", name_en="District A")
    district_b = District.objects.create(code="authz-b", name_zh="乙区", name_en="District B")
    sector = Sector.objects.create(code="authz-ai", name_zh="人工智能", name_en="AI")
    world.district_a, world.district_b, world.sector = district_a.code, district_b.code, sector.code
    world.park = IndustrialPark.objects.create(
        code="authz-park", name_zh="园区", name_en="Park A", district=district_a
    ).code

    staff_flags = {STAFF_A: {"is_staff": True}, STAFF: {"is_staff": True}}
    staff_flags[ADMIN] = {"is_staff": True, "is_superuser": True}
    users = {actor: _user(actor, **staff_flags.get(actor, {})) for actor in SIGNED_IN}
    world.users = {actor: user.pk for actor, user in users.items()}
    DistrictGrant.objects.create(user=users[OFFICIAL_A], district=district_a)
    DistrictGrant.objects.create(user=users[OFFICIAL_B], district=district_b)
    DistrictGrant.objects.create(user=users[STAFF_A], district=district_a)
    admin_permissions = Permission.objects.filter(
        Q(content_type__app_label="events", codename__in=["view_event", "change_event"])
        | Q(content_type__app_label="matching", codename="view_advisorproposal")
    )
    for actor in (STAFF_A, STAFF):
        users[actor].user_permissions.set(admin_permissions)

    # Profiles -----------------------------------------------------------------------------
    profile_a = ReturneeProfile.objects.create(
        user=users[A],
        headline="PUBLIC-A-headline",
        bio="About A.",
        birth_year=A_BIRTH_YEAR,
        returned_on=A_RETURNED_ON,
        company_name="SECRET-A-company",
        company_district=district_a,
        residence_district=district_a,
        seeking=["job"],
        is_public=True,
        public_since=timezone.now(),
        matching_consent=True,
        show_work=False,
        show_skills=False,
        show_districts=False,
        show_birth_year=False,
        show_returned_on=False,
    )
    profile_a.sectors.set([sector])
    profile_a.skills.set([talent_services.skill_get_or_create(name="SECRET-A-skill")])
    Education.objects.create(
        profile=profile_a,
        degree_level="master",
        institution=Institution.objects.create(
            name="PUBLIC-A-institution", key="public-a-institution"
        ),
        country="CH",
        start_year=2005,
        end_year=2007,
    )
    WorkExperience.objects.create(
        profile=profile_a,
        employer=Employer.objects.create(name="SECRET-A-employer", key="secret-a-employer"),
        country="DE",
        role="SECRET-A-role",
        start_year=2008,
        end_year=2018,
    )
    profile_b = ReturneeProfile.objects.create(
        user=users[B],
        headline="SECRET-B-headline",
        birth_year=B_BIRTH_YEAR,
        company_name="SECRET-B-company",
        is_public=False,
        show_birth_year=True,
    )
    world.profile_a, world.profile_b = profile_a.pk, profile_b.pk

    # Advisor and consultations -----------------------------------------------------------
    advisor = AdvisorProfile.objects.create(
        user=users[ADVISOR],
        title_en="PUBLIC-advisor-title",
        title_zh="顾问",
        expertise=["policies"],
        languages=["en"],
        monthly_capacity=3,
    )
    advisor.districts.set([district_a])
    world.advisor_profile = advisor.pk
    consultation = Consultation.objects.create(
        requester=users[A],
        advisor=advisor,
        topic="policies",
        message="SECRET-A-consultation",
        preferred_times="SECRET-A-preferred-times",
    )
    world.consultation_a = consultation.pk

    # Notifications -----------------------------------------------------------------------
    world.notification_a = Notification.objects.create(
        recipient=users[A], kind="account", subject="SECRET-A-notification", body="For A."
    ).pk
    world.notification_b = Notification.objects.create(
        recipient=users[B], kind="account", subject="SECRET-B-notification", body="For B."
    ).pk
    NotificationPreference.objects.create(user=users[A], kind="account", frequency="daily")
    world.unsubscribe_token_a = unsubscribe_token(user=users[A], kinds=["account"])

    # Startups ----------------------------------------------------------------------------
    startup_a = Startup.objects.create(
        name="PUBLIC-A-startup", district=district_a, sector=sector, team_size=3
    )
    world.startup_a = startup_a.pk
    world.founder_a = Founder.objects.create(startup=startup_a, user=users[A], role="CEO").pk
    cofounder = UserFactory(email=COFOUNDER_EMAIL, full_name="Cofounder Hotel", language="en")
    world.cofounder = Founder.objects.create(startup=startup_a, user=cofounder, role="CTO").pk
    world.opening_a = Opening.objects.create(
        startup=startup_a, title="PUBLIC-A-opening", sector=sector
    ).pk
    world.closed_opening_a = Opening.objects.create(
        startup=startup_a, title="PUBLIC-A-closed-opening", sector=sector, is_open=False
    ).pk
    startup_consultation = Consultation.objects.create(
        requester=users[A],
        advisor=advisor,
        topic="financing",
        message="On behalf of the startup. SECRET-A-startup-consultation",
    )
    world.startup_consultation_a = StartupConsultation.objects.create(
        consultation=startup_consultation, startup=startup_a
    ).pk
    startup_b = Startup.objects.create(
        name="PUBLIC-B-startup",
        district=district_b,
        sector=sector,
        team_size=2,
        is_verified=True,
        verified_by=users[OFFICIAL_B],
        verified_at=timezone.now(),
    )
    world.founder_b = Founder.objects.create(startup=startup_b, user=users[B], role="CEO").pk
    world.startup_b = startup_b.pk
    opening_b = Opening.objects.create(startup=startup_b, title="PUBLIC-B-opening", sector=sector)
    world.opening_b = opening_b.pk

    # Events ------------------------------------------------------------------------------
    official_a, official_b = users[OFFICIAL_A], users[OFFICIAL_B]
    event_a = _event(district_a, "PUBLIC-A-event", EventStatus.PUBLISHED, official_a)
    event_b = _event(district_b, "PUBLIC-B-event", EventStatus.PUBLISHED, official_b)
    draft_a = _event(district_a, "DRAFT-A-event", EventStatus.DRAFT, official_a)
    draft_b = _event(district_b, "DRAFT-B-event", EventStatus.DRAFT, official_b)
    world.event_a, world.event_b = event_a.pk, event_b.pk
    world.draft_event_a, world.draft_event_b = draft_a.pk, draft_b.pk
    now = timezone.now()
    confirmed = {"status": RegistrationStatus.CONFIRMED, "confirmed_at": now}
    world.registration_a = Registration.objects.create(
        event=event_a, user=users[A], code=A_TICKET, **confirmed
    ).pk
    world.registration_b = Registration.objects.create(
        event=event_a, user=users[B], code=B_TICKET, **confirmed
    ).pk
    draft_registrant_a = UserFactory(
        email=DRAFT_A_REGISTRANT_EMAIL, full_name="Registrant India", language="en"
    )
    draft_registrant_b = UserFactory(
        email=DRAFT_B_REGISTRANT_EMAIL, full_name="Registrant Juliet", language="en"
    )
    world.draft_registration_a = Registration.objects.create(
        event=draft_a, user=draft_registrant_a, **confirmed
    ).pk
    Registration.objects.create(event=draft_b, user=draft_registrant_b, **confirmed)
    for event in (event_a, draft_a, draft_b):  # the rows above were written as they are
        sync_counters(event)
    CheckinVolunteer.objects.create(
        event=event_a, user=users[VOLUNTEER], granted_by=users[OFFICIAL_A]
    )
    CalendarFeed.objects.create(user=users[A], token=A_FEED_TOKEN)

    # Policies ----------------------------------------------------------------------------
    def policy(district, title: str) -> Policy:
        return Policy.objects.create(
            title_zh=f"{title} 政策",
            title_en=title,
            summary_zh="摘要",
            summary_en="Summary.",
            category="talent_subsidy",
            district=district,
            created_by=users[OFFICIAL_A if district == district_a else OFFICIAL_B],
        )

    policy_a = policy(district_a, "PUBLIC-A-policy")
    policy_services.policy_publish(policy=policy_a, user=users[OFFICIAL_A])
    world.policy_a = policy_a.pk
    world.draft_policy_a = policy(district_a, "DRAFT-A-policy").pk
    world.draft_policy_b = policy(district_b, "DRAFT-B-policy").pk
    PolicyFollow.objects.create(user=users[B], policy=policy_a)
    world.topic_a = TopicFollow.objects.create(user=users[A], district=district_a).pk
    world.topic_b = TopicFollow.objects.create(user=users[B], category="housing").pk

    # Matching ----------------------------------------------------------------------------
    def reason(code: str, weight: float, name) -> dict:
        return {"code": code, "weight": weight, "params": {"name": name}}

    ai = {"en": "AI", "zh": "人工智能"}
    world.match_a = MatchFactory(
        returnee=users[A],
        opening=opening_b,
        score=0.6,
        reasons=[reason("institution", 0.35, "SECRET-A-match-opening"), reason("sector", 0.25, ai)],
    ).pk
    world.advisor_match_a = MatchFactory(
        returnee_advisor=True,
        returnee=users[A],
        advisor=advisor,
        score=0.5,
        reasons=[reason("employer", 0.3, "SECRET-A-match-advisor"), reason("sector", 0.2, ai)],
    ).pk
    # The reasons the engine gives for a candidate: from the whole profile, hidden sections
    # (A's skills and work abroad) too. B, as the founder, may read only what A's directory
    # card shows.
    world.candidate_a = MatchFactory(
        opening_returnee=True,
        returnee=users[A],
        opening=opening_b,
        score=0.9,
        reasons=[
            reason("skill", 0.3, "SECRET-A-skill"),
            reason("employer", 0.2, "SECRET-A-employer"),
            reason("institution", 0.2, "PUBLIC-A-institution"),
            reason("sector", 0.1, ai),
            reason("seeking", 0.1, "job"),
        ],
    ).pk
    world.other_advisor = AdvisorFactory(
        user=UserFactory(email=OTHER_ADVISOR_EMAIL, full_name="Advisor Kilo", language="en"),
        monthly_capacity=5,
    ).pk
    world.proposal_a = AdvisorProposalFactory(
        returnee=users[A],
        advisor=advisor,
        district=district_a,
        reasons=[
            reason("expertise", 0.5, "SECRET-A-proposal"),
            # From A's hidden work abroad: officials must not read it in the proposal.
            reason("employer", 0.2, "SECRET-A-employer"),
        ],
    ).pk
    world.proposal_b = AdvisorProposalFactory(
        returnee=None,
        startup=startup_b,
        advisor=advisor,
        district=district_b,
        reasons=[reason("expertise", 0.5, "SECRET-B-proposal")],
    ).pk

    # Sessions ----------------------------------------------------------------------------
    for actor, user in users.items():
        client = Client()
        client.force_login(user)
        world.sessions[actor] = client.session.session_key
    return world


def client_for(world: World, actor: str) -> Client:
    """A test client signed in as `actor` (by the session the world made for them)."""
    client = Client()
    if actor != ANON:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[actor]
    return client


@contextmanager
def world_in_transaction(django_db_blocker):
    """Build the world in a transaction that is rolled back afterwards; the tests in between
    run in savepoints of it (pytest-django nests them), so the world is made once."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
            ):
                built = build_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
