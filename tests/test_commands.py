import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client

from core.demo import ADMIN, OFFICIAL, RETURNEE
from core.models import District, DistrictGrant, IndustrialPark, Organisation, Sector, User
from core.tests.factories import DistrictFactory, UserFactory

pytestmark = pytest.mark.django_db


def counts():
    return [
        model.objects.count()
        for model in (District, Sector, IndustrialPark, Organisation, User, DistrictGrant)
    ]


def test_seed_demo_is_idempotent_and_draws_on_the_seeds():
    call_command("seed_demo", stdout=StringIO())
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first
    assert District.objects.get(code="pudong").name_zh == "浦东新区"
    assert IndustrialPark.objects.get(code="zhangjiang-science-city").district.code == "pudong"
    assert IndustrialPark.objects.get(code="caohejing-hi-tech-park").district.code == "xuhui"
    assert IndustrialPark.objects.get(code="qingpu-industrial-park").district.code == "qingpu"
    pillars = set(Sector.objects.filter(is_pillar=True).values_list("code", flat=True))
    assert pillars == {"integrated-circuits", "biopharmaceuticals", "artificial-intelligence"}
    assert Organisation.objects.filter(code="wrsa").exists()


def test_the_demo_accounts_sign_in_with_the_details_in_the_readme():
    call_command("seed_demo", stdout=StringIO())
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    for email, password, *_ in (ADMIN, OFFICIAL, RETURNEE):
        assert re.search(rf"{re.escape(email)}.*{re.escape(password)}", readme), email
        response = Client().post("/signin/", {"username": email, "password": password})
        assert response.status_code == 302, email
    admin = User.objects.get(email=ADMIN[0])
    assert admin.is_superuser
    official = User.objects.get(email=OFFICIAL[0])
    assert list(official.districts.values_list("code", flat=True)) == ["pudong"]


def test_grant_official_grants_a_district():
    user = UserFactory(email="official@example.com")
    DistrictFactory(code="qingpu")
    out = StringIO()
    call_command("grant_official", "Official@Example.com", "qingpu", stdout=out)
    assert "official of qingpu" in out.getvalue()
    assert user.is_official


def test_grant_official_explains_unknown_users_and_districts():
    UserFactory(email="someone@example.com")
    DistrictFactory(code="qingpu")
    with pytest.raises(CommandError, match="No user has the e-mail address"):
        call_command("grant_official", "nobody@example.com", "qingpu")
    with pytest.raises(CommandError, match="Known codes: qingpu"):
        call_command("grant_official", "someone@example.com", "atlantis")
