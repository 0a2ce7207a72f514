"""PIPL: a copy of all of one's data (art. 45) and the erasure of the account (art. 47)."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core import delivery, privacy
from core.models import DistrictGrant, Notification, NotificationPreference, User
from core.services import (
    api_token_issue,
    district_grant,
    notification_create,
    notification_preference_set,
    notification_to_address,
)
from core.tests.factories import (
    DEFAULT_PASSWORD,
    DistrictFactory,
    NotificationFactory,
    UserFactory,
)
from events.choices import RegistrationStatus
from events.models import CalendarFeed, Registration
from events.services import calendar_feed_for, registration_create
from events.tests.factories import EventFactory, RegistrationFactory
from matching.models import AdvisorProposal, Match
from matching.tests.factories import AdvisorProposalFactory, MatchFactory
from policies.models import EligibilityRecord, PolicyFollow, TopicFollow
from policies.tests.factories import PolicyFactory
from startups.models import Founder, Opening
from startups.tests.factories import FounderFactory, OpeningFactory
from talent import services as talent_services
from talent.choices import ConsentChannel, ConsultationStatus
from talent.models import (
    AdvisorProfile,
    ConsentRecord,
    Consultation,
    Education,
    ReturneeProfile,
    WorkExperience,
)
from talent.tests.factories import AdvisorFactory, ConsultationFactory

pytestmark = pytest.mark.django_db

EMAIL = "wang.secret@example.com"
NAME = "Wang Secretname"
HEADLINE = "Chip designer, eight years in Munich"


@pytest.fixture
def person(db):
    """A returnee with data in every app."""
    user = UserFactory(email=EMAIL, full_name=NAME)
    talent_services.profile_update(
        user=user,
        data={
            "headline": HEADLINE,
            "bio": "Secret biography",
            "birth_year": 1988,
            "is_public": True,
            "matching_consent": True,
            "skills": ["chip design"],
            "education": [
                {
                    "degree_level": "doctorate",
                    "institution": "TU München",
                    "country": "DE",
                    "end_year": 2015,
                }
            ],
            "work": [{"employer": "Infineon", "country": "DE", "role": "Designer"}],
        },
        via=ConsentChannel.PAGE,
    )
    notification_preference_set(user=user, kind="match", frequency="daily")
    NotificationFactory(recipient=user, subject="Your secret subject")
    api_token_issue(user=user)
    calendar_feed_for(user=user)
    startup = FounderFactory(user=user).startup
    OpeningFactory(startup=startup)
    policy = PolicyFactory()
    PolicyFollow.objects.create(user=user, policy=policy)
    TopicFollow.objects.create(user=user, municipal=True)
    EligibilityRecord.objects.create(user=user, policy=policy, status="eligible")
    ConsultationFactory(requester=user, message="My secret question")
    MatchFactory(returnee=user)
    AdvisorProposalFactory(returnee=user)
    past = EventFactory(
        starts_at=timezone.now() - timedelta(days=10),
        ends_at=timezone.now() - timedelta(days=10) + timedelta(hours=2),
        registration_opens_at=timezone.now() - timedelta(days=20),
        registration_closes_at=timezone.now() - timedelta(days=11),
        status="completed",
    )
    RegistrationFactory(event=past, user=user, status=RegistrationStatus.ATTENDED)
    return user


def dumped(data) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)


# The registry ----------------------------------------------------------------------------


def test_every_app_registers_its_part_in_dependency_order():
    labels = [section.app_label for section in privacy.sections()]
    assert labels == ["core", "talent", "startups", "events", "policies", "matching"]


# Export ----------------------------------------------------------------------------------


def test_the_export_holds_the_person_s_data_from_every_app(person, other_user):
    data = privacy.export_user(person)
    text = dumped(data)
    assert data["core"]["account"]["email"] == EMAIL
    assert data["talent"]["profile"]["headline"] == HEADLINE
    assert data["talent"]["profile"]["education"][0]["institution"] == "TU München"
    assert [c["purpose"] for c in data["talent"]["consents"]] == ["directory", "matching"]
    assert data["talent"]["consents"][0]["notice_version"] == "1"
    assert data["talent"]["consultations_requested"][0]["message"] == "My secret question"
    assert data["startups"]["founder_of"][0]["role"] == "CEO"
    assert data["events"]["registrations"][0]["status"] == "attended"
    assert data["events"]["calendar_feed"] == {"exists": True}
    assert len(data["policies"]["followed_policies"]) == 1
    assert data["policies"]["eligibility"][0]["status"] == "eligible"
    assert data["core"]["notification_preferences"] == {"match": "daily"}
    assert data["core"]["notifications"][0]["subject"] == "Your secret subject"
    assert len(data["matching"]["matches"]) == 1
    assert data["matching"]["matches"][0]["reasons"][0].startswith("Both studied at")
    assert len(data["matching"]["advisor_proposals"]) == 1
    assert data["core"]["api_token"] == {"exists": True}
    # Never secrets, never other people's data.
    assert Token.objects.get(user=person).key not in text
    assert CalendarFeed.objects.get(user=person).token not in text
    assert person.password not in text
    assert other_user.email not in text


def test_the_export_api_gives_a_json_file_of_one_s_own_data(person, other_user):
    client = APIClient()
    client.force_authenticate(person)
    response = client.get("/api/v1/me/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    body = json.loads(response.content)
    assert body["format"] == privacy.EXPORT_FORMAT
    assert body["core"]["account"]["email"] == EMAIL
    assert other_user.email not in response.content.decode()


def test_the_export_works_from_the_page_s_link_with_the_browser_session(person):
    client = Client()
    client.force_login(person)
    page = client.get(reverse("core:my_data"))
    assert reverse("api:me-export").encode() in page.content
    response = client.get(reverse("api:me-export"), HTTP_ACCEPT="text/html,*/*;q=0.8")
    assert response.status_code == 200
    assert json.loads(response.content)["core"]["account"]["email"] == EMAIL


def test_the_export_needs_a_signed_in_user(api_client):
    assert api_client.get("/api/v1/me/export/").status_code in (401, 403)


def test_the_export_is_throttled(person, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "export": "2/hour"}
    client = APIClient()
    client.force_authenticate(person)
    assert [client.get("/api/v1/me/export/").status_code for _ in range(3)] == [200, 200, 429]


# Erasure ---------------------------------------------------------------------------------


def test_erasing_releases_seats_and_the_waitlist_moves_up(person, other_user):
    event = EventFactory(capacity=1)
    mine = registration_create(user=person, event=event)
    waiting = registration_create(user=other_user, event=event)
    assert (mine.status, waiting.status) == ("confirmed", "waitlisted")

    assert privacy.erase_user(person) is True

    waiting.refresh_from_db()
    mine.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert waiting.waitlist_position is None
    assert Notification.objects.filter(recipient=other_user, template="event_promoted").exists()
    assert mine.status == RegistrationStatus.CANCELLED
    assert mine.user is None and mine.anonymised_at is not None
    confirmed = event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    assert confirmed == 1 == event.capacity


def test_erasing_keeps_the_figures(person):
    attended = Registration.objects.get(status=RegistrationStatus.ATTENDED)
    consultation = Consultation.objects.get(requester=person)
    startup = Founder.objects.get(user=person).startup

    privacy.erase_user(person)

    attended.refresh_from_db()
    assert attended.status == RegistrationStatus.ATTENDED and attended.user is None
    assert attended.event.registrations.filter(status=RegistrationStatus.ATTENDED).count() == 1
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.CANCELLED
    assert consultation.message == ""
    # The startup stays listed, without founders; nobody is left to answer for its openings.
    startup.refresh_from_db()
    assert not startup.founders.exists()
    assert not Opening.objects.filter(startup=startup, is_open=True).exists()
    # The advisor was told that the request was withdrawn, not by whom.
    withdrawn = Notification.objects.get(
        recipient=consultation.advisor.user, template="consultation_withdrawn"
    )
    assert NAME not in f"{withdrawn.subject} {withdrawn.body} {dumped(withdrawn.context)}"


def test_erasing_removes_the_personal_data(person):
    user_id = person.pk
    privacy.erase_user(person)

    user = User.objects.get(pk=user_id)
    assert user.email == f"erased-{user_id}@invalid.example"
    assert user.full_name == ""
    assert not user.is_active and not user.has_usable_password()
    assert user.erased_at is not None
    assert not User.history.filter(email=EMAIL).exists()
    assert not User.history.filter(full_name=NAME).exists()
    assert not ReturneeProfile.objects.filter(user_id=user_id).exists()
    assert not Education.objects.exists() and not WorkExperience.objects.exists()
    for model, field in [
        (Notification, "recipient"),
        (NotificationPreference, "user"),
        (Token, "user"),
        (CalendarFeed, "user"),
        (Founder, "user"),
        (PolicyFollow, "user"),
        (TopicFollow, "user"),
        (EligibilityRecord, "user"),
        (Match, "returnee"),
        (AdvisorProposal, "returnee"),
        (Registration, "user"),
    ]:
        assert not model.objects.filter(**{f"{field}_id": user_id}).exists(), model
    assert not AdvisorProposal.history.filter(returnee_id=user_id).exists()
    assert not Registration.history.filter(user_id=user_id).exists()
    # Consents are kept as proof, withdrawn, tied to the anonymised account.
    consents = ConsentRecord.objects.filter(user_id=user_id)
    assert consents.count() == 2
    assert all(c.withdrawn_via == ConsentChannel.ERASURE for c in consents)
    # What is left names nobody.
    text = dumped(privacy.export_user(user))
    secrets = (EMAIL, NAME, HEADLINE, "Secret biography", "My secret question", "Your secret")
    for secret in secrets:
        assert secret not in text


def test_an_erased_person_can_no_longer_sign_in(person):
    token = Token.objects.get(user=person).key
    browser = Client()
    browser.force_login(person)

    privacy.erase_user(person)

    signin = Client().post(reverse("core:login"), {"username": EMAIL, "password": DEFAULT_PASSWORD})
    assert signin.status_code == 200 and "_auth_user_id" not in signin.client.session
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/me/").status_code == 401
    # The open browser session ends on its next request.
    assert browser.get(reverse("core:my_data")).status_code == 302
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": EMAIL, "password": DEFAULT_PASSWORD}, format="json"
    )
    assert response.status_code == 400


def test_a_second_erasure_is_harmless(person):
    assert privacy.erase_user(person) is True
    erased = User.objects.get(pk=person.pk)
    assert privacy.erase_user(erased) is False
    again = User.objects.get(pk=person.pk)
    assert (again.email, again.erased_at) == (erased.email, erased.erased_at)


def test_erasing_an_advisor_declines_their_open_requests_and_keeps_the_profile_blank():
    advisor = AdvisorFactory(bio_en="Twenty years in venture capital")
    requester = UserFactory(language="en")
    consultation = ConsultationFactory(advisor=advisor, requester=requester)

    privacy.erase_user(advisor.user)

    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.DECLINED
    assert "left the portal" in consultation.decline_reason
    assert Notification.objects.filter(
        recipient=requester, template="consultation_advisor_left"
    ).exists()
    advisor = AdvisorProfile.objects.get(pk=advisor.pk)
    assert not advisor.is_active and advisor.bio_en == "" and advisor.title_en == ""
    assert not AdvisorProfile.history.filter(bio_en__contains="venture").exists()


def test_erasing_an_official_removes_their_grants():
    official = UserFactory()
    district_grant(user=official, district=DistrictFactory())
    privacy.erase_user(official)
    assert not DistrictGrant.objects.filter(user=official).exists()
    assert not User.objects.get(pk=official.pk).is_official


def test_erasing_a_candidate_leaves_other_people_s_matches(person, other_user):
    other_match = MatchFactory(returnee=other_user)
    privacy.erase_user(person)
    assert Match.objects.filter(pk=other_match.pk).exists()


# What others were told about the person ---------------------------------------------------


def naming(name: str, **filters) -> list[int]:
    """The notices (in any inbox, sent or waiting) whose subject, body or context names
    `name`."""
    return [
        row.pk
        for row in Notification.objects.filter(**filters)
        if name in f"{row.subject}\n{row.body}\n{dumped(row.context)}"
    ]


def erase_through_the_api(user: User) -> None:
    client = APIClient()
    client.force_authenticate(user)
    response = client.delete("/api/v1/me/", {"password": DEFAULT_PASSWORD}, format="json")
    assert response.status_code == 204


def test_erasing_a_requester_takes_their_name_out_of_the_advisor_s_inbox_and_outbox():
    advisor = AdvisorFactory(
        user__full_name="Zhao Advisor", user__language="zh-hans", monthly_capacity=10
    )
    notification_preference_set(user=advisor.user, kind="consultation", frequency="daily")
    requester = UserFactory(full_name="Li Wen", language="en")

    def ask():
        return talent_services.consultation_request(
            requester=requester, advisor=advisor, topic="policies", message="Subsidies?"
        )

    waiting = ask()  # still a request when the account is erased
    held = ask()  # held and rated
    talent_services.consultation_accept(
        consultation=held, user=advisor.user, scheduled_at=timezone.now() + timedelta(days=2)
    )
    talent_services.consultation_complete(consultation=held, user=advisor.user)
    talent_services.consultation_rate(consultation=held, user=requester, rating=5)
    booked = ask()  # accepted: its time becomes free
    when = timezone.now() + timedelta(days=3)
    talent_services.consultation_accept(consultation=booked, user=advisor.user, scheduled_at=when)
    inbox = Notification.objects.filter(recipient=advisor.user)
    assert sorted(inbox.values_list("template", flat=True)) == [
        "consultation_rated",
        *["consultation_requested"] * 3,
    ]
    assert len(naming("Li Wen", recipient=advisor.user)) == 4
    assert inbox.filter(actor=requester).count() == 4
    # The rating was e-mailed and read; the first request's notice was written before notices
    # recorded whom they name.
    rated = inbox.get(template="consultation_rated")
    inbox.filter(pk=rated.pk).update(
        status="sent", emailed=True, sent_at=timezone.now(), read_at=timezone.now()
    )
    assert inbox.filter(url=waiting.get_absolute_url()).update(actor=None) == 1
    before = set(inbox.values_list("pk", flat=True))
    waiting_mail = set(inbox.filter(status="pending").values_list("pk", flat=True))
    last = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()

    erase_through_the_api(requester)

    # Nobody's inbox or outbox names the person any more, in the subject, body or context.
    assert naming("Li Wen") == []
    # The advisor keeps every notice, read marks and all, and learns of the two withdrawals.
    after = set(inbox.values_list("pk", flat=True))
    assert before < after and len(after) == len(before) + 2
    assert waiting_mail <= set(inbox.filter(status="pending").values_list("pk", flat=True))
    rated = Notification.objects.get(pk=rated.pk)
    assert (rated.status, rated.emailed, rated.context["rating"]) == ("sent", True, 5)
    assert rated.read_at is not None
    neutral = privacy.former_user("zh-hans")
    for row in inbox.filter(pk__in=before):
        assert row.context["requester"] == neutral
        assert neutral.casefold() in f"{row.subject} {row.body}".casefold()
        assert row.actor_id is None
    # The erasure's own notices say that a returnee withdrew, not who.
    new = Notification.objects.filter(pk__gt=last)
    assert (
        list(new.values_list("recipient", "template"))
        == [(advisor.user.pk, "consultation_withdrawn")] * 2
    )
    assert all("requester" not in row.context and row.actor_id is None for row in new)
    freed = new.get(url=booked.get_absolute_url())
    assert timezone.localtime(when).strftime("%Y-%m-%d %H:%M") in freed.body
    # The figures stay.
    statuses = dict(Consultation.objects.filter(advisor=advisor).values_list("pk", "status"))
    assert statuses == {
        waiting.pk: ConsultationStatus.CANCELLED,
        held.pk: ConsultationStatus.COMPLETED,
        booked.pk: ConsultationStatus.CANCELLED,
    }
    assert Consultation.objects.get(pk=held.pk).rating == 5
    # The digest still to come lists the waiting notices, without the name.
    assert delivery.deliver_digest(user_id=advisor.user.pk, frequency="daily") == 5
    assert "Li Wen" not in f"{mail.outbox[-1].subject}\n{mail.outbox[-1].body}"


def test_erasing_an_advisor_takes_their_name_out_of_the_requester_s_notices():
    advisor = AdvisorFactory(user__full_name="Zhao Advisorname", monthly_capacity=10)
    requester = UserFactory(full_name="Li Wen", language="zh-hans")
    held = talent_services.consultation_request(
        requester=requester, advisor=advisor, topic="policies", message="Subsidies?"
    )
    talent_services.consultation_accept(
        consultation=held, user=advisor.user, scheduled_at=timezone.now() + timedelta(days=2)
    )
    talent_services.consultation_complete(consultation=held, user=advisor.user, notes="Apply.")
    talent_services.consultation_request(
        requester=requester, advisor=advisor, topic="financing", message="Investors?"
    )
    assert len(naming("Zhao Advisorname", recipient=requester)) == 2

    erase_through_the_api(advisor.user)

    assert naming("Zhao Advisorname") == []
    inbox = Notification.objects.filter(recipient=requester)
    assert sorted(inbox.values_list("template", flat=True)) == [
        "consultation_accepted",
        "consultation_advisor_left",
        "consultation_completed",
    ]
    left = inbox.get(template="consultation_advisor_left")
    assert "advisor" not in left.context and left.actor_id is None
    accepted = inbox.get(template="consultation_accepted")
    # Only the erased person's name goes; the recipient's own stays in the context.
    assert accepted.context["advisor"] == privacy.former_user("zh-hans")
    assert accepted.context["requester"] == "Li Wen"
    assert Consultation.objects.filter(advisor=advisor).count() == 2


def test_names_are_taken_out_in_bulk_in_each_recipient_s_language():
    def erase_names(count: int) -> int:
        person = UserFactory(full_name="Chen Jing")
        for number in range(count):
            notification_create(
                recipient=UserFactory(language="en" if number % 2 else "zh-hans"),
                kind="consultation",
                template="consultation_rated",
                context={"requester": "Chen Jing", "advisor": "Zhou Min", "topic": "Policies"},
                actor=person,
            )
        notification_to_address(
            address="friend@example.com",
            language="en",
            kind="account",
            template="consultation_requested",
            context={"requester": "Chen Jing", "topic": "Policies"},
            actor=person,
        )
        unrelated = notification_create(
            recipient=UserFactory(),
            kind="consultation",
            template="consultation_rated",
            context={"requester": "Chen Jing", "topic": "Policies"},  # another Chen Jing
        )
        with CaptureQueriesContext(connection) as queries:
            changed = privacy.erase_name_from_notifications(person, name="Chen Jing")
        assert changed == count + 1
        assert naming("Chen Jing") == [unrelated.pk]
        unrelated.delete()
        return len(queries)

    assert erase_names(2) == erase_names(30)
    by_language = {
        row.recipient.language: row
        for row in Notification.objects.filter(template="consultation_rated")
    }
    assert by_language["en"].subject == "A former user rated your consultation"
    assert privacy.former_user("zh-hans") in by_language["zh-hans"].context["requester"]
    assert by_language["en"].context["advisor"] == "Zhou Min"
    to_address = Notification.objects.filter(address="friend@example.com")
    assert set(to_address.values_list("subject", flat=True)) == {
        "New consultation request from a former user"
    }


# The API and the page --------------------------------------------------------------------


def test_delete_me_needs_the_current_password(person):
    client = APIClient()
    client.force_authenticate(person)
    missing = client.delete("/api/v1/me/", {}, format="json")
    assert missing.status_code == 400 and "password" in missing.json()["errors"]
    wrong = client.delete("/api/v1/me/", {"password": "not-my-password"}, format="json")
    assert wrong.status_code == 400
    assert (wrong.json()["code"], list(wrong.json()["errors"])) == ("password", ["password"])
    assert User.objects.get(pk=person.pk).is_active


def test_delete_me_with_a_token_erases_the_account(person):
    token = Token.objects.get(user=person).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.delete("/api/v1/me/", {"password": DEFAULT_PASSWORD}, format="json")
    assert response.status_code == 204
    assert User.objects.get(pk=person.pk).erased_at is not None
    assert client.get("/api/v1/me/").status_code == 401


def test_wrong_passwords_on_delete_me_count_towards_the_lockout(person, settings):
    settings.AXES_FAILURE_LIMIT = 2
    client = APIClient()
    client.force_authenticate(person)
    for _ in range(2):
        client.delete("/api/v1/me/", {"password": "wrong"}, format="json")
    response = client.delete("/api/v1/me/", {"password": DEFAULT_PASSWORD}, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert User.objects.get(pk=person.pk).is_active


def test_the_your_data_page_shows_consents_and_erases_with_the_password(person):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    page = client.get(reverse("core:my_data")).content.decode()
    assert "Listing in the public talent directory" in page
    assert "Erase my account" in page

    refused = client.post(reverse("core:my_data"), {"password": "wrong", "confirm": "on"})
    assert refused.status_code == 200
    assert "Your current password is not correct." in refused.content.decode()
    unconfirmed = client.post(reverse("core:my_data"), {"password": DEFAULT_PASSWORD})
    assert "Tick the box to confirm." in unconfirmed.content.decode()
    assert User.objects.get(pk=person.pk).is_active

    done = client.post(reverse("core:my_data"), {"password": DEFAULT_PASSWORD, "confirm": "on"})
    assert done.status_code == 302 and done["Location"] == reverse("core:home")
    assert User.objects.get(pk=person.pk).erased_at is not None
    assert client.get(reverse("core:my_data")).status_code == 302  # signed out


def test_the_your_data_page_needs_a_signed_in_user(client):
    response = client.get(reverse("core:my_data"))
    assert response.status_code == 302 and reverse("core:login") in response["Location"]


def test_the_privacy_notice_is_versioned(settings):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    current = client.get(reverse("core:privacy_notice"))
    assert current.status_code == 200
    assert "Version 1" in current.content.decode()
    same = client.get(reverse("core:privacy_notice_version", args=["1"]))
    assert same.status_code == 200
    assert client.get(reverse("core:privacy_notice_version", args=["99"])).status_code == 404
    settings.PRIVACY_NOTICE_VERSION = "2"  # as if a new text came out: v1 stays readable
    earlier = client.get(reverse("core:privacy_notice_version", args=["1"]))
    assert "an earlier version" in earlier.content.decode()


def test_nobody_signs_up_with_an_erased_account_s_address(api_client):
    response = api_client.post(
        "/api/v1/auth/signup/",
        {"email": "erased-1@invalid.example", "password": DEFAULT_PASSWORD, "full_name": "X"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "email"


def test_erasure_deletes_the_keys_of_two_step_sign_in():
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = UserFactory()
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    privacy.erase_user(user)
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
