import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from core.models import Notification
from core.tests.factories import DistrictFactory
from startups.models import Founder, Startup, StartupConsultation
from talent.models import Skill

from .conftest import client_for
from .factories import FounderFactory, OpeningFactory, StartupFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("synonym_groups")]

STARTUPS = "/api/v1/startups/"
OPENINGS = "/api/v1/openings/"


def detail(startup) -> str:
    return f"{STARTUPS}{startup.pk}/"


# Reading ---------------------------------------------------------------------------------


def test_anyone_reads_the_directory_and_a_startup(api_client, startup, official, user):
    OpeningFactory(
        startup=startup,
        title="Analog IC designer",
        skills=[Skill.objects.create(name="chip design", key="chip design")],
    )
    OpeningFactory(startup=startup, is_open=False)
    listed = api_client.get(STARTUPS)
    assert listed.status_code == 200
    body = listed.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["name"] == "Tidewater Silicon"
    assert (item["district"], item["park"], item["sector"]) == (
        "pudong",
        "zhangjiang-science-city",
        "integrated-circuits",
    )
    assert item["needs"] == ["funding", "talent"]
    assert item["founders"] == [
        {
            "id": startup.founders.get().pk,
            "user": user.pk,
            "full_name": "Returnee A",
            "role": "CEO",
            "joined_at": item["founders"][0]["joined_at"],
        }
    ]
    assert item["open_openings"] == 1
    assert "email" not in str(item)
    one = api_client.get(detail(startup), HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert one["description"] == "模拟芯片设计"
    assert one["openings"][0]["title"] == "Analog IC designer"
    assert one["openings"][0]["skills"] == ["chip design"]
    english = api_client.get(detail(startup), HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["description"] == "Analog chip design"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("district=pudong", ["Tidewater Silicon"]),
        ("district=xuhui", ["Infrawave"]),
        ("park=caohejing-hi-tech-park", ["Infrawave"]),
        ("sector=integrated-circuits", ["Tidewater Silicon"]),
        ("stage=b_plus", ["Infrawave"]),
        ("need=policy_help", ["Infrawave"]),
        ("need=funding", ["Tidewater Silicon"]),
        ("verified=true", ["Infrawave"]),
        ("verified=false", ["Tidewater Silicon"]),
        ("q=thermal", ["Infrawave"]),
        ("q=红外", ["Infrawave"]),
        ("q=SILICON", ["Tidewater Silicon"]),
        ("ordering=-name", ["Tidewater Silicon", "Infrawave"]),
        ("ordering=team_size", ["Tidewater Silicon", "Infrawave"]),
    ],
)
def test_the_directory_filters_by_code_choice_and_words(
    api_client, startup, xuhui, caohejing, sensing, query, expected
):
    StartupFactory(
        name="Infrawave",
        description_zh="红外热成像",
        description_en="Thermal imaging cameras",
        district=xuhui,
        park=caohejing,
        sector=sensing,
        stage="b_plus",
        team_size=86,
        needs=["talent", "policy_help"],
        is_verified=True,
        verified_at="2025-01-01T00:00:00Z",
    )
    response = api_client.get(f"{STARTUPS}?{query}")
    assert response.status_code == 200
    assert [item["name"] for item in response.json()["results"]] == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("district=atlantis", "district"),
        ("park=nowhere", "park"),
        ("sector=whaling", "sector"),
        ("stage=series-z", "stage"),
        ("need=a-yacht", "need"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_an_unknown_code_or_value_is_a_400_that_says_so(api_client, startup, query, field):
    response = api_client.get(f"{STARTUPS}?{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"]
    assert body["detail"].startswith(f"{field}: ")


def test_an_unknown_district_code_names_the_code(api_client, startup):
    body = api_client.get(f"{STARTUPS}?district=atlantis", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["errors"]["district"] == [
        "Unknown code “atlantis”; use a code from the reference list."
    ]


def test_an_unknown_startup_is_a_404(api_client):
    assert api_client.get(f"{STARTUPS}999999/").status_code == 404
    assert api_client.get(f"{STARTUPS}99999999999999999999999/").status_code == 404


# Creating and changing -------------------------------------------------------------------


def new_startup(**fields) -> dict:
    return {
        "name": "Helixbay Biologics",
        "description_en": "Bispecific antibodies",
        "district": "pudong",
        "park": "zhangjiang-science-city",
        "sector": "integrated-circuits",
        "stage": "a",
        "team_size": 24,
        "needs": ["funding", "office_space"],
        "founded": "2021-09-15",
        "website": "https://helixbay.example.com",
        "role": "CEO",
        **fields,
    }


def test_anonymous_writes_are_401(api_client, startup):
    assert api_client.post(STARTUPS, new_startup(), format="json").status_code == 401
    assert api_client.patch(detail(startup), {"team_size": 3}, format="json").status_code == 401
    assert api_client.post(f"{detail(startup)}verify/").status_code == 401
    assert api_client.post(f"{detail(startup)}openings/", {"title": "X"}).status_code == 401
    assert api_client.post(f"{detail(startup)}invitations/", {"email": "a@b.c"}).status_code == 401
    assert (
        api_client.patch(f"{OPENINGS}{OpeningFactory(startup=startup).pk}/", {}).status_code == 401
    )


def test_a_signed_in_returnee_lists_a_startup_and_becomes_its_founder(
    user_client, user, zhangjiang, chips
):
    response = user_client.post(STARTUPS, new_startup(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "Helixbay Biologics"
    assert body["park"] == "zhangjiang-science-city"
    assert body["founded"] == "2021-09-15"
    assert body["is_verified"] is False
    assert [(f["user"], f["role"]) for f in body["founders"]] == [(user.pk, "CEO")]
    assert body["openings"] == []


def test_token_authentication_works_for_writes(api_client, user, zhangjiang, chips):
    token = Token.objects.create(user=user)
    response = api_client.post(
        STARTUPS, new_startup(), format="json", HTTP_AUTHORIZATION=f"Token {token.key}"
    )
    assert response.status_code == 201


def test_verification_cannot_be_mass_assigned(user_client, official, zhangjiang, chips):
    response = user_client.post(
        STARTUPS,
        new_startup(is_verified=True, verified_by=official.pk, verified_at="2025-01-01T00:00:00Z"),
        format="json",
    )
    assert response.status_code == 201
    startup = Startup.objects.get()
    assert not startup.is_verified
    assert startup.verified_by is None
    assert startup.verified_at is None
    patched = user_client.patch(
        detail(startup),
        {"is_verified": True, "verified_by": official.pk, "id": 999, "founders": []},
        format="json",
    )
    assert patched.status_code == 200
    startup.refresh_from_db()
    assert (startup.pk, startup.is_verified, startup.verified_by) == (
        patched.json()["id"],
        False,
        None,
    )
    assert startup.founders.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"district": "atlantis"}, "district"),
        ({"park": "caohejing-hi-tech-park"}, "park"),
        ({"team_size": 0}, "team_size"),
        ({"needs": ["a-yacht"]}, "needs"),
        ({"founded": "2999-01-01"}, "founded"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"name": ""}, "name"),
        ({"name": "Tidewater SILICON"}, "name"),
    ],
)
def test_invalid_input_is_a_400_naming_the_field(user_client, startup, caohejing, payload, field):
    response = user_client.post(
        STARTUPS, new_startup(**payload), format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    assert Startup.objects.count() == 1


def test_founders_change_their_startup_others_get_403(startup, user, other_user, official):
    for outsider in (other_user, official):
        refused = client_for(outsider).patch(detail(startup), {"team_size": 99}, format="json")
        assert refused.status_code == 403
        assert refused.json()["code"] == "permission_denied"
    changed = client_for(user).patch(
        detail(startup), {"team_size": 7, "needs": ["talent"]}, format="json"
    )
    assert changed.status_code == 200
    assert (changed.json()["team_size"], changed.json()["needs"]) == (7, ["talent"])


def test_put_needs_the_required_fields(startup, user):
    client = client_for(user)
    incomplete = client.put(detail(startup), {"team_size": 7}, format="json")
    assert incomplete.status_code == 400
    assert {"name", "district", "sector"} <= set(incomplete.json()["errors"])
    complete = client.put(
        detail(startup),
        {"name": "Tidewater", "district": "pudong", "sector": "integrated-circuits"},
        format="json",
    )
    assert complete.status_code == 200
    assert complete.json()["name"] == "Tidewater"


# Verification ----------------------------------------------------------------------------


def test_an_official_of_the_district_verifies(startup, official, xuhui_official, user):
    refused = client_for(xuhui_official).post(f"{detail(startup)}verify/")
    assert refused.status_code == 403
    assert client_for(user).post(f"{detail(startup)}verify/").status_code == 403
    verified = client_for(official).post(f"{detail(startup)}verify/")
    assert verified.status_code == 200
    assert verified.json()["is_verified"] is True
    assert verified.json()["verified_at"]
    assert Notification.objects.filter(recipient=user, template="startup_verified").exists()
    withdrawn = client_for(official).post(f"{detail(startup)}unverify/")
    assert withdrawn.status_code == 200
    assert withdrawn.json()["is_verified"] is False


# Founders --------------------------------------------------------------------------------


def test_founders_remove_co_founders(startup, user, other_user):
    co_founder = FounderFactory(startup=startup, user=other_user)
    removed = client_for(user).delete(f"{detail(startup)}founders/{co_founder.pk}/")
    assert removed.status_code == 204
    assert list(startup.founders.values_list("user", flat=True)) == [user.pk]


def test_the_last_founder_stays_and_outsiders_cannot_touch_founders(startup, user, other_user):
    own = startup.founders.get()
    last = client_for(user).delete(f"{detail(startup)}founders/{own.pk}/")
    assert last.status_code == 409
    assert last.json()["code"] == "last_founder"
    outsider = client_for(other_user)
    assert outsider.delete(f"{detail(startup)}founders/{own.pk}/").status_code == 403
    # An outsider is refused before the body is read: a 403, not the form's messages.
    for action in ("invitations", "openings", "consultations"):
        refused = outsider.post(f"{detail(startup)}{action}/", {}, format="json")
        assert refused.status_code == 403
        assert "errors" not in refused.json()
    assert (
        outsider.post(f"{detail(startup)}invitations/", {"email": other_user.email}).status_code
        == 403
    )
    assert Founder.objects.filter(startup=startup).count() == 1


# Openings --------------------------------------------------------------------------------


def test_founders_post_openings_and_others_get_403(startup, user, other_user):
    url = f"{detail(startup)}openings/"
    payload = {"title": "Analog IC designer", "skills": ["chip design", "Verilog"]}
    assert client_for(other_user).post(url, payload, format="json").status_code == 403
    response = client_for(user).post(url, payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["startup"], body["startup_name"], body["district"]) == (
        startup.pk,
        "Tidewater Silicon",
        "pudong",
    )
    assert body["sector"] == "integrated-circuits"
    assert sorted(body["skills"]) == ["Verilog", "chip design"]
    assert body["is_open"] is True


def test_founders_change_and_close_openings(startup, user, other_user, sensing):
    opening = OpeningFactory(startup=startup)
    url = f"{OPENINGS}{opening.pk}/"
    assert client_for(other_user).patch(url, {"title": "x"}, format="json").status_code == 403
    assert client_for(other_user).post(f"{url}close/").status_code == 403
    changed = client_for(user).patch(
        url, {"title": "Sensor engineer", "sector": "electronics-sensing"}, format="json"
    )
    assert changed.status_code == 200
    assert (changed.json()["title"], changed.json()["sector"]) == (
        "Sensor engineer",
        "electronics-sensing",
    )
    closed = client_for(user).post(f"{url}close/")
    assert closed.status_code == 200
    assert closed.json()["is_open"] is False


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["MEMS engineer", "Analog IC designer", "Old opening"]),
        ("is_open=true", ["MEMS engineer", "Analog IC designer"]),
        ("is_open=false", ["Old opening"]),
        ("sector=electronics-sensing", ["MEMS engineer"]),
        ("district=xuhui", ["MEMS engineer"]),
        ("district=pudong", ["Analog IC designer", "Old opening"]),
        ("skill=Chip Design", ["Analog IC designer"]),
        # The skill, then the sector (integrated circuits: chips, through the synonyms).
        ("q=chip", ["Analog IC designer", "Old opening"]),
        ("q=chip design", ["Analog IC designer"]),
        ("q=tidewater", ["Analog IC designer", "Old opening"]),
        ("q=mems", ["MEMS engineer"]),
        ("ordering=title", ["Analog IC designer", "MEMS engineer", "Old opening"]),
    ],
)
def test_the_openings_list_filters(api_client, startup, xuhui, sensing, query, expected):
    chip_design = Skill.objects.create(name="chip design", key="chip design")
    OpeningFactory(startup=startup, title="Old opening", is_open=False)
    OpeningFactory(startup=startup, title="Analog IC designer", skills=[chip_design])
    infrawave = StartupFactory(name="Infrawave", district=xuhui, sector=sensing)
    OpeningFactory(startup=infrawave, title="MEMS engineer")
    response = api_client.get(f"{OPENINGS}?{query}")
    assert response.status_code == 200
    assert [item["title"] for item in response.json()["results"]] == expected


def test_the_openings_of_one_startup(api_client, startup):
    mine = OpeningFactory(startup=startup)
    OpeningFactory()
    response = api_client.get(f"{OPENINGS}?startup={startup.pk}")
    assert [item["id"] for item in response.json()["results"]] == [mine.pk]
    for bad in ("abc", "1.5", "0", "99999999999999999999999"):
        assert api_client.get(f"{OPENINGS}?startup={bad}").status_code == 400


# Consultations ---------------------------------------------------------------------------


def test_a_founder_asks_an_advisor_for_the_startup(startup, user, other_user, advisor):
    url = f"{detail(startup)}consultations/"
    payload = {"advisor": advisor.pk, "topic": "financing", "message": "Seed funds?"}
    assert client_for(other_user).post(url, payload, format="json").status_code == 403
    response = client_for(user).post(url, payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    link = StartupConsultation.objects.get()
    assert body["id"] == link.pk
    assert (body["startup"], body["consultation"], body["advisor"]) == (
        startup.pk,
        link.consultation_id,
        advisor.pk,
    )
    assert body["status"] == "requested"
    assert body["advisor_name"] == "Zhang Hua"


def test_an_unknown_advisor_is_a_400(startup, user):
    response = client_for(user).post(
        f"{detail(startup)}consultations/",
        {"advisor": 987654, "topic": "financing", "message": "Hi"},
        format="json",
    )
    assert response.status_code == 400
    assert "advisor" in response.json()["errors"]


# Query counts ----------------------------------------------------------------------------


def _many_startups(count: int, pudong, zhangjiang, chips):
    for number in range(count):
        startup = StartupFactory(district=pudong, park=zhangjiang, sector=chips)
        FounderFactory(startup=startup)
        FounderFactory(startup=startup)
        skill = Skill.objects.create(name=f"skill {number}", key=f"skill {number}")
        OpeningFactory(startup=startup, skills=[skill])


@pytest.mark.parametrize("page_size", [2, 20])
def test_the_startups_list_takes_the_same_queries_for_any_page_size(
    api_client, pudong, zhangjiang, chips, page_size, django_assert_max_num_queries
):
    _many_startups(20, pudong, zhangjiang, chips)
    # The district code, the count, the page, its founders.
    with django_assert_max_num_queries(4):
        response = api_client.get(f"{STARTUPS}?page_size={page_size}&district=pudong")
    assert len(response.json()["results"]) == page_size


@pytest.mark.parametrize("page_size", [2, 20])
def test_the_openings_list_takes_the_same_queries_for_any_page_size(
    api_client, pudong, zhangjiang, chips, page_size, django_assert_max_num_queries
):
    _many_startups(20, pudong, zhangjiang, chips)
    # The sector code, the count, the page, its skills.
    with django_assert_max_num_queries(4):
        response = api_client.get(f"{OPENINGS}?page_size={page_size}&sector=integrated-circuits")
    assert len(response.json()["results"]) == page_size


def test_the_startups_count_reads_the_startups_alone(api_client, startup):
    OpeningFactory(startup=startup)
    OpeningFactory(startup=startup, is_open=False)
    StartupFactory()
    with CaptureQueriesContext(connection) as queries:
        body = api_client.get(STARTUPS).json()
    assert body["count"] == 2
    assert next(item for item in body["results"] if item["id"] == startup.pk)["open_openings"] == 1
    (count,) = [query["sql"] for query in queries.captured_queries if "__count" in query["sql"]]
    assert "startups_opening" not in count and "GROUP BY" not in count


def test_a_startups_page_takes_a_fixed_number_of_queries(
    api_client, startup, django_assert_max_num_queries
):
    for _number in range(5):
        FounderFactory(startup=startup)
        OpeningFactory(
            startup=startup, skills=[Skill.objects.create(name=f"s{_number}", key=f"s{_number}")]
        )
    with django_assert_max_num_queries(4):
        assert api_client.get(detail(startup)).status_code == 200


def test_codes_are_codes_not_names(api_client, startup):
    DistrictFactory(code="xuhui", name_en="Xuhui")
    assert api_client.get(f"{STARTUPS}?district=Pudong New Area").status_code == 400
    assert api_client.get(f"{STARTUPS}?district=xuhui").json()["count"] == 0


def test_messages_follow_the_language_of_the_request(startup, other_user):
    client = client_for(other_user)
    chinese = client.patch(
        detail(startup), {"team_size": 3}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert chinese.json()["detail"] == "只有该企业的创始人可以修改。"
    english = client.patch(
        detail(startup), {"team_size": 3}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.json()["detail"] == "Only the startup's founders can change it."
