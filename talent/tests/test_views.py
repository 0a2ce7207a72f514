from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.tests.factories import DistrictFactory, SectorFactory, UserFactory
from talent import services
from talent.models import Consultation

from .factories import AdvisorFactory, ConsultationFactory

pytestmark = pytest.mark.django_db


def profile_post(**overrides):
    data = {
        "full_name": "Zhou Min",
        "headline": "Biologist",
        "birth_year": "1990",
        "returned_on": "2022-05-01",
        "work_district": "pudong",
        "sectors": ["biopharmaceuticals"],
        "skills": "cell culture, GMP compliance",
        "languages": ["zh", "en"],
        "seeking": ["job"],
        "is_public": "on",
        "show_education": "on",
        "education-TOTAL_FORMS": "1",
        "education-INITIAL_FORMS": "0",
        "education-0-degree_level": "doctorate",
        "education-0-institution": "Karolinska Institutet",
        "education-0-country": "SE",
        "education-0-end_year": "2018",
        "work-TOTAL_FORMS": "1",
        "work-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_the_profile_page_saves_the_profile_and_its_education(client, user):
    DistrictFactory(code="pudong")
    SectorFactory(code="biopharmaceuticals")
    client.force_login(user)
    assert client.get(reverse("talent:profile")).status_code == 200
    response = client.post(reverse("talent:profile"), profile_post())
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = user.profile
    assert profile.education.get().institution.name == "Karolinska Institutet"
    assert profile.is_public and profile.public_since
    page = client.get(reverse("talent:profile")).content.decode()
    assert "Karolinska Institutet" in page


def test_the_profile_page_shows_a_service_error_next_to_the_entry(client, user):
    DistrictFactory(code="pudong")
    SectorFactory(code="biopharmaceuticals")
    client.force_login(user)
    response = client.post(
        reverse("talent:profile"),
        profile_post(**{"education-0-end_year": "1980"}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "This year is before your birth year (1990)." in response.content.decode()
    assert not hasattr(user, "profile") or not user.profile.education.exists()


def test_the_directory_page_hides_what_is_not_public(client):
    user = UserFactory(full_name="Lin Yue")
    services.profile_update(
        user=user,
        data={
            "birth_year": 1977,
            "work": [{"employer": "Secret Pharma", "country": "CH"}],
            "show_work": False,
            "is_public": True,
        },
    )
    listing = client.get(reverse("talent:directory")).content.decode()
    detail = client.get(reverse("talent:returnee_detail", args=[user.profile.pk])).content.decode()
    assert "Lin Yue" in listing and "Lin Yue" in detail
    for page in (listing, detail):
        assert "Secret Pharma" not in page
        assert "1977" not in page


def test_an_unlisted_profile_has_no_public_page(client):
    user = UserFactory()
    services.profile_update(user=user, data={"headline": "private"})
    assert client.get(reverse("talent:returnee_detail", args=[user.profile.pk])).status_code == 404


def test_bad_filters_on_pages_show_the_error_not_a_500(client):
    response = client.get(reverse("talent:directory") + "?country=ZZ", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert client.get(reverse("talent:advisor_list") + "?district=atlantis").status_code == 200


def test_requesting_a_consultation_from_the_advisor_page(client, user):
    advisor = AdvisorFactory(user__full_name="Zhang Hua")
    url = reverse("talent:advisor_detail", args=[advisor.pk])
    assert "Zhang Hua" in client.get(url).content.decode()
    assert (
        client.post(url, {"topic": "policies", "message": "Hi", "mode": "online"}).status_code
        == 302
    )
    assert not Consultation.objects.exists()  # anonymous: sent to sign in
    client.force_login(user)
    response = client.post(url, {"topic": "policies", "message": "Subsidies?", "mode": "online"})
    consultation = Consultation.objects.get()
    assert response["Location"] == consultation.get_absolute_url()
    assert consultation.requester == user


def test_consultation_pages_are_private_and_actions_work(client, user):
    consultation = ConsultationFactory(requester=user)
    advisor_user = consultation.advisor.user
    stranger = UserFactory()
    detail = reverse("talent:consultation_detail", args=[consultation.pk])
    client.force_login(stranger)
    assert client.get(detail).status_code == 404
    client.force_login(advisor_user)
    when = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        reverse("talent:consultation_action", args=[consultation.pk, "accept"]),
        {"accept-scheduled_at": when, "accept-location": "Online"},
    )
    consultation.refresh_from_db()
    assert consultation.status == "accepted"
    client.force_login(user)
    response = client.post(
        reverse("talent:consultation_action", args=[consultation.pk, "complete"]), {}
    )
    assert response.status_code == 403
    assert (
        consultation.get_topic_display()
        in client.get(reverse("talent:consultation_list")).content.decode()
    )


def test_admin_pages_for_talent_open(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    consultation = ConsultationFactory()
    services.profile_update(
        user=consultation.requester,
        data={"education": [{"degree_level": "master", "institution": "MIT", "country": "US"}]},
    )
    client.force_login(admin)
    for url in (
        "/admin/talent/returneeprofile/",
        f"/admin/talent/returneeprofile/{consultation.requester.profile.pk}/change/",
        "/admin/talent/advisorprofile/",
        f"/admin/talent/advisorprofile/{consultation.advisor.pk}/change/",
        "/admin/talent/consultation/",
        f"/admin/talent/consultation/{consultation.pk}/change/",
        "/admin/talent/skill/",
        "/admin/talent/institution/",
        "/admin/talent/employer/",
    ):
        assert client.get(url).status_code == 200, url


def test_a_far_future_accept_on_the_page_is_a_message_not_a_500(client):
    consultation = ConsultationFactory()
    client.force_login(consultation.advisor.user)
    response = client.post(
        reverse("talent:consultation_action", args=[consultation.pk, "accept"]),
        {"accept-scheduled_at": "9999-12-15T10:00"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == "requested"
