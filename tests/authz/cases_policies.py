"""Policies: the library, eligibility, follows, topics and the officials' writing."""

from .cases import Case, by
from .world import ANON, OFFICIAL_A, OFFICIAL_B, PUBLIC, B

EVERYONE = by(200)
DRAFT_A = by(404, official_a=200, admin=200)
DRAFT_B = by(404, official_b=200, admin=200)
SIGNED_IN = by(200, anon=401)


def _policy(world) -> dict:
    return {"id": world.policy_a}


def _draft_a(world) -> dict:
    return {"id": world.draft_policy_a}


def _draft_b(world) -> dict:
    return {"id": world.draft_policy_b}


def _page(key: str):
    return lambda world: {"pk": getattr(world, key)}


def _policy_form(world) -> dict:
    return {
        "title_zh": "新政策",
        "title_en": "New policy",
        "summary_zh": "摘要",
        "summary_en": "Summary.",
        "district": world.district_a,
        "category": "housing",
        "criteria-TOTAL_FORMS": "0",
        "criteria-INITIAL_FORMS": "0",
    }


CASES = [
    # API: reading
    Case("GET", "/api/v1/policies/", EVERYONE, shows={ANON: (PUBLIC["policy_a"],)}),
    Case(
        "GET",
        "/api/v1/policies/",
        EVERYONE,
        query="?status=draft",
        shows={OFFICIAL_A: ("DRAFT-A-policy",), OFFICIAL_B: ("DRAFT-B-policy",)},
        name="drafts",
    ),
    Case("GET", "/api/v1/policies/{id}/", EVERYONE, args=_policy),
    Case("GET", "/api/v1/policies/{id}/", DRAFT_A, args=_draft_a, name="draft A"),
    Case("GET", "/api/v1/policies/{id}/", DRAFT_B, args=_draft_b, name="draft B"),
    Case("GET", "/api/v1/policies/for-me/", SIGNED_IN),
    Case("GET", "/api/v1/policies/{id}/eligibility/", SIGNED_IN, args=_policy),
    Case(
        "GET",
        "/api/v1/policies/{id}/eligibility/",
        by(404, anon=401, official_b=200, admin=200),
        args=_draft_b,
        name="draft B",
    ),
    # API: writing
    Case(
        "POST",
        "/api/v1/policies/",
        by(403, anon=401, official_a=201, admin=201),
        data=lambda w: {"title_en": "New", "category": "housing", "district": w.district_a},
    ),
    Case(
        "PATCH",
        "/api/v1/policies/{id}/",
        by(403, anon=401, official_a=200, admin=200),
        args=_policy,
        data={"summary_en": "Changed."},
    ),
    Case(
        "PATCH",
        "/api/v1/policies/{id}/",
        by(404, anon=401, official_b=200, admin=200),
        args=_draft_b,
        data={"summary_en": "Changed."},
        name="draft B",
    ),
    Case(
        "POST",
        "/api/v1/policies/{id}/publish/",
        by(404, anon=401, official_a=200, admin=200),
        args=_draft_a,
    ),
    Case(
        "POST",
        "/api/v1/policies/{id}/archive/",
        by(403, anon=401, official_a=200, admin=200),
        args=_policy,
    ),
    Case(
        "POST",
        "/api/v1/policies/{id}/archive/",
        by(404, anon=401, official_b=200, admin=200),
        args=_draft_b,
        name="draft B",
    ),
    # API: follows and topics, each one's own
    Case("POST", "/api/v1/policies/{id}/follow/", by(201, anon=401), args=_policy),
    Case(
        "POST",
        "/api/v1/policies/{id}/follow/",
        by(404, anon=401, official_b=400, admin=400),  # 400: only a published one
        args=_draft_b,
        name="draft B",
    ),
    Case(
        "DELETE",
        "/api/v1/policies/{id}/follow/",
        by(204, anon=401),
        args=_policy,
        changes=frozenset({B}),  # B's follow is B's own
    ),
    Case("GET", "/api/v1/me/policy-topics/", SIGNED_IN),
    Case(
        "POST",
        "/api/v1/me/policy-topics/",
        by(201, anon=401),
        data=lambda w: {"district": w.district_b},
    ),
    Case(
        "DELETE",
        "/api/v1/me/policy-topics/{id}/",
        by(404, anon=401, b=204),
        args=lambda w: {"id": w.topic_b},
    ),
    # Pages: reading
    Case("GET", "policies:list", EVERYONE, shows={ANON: (PUBLIC["policy_a"],)}),
    Case(
        "GET",
        "policies:list",
        EVERYONE,
        query="?status=draft",
        shows={OFFICIAL_A: ("DRAFT-A-policy",), OFFICIAL_B: ("DRAFT-B-policy",)},
        name="drafts",
    ),
    Case("GET", "policies:detail", EVERYONE, args=_page("policy_a")),
    Case("GET", "policies:detail", DRAFT_A, args=_page("draft_policy_a"), name="draft A"),
    Case("GET", "policies:for_me", by(200, anon=302)),
    Case(
        "GET",
        "policies:compare",
        EVERYONE,
        query="?category=talent_subsidy",
        shows={ANON: (PUBLIC["policy_a"],)},
    ),
    # Pages: follows and topics
    Case("POST", "policies:follow", by(302), args=_page("policy_a")),
    Case(
        "POST",
        "policies:follow",
        by(404, anon=302, official_a=302, admin=302),
        args=_page("draft_policy_a"),
        changes=frozenset(),
        name="draft A",
    ),
    Case(
        "POST",
        "policies:unfollow",
        by(302),
        args=_page("policy_a"),
        changes=frozenset({B}),
    ),
    Case("POST", "policies:topic_follow", by(302), data=lambda w: {"district": w.district_b}),
    Case(
        "POST",
        "policies:topic_unfollow",
        by(302),
        args=_page("topic_b"),
        changes=frozenset({B}),
    ),
    # Pages: officials
    Case(
        "GET",
        "policies:manage",
        by(403, anon=302, official_a=200, official_b=200, admin=200),
        shows={OFFICIAL_A: ("DRAFT-A-policy",), OFFICIAL_B: ("DRAFT-B-policy",)},
    ),
    Case("GET", "policies:create", by(403, anon=302, official_a=200, official_b=200, admin=200)),
    Case(
        "POST",
        "policies:create",
        # official B may not choose district A: the form says so
        by(403, anon=302, official_a=302, official_b=200, admin=302),
        data=_policy_form,
    ),
    Case(
        "GET",
        "policies:edit",
        by(403, anon=302, official_a=200, admin=200),
        args=_page("policy_a"),
    ),
    Case(
        "GET",
        "policies:edit",
        by(404, anon=302, official_b=200, admin=200),
        args=_page("draft_policy_b"),
        name="draft B",
    ),
    Case(
        "POST",
        "policies:edit",
        by(403, anon=302, official_a=302, admin=302),
        args=_page("policy_a"),
        data=_policy_form,
    ),
    Case(
        "POST",
        "policies:publish",
        by(404, anon=302, official_a=302, admin=302),
        args=_page("draft_policy_a"),
    ),
    Case(
        "POST",
        "policies:archive",
        by(403, anon=302, official_a=302, admin=302),
        args=_page("policy_a"),
    ),
]
