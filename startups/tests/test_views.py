import pytest
from django.urls import reverse

from core.models import Notification
from startups.models import Founder, Opening, Startup, StartupConsultation

from .factories import FounderFactory, OpeningFactory, StartupFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def page(client, url, **kwargs):
    response = client.get(url, **EN, **kwargs)
    return response, response.content.decode()


# The directory ---------------------------------------------------------------------------


def test_the_directory_lists_startups_with_filters_and_search(
    client, startup, xuhui, caohejing, sensing
):
    StartupFactory(
        name="Infrawave",
        description_en="Thermal imaging",
        district=xuhui,
        park=caohejing,
        sector=sensing,
    )
    response, html = page(client, reverse("startups:directory"))
    assert response.status_code == 200
    assert "Tidewater Silicon" in html
    assert "Infrawave" in html
    assert 'name="district"' in html
    assert 'role="search"' in html
    assert "2 startups found." in html
    _, filtered = page(client, reverse("startups:directory") + "?district=xuhui")
    assert "Infrawave" in filtered
    assert "Tidewater Silicon" not in filtered
    _, searched = page(client, reverse("startups:directory") + "?q=thermal")
    assert "Infrawave" in searched
    assert "Tidewater Silicon" not in searched
    response, unknown = page(client, reverse("startups:directory") + "?district=atlantis")
    assert response.status_code == 200
    assert "Unknown code “atlantis”" in unknown
    assert "0 startups found." in unknown


def test_the_directory_pages_keep_the_filters(client, pudong, chips):
    for number in range(25):
        StartupFactory(name=f"Chip startup {number:02d}", district=pudong, sector=chips)
    _, html = page(client, reverse("startups:directory") + "?district=pudong")
    assert "?district=pudong&amp;page=2" in html
    _, second = page(client, reverse("startups:directory") + "?district=pudong&page=2")
    assert "Chip startup 24" in second


def test_the_directory_shows_a_signed_in_user_their_startups(client, user, startup):
    client.force_login(user)
    _, html = page(client, reverse("startups:directory"))
    assert "Your startups" in html
    assert reverse("startups:create") in html


# A startup's page ------------------------------------------------------------------------


def test_a_startups_page_shows_founders_openings_and_badge(client, startup, official):
    OpeningFactory(startup=startup, title="Analog IC designer")
    OpeningFactory(startup=startup, title="Filled job", is_open=False)
    startup.is_verified = True
    startup.verified_at = "2025-03-18T02:00:00Z"
    startup.save()
    response, html = page(client, startup.get_absolute_url())
    assert response.status_code == 200
    assert "Returnee A" in html
    assert "CEO" in html
    assert "Analog IC designer" in html
    assert "Filled job" in html
    assert 'id="verified"' in html
    assert "2025-03-18 10:00" in html  # shown in Shanghai time
    assert reverse("startups:edit", args=[startup.pk]) not in html
    assert reverse("startups:verify", args=[startup.pk]) not in html
    assert "returnee-a@example.com" not in html


def test_founders_see_the_edit_link_and_their_tools(client, user, startup):
    client.force_login(user)
    _, html = page(client, startup.get_absolute_url())
    assert reverse("startups:edit", args=[startup.pk]) in html
    assert reverse("startups:opening_create", args=[startup.pk]) in html
    assert reverse("startups:invitation_send", args=[startup.pk]) in html
    assert reverse("startups:consultation_request", args=[startup.pk]) in html


def test_an_unknown_startup_is_a_404(client):
    assert client.get("/startups/999999/").status_code == 404


# Creating and editing --------------------------------------------------------------------


def form_data(**fields) -> dict:
    return {
        "name": "Riverbend Intelligence",
        "description_en": "Visual inspection",
        "district": "pudong",
        "park": "zhangjiang-science-city",
        "sector": "integrated-circuits",
        "stage": "seed",
        "team_size": "12",
        "needs": ["funding", "talent"],
        "founded": "2023-06-01",
        "website": "https://riverbend.example.com",
        "role": "CEO",
        **fields,
    }


def test_a_returnee_lists_a_startup_on_the_page(client, user, zhangjiang, chips):
    client.force_login(user)
    response = client.post(reverse("startups:create"), form_data(), **EN)
    startup = Startup.objects.get(name="Riverbend Intelligence")
    assert response.status_code == 302
    assert response["Location"] == startup.get_absolute_url()
    assert startup.needs == ["funding", "talent"]
    assert Founder.objects.get(startup=startup).user == user


def test_the_form_shows_the_services_message_next_to_the_field(
    client, user, zhangjiang, caohejing, chips
):
    client.force_login(user)
    response = client.post(
        reverse("startups:create"), form_data(park="caohejing-hi-tech-park"), **EN
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_park_error"' in html
    assert "Caohejing Hi-tech Park is not in Pudong New Area" in html
    assert not Startup.objects.exists()


def test_creating_needs_signing_in(client):
    response = client.get(reverse("startups:create"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_founders_edit_their_startup(client, user, startup):
    client.force_login(user)
    url = reverse("startups:edit", args=[startup.pk])
    response, html = page(client, url)
    assert response.status_code == 200
    assert 'value="Tidewater Silicon"' in html
    assert '<label for="id_name">Name</label>' in html
    response = client.post(url, form_data(name="Tidewater Silicon", team_size="30"), **EN)
    assert response.status_code == 302
    startup.refresh_from_db()
    assert startup.team_size == 30


def test_others_get_a_403_on_the_edit_page(client, other_user, official, startup):
    url = reverse("startups:edit", args=[startup.pk])
    for outsider in (other_user, official):
        client.force_login(outsider)
        assert client.get(url, **EN).status_code == 403
        response = client.post(url, form_data(name="Hijacked"), **EN)
        assert response.status_code == 403
        assert "Only the startup&#x27;s founders can change it." in response.content.decode()
    startup.refresh_from_db()
    assert startup.name == "Tidewater Silicon"
    client.logout()
    assert client.get(url).status_code == 302


# Verification ----------------------------------------------------------------------------


def test_the_districts_official_sees_the_verify_button_and_it_works(client, official, startup):
    client.force_login(official)
    _, html = page(client, startup.get_absolute_url())
    verify_url = reverse("startups:verify", args=[startup.pk])
    assert f'action="{verify_url}"' in html
    response = client.post(verify_url, **EN)
    assert response.status_code == 302
    startup.refresh_from_db()
    assert startup.is_verified
    assert Notification.objects.filter(template="startup_verified").count() == 1
    _, html = page(client, startup.get_absolute_url())
    assert 'id="verified"' in html
    assert reverse("startups:unverify", args=[startup.pk]) in html


def test_officials_of_another_district_cannot_verify(client, xuhui_official, startup):
    client.force_login(xuhui_official)
    _, html = page(client, startup.get_absolute_url())
    assert reverse("startups:verify", args=[startup.pk]) not in html
    response = client.post(reverse("startups:verify", args=[startup.pk]), **EN)
    assert response.status_code == 403
    startup.refresh_from_db()
    assert not startup.is_verified


def test_verifying_is_a_post(client, official, startup):
    client.force_login(official)
    assert client.get(reverse("startups:verify", args=[startup.pk])).status_code == 405


# Founders --------------------------------------------------------------------------------


def test_founders_remove_co_founders_on_the_page(client, user, other_user, startup):
    added = FounderFactory(startup=startup, user=other_user)
    client.force_login(user)
    _, html = page(client, startup.get_absolute_url())
    assert "Remove Returnee B" in html
    client.post(reverse("startups:founder_remove", args=[startup.pk, added.pk]), **EN)
    assert list(startup.founders.values_list("user", flat=True)) == [user.pk]
    own = startup.founders.get()
    response = client.post(
        reverse("startups:founder_remove", args=[startup.pk, own.pk]), follow=True, **EN
    )
    assert "A startup keeps at least one founder." in response.content.decode()
    assert startup.founders.count() == 1


# Openings --------------------------------------------------------------------------------


def test_founders_post_edit_and_close_openings(client, user, startup):
    client.force_login(user)
    response = client.post(
        reverse("startups:opening_create", args=[startup.pk]),
        {"title": "Analog IC designer", "skills": "chip design, Verilog", "is_open": "on"},
        **EN,
    )
    opening = Opening.objects.get()
    assert response.status_code == 302
    assert response["Location"] == opening.get_absolute_url()
    assert sorted(str(skill) for skill in opening.skills.all()) == ["Verilog", "chip design"]
    assert opening.sector == startup.sector
    edit_url = reverse("startups:opening_edit", args=[opening.pk])
    _, html = page(client, edit_url)
    assert 'value="chip design, Verilog"' in html or 'value="Verilog, chip design"' in html
    client.post(edit_url, {"title": "Senior analog IC designer", "is_open": "on"}, **EN)
    opening.refresh_from_db()
    assert opening.title == "Senior analog IC designer"
    assert not opening.skills.exists()
    client.post(reverse("startups:opening_close", args=[opening.pk]), **EN)
    opening.refresh_from_db()
    assert not opening.is_open


def test_outsiders_get_a_403_on_opening_pages(client, other_user, startup):
    opening = OpeningFactory(startup=startup)
    client.force_login(other_user)
    assert client.get(reverse("startups:opening_create", args=[startup.pk])).status_code == 403
    assert client.get(reverse("startups:opening_edit", args=[opening.pk])).status_code == 403
    assert client.post(reverse("startups:opening_close", args=[opening.pk])).status_code == 403
    opening.refresh_from_db()
    assert opening.is_open


def test_the_openings_page_lists_open_ones_by_default(client, startup):
    OpeningFactory(startup=startup, title="Analog IC designer")
    OpeningFactory(startup=startup, title="Filled job", is_open=False)
    response, html = page(client, reverse("startups:opening_list"))
    assert response.status_code == 200
    assert "Analog IC designer" in html
    assert "Filled job" not in html
    _, closed = page(client, reverse("startups:opening_list") + "?is_open=false")
    assert "Filled job" in closed
    assert "Analog IC designer" not in closed
    assert client.get("/startups/openings/999999/").status_code == 404


def test_an_openings_page(client, startup):
    opening = OpeningFactory(startup=startup, title="Analog IC designer")
    response, html = page(client, opening.get_absolute_url())
    assert response.status_code == 200
    assert "Analog IC designer" in html
    assert "Tidewater Silicon" in html
    assert reverse("startups:opening_edit", args=[opening.pk]) not in html


# Consultations ---------------------------------------------------------------------------


def test_a_founder_requests_a_consultation_for_the_startup(client, user, startup, advisor):
    client.force_login(user)
    url = reverse("startups:consultation_request", args=[startup.pk])
    response, html = page(client, url)
    assert response.status_code == 200
    assert "Zhang Hua" in html
    response = client.post(
        url,
        {"advisor": advisor.pk, "topic": "financing", "message": "Seed funds?", "mode": "online"},
        **EN,
    )
    link = StartupConsultation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == link.consultation.get_absolute_url()
    _, html = page(client, startup.get_absolute_url())
    assert "Financing and investment" in html


def test_outsiders_cannot_request_for_a_startup(client, other_user, startup, advisor):
    client.force_login(other_user)
    url = reverse("startups:consultation_request", args=[startup.pk])
    assert client.get(url).status_code == 403
    response = client.post(
        url, {"advisor": advisor.pk, "topic": "ip", "message": "Hi", "mode": "online"}
    )
    assert response.status_code == 403
    assert not StartupConsultation.objects.exists()


@pytest.mark.parametrize("count", [3, 15])
def test_the_list_pages_take_the_same_queries_for_any_number_of_rows(
    client, pudong, zhangjiang, chips, count, django_assert_max_num_queries
):
    for number in range(count):
        startup = StartupFactory(
            name=f"Startup {number}", district=pudong, park=zhangjiang, sector=chips
        )
        FounderFactory(startup=startup)
        OpeningFactory(startup=startup)
    # Session-less visitor: the page, its count, the filter form's choices, and the
    # prefetched founders or skills.
    with django_assert_max_num_queries(7):
        assert client.get(reverse("startups:directory") + "?district=pudong").status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(reverse("startups:opening_list")).status_code == 200
