"""Search of the startups directory and the openings: stored vectors kept by every write,
English stemmed, Chinese cut into words, synonyms, best match first."""

import pytest
from django.db import connection
from django.urls import reverse

from core.models import User
from core.tests.factories import SectorFactory
from search.query import parse, search_query
from startups import services
from startups.filters import OpeningFilterSet, StartupFilterSet
from startups.models import Opening, Startup
from talent.models import Skill

from .factories import OpeningFactory, StartupFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("synonym_groups")]


def startups(query: str) -> list[str]:
    filterset = StartupFilterSet({"q": query}, queryset=Startup.objects.all())
    assert filterset.is_valid(), filterset.errors
    return [startup.name for startup in filterset.qs]


def openings(query: str) -> list[str]:
    filterset = OpeningFilterSet({"q": query}, queryset=Opening.objects.all())
    assert filterset.is_valid(), filterset.errors
    return [opening.title for opening in filterset.qs]


@pytest.fixture
def biotech(pudong):
    return StartupFactory(
        name="Helix Bio",
        description_zh="为肿瘤治疗设计抗体药物",
        description_en="Designs antibodies for cancer therapy",
        district=pudong,
        sector=SectorFactory(
            code="biopharmaceuticals", name_zh="生物医药", name_en="Biopharmaceuticals"
        ),
    )


def test_english_is_stemmed(biotech):
    assert startups("antibody") == ["Helix Bio"]
    assert startups("antibodies") == ["Helix Bio"]
    assert startups("designing antibody") == ["Helix Bio"]


def test_chinese_is_cut_into_words(biotech):
    assert startups("抗体") == ["Helix Bio"]
    assert startups("肿瘤抗体") == ["Helix Bio"]  # typed together, apart in the text
    assert startups("抗体疫苗") == []


def test_the_sector_park_and_synonyms_count(startup, biotech, sensing):
    # Tidewater Silicon: 模拟芯片设计, in Zhangjiang (张江科学城), integrated circuits.
    assert startups("张江") == ["Tidewater Silicon"]
    assert startups("semiconductor") == ["Tidewater Silicon"]
    assert startups("biopharma") == ["Helix Bio"]
    # The name weighs most: the startup called so comes before one that says it.
    StartupFactory(name="Silicon Bridge", description_en="Bridges", sector=sensing)
    assert startups("silicon")[0] == "Silicon Bridge"


def test_the_services_keep_the_words(startup, user):
    services.startup_update(
        startup=startup, user=user, data={"description_en": "Photonic interconnects"}
    )
    assert startups("photonics") == ["Tidewater Silicon"]
    opening = services.opening_create(
        startup=startup, user=user, title="Optical engineer", skills=["Silicon photonics"]
    )
    assert openings("photonics") == ["Optical engineer"]
    services.opening_update(opening=opening, user=user, data={"skills": ["Laser design"]})
    assert openings("photonics") == []
    assert openings("lasers") == ["Optical engineer"]
    # The startup's new name is in its openings' words too.
    services.startup_update(startup=startup, user=user, data={"name": "Lumen Works"})
    assert openings("lumen") == ["Optical engineer"]
    assert openings("tidewater") == []


def test_openings_find_titles_skills_and_the_startup(startup, xuhui, sensing):
    chip_design = Skill.objects.create(name="chip design", key="chip design")
    OpeningFactory(startup=startup, title="Analog IC designer", skills=[chip_design])
    OpeningFactory(
        startup=StartupFactory(name="Infrawave", district=xuhui, sector=sensing),
        title="MEMS engineer",
        description="Builds MEMS sensors for thermal cameras.",
    )
    assert openings("designers") == ["Analog IC designer"]
    assert openings("chip design") == ["Analog IC designer"]
    assert openings("芯片") == ["Analog IC designer"]  # chip, through the synonyms
    assert openings("infrawave sensor") == ["MEMS engineer"]
    assert openings("Electronics sensing") == ["MEMS engineer"]


def test_the_admin_refreshes_the_words(startup, client):
    admin = User.objects.create_superuser(
        email="admin@example.com", password="Admin-Pass-2026", full_name="Admin", language="en"
    )
    client.force_login(admin)
    opening = OpeningFactory(startup=startup, title="Verification engineer")
    url = reverse("admin:startups_opening_change", args=[opening.pk])
    response = client.post(
        url,
        {
            "startup": startup.pk,
            "title": "Firmware engineer",
            "description": "Embedded Rust",
            "sector": startup.sector_id,
            "is_open": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    assert openings("firmware rust") == ["Firmware engineer"]


def test_the_gin_indexes_serve_the_searches(startup):
    predicate = search_query(parse("chip designers"))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    # Without the default ordering by name, which an ordering index could serve instead.
    startups = Startup.objects.filter(search_vector=predicate).order_by()
    openings = Opening.objects.filter(search_vector=predicate).order_by()
    assert "startups_startup_search_gin" in startups.explain()
    assert "startups_opening_search_gin" in openings.explain()
