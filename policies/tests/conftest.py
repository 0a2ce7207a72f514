"""Fixtures of the policies tests: four districts, sectors, officials, and returnees whose
profiles are built by hand (`make_profile`)."""

import datetime

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from core.models import DistrictGrant
from core.tests.factories import DistrictFactory, SectorFactory, UserFactory
from policies import services
from talent.models import Education, Employer, Institution, ReturneeProfile, WorkExperience

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the portal's default language is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def pudong(db):
    return DistrictFactory(code="pudong", name_zh="浦东新区", name_en="Pudong New Area")


@pytest.fixture
def qingpu(db):
    return DistrictFactory(code="qingpu", name_zh="青浦区", name_en="Qingpu")


@pytest.fixture
def yangpu(db):
    return DistrictFactory(code="yangpu", name_zh="杨浦区", name_en="Yangpu")


@pytest.fixture
def chips(db):
    return SectorFactory(
        code="integrated-circuits", name_zh="集成电路", name_en="Integrated circuits"
    )


@pytest.fixture
def biopharma(db):
    return SectorFactory(
        code="biopharmaceuticals", name_zh="生物医药", name_en="Biopharmaceuticals"
    )


@pytest.fixture
def official(pudong):
    """An official of Pudong."""
    user = UserFactory(email="official.pudong@example.com", full_name="Qi Yuxia")
    DistrictGrant.objects.create(user=user, district=pudong)
    return user


@pytest.fixture
def qingpu_official(qingpu):
    user = UserFactory(email="official.qingpu@example.com", full_name="Xu Qing")
    DistrictGrant.objects.create(user=user, district=qingpu)
    return user


@pytest.fixture
def admin_user(db):
    return UserFactory(
        email="admin@example.com", full_name="Admin", is_staff=True, is_superuser=True
    )


def make_profile(
    user,
    *,
    birth_year=1992,
    returned_on=datetime.date(2024, 3, 1),
    study=(("master", 2015, 2017),),
    work=((2017, 2023),),
    work_district=None,
    company_district=None,
    company_role="",
    sectors=(),
):
    """A returnee's profile, written directly (the talent services have their own tests)."""
    profile, _created = ReturneeProfile.objects.update_or_create(
        user=user,
        defaults={
            "birth_year": birth_year,
            "returned_on": returned_on,
            "work_district": work_district,
            "company_district": company_district,
            "company_role": company_role,
        },
    )
    profile.sectors.set(sectors)
    profile.education.all().delete()
    profile.work.all().delete()
    for index, (degree, start, end) in enumerate(study):
        institution, _created = Institution.objects.get_or_create(
            key=f"university-{index}", defaults={"name": f"University {index}", "country": "JP"}
        )
        Education.objects.create(
            profile=profile,
            degree_level=degree,
            institution=institution,
            country="JP",
            start_year=start,
            end_year=end,
        )
    for index, (start, end) in enumerate(work):
        employer, _created = Employer.objects.get_or_create(
            key=f"employer-{index}", defaults={"name": f"Employer {index}", "country": "JP"}
        )
        WorkExperience.objects.create(
            profile=profile, employer=employer, country="JP", start_year=start, end_year=end
        )
    return profile


@pytest.fixture
def li_wen(db, qingpu, chips):
    """Master's in Tokyo 2015-2017, Sony 2017-2023, back on 2024-03-01, born 1992, employee
    of a Qingpu company, in integrated circuits."""
    user = UserFactory(email="li.wen@example.com", full_name="Li Wen")
    make_profile(
        user,
        work_district=qingpu,
        company_district=qingpu,
        company_role="employee",
        sectors=[chips],
    )
    return user


def criteria(*items) -> list[dict]:
    """Criteria for the services, with defaults for the keys an item leaves out."""
    return [
        {"value": None, "degree": "", "district": None, "sectors": [], **item} for item in items
    ]


def published_policy(
    *, user, district, title_en="Talent grant", category="talent_subsidy", rules=(), **fields
):
    """A policy written and published through the services (version 1)."""
    data = {
        "title_zh": fields.pop("title_zh", "人才资助"),
        "title_en": title_en,
        "summary_zh": fields.pop("summary_zh", "摘要"),
        "summary_en": fields.pop("summary_en", "Summary"),
        "category": category,
        "district": district,
        **fields,
    }
    policy = services.policy_create(user=user, data=data, criteria=criteria(*rules))
    services.policy_publish(policy=policy, user=user)
    policy.refresh_from_db()
    return policy


@pytest.fixture
def api_client():
    """An anonymous client asking for English."""
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def client_for(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client
