import json

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token

from core.choices import Frequency, NotificationKind
from core.models import Notification, User

from .factories import (
    DistrictFactory,
    IndustrialParkFactory,
    NotificationFactory,
    SectorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SIGNUP = "/api/v1/auth/signup/"
TOKEN = "/api/v1/auth/token/"


def test_signup_creates_an_unverified_account_and_answers_without_a_token(api_client):
    response = api_client.post(
        SIGNUP,
        {"email": "New@Example.com", "password": "Quiet-River-2031", "full_name": "Zhang Wei"},
        format="json",
    )
    assert response.status_code == 202, response.json()
    assert set(response.json()) == {"detail"}
    user = User.objects.get(email="new@example.com")
    assert user.email_verified_at is None
    assert not Token.objects.filter(user=user).exists()
    token = api_client.post(
        TOKEN, {"email": "new@example.com", "password": "Quiet-River-2031"}, format="json"
    )
    assert token.status_code == 200
    me = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert me.json()["roles"] == ["returnee"]
    assert me.json()["email_verified"] is False


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "not-an-email", "password": "Quiet-River-2031", "full_name": "X"}, "email"),
        ({"email": "a@example.com", "password": "Quiet-River-2031"}, "full_name"),
        (
            {"email": "a@example.com", "password": "Quiet-River-2031", "full_name": "X" * 151},
            "full_name",
        ),
        ({"email": "a@example.com", "password": "x" * 129, "full_name": "X"}, "password"),
    ],
)
def test_signup_explains_what_is_wrong_with_the_input(api_client, payload, field):
    response = api_client.post(SIGNUP, payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["errors"]
    assert body["detail"].startswith(f"{field}: ")


def test_signup_refuses_common_passwords(api_client):
    weak = api_client.post(
        SIGNUP,
        {"email": "b@example.com", "password": "password123", "full_name": "B"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert weak.status_code == 400
    assert "too common" in weak.json()["detail"]
    assert not User.objects.filter(email="b@example.com").exists()


def test_errors_are_translated_to_chinese(api_client):
    response = api_client.post(
        TOKEN,
        {"email": "nobody@example.com", "password": "whatever-1"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-CN",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "电子邮箱或密码不正确。"


def test_malformed_json_is_a_400_with_a_message(api_client):
    response = api_client.post(TOKEN, "{bad", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_token_is_given_for_the_right_password_only(api_client, user, password):
    wrong = api_client.post(TOKEN, {"email": user.email, "password": "nope"}, format="json")
    assert wrong.status_code == 400
    right = api_client.post(
        TOKEN, {"email": user.email.upper(), "password": password}, format="json"
    )
    assert right.status_code == 200
    token = right.json()["token"]
    me = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 200
    assert me.json()["email"] == user.email


def test_asking_for_a_token_again_issues_a_new_one_and_the_old_one_stops_working(
    api_client, user, password
):
    credentials = {"email": user.email, "password": password}
    first = api_client.post(TOKEN, credentials, format="json").json()["token"]
    second = api_client.post(TOKEN, credentials, format="json").json()["token"]
    assert first != second
    assert api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {first}").status_code == 401
    assert api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {second}").status_code == 200


def test_a_deactivated_user_gets_no_token_and_their_token_stops_working(api_client, user, password):
    token = Token.objects.create(user=user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert api_client.post(TOKEN, {"email": user.email, "password": password}).status_code == 400
    response = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 401


def test_session_auth_works_for_the_api(client, user):
    client.force_login(user)
    assert client.get("/api/v1/me/").json()["email"] == user.email


def test_sign_in_is_locked_after_repeated_failures(api_client, user, password, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        api_client.post(TOKEN, {"email": user.email, "password": "wrong"}, format="json")
    locked = api_client.post(
        TOKEN, {"email": user.email, "password": password}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    assert "Too many failed sign-in attempts" in locked.json()["detail"]


def test_rate_limits_enabled_false_turns_lockout_and_throttles_off(
    api_client, user, password, settings
):
    settings.RATE_LIMITS_ENABLED = False
    settings.AXES_ENABLED = False
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "signin": "2/min"}
    for _ in range(6):
        api_client.post(TOKEN, {"email": user.email, "password": "wrong"}, format="json")
    assert api_client.post(TOKEN, {"email": user.email, "password": password}).status_code == 200


def test_sign_in_is_throttled_per_ip_with_a_clear_message(api_client, user, password, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "signin": "2/min"}
    for _ in range(2):
        assert (
            api_client.post(TOKEN, {"email": user.email, "password": password}).status_code == 200
        )
    response = api_client.post(
        TOKEN, {"email": user.email, "password": password}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert "available in" in response.json()["detail"]
    # The counter lives in the shared Redis cache, not in this process.
    assert any(b"throttle_signin" in key for key in cache._cache.get_client().keys("*"))


def test_signup_is_throttled(api_client, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "signup": "1/hour"}
    first = api_client.post(
        SIGNUP, {"email": "one@example.com", "password": "Quiet-River-2031", "full_name": "One"}
    )
    second = api_client.post(
        SIGNUP, {"email": "two@example.com", "password": "Quiet-River-2031", "full_name": "Two"}
    )
    assert (first.status_code, second.status_code) == (202, 429)


def test_reference_data_is_listed_and_found_by_code(api_client):
    pudong = DistrictFactory(code="pudong", name_zh="浦东新区", name_en="Pudong New Area")
    chips = SectorFactory(code="integrated-circuits", name_en="Integrated circuits", is_pillar=True)
    park = IndustrialParkFactory(
        code="zhangjiang", name_en="Zhangjiang Science City", district=pudong
    )
    park.sectors.add(chips)

    districts = api_client.get("/api/v1/districts/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert districts["count"] == 1
    assert districts["results"][0] == {
        "code": "pudong",
        "name": "Pudong New Area",
        "name_zh": "浦东新区",
        "name_en": "Pudong New Area",
    }
    zh = api_client.get("/api/v1/districts/pudong/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert zh["name"] == "浦东新区"
    parks = api_client.get("/api/v1/parks/?district=pudong&sector=integrated-circuits").json()
    assert parks["results"][0]["district"] == "pudong"
    assert parks["results"][0]["sectors"] == ["integrated-circuits"]
    assert api_client.get("/api/v1/sectors/?is_pillar=true").json()["count"] == 1
    assert api_client.get("/api/v1/districts/?q=浦东").json()["count"] == 1
    assert api_client.get("/api/v1/districts/nowhere/").status_code == 404


def test_unknown_codes_in_filters_are_a_400_that_names_the_code(api_client):
    response = api_client.get("/api/v1/parks/?district=atlantis", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "atlantis" in response.json()["detail"]


def test_pagination_shape_and_page_size_cap(api_client, settings):
    settings.API_MAX_PAGE_SIZE = 5
    DistrictFactory.create_batch(7)
    page = api_client.get("/api/v1/districts/?page_size=1000").json()
    assert set(page) == {"count", "next", "previous", "results"}
    assert page["count"] == 7
    assert len(page["results"]) == 5
    assert api_client.get("/api/v1/districts/?page=99").status_code == 404


def test_the_parks_list_runs_a_constant_number_of_queries(
    api_client, django_assert_max_num_queries
):
    for park in IndustrialParkFactory.create_batch(30):
        park.sectors.add(SectorFactory())
    with django_assert_max_num_queries(3):
        response = api_client.get("/api/v1/parks/?page_size=30")
    assert len(response.json()["results"]) == 30


def test_the_inbox_shows_only_ones_own_notifications(user_client, user, other_user):
    NotificationFactory(recipient=user, subject="Mine")
    NotificationFactory(recipient=other_user, subject="Theirs")
    body = user_client.get("/api/v1/me/notifications/").json()
    assert [item["subject"] for item in body["results"]] == ["Mine"]
    assert user_client.get("/api/v1/me/notifications/?unread=true").json()["count"] == 1
    marked = user_client.post("/api/v1/me/notifications/read/", {}, format="json")
    assert marked.json() == {"marked_read": 1}
    assert user_client.get("/api/v1/me/notifications/?unread=true").json()["count"] == 0
    assert Notification.objects.get(recipient=other_user).read_at is None


def test_anonymous_users_have_no_inbox(api_client):
    assert api_client.get("/api/v1/me/notifications/").status_code == 401


def test_notification_preferences_are_read_and_written(user_client, user):
    body = user_client.get("/api/v1/me/notification-preferences/").json()
    assert {item["kind"] for item in body} == set(NotificationKind.values)
    assert {item["frequency"] for item in body} == {Frequency.INSTANT}
    response = user_client.put(
        "/api/v1/me/notification-preferences/",
        [{"kind": "match", "frequency": "weekly"}, {"kind": "account", "frequency": "off"}],
        format="json",
    )
    assert response.status_code == 200
    chosen = {item["kind"]: item["frequency"] for item in response.json()}
    assert chosen["match"] == "weekly"
    assert chosen["account"] == "off"
    bad = user_client.put(
        "/api/v1/me/notification-preferences/",
        [{"kind": "gossip", "frequency": "off"}],
        format="json",
    )
    assert bad.status_code == 400


def test_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/auth/signup/" in paths
    assert "/api/v1/districts/{code}/" in paths
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


def test_a_forged_x_forwarded_for_does_not_escape_the_throttle(
    api_client, user, password, settings
):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "signin": "2/min"}
    codes = [
        api_client.post(
            TOKEN,
            {"email": user.email, "password": password},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number}",
        ).status_code
        for number in range(4)
    ]
    assert codes == [200, 200, 429, 429]


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(
    api_client, user, password, settings
):
    settings.NUM_PROXIES = 1
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "signin": "1/min"}

    def sign_in(address):
        return api_client.post(
            TOKEN,
            {"email": user.email, "password": password},
            HTTP_X_FORWARDED_FOR=f"198.51.100.7, {address}",
        ).status_code

    assert [sign_in("203.0.113.1"), sign_in("203.0.113.1"), sign_in("203.0.113.2")] == [
        200,
        429,
        200,
    ]


def test_a_token_user_gets_answers_in_their_language(api_client):
    user = UserFactory(language="zh-hans")
    token = Token.objects.create(user=user)
    response = api_client.get(
        "/api/v1/parks/?district=atlantis",
        HTTP_AUTHORIZATION=f"Token {token.key}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "atlantis" in response.json()["detail"]
    assert "未知" in response.json()["detail"]


def test_not_found_is_translated(api_client):
    response = api_client.get("/api/v1/districts/nowhere/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.json() == {"detail": "未找到相关内容。", "code": "not_found"}


def test_an_unexpected_api_error_is_json(rf):
    from core.api.exceptions import server_error

    response = server_error(rf.get("/api/v1/districts/"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["code"] == "server_error"


@pytest.mark.parametrize(
    "path", ["/api/v1/districts/", "/api/v1/sectors/", "/api/v1/me/notifications/"]
)
def test_lists_run_a_constant_number_of_queries(
    user_client, user, path, django_assert_max_num_queries
):
    DistrictFactory.create_batch(25)
    SectorFactory.create_batch(25)
    NotificationFactory.create_batch(25, recipient=user)
    with django_assert_max_num_queries(4):
        response = user_client.get(f"{path}?page_size=25")
    assert len(response.json()["results"]) == 25
