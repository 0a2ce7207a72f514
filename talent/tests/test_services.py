from datetime import date, timedelta

import pytest
from django.utils import timezone

from core.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from core.models import Notification
from core.tests.factories import DistrictFactory, SectorFactory, UserFactory
from talent import services
from talent.choices import ConsultationStatus
from talent.models import Institution, Skill
from talent.normalize import normalize_key

from .factories import AdvisorFactory, ConsultationFactory

pytestmark = pytest.mark.django_db

ETH = {"degree_level": "master", "institution": "ETH Zürich", "country": "CH", "end_year": 2014}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("ETH Zürich", "ETH Zurich"),
        ("ETH Zürich", "  eth   zurich "),
        ("ETH-Zürich", "ETH Zurich"),
        ("Chip Design", "chip-design"),
        ("Université de Montréal", "Universite de Montreal"),
    ],
)
def test_names_typed_differently_normalise_to_one_key(first, second):
    assert normalize_key(first) == normalize_key(second)


def test_institutions_and_skills_are_one_row_however_they_are_spelt():
    first, second = UserFactory(), UserFactory()
    services.profile_update(user=first, data={"education": [ETH], "skills": ["Chip Design"]})
    services.profile_update(
        user=second,
        data={"education": [{**ETH, "institution": "ETH Zurich"}], "skills": ["chip-design"]},
    )
    assert Institution.objects.count() == 1
    assert Institution.objects.get().name == "ETH Zürich"
    assert Skill.objects.count() == 1


def test_profile_update_changes_only_the_fields_given():
    user = UserFactory(full_name="Old Name")
    pudong = DistrictFactory(code="pudong")
    chips = SectorFactory(code="integrated-circuits")
    services.profile_update(
        user=user,
        data={
            "full_name": "  Chen   Haoran ",
            "birth_year": 1988,
            "returned_on": date(2021, 9, 1),
            "work_district": pudong,
            "sectors": [chips],
            "skills": ["chip design", "Chip Design", "verification"],
            "languages": ["zh", "en", "zh"],
            "seeking": ["cofounder"],
            "education": [ETH],
            "work": [{"employer": "Infineon", "country": "DE", "role": "Designer"}],
        },
    )
    profile = services.profile_update(user=user, data={"headline": "Chip designer"})
    user.refresh_from_db()
    assert user.full_name == "Chen Haoran"
    assert profile.headline == "Chip designer"
    assert profile.birth_year == 1988
    assert profile.work_district == pudong
    assert sorted(skill.name for skill in profile.skills.all()) == ["chip design", "verification"]
    assert profile.languages == ["zh", "en"]
    assert profile.education.get().institution.name == "ETH Zürich"
    assert profile.work.get().employer.name == "Infineon"


def test_opting_in_and_out_is_recorded_with_its_time():
    user = UserFactory()
    profile = services.profile_update(user=user, data={"is_public": True, "matching_consent": True})
    assert profile.public_since is not None
    assert profile.matching_consent_at is not None
    profile = services.profile_update(user=user, data={"is_public": False})
    assert profile.public_since is None
    assert profile.matching_consent_at is not None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"returned_on": timezone.localdate() + timedelta(days=2)}, "returned_on"),
        ({"birth_year": 1990, "education": [{**ETH, "end_year": 1985}]}, "education.0.end_year"),
        ({"birth_year": 1990, "returned_on": date(1989, 1, 1)}, "returned_on"),
        ({"birth_year": 2030}, "birth_year"),
        ({"education": [{**ETH, "start_year": 2015, "end_year": 2012}]}, "education.0.end_year"),
        ({"education": [{**ETH, "country": "XX"}]}, "education.0.country"),
        ({"education": [{**ETH, "institution": " - "}]}, "education.0.institution"),
        (
            {"work": [{"employer": "Roche", "country": "CH", "start_year": 1800}]},
            "work.0.start_year",
        ),
        ({"languages": ["klingon"]}, "languages"),
        ({"seeking": ["fame"]}, "seeking"),
    ],
)
def test_profile_validation_names_the_field(data, field):
    with pytest.raises(ApplicationError) as error:
        services.profile_update(user=UserFactory(), data=data)
    assert error.value.field == field
    assert error.value.extra["errors"] == {field: [error.value.message]}


def in_days(days: int):
    return timezone.now() + timedelta(days=days)


def test_the_consultation_flow_notifies_the_other_side_at_each_step():
    requester = UserFactory(full_name="Li Wen")
    advisor = AdvisorFactory(user__full_name="Zhang Hua")
    consultation = services.consultation_request(
        requester=requester, advisor=advisor, topic="policies", message="Subsidies?", mode="online"
    )
    assert consultation.status == ConsultationStatus.REQUESTED
    when = in_days(3)
    services.consultation_accept(
        consultation=consultation, user=advisor.user, scheduled_at=when, location="Room 3"
    )
    services.consultation_complete(
        consultation=consultation, user=advisor.user, notes="Apply to X."
    )
    consultation = services.consultation_rate(
        consultation=consultation, user=requester, rating=5, comment="Very helpful"
    )
    assert (consultation.status, consultation.rating) == (ConsultationStatus.COMPLETED, 5)
    to_advisor = list(
        Notification.objects.filter(recipient=advisor.user).values_list("template", flat=True)
    )
    to_requester = list(
        Notification.objects.filter(recipient=requester).values_list("template", flat=True)
    )
    assert sorted(to_advisor) == ["consultation_rated", "consultation_requested"]
    assert sorted(to_requester) == [
        "consultation_accepted",
        "consultation_completed",
    ]
    accepted = Notification.objects.get(template="consultation_accepted")
    assert "Room 3" in accepted.body
    assert timezone.localtime(when).strftime("%Y-%m-%d %H:%M") in accepted.body


def test_consultation_notices_record_whom_they_name():
    """So that erasing that person's account can take the name out of them."""
    requester = UserFactory()
    advisor = AdvisorFactory()
    consultation = services.consultation_request(
        requester=requester, advisor=advisor, topic="policies", message="Subsidies?"
    )
    services.consultation_decline(consultation=consultation, user=advisor.user, reason="Busy")
    other = services.consultation_request(
        requester=requester, advisor=advisor, topic="policies", message="Again?"
    )
    services.consultation_cancel(consultation=other, user=requester)
    actors = dict(Notification.objects.values_list("template", "actor"))
    assert actors == {
        "consultation_requested": requester.pk,
        "consultation_declined": advisor.user.pk,
        "consultation_cancelled": requester.pk,
    }


def test_decline_needs_a_reason_and_tells_the_requester():
    consultation = ConsultationFactory()
    with pytest.raises(ApplicationError):
        services.consultation_decline(
            consultation=consultation, user=consultation.advisor.user, reason=" "
        )
    services.consultation_decline(
        consultation=consultation, user=consultation.advisor.user, reason="Out of my field"
    )
    note = Notification.objects.get(recipient=consultation.requester)
    assert "Out of my field" in note.body


def test_only_the_advisor_answers_and_only_the_requester_cancels_or_rates():
    consultation = ConsultationFactory()
    stranger = UserFactory()
    with pytest.raises(PermissionDeniedError):
        services.consultation_accept(
            consultation=consultation, user=stranger, scheduled_at=in_days(2)
        )
    with pytest.raises(PermissionDeniedError):
        services.consultation_accept(
            consultation=consultation, user=consultation.requester, scheduled_at=in_days(2)
        )
    with pytest.raises(PermissionDeniedError):
        services.consultation_cancel(consultation=consultation, user=consultation.advisor.user)
    services.consultation_cancel(consultation=consultation, user=consultation.requester)
    assert Notification.objects.filter(
        recipient=consultation.advisor.user, template="consultation_cancelled"
    ).exists()


def test_steps_out_of_order_are_a_conflict():
    consultation = ConsultationFactory()
    advisor_user = consultation.advisor.user
    with pytest.raises(ConflictError):
        services.consultation_complete(consultation=consultation, user=advisor_user)
    with pytest.raises(ConflictError):
        services.consultation_rate(consultation=consultation, user=consultation.requester, rating=4)
    services.consultation_accept(
        consultation=consultation, user=advisor_user, scheduled_at=in_days(1)
    )
    with pytest.raises(ConflictError):
        services.consultation_accept(
            consultation=consultation, user=advisor_user, scheduled_at=in_days(1)
        )
    services.consultation_complete(consultation=consultation, user=advisor_user)
    services.consultation_rate(consultation=consultation, user=consultation.requester, rating=4)
    with pytest.raises(ConflictError):
        services.consultation_rate(consultation=consultation, user=consultation.requester, rating=5)


def test_accepting_needs_a_future_time_and_ratings_are_one_to_five():
    consultation = ConsultationFactory()
    with pytest.raises(ApplicationError) as error:
        services.consultation_accept(
            consultation=consultation, user=consultation.advisor.user, scheduled_at=in_days(-1)
        )
    assert error.value.field == "scheduled_at"


def test_an_advisor_is_never_booked_past_monthly_capacity():
    advisor = AdvisorFactory(monthly_capacity=2)
    moment = in_days(40)
    requests = ConsultationFactory.create_batch(3, advisor=advisor)
    for consultation in requests[:2]:
        services.consultation_accept(
            consultation=consultation, user=advisor.user, scheduled_at=moment
        )
    with pytest.raises(ConflictError) as error:
        services.consultation_accept(
            consultation=requests[2], user=advisor.user, scheduled_at=moment
        )
    assert error.value.code == "capacity"
    # Another month still has room, and a cancellation frees a place.
    _start, end = services.month_bounds(moment)
    services.consultation_accept(
        consultation=requests[2], user=advisor.user, scheduled_at=end + timedelta(days=2)
    )
    assert services.advisor_load(advisor=advisor, moment=moment) == 2
    services.consultation_cancel(consultation=requests[0], user=requests[0].requester)
    assert services.advisor_load(advisor=advisor, moment=moment) == 1


def test_requests_to_inactive_advisors_or_oneself_are_refused():
    advisor = AdvisorFactory(is_active=False)
    with pytest.raises(ApplicationError):
        services.consultation_request(
            requester=UserFactory(), advisor=advisor, topic="ip", message="Hi"
        )
    active = AdvisorFactory()
    with pytest.raises(ApplicationError):
        services.consultation_request(
            requester=active.user, advisor=active, topic="ip", message="Hi"
        )
