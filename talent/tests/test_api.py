from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.tests.factories import DistrictFactory, SectorFactory, UserFactory
from talent import services
from talent.models import Consultation

from .factories import AdvisorFactory, ConsultationFactory

pytestmark = pytest.mark.django_db

PROFILE = "/api/v1/me/profile/"
SECRET_YEAR = 1977


@pytest.fixture
def reference():
    return {
        "pudong": DistrictFactory(code="pudong"),
        "qingpu": DistrictFactory(code="qingpu"),
        "chips": SectorFactory(code="integrated-circuits"),
        "bio": SectorFactory(code="biopharmaceuticals"),
    }


def test_a_new_user_gets_an_empty_profile(user_client):
    body = user_client.get(PROFILE).json()
    assert body["education"] == [] and body["skills"] == []
    assert body["is_public"] is False


def test_the_profile_is_written_and_read_back(user_client, reference):
    payload = {
        "full_name": "Chen Haoran",
        "birth_year": 1988,
        "returned_on": "2021-09-01",
        "work_district": "pudong",
        "residence_district": None,
        "sectors": ["integrated-circuits"],
        "skills": ["Chip Design", "verification"],
        "languages": ["zh", "en"],
        "seeking": ["cofounder", "investment"],
        "education": [
            {
                "degree_level": "master",
                "institution": "ETH Zürich",
                "country": "CH",
                "end_year": 2014,
            }
        ],
        "work": [{"employer": "Infineon", "country": "DE", "role": "Chip designer"}],
        "is_public": True,
        "matching_consent": True,
    }
    response = user_client.put(PROFILE, payload, format="json")
    assert response.status_code == 200, response.json()
    body = user_client.get(PROFILE).json()
    assert body["full_name"] == "Chen Haoran"
    assert body["work_district"] == "pudong"
    assert body["education"][0]["institution"] == "ETH Zürich"
    assert body["education"][0]["country"] == "CH"
    assert sorted(body["skills"]) == ["Chip Design", "verification"]
    assert body["public_since"] and body["matching_consent_at"]
    patched = user_client.patch(PROFILE, {"headline": "Analog designer"}, format="json").json()
    assert patched["headline"] == "Analog designer"
    assert patched["birth_year"] == 1988


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"returned_on": "2999-01-01"}, "returned_on"),
        (
            {
                "birth_year": 1990,
                "education": [
                    {
                        "degree_level": "master",
                        "institution": "MIT",
                        "country": "US",
                        "end_year": 1980,
                    }
                ],
            },
            "education.0.end_year",
        ),
        ({"work_district": "atlantis"}, "work_district"),
        (
            {"education": [{"degree_level": "wizard", "institution": "X", "country": "US"}]},
            "education",
        ),
        ({"returned_on": "not-a-date"}, "returned_on"),
        ({"skills": ["x" * 61]}, "skills"),
    ],
)
def test_profile_errors_are_a_400_naming_the_field(user_client, reference, payload, field):
    response = user_client.put(PROFILE, payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"]
    assert body["detail"]


def test_anonymous_users_have_no_profile(api_client):
    assert api_client.get(PROFILE).status_code == 401


def _listed(reference, **hidden):
    user = UserFactory(full_name="Lin Yue")
    services.profile_update(
        user=user,
        data={
            "headline": "Pharmacologist",
            "birth_year": SECRET_YEAR,
            "returned_on": timezone.localdate() - timedelta(days=400),
            "work_district": reference["qingpu"],
            "sectors": [reference["bio"]],
            "skills": ["drug discovery"],
            "education": [
                {
                    "degree_level": "doctorate",
                    "institution": "Imperial College London",
                    "country": "GB",
                }
            ],
            "work": [{"employer": "Roche", "country": "CH", "role": "Scientist"}],
            "is_public": True,
            **hidden,
        },
    )
    return user.profile


def test_the_directory_shows_only_public_sections(api_client, reference):
    profile = _listed(reference, show_work=False, show_education=False)
    services.profile_update(user=UserFactory(), data={"headline": "Not listed"})
    body = api_client.get("/api/v1/returnees/").json()
    assert body["count"] == 1
    card = body["results"][0]
    assert card["full_name"] == "Lin Yue"
    assert card["headline"] == "Pharmacologist"
    assert "work" not in card and "education" not in card
    assert "birth_year" not in card and "returned_on" not in card
    text = api_client.get(f"/api/v1/returnees/{profile.pk}/").content.decode()
    for secret in ("Roche", "Imperial", str(SECRET_YEAR)):
        assert secret not in text


def test_filters_never_find_people_by_hidden_fields(api_client, reference):
    _listed(reference, show_education=False, show_skills=False)
    assert api_client.get("/api/v1/returnees/?institution=imperial").json()["count"] == 0
    assert api_client.get("/api/v1/returnees/?country=GB").json()["count"] == 0
    assert api_client.get("/api/v1/returnees/?skill=drug%20discovery").json()["count"] == 0
    assert api_client.get("/api/v1/returnees/?country=CH").json()["count"] == 1  # work is public
    assert api_client.get("/api/v1/returnees/?district=qingpu").json()["count"] == 1
    assert api_client.get("/api/v1/returnees/?sector=biopharmaceuticals").json()["count"] == 1


def test_directory_filters_match_normalised_names(api_client, reference):
    _listed(reference)
    assert api_client.get("/api/v1/returnees/?institution=imperial%20college").json()["count"] == 1
    assert api_client.get("/api/v1/returnees/?skill=Drug-Discovery").json()["count"] == 1
    assert api_client.get("/api/v1/returnees/?q=pharmacologist").json()["count"] == 1
    bad = api_client.get("/api/v1/returnees/?country=ZZ")
    assert bad.status_code == 400


def test_directory_list_queries_do_not_grow_with_the_page(
    api_client, reference, django_assert_max_num_queries
):
    for _ in range(15):
        _listed(reference)
    with django_assert_max_num_queries(9):
        small = api_client.get("/api/v1/returnees/?page_size=2")
    with django_assert_max_num_queries(9):
        large = api_client.get("/api/v1/returnees/?page_size=15")
    assert len(small.json()["results"]) == 2 and len(large.json()["results"]) == 15


def test_advisors_show_their_capacity_left(api_client, django_assert_max_num_queries):
    advisor = AdvisorFactory(monthly_capacity=2, expertise=["ip"], languages=["de"])
    AdvisorFactory.create_batch(5)
    _start, month_end = services.month_bounds(timezone.now())
    services.consultation_accept(
        consultation=ConsultationFactory(advisor=advisor),
        user=advisor.user,
        scheduled_at=min(timezone.now() + timedelta(minutes=5), month_end - timedelta(seconds=1)),
    )
    with django_assert_max_num_queries(6):
        body = api_client.get("/api/v1/advisors/?page_size=50").json()
    card = next(item for item in body["results"] if item["id"] == advisor.pk)
    assert card["capacity_left"] == 1
    assert api_client.get("/api/v1/advisors/?expertise=ip").json()["count"] == 1
    assert api_client.get("/api/v1/advisors/?language=de").json()["count"] == 1


def test_the_advisors_count_reads_the_advisors_alone_unless_filtered_by_capacity(api_client):
    advisor = AdvisorFactory(monthly_capacity=1)
    AdvisorFactory.create_batch(2)
    _start, month_end = services.month_bounds(timezone.now())
    services.consultation_accept(
        consultation=ConsultationFactory(advisor=advisor),
        user=advisor.user,
        scheduled_at=min(timezone.now() + timedelta(minutes=5), month_end - timedelta(seconds=1)),
    )
    with CaptureQueriesContext(connection) as queries:
        body = api_client.get("/api/v1/advisors/").json()
    assert body["count"] == 3
    (count,) = [query["sql"] for query in queries.captured_queries if "__count" in query["sql"]]
    assert "talent_consultation" not in count and "GROUP BY" not in count
    assert api_client.get("/api/v1/advisors/?available=true").json()["count"] == 2
    full = api_client.get("/api/v1/advisors/?available=false").json()
    assert [item["id"] for item in full["results"]] == [advisor.pk]
    assert full["results"][0]["capacity_left"] == 0


def test_requesting_and_answering_a_consultation_through_the_api(user_client, user, api_client):
    advisor = AdvisorFactory()
    created = user_client.post(
        f"/api/v1/advisors/{advisor.pk}/consultations/",
        {"topic": "policies", "message": "Which subsidies?", "mode": "on_site"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    consultation_id = created.json()["id"]
    api_client.force_authenticate(advisor.user)
    when = (timezone.now() + timedelta(days=3)).isoformat()
    accepted = api_client.post(
        f"/api/v1/consultations/{consultation_id}/accept/", {"scheduled_at": when}, format="json"
    )
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    again = api_client.post(
        f"/api/v1/consultations/{consultation_id}/accept/", {"scheduled_at": when}, format="json"
    )
    assert again.status_code == 409
    assert user_client.post(f"/api/v1/consultations/{consultation_id}/complete/").status_code == 403
    assert (
        api_client.post(
            f"/api/v1/consultations/{consultation_id}/complete/", {"notes": "ok"}
        ).status_code
        == 200
    )
    rated = user_client.post(
        f"/api/v1/consultations/{consultation_id}/rate/", {"rating": 4}, format="json"
    )
    assert rated.json()["rating"] == 4
    assert (
        user_client.post(
            f"/api/v1/consultations/{consultation_id}/rate/", {"rating": 9}
        ).status_code
        == 400
    )


def test_other_peoples_consultations_are_not_found(user_client, api_client):
    consultation = ConsultationFactory()
    assert user_client.get(f"/api/v1/consultations/{consultation.pk}/").status_code == 404
    assert user_client.post(f"/api/v1/consultations/{consultation.pk}/cancel/").status_code == 404
    assert user_client.get("/api/v1/consultations/").json()["count"] == 0
    api_client.force_authenticate(consultation.requester)
    assert api_client.get("/api/v1/consultations/").json()["count"] == 1
    assert Consultation.objects.get().status == "requested"


def test_a_full_month_answers_409_with_a_message(api_client):
    advisor = AdvisorFactory(monthly_capacity=1)
    first, second = ConsultationFactory.create_batch(2, advisor=advisor)
    api_client.force_authenticate(advisor.user)
    when = (timezone.now() + timedelta(days=40)).isoformat()
    assert (
        api_client.post(
            f"/api/v1/consultations/{first.pk}/accept/", {"scheduled_at": when}
        ).status_code
        == 200
    )
    full = api_client.post(
        f"/api/v1/consultations/{second.pk}/accept/",
        {"scheduled_at": when},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert full.status_code == 409
    assert full.json()["code"] == "capacity"
    assert "monthly capacity" in full.json()["detail"]


def test_consultation_requests_are_throttled(user_client, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "consultation": "2/hour"}
    advisor = AdvisorFactory()
    url = f"/api/v1/advisors/{advisor.pk}/consultations/"
    codes = [
        user_client.post(url, {"topic": "ip", "message": "Hello"}, format="json").status_code
        for _ in range(3)
    ]
    assert codes == [201, 201, 429]


def test_company_details_are_saved(user_client, reference):
    response = user_client.patch(
        PROFILE,
        {"company_name": "ChipCo", "company_district": "pudong", "company_role": "founder"},
        format="json",
    )
    assert response.status_code == 200
    body = user_client.get(PROFILE).json()
    assert (body["company_name"], body["company_district"], body["company_role"]) == (
        "ChipCo",
        "pudong",
        "founder",
    )
    assert user_client.patch(PROFILE, {"company_role": "boss"}, format="json").status_code == 400


def test_accepting_more_than_a_year_ahead_is_a_400(api_client):
    consultation = ConsultationFactory()
    api_client.force_authenticate(consultation.advisor.user)
    far = (timezone.now() + timedelta(days=800)).isoformat()
    response = api_client.post(
        f"/api/v1/consultations/{consultation.pk}/accept/", {"scheduled_at": far}
    )
    assert response.status_code == 400
    assert "scheduled_at" in response.json()["errors"]
