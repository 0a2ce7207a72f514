"""Fixtures of the startups tests: two districts with a park each, sectors, and a startup
founded by the `user` fixture."""

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from core.models import DistrictGrant
from core.tests.factories import (
    DistrictFactory,
    IndustrialParkFactory,
    SectorFactory,
    UserFactory,
)
from talent.tests.factories import AdvisorFactory

from .factories import FounderFactory, StartupFactory


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the portal's default language is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def pudong(db):
    return DistrictFactory(code="pudong", name_zh="浦东新区", name_en="Pudong New Area")


@pytest.fixture
def xuhui(db):
    return DistrictFactory(code="xuhui", name_zh="徐汇区", name_en="Xuhui")


@pytest.fixture
def zhangjiang(pudong):
    return IndustrialParkFactory(
        code="zhangjiang-science-city",
        name_zh="张江科学城",
        name_en="Zhangjiang Science City",
        district=pudong,
    )


@pytest.fixture
def caohejing(xuhui):
    return IndustrialParkFactory(
        code="caohejing-hi-tech-park",
        name_zh="漕河泾新兴技术开发区",
        name_en="Caohejing Hi-tech Park",
        district=xuhui,
    )


@pytest.fixture
def chips(db):
    return SectorFactory(
        code="integrated-circuits", name_zh="集成电路", name_en="Integrated circuits"
    )


@pytest.fixture
def sensing(db):
    return SectorFactory(
        code="electronics-sensing", name_zh="电子信息与传感", name_en="Electronics and sensing"
    )


@pytest.fixture
def startup(user, pudong, zhangjiang, chips):
    """A chip-design startup in Zhangjiang founded by `user`."""
    startup = StartupFactory(
        name="Tidewater Silicon",
        description_zh="模拟芯片设计",
        description_en="Analog chip design",
        district=pudong,
        park=zhangjiang,
        sector=chips,
        needs=["funding", "talent"],
    )
    FounderFactory(startup=startup, user=user, role="CEO")
    return startup


@pytest.fixture
def official(pudong):
    """An official of Pudong, the district of `startup`."""
    official = UserFactory(email="official.pudong@example.com", full_name="Qi Yuxia")
    DistrictGrant.objects.create(user=official, district=pudong)
    return official


@pytest.fixture
def xuhui_official(xuhui):
    official = UserFactory(email="official.xuhui@example.com", full_name="Xu Official")
    DistrictGrant.objects.create(user=official, district=xuhui)
    return official


@pytest.fixture
def advisor(db):
    return AdvisorFactory(user__email="advisor.zhang@example.com", user__full_name="Zhang Hua")


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client
