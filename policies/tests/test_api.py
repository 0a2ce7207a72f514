import datetime

import pytest
from rest_framework.test import APIClient

from core.models import Notification
from core.tests.factories import UserFactory
from policies import services
from policies.models import EligibilityRecord, Policy, PolicyFollow, TopicFollow

from .conftest import client_for, make_profile, published_policy

pytestmark = pytest.mark.django_db

LIST = "/api/v1/policies/"


def detail(policy) -> str:
    return f"/api/v1/policies/{policy.pk}/"


@pytest.fixture
def grant(official, pudong, chips):
    """A published Pudong talent grant Li Wen narrowly misses (company not in Pudong)."""
    return published_policy(
        user=official,
        district=pudong,
        title_zh="浦东新区海外人才集聚资助",
        title_en="Pudong overseas talent grant",
        document_number="浦人社规〔2024〕3号",
        sectors=[chips],
        benefit_amount=200000,
        rules=[
            {"kind": "min_degree", "degree": "master"},
            {"kind": "overseas_years", "value": 3},
            {"kind": "returned_within", "value": 5},
            {"kind": "company_district", "district": pudong},
        ],
    )


@pytest.fixture
def pudong_draft(official, pudong):
    return services.policy_create(
        user=official,
        data={
            "title_zh": "草案",
            "title_en": "Draft policy",
            "summary_en": "Housing.",
            "category": "housing",
        },
    )


def body_for(**overrides):
    return {
        "title_zh": "浦东新区人才安居",
        "title_en": "Pudong talent housing",
        "summary_en": "Rent support.",
        "category": "housing",
        "district": "pudong",
        "criteria": [
            {"kind": "min_degree", "degree": "master"},
            {"kind": "max_age", "value": 45},
            {"kind": "sector", "sectors": ["integrated-circuits"]},
        ],
        **overrides,
    }


# Reading ---------------------------------------------------------------------------------


def test_anyone_lists_published_policies_but_not_drafts(api_client, grant, pudong_draft):
    body = api_client.get(LIST).json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["id"] == grant.pk
    assert item["district"] == "pudong" and item["issuer"] == "Pudong New Area"
    assert item["sectors"] == ["integrated-circuits"]
    assert item["benefit_amount"] == "200000.00"
    assert item["version"] == 1 and item["status"] == "published"


def test_titles_follow_the_request_language(api_client, grant):
    body = APIClient().get(LIST, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert body["results"][0]["title"] == "浦东新区海外人才集聚资助"
    body = api_client.get(LIST, HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["results"][0]["title"] == "Pudong overseas talent grant"


def test_the_detail_has_criteria_and_versions(api_client, grant):
    body = api_client.get(detail(grant)).json()
    assert [item["kind"] for item in body["criteria"]] == [
        "min_degree",
        "overseas_years",
        "returned_within",
        "company_district",
    ]
    assert body["criteria"][3]["district"] == "pudong"
    assert body["criteria"][3]["text"] == "Company registered in Pudong New Area"
    assert body["versions"] == [
        {
            "number": 1,
            "published_at": body["versions"][0]["published_at"],
            "criteria_changed": False,
            "changes": [],
        }
    ]


def test_drafts_are_invisible_to_everyone_but_the_districts_officials(
    api_client, pudong_draft, li_wen, qingpu_official, official, admin_user
):
    url = detail(pudong_draft)
    assert api_client.get(url).status_code == 404
    assert client_for(li_wen).get(url).status_code == 404
    assert client_for(qingpu_official).get(url).status_code == 404
    assert client_for(official).get(url).status_code == 200
    assert client_for(admin_user).get(url).status_code == 200
    # Asking for drafts shows only one's own district's.
    assert client_for(qingpu_official).get(LIST, {"status": "draft"}).json()["count"] == 0
    assert client_for(official).get(LIST, {"status": "draft"}).json()["count"] == 1


def test_filters(api_client, grant, admin_user, qingpu):
    city = published_policy(
        user=admin_user,
        district=None,
        title_en="City residence",
        category="entry_residence",
        expires_on=datetime.date(2025, 1, 1),
    )
    published_policy(
        user=admin_user, district=qingpu, title_en="Qingpu housing", category="housing"
    )

    def ids(**params):
        return [item["id"] for item in api_client.get(LIST, params).json()["results"]]

    assert ids(district="pudong") == [grant.pk]
    assert ids(district="municipal") == [city.pk]
    assert ids(category="entry_residence") == [city.pk]
    assert ids(sector="integrated-circuits") == [grant.pk]
    assert city.pk not in ids(active_on="2026-06-01")
    assert ids(q="集成电路") == [grant.pk]  # its sector
    assert ids(q="生物医药") == []
    assert ids(q="overseas talent", district="pudong") == [grant.pk]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"district": "atlantis"}, "Unknown code “atlantis”"),
        ({"sector": "alchemy"}, "Unknown code “alchemy”"),
        ({"active_on": "2026-13-45"}, "Enter a valid date."),
        ({"active_on": "yesterday"}, "Enter a valid date."),
        ({"q": "x" * 201}, "Ensure this value has at most 200 characters"),
        ({"category": "lottery"}, "Select a valid choice."),
        ({"status": "secret"}, "Select a valid choice."),
    ],
)
def test_bad_filter_values_are_400_with_a_message(api_client, grant, params, message):
    response = api_client.get(LIST, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    field = next(iter(params))
    assert message in body["errors"][field][0]
    assert message in body["detail"]


def test_the_list_query_count_does_not_grow_with_the_page(
    api_client, admin_user, pudong, chips, django_assert_max_num_queries, li_wen
):
    for number in range(25):
        published_policy(
            user=admin_user, district=pudong, title_en=f"Grant {number}", sectors=[chips]
        )
    client = client_for(li_wen)
    for size in (5, 25):
        with django_assert_max_num_queries(6):
            response = client.get(LIST, {"page_size": size, "q": "grant"})
        assert len(response.json()["results"]) == size
    with django_assert_max_num_queries(5):
        api_client.get(LIST, {"page_size": 25})


def test_unknown_ids_are_json_404s(api_client):
    for path in ("/api/v1/policies/999999/", "/api/v1/policies/abc/", "/api/v1/policies/-1/"):
        response = api_client.get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert api_client.get("/api/v1/policies/99999999999999999999999/").status_code == 404


# Writing ---------------------------------------------------------------------------------


def test_an_official_creates_a_draft_for_their_district(official, pudong, chips):
    response = client_for(official).post(LIST, body_for(status="published"), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"  # `status` in the body changes nothing
    assert body["district"] == "pudong"
    assert [item["kind"] for item in body["criteria"]] == ["min_degree", "max_age", "sector"]
    assert body["criteria"][2]["sectors"] == ["integrated-circuits"]


def test_a_returnee_cannot_write(li_wen, pudong, grant):
    client = client_for(li_wen)
    assert client.post(LIST, body_for(), format="json").status_code == 403
    response = client.patch(
        detail(grant), {"title_en": "Mine", "status": "archived"}, format="json"
    )
    assert response.status_code == 403
    assert client.post(detail(grant) + "archive/").status_code == 403
    grant.refresh_from_db()
    assert grant.title_en == "Pudong overseas talent grant" and grant.status == "published"


def test_anonymous_writes_are_401(api_client, grant):
    assert api_client.post(LIST, body_for(), format="json").status_code == 401
    assert api_client.patch(detail(grant), {"title_en": "x"}, format="json").status_code == 401


def test_an_official_cannot_write_another_districts_policies(qingpu_official, grant, pudong_draft):
    client = client_for(qingpu_official)
    response = client.post(LIST, body_for(district="pudong"), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "not_your_district"
    assert client.patch(detail(grant), {"title_en": "Qingpu's"}, format="json").status_code == 403
    assert client.post(detail(grant) + "archive/").status_code == 403
    # Another district's draft does not exist for them.
    assert client.patch(detail(pudong_draft), {"title_en": "x"}, format="json").status_code == 404
    assert client.post(detail(pudong_draft) + "publish/").status_code == 404


@pytest.mark.parametrize(
    ("criterion", "field", "message"),
    [
        ({"kind": "max_age", "value": 200}, "criteria.0.value", "Enter an age limit between"),
        ({"kind": "overseas_years", "value": -3}, "criteria.0.value", "Enter between 1 and 50"),
        ({"kind": "min_degree", "degree": "wizard"}, "criteria.0.degree", "Unknown degree level"),
        ({"kind": "company_district", "district": "atlantis"}, "criteria", "Unknown code"),
        ({"kind": "teleportation"}, "criteria", "is not a valid choice"),
        ({"kind": "max_age", "value": "old"}, "criteria", "Enter a whole number."),
    ],
)
def test_an_impossible_criterion_is_a_400_with_a_message(
    official, pudong, criterion, field, message
):
    response = client_for(official).post(LIST, body_for(criteria=[criterion]), format="json")
    assert response.status_code == 400
    body = response.json()
    assert message in body["detail"]
    assert field in body["errors"]
    assert not Policy.objects.exists()


def test_patching_a_published_policy_publishes_version_two_and_tells_followers(
    official, grant, li_wen
):
    services.policy_follow(user=li_wen, policy=grant)
    response = client_for(official).patch(
        detail(grant),
        {"benefit_amount": "250000", "criteria": [{"kind": "min_degree", "degree": "master"}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["version"] == 2
    assert body["versions"][0]["changes"][0].startswith("Criterion removed")
    assert "Amount (CNY): ¥200,000 → ¥250,000" in body["versions"][0]["changes"]
    notice = Notification.objects.get(recipient=li_wen)
    assert notice.subject == "You now qualify for “Pudong overseas talent grant”"


def test_publish_and_archive(official, pudong_draft):
    client = client_for(official)
    response = client.post(detail(pudong_draft) + "publish/")
    assert response.status_code == 200
    assert response.json()["status"] == "published" and response.json()["version"] == 1
    assert client.post(detail(pudong_draft) + "publish/").json()["version"] == 1
    assert client.post(detail(pudong_draft) + "archive/").json()["status"] == "archived"


def test_publishing_without_both_titles_is_a_400(official, pudong):
    policy = services.policy_create(
        user=official, data={"title_en": "English only", "category": "housing"}
    )
    response = client_for(official).post(detail(policy) + "publish/")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "title_zh": ["A published policy needs its title in Chinese and in English."]
    }


# Eligibility and follows -----------------------------------------------------------------


def test_eligibility_gives_a_line_for_every_criterion(li_wen, grant, admin_user, qingpu):
    published_policy(
        user=admin_user,
        district=qingpu,
        title_en="Qingpu grant",
        rules=[{"kind": "employed_in_district", "district": qingpu}],
    )
    response = client_for(li_wen).get(detail(grant) + "eligibility/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ineligible" and body["narrowly_missed"] is True
    assert body["hint"] == "You would qualify if your company were registered in Pudong New Area."
    assert [line["met"] for line in body["criteria"]] == [True, True, True, False]
    assert body["criteria"][1] == {
        "kind": "overseas_years",
        "label": "Years of study or work abroad",
        "required": "At least 3 years of study or work abroad",
        "found": "8 years abroad (study 2, work 6)",
        "met": True,
        "hint": "",
    }
    assert [item["title"] for item in body["alternatives"]] == ["Qingpu grant"]
    assert body["alternatives"][0]["status"] == "eligible"
    assert EligibilityRecord.objects.get(user=li_wen, policy=grant).status == "ineligible"


def test_eligibility_without_a_profile_is_unknown_not_an_error(grant):
    newcomer = UserFactory(email="new@example.com")
    body = client_for(newcomer).get(detail(grant) + "eligibility/").json()
    assert body["status"] == "unknown"
    assert all(line["met"] is None for line in body["criteria"])
    assert "Fill in your date of return to China." in body["to_fill_in"]


def test_eligibility_needs_a_sign_in_and_a_visible_policy(api_client, li_wen, pudong_draft):
    assert api_client.get(detail(pudong_draft) + "eligibility/").status_code == 401
    assert client_for(li_wen).get(detail(pudong_draft) + "eligibility/").status_code == 404


def test_follow_and_unfollow(api_client, li_wen, grant, pudong_draft):
    client = client_for(li_wen)
    response = client.post(detail(grant) + "follow/")
    assert response.status_code == 201
    assert response.json() == {"policy": grant.pk, "following": True}
    assert client.post(detail(grant) + "follow/").status_code == 201
    assert PolicyFollow.objects.filter(user=li_wen).count() == 1
    assert client.get(LIST).json()["results"][0]["is_following"] is True
    assert client.delete(detail(grant) + "follow/").status_code == 204
    assert not PolicyFollow.objects.exists()
    assert api_client.post(detail(grant) + "follow/").status_code == 401
    assert client.post(detail(pudong_draft) + "follow/").status_code == 404


def test_policies_for_me_lists_the_matching_ones_first(li_wen, grant, admin_user, qingpu):
    eligible = published_policy(
        user=admin_user,
        district=qingpu,
        title_en="Qingpu grant",
        rules=[{"kind": "employed_in_district", "district": qingpu}],
    )
    unknown = published_policy(
        user=admin_user,
        district=None,
        title_en="City start-up funding",
        rules=[{"kind": "note", "note_en": "Holds 30% of the shares"}],
    )
    body = client_for(li_wen).get(LIST + "for-me/").json()
    assert [(row["group"], row["policy"]["id"]) for row in body] == [
        ("eligible", eligible.pk),
        ("unknown", unknown.pk),
        ("narrowly_missed", grant.pk),
    ]
    assert body[2]["hint"].startswith("You would qualify if your company")
    assert EligibilityRecord.objects.filter(user=li_wen).count() == 3


def test_topic_follows(li_wen, pudong):
    client = client_for(li_wen)
    response = client.post(
        "/api/v1/me/policy-topics/", {"district": "pudong", "category": "housing"}, format="json"
    )
    assert response.status_code == 201, response.json()
    topic = response.json()
    assert topic["label"] == "Pudong New Area · Housing and talent apartments"
    assert client.post("/api/v1/me/policy-topics/", {}, format="json").status_code == 400
    assert (
        client.post(
            "/api/v1/me/policy-topics/", {"district": "atlantis"}, format="json"
        ).status_code
        == 400
    )
    assert [item["id"] for item in client.get("/api/v1/me/policy-topics/").json()] == [topic["id"]]
    other = client_for(UserFactory(email="other@example.com"))
    assert other.delete(f"/api/v1/me/policy-topics/{topic['id']}/").status_code == 404
    assert client.delete(f"/api/v1/me/policy-topics/{topic['id']}/").status_code == 204
    assert not TopicFollow.objects.exists()
    assert APIClient().get("/api/v1/me/policy-topics/").status_code == 401


def test_a_returnee_with_two_profiles_worth_of_data_sees_one_record(li_wen, grant):
    make_profile(li_wen, birth_year=1990)
    client = client_for(li_wen)
    client.get(detail(grant) + "eligibility/")
    client.get(detail(grant) + "eligibility/")
    assert EligibilityRecord.objects.filter(user=li_wen).count() == 1
