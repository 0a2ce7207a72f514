import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from core.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from core.models import Notification
from core.tests.factories import UserFactory
from startups import services
from startups.models import Founder, Opening, Startup, StartupConsultation
from talent.models import Consultation, Skill

from .factories import FounderFactory, OpeningFactory, StartupFactory

pytestmark = pytest.mark.django_db


def create(user, **fields):
    defaults = {"name": "Infrawave Thermal Imaging"}
    return services.startup_create(user=user, **(defaults | fields))


# Creating and changing a startup ---------------------------------------------------------


def test_the_creator_becomes_the_first_founder(user, xuhui, caohejing, sensing):
    startup = create(
        user,
        name="  Infrawave   Thermal Imaging ",
        district=xuhui,
        park=caohejing,
        sector=sensing,
        stage="b_plus",
        team_size=86,
        needs=["talent", "policy_help", "talent"],
        founded=datetime.date(2012, 5, 8),
        website="https://infrawave.example.com",
        role="CTO",
    )
    assert startup.name == "Infrawave Thermal Imaging"
    assert startup.needs == ["talent", "policy_help"]
    assert not startup.is_verified
    founder = Founder.objects.get(startup=startup)
    assert (founder.user, founder.role) == (user, "CTO")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"team_size": 0}, "team_size", "A team has at least one person."),
        ({"needs": ["funding", "a yacht"]}, "needs", "Unknown need"),
        ({"stage": "series-z"}, "stage", "is not a valid choice"),
        ({"website": "javascript:alert(1)"}, "website", "Enter a valid URL."),
        ({"founded": datetime.date(1850, 1, 1)}, "founded", "in 1900 or later"),
    ],
)
def test_invalid_values_are_refused_with_a_message_for_the_field(
    user, pudong, chips, fields, field, message
):
    with pytest.raises(ApplicationError) as refused:
        create(user, district=pudong, sector=chips, **fields)
    assert refused.value.field == field
    assert message in refused.value.message
    assert refused.value.extra["errors"][field]
    assert not Startup.objects.exists()


def test_a_founding_date_in_the_future_is_refused(user, pudong, chips):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ApplicationError) as refused:
        create(user, district=pudong, sector=chips, founded=tomorrow)
    assert refused.value.field == "founded"
    assert refused.value.message == "The founding date cannot be in the future."


def test_the_park_must_be_in_the_startups_district(user, pudong, caohejing, chips):
    with pytest.raises(ApplicationError) as refused:
        create(user, district=pudong, park=caohejing, sector=chips)
    assert refused.value.field == "park"
    assert refused.value.message.startswith("Caohejing Hi-tech Park is not in Pudong New Area")


def test_names_are_unique_whatever_the_case(startup, other_user, pudong, chips):
    with pytest.raises(ApplicationError) as refused:
        create(other_user, name="TIDEWATER silicon", district=pudong, sector=chips)
    assert refused.value.field == "name"
    assert refused.value.message == "A startup with this name is already listed."


def test_founders_change_their_startup(startup, user, xuhui, caohejing):
    services.startup_update(
        startup=startup,
        user=user,
        data={"district": xuhui, "park": caohejing, "team_size": 12, "stage": "a"},
    )
    startup.refresh_from_db()
    assert (startup.district, startup.park, startup.team_size, startup.stage) == (
        xuhui,
        caohejing,
        12,
        "a",
    )


def test_others_cannot_change_a_startup(startup, other_user, official):
    for outsider in (other_user, official):
        with pytest.raises(PermissionDeniedError):
            services.startup_update(startup=startup, user=outsider, data={"team_size": 99})
    startup.refresh_from_db()
    assert startup.team_size == 5


def test_an_update_sets_only_the_fields_a_founder_may_change(startup, user, other_user):
    services.startup_update(
        startup=startup,
        user=user,
        data={"is_verified": True, "verified_by": other_user, "name": "Tidewater Silicon Ltd"},
    )
    startup.refresh_from_db()
    assert startup.name == "Tidewater Silicon Ltd"
    assert not startup.is_verified
    assert startup.verified_by is None


def test_moving_the_district_keeps_the_park_in_it(startup, user, xuhui):
    with pytest.raises(ApplicationError) as refused:
        services.startup_update(startup=startup, user=user, data={"district": xuhui})
    assert refused.value.field == "park"
    startup.refresh_from_db()
    assert startup.district.code == "pudong"


def test_moving_to_another_district_withdraws_the_verification(startup, user, official, xuhui):
    services.startup_verify(startup=startup, user=official)
    services.startup_update(startup=startup, user=user, data={"district": xuhui, "park": None})
    startup.refresh_from_db()
    assert not startup.is_verified
    assert startup.verified_at is None


# Verification ----------------------------------------------------------------------------


def test_an_official_of_the_district_verifies_and_the_founders_are_told(startup, user, official):
    co_founder = FounderFactory(startup=startup, role="CTO").user
    services.startup_verify(startup=startup, user=official)
    startup.refresh_from_db()
    assert startup.is_verified
    assert startup.verified_by == official
    assert startup.verified_at is not None
    told = Notification.objects.filter(template="startup_verified")
    assert {notification.recipient for notification in told} == {user, co_founder}
    notification = told.get(recipient=user)
    assert notification.kind == "account"
    assert notification.subject == "Tidewater Silicon is verified"
    assert "Officials of Pudong New Area have verified Tidewater Silicon." in notification.body
    assert notification.url == f"/startups/{startup.pk}/"


def test_verifying_twice_tells_the_founders_once(startup, official):
    services.startup_verify(startup=startup, user=official)
    services.startup_verify(startup=startup, user=official)
    assert Notification.objects.filter(template="startup_verified").count() == 1


def test_the_notification_is_in_the_founders_language(startup, user, official):
    user.language = "zh-hans"
    user.save()
    services.startup_verify(startup=startup, user=official)
    notification = Notification.objects.get(recipient=user)
    assert "浦东新区" in notification.body


def test_officials_of_another_district_and_founders_cannot_verify(startup, user, xuhui_official):
    for outsider in (xuhui_official, user):
        with pytest.raises(PermissionDeniedError) as refused:
            services.startup_verify(startup=startup, user=outsider)
        assert refused.value.message == "Only officials of Pudong New Area can verify this startup."
    startup.refresh_from_db()
    assert not startup.is_verified
    assert not Notification.objects.exists()


def test_admins_verify_any_startup(startup):
    admin = UserFactory(is_staff=True, is_superuser=True)
    services.startup_verify(startup=startup, user=admin)
    startup.refresh_from_db()
    assert startup.is_verified


def test_an_official_withdraws_the_verification(startup, official, xuhui_official):
    services.startup_verify(startup=startup, user=official)
    with pytest.raises(PermissionDeniedError):
        services.startup_unverify(startup=startup, user=xuhui_official)
    services.startup_unverify(startup=startup, user=official)
    startup.refresh_from_db()
    assert not startup.is_verified
    assert startup.verified_by is None
    assert Notification.objects.filter(template="startup_unverified").count() == 1


# Founders --------------------------------------------------------------------------------


def test_the_last_founder_cannot_be_removed(startup, user):
    founder = startup.founders.get()
    with pytest.raises(ConflictError) as refused:
        services.founder_remove(startup=startup, user=user, founder_id=founder.pk)
    assert refused.value.code == "last_founder"
    assert startup.founders.count() == 1


def test_a_founder_removes_a_co_founder_or_leaves(startup, user):
    co_founder = FounderFactory(startup=startup)
    services.founder_remove(startup=startup, user=user, founder_id=co_founder.pk)
    assert list(startup.founders.values_list("user", flat=True)) == [user.pk]
    other = FounderFactory(startup=startup)
    own = startup.founders.get(user=user)
    services.founder_remove(startup=startup, user=user, founder_id=own.pk)
    assert list(startup.founders.all()) == [other]


def test_only_founders_remove_founders(startup, other_user):
    co_founder = FounderFactory(startup=startup)
    with pytest.raises(PermissionDeniedError):
        services.founder_remove(startup=startup, user=other_user, founder_id=co_founder.pk)
    with pytest.raises(NotFoundError):
        services.founder_remove(
            startup=startup, user=co_founder.user, founder_id=co_founder.pk + 1000
        )
    assert startup.founders.count() == 2


# Openings --------------------------------------------------------------------------------


def test_a_founder_posts_an_opening_with_normalised_skills(startup, user, sensing):
    Skill.objects.create(name="Chip design", key="chip design")
    opening = services.opening_create(
        startup=startup,
        user=user,
        title=" Analog  IC designer ",
        skills=["chip design", "CHIP DESIGN", "Verilog", " "],
    )
    assert opening.title == "Analog IC designer"
    assert opening.sector == startup.sector
    assert opening.is_open
    assert sorted(skill.name for skill in opening.skills.all()) == ["Chip design", "Verilog"]
    other = services.opening_create(startup=startup, user=user, title="Sensors", sector=sensing)
    assert other.sector == sensing


def test_only_founders_post_and_change_openings(startup, other_user):
    with pytest.raises(PermissionDeniedError):
        services.opening_create(startup=startup, user=other_user, title="Spy")
    opening = OpeningFactory(startup=startup)
    with pytest.raises(PermissionDeniedError):
        services.opening_update(opening=opening, user=other_user, data={"title": "Mine"})
    with pytest.raises(PermissionDeniedError):
        services.opening_close(opening=opening, user=other_user)
    opening.refresh_from_db()
    assert opening.is_open
    assert Opening.objects.count() == 1


def test_an_opening_needs_a_title_and_not_too_many_skills(startup, user):
    with pytest.raises(ApplicationError) as refused:
        services.opening_create(startup=startup, user=user, title="   ")
    assert refused.value.field == "title"
    with pytest.raises(ApplicationError) as refused:
        services.opening_create(
            startup=startup, user=user, title="Everything", skills=[f"s{n}" for n in range(21)]
        )
    assert refused.value.field == "skills"
    assert not Opening.objects.exists()


def test_a_founder_changes_closes_and_reopens_an_opening(startup, user, sensing):
    opening = OpeningFactory(startup=startup)
    services.opening_update(
        opening=opening,
        user=user,
        data={"title": "Sensor engineer", "sector": sensing, "skills": ["MEMS"]},
    )
    services.opening_close(opening=opening, user=user)
    opening.refresh_from_db()
    assert (opening.title, opening.sector, opening.is_open) == ("Sensor engineer", sensing, False)
    assert [skill.name for skill in opening.skills.all()] == ["MEMS"]
    services.opening_update(opening=opening, user=user, data={"is_open": True, "sector": None})
    opening.refresh_from_db()
    assert opening.is_open
    assert opening.sector == startup.sector


# Consultations ---------------------------------------------------------------------------


def test_a_founder_asks_an_advisor_on_the_startups_behalf(startup, user, advisor):
    link = services.startup_consultation_request(
        startup=startup,
        user=user,
        advisor=advisor,
        topic="financing",
        message="Which seed funds fit an analog chip company?",
        mode="on_site",
    )
    consultation = Consultation.objects.get()
    assert link == StartupConsultation.objects.get(startup=startup)
    assert link.consultation == consultation
    assert consultation.requester == user
    assert consultation.advisor == advisor
    assert consultation.mode == "on_site"
    assert consultation.message.startswith("On behalf of the startup “Tidewater Silicon”")
    assert consultation.message.endswith("Which seed funds fit an analog chip company?")
    assert Notification.objects.filter(recipient=advisor.user).exists()


def test_only_founders_ask_on_a_startups_behalf(startup, other_user, advisor):
    with pytest.raises(PermissionDeniedError):
        services.startup_consultation_request(
            startup=startup, user=other_user, advisor=advisor, topic="ip", message="Hello"
        )
    assert not Consultation.objects.exists()


def test_talents_rules_hold_for_a_startups_request(startup, user, advisor):
    advisor.is_active = False
    advisor.save()
    with pytest.raises(ApplicationError):
        services.startup_consultation_request(
            startup=startup, user=user, advisor=advisor, topic="ip", message="Hello"
        )
    assert not StartupConsultation.objects.exists()


# Concurrency -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_founders_leaving_at_once_leave_one_founder(pudong, chips):
    startup = StartupFactory(district=pudong, sector=chips)
    first, second = FounderFactory(startup=startup), FounderFactory(startup=startup)
    barrier = threading.Barrier(2)
    outcomes = []

    def leave(founder):
        try:
            barrier.wait()
            services.founder_remove(startup=startup, user=founder.user, founder_id=founder.pk)
            outcomes.append("left")
        except ConflictError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=leave, args=(founder,)) for founder in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["left", "refused"]
    assert Founder.objects.filter(startup=startup).count() == 1
