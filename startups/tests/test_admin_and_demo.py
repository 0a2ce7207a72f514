import pytest
from django.core.management import call_command
from django.urls import reverse

from core.models import Notification, User
from startups.models import Founder, Opening, Startup

from .factories import FounderFactory, OpeningFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = User.objects.create_superuser(
        email="admin@example.com", password="Admin-Pass-2026", full_name="Admin", language="en"
    )
    client.force_login(admin)
    return client


def test_the_admin_lists_searches_and_filters_startups(admin_client, startup):
    url = reverse("admin:startups_startup_changelist")
    assert admin_client.get(url).status_code == 200
    found = admin_client.get(url, {"q": "returnee-a@example.com"}).content.decode()
    assert "Tidewater Silicon" in found
    filtered = admin_client.get(url, {"is_verified__exact": "1"}).content.decode()
    assert "Tidewater Silicon" not in filtered


def test_the_admin_change_page_has_founder_and_opening_inlines(admin_client, startup):
    OpeningFactory(startup=startup, title="Analog IC designer")
    html = admin_client.get(
        reverse("admin:startups_startup_change", args=[startup.pk])
    ).content.decode()
    assert "Returnee A" in html or "returnee-a@example.com" in html
    assert "Analog IC designer" in html
    assert 'name="founders-TOTAL_FORMS"' in html
    assert 'name="openings-TOTAL_FORMS"' in html
    for name in ("opening", "founder", "startupconsultation"):
        assert admin_client.get(reverse(f"admin:startups_{name}_changelist")).status_code == 200


def test_the_admin_verify_action_calls_the_service(admin_client, startup, user):
    FounderFactory(startup=startup)
    response = admin_client.post(
        reverse("admin:startups_startup_changelist"),
        {"action": "verify", "_selected_action": [startup.pk]},
    )
    assert response.status_code == 302
    startup.refresh_from_db()
    assert startup.is_verified
    assert Notification.objects.filter(template="startup_verified").count() == 2


def test_the_admin_refuses_a_park_outside_the_district(admin_client, startup, xuhui, zhangjiang):
    response = admin_client.post(
        reverse("admin:startups_startup_change", args=[startup.pk]),
        {
            "name": startup.name,
            "district": xuhui.pk,
            "park": zhangjiang.pk,
            "sector": startup.sector_id,
            "stage": "seed",
            "team_size": 5,
            "needs": "[]",
            "founders-TOTAL_FORMS": 0,
            "founders-INITIAL_FORMS": 0,
            "openings-TOTAL_FORMS": 0,
            "openings-INITIAL_FORMS": 0,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "is not in Xuhui" in response.content.decode()
    startup.refresh_from_db()
    assert startup.district.code == "pudong"


def test_the_demo_data_is_idempotent_and_looks_like_the_seeds():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (Startup.objects.count(), Founder.objects.count(), Opening.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (Startup.objects.count(), Founder.objects.count(), Opening.objects.count()) == counts
    assert counts[0] >= 5
    thermal = Startup.objects.get(park__code="caohejing-hi-tech-park")
    assert thermal.district.code == "xuhui"
    assert thermal.founders.filter(user__email="zhao.lei@example.com").exists()
    chips = Startup.objects.get(sector__code="integrated-circuits")
    assert chips.park.code == "zhangjiang-science-city"
    assert chips.founders.filter(user__email="chen.haoran@example.com").exists()
    assert chips.is_verified
    assert Startup.objects.filter(
        sector__code="biopharmaceuticals", park__code="zhangjiang-science-city"
    ).exists()
    assert Startup.objects.filter(
        sector__code="artificial-intelligence", park__code="changyang-campus"
    ).exists()
    assert Startup.objects.filter(park__code="qingpu-industrial-park").exists()
    assert {s.district.code for s in Startup.objects.all()} >= {
        "xuhui",
        "pudong",
        "yangpu",
        "qingpu",
    }
    assert all(startup.founders.exists() for startup in Startup.objects.all())
    assert Opening.objects.filter(skills__name="chip design").exists()
    for startup in Startup.objects.all():
        startup.full_clean()
