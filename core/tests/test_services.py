import pytest
from django.db import IntegrityError, transaction

from core import services
from core.choices import Frequency, NotificationKind, NotificationStatus, Role
from core.exceptions import ApplicationError
from core.models import Notification, User
from talent.models import AdvisorProfile

from .factories import DistrictFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_signup_normalises_the_email_and_writes_a_welcome_notification():
    user = services.user_signup(
        email="  Li.Wen@Example.COM ",
        password="Quiet-River-2031",
        full_name=" Li Wen ",
        language="en",
    )
    assert user.email == "li.wen@example.com"
    assert user.full_name == "Li Wen"
    assert user.check_password("Quiet-River-2031")
    assert user.roles == [Role.RETURNEE]
    assert user.email_verified_at is None
    welcome = Notification.objects.get(recipient=user)
    assert welcome.kind == NotificationKind.ACCOUNT
    assert welcome.subject == "Welcome to the Returnee Portal: please confirm your e-mail address"
    assert "Li Wen" in welcome.body
    assert welcome.url.startswith("/verify-email/")


def test_signup_writes_the_notification_in_the_recipients_language():
    user = services.user_signup(
        email="zh@example.com", password="Quiet-River-2031", full_name="王芳", language="zh-hans"
    )
    welcome = Notification.objects.get(recipient=user)
    assert welcome.subject.startswith("欢迎使用海归人才服务平台")
    assert "王芳" in welcome.body


def test_signup_with_a_taken_address_makes_nothing_and_tells_its_owner():
    owner = UserFactory(email="taken@example.com", full_name="Owner", language="en")
    assert (
        services.user_signup(email="TAKEN@example.com", password="Quiet-River-2031", full_name="X")
        is None
    )
    assert User.objects.filter(email="taken@example.com").count() == 1
    owner.refresh_from_db()
    assert owner.full_name == "Owner" and not owner.check_password("Quiet-River-2031")
    told = Notification.objects.get(recipient=owner)
    assert told.template == "signup_attempt"
    assert told.frequency == Frequency.INSTANT
    assert told.url == "/password-reset/"


@pytest.mark.parametrize("password", ["password", "12345678", "short"])
def test_signup_refuses_weak_passwords(password):
    with pytest.raises(ApplicationError) as error:
        services.user_signup(email="new@example.com", password=password, full_name="New Person")
    assert error.value.code == "password"
    assert not User.objects.filter(email="new@example.com").exists()


def test_the_database_keeps_emails_unique_regardless_of_case():
    UserFactory(email="case@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="CASE@example.com", full_name="Other")


def test_district_grant_makes_an_official_and_is_idempotent():
    official = UserFactory()
    pudong = DistrictFactory(code="pudong")
    first = services.district_grant(user=official, district=pudong)
    second = services.district_grant(user=official, district=pudong)
    assert first.pk == second.pk
    assert official.is_official
    assert list(official.districts.values_list("code", flat=True)) == ["pudong"]
    assert Role.OFFICIAL in official.roles


def test_roles_of_advisors_and_admins():
    advisor = UserFactory()
    AdvisorProfile.objects.create(user=advisor)
    admin = UserFactory(is_staff=True, is_superuser=True)
    assert advisor.roles == [Role.RETURNEE, Role.ADVISOR]
    assert admin.roles == [Role.RETURNEE, Role.ADMIN]


def test_staff_are_admins_only_as_superusers_and_officials_by_their_grants():
    """`is_staff` opens Django admin; the roles say where a person acts."""
    staff = UserFactory(is_staff=True)
    assert staff.roles == [Role.RETURNEE]
    services.district_grant(user=staff, district=DistrictFactory(code="pudong"))
    assert User.objects.get(pk=staff.pk).roles == [Role.RETURNEE, Role.OFFICIAL]


def test_a_notification_rolled_back_with_its_cause_is_never_written():
    user = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notification_create(
            recipient=user, kind=NotificationKind.ACCOUNT, template="welcome", context={}
        )
        raise RuntimeError("the change that caused it failed")
    assert not Notification.objects.filter(recipient=user).exists()


def test_frequency_off_keeps_the_notification_in_the_inbox_only():
    user = UserFactory()
    services.notification_preference_set(
        user=user, kind=NotificationKind.ACCOUNT, frequency=Frequency.OFF
    )
    row = services.notification_create(
        recipient=user, kind=NotificationKind.ACCOUNT, template="welcome", context={}
    )
    assert row.frequency == Frequency.OFF
    assert row.status == NotificationStatus.SENT
    assert row.emailed is False


def test_daily_frequency_leaves_the_notification_for_the_digest():
    user = UserFactory()
    services.notification_preference_set(
        user=user, kind=NotificationKind.ACCOUNT, frequency=Frequency.DAILY
    )
    row = services.notification_create(
        recipient=user, kind=NotificationKind.ACCOUNT, template="welcome", context={}
    )
    assert row.frequency == Frequency.DAILY
    assert row.status == NotificationStatus.PENDING


def test_preferences_refuse_unknown_values():
    user = UserFactory()
    with pytest.raises(ApplicationError):
        services.notification_preference_set(user=user, kind="gossip", frequency=Frequency.OFF)
    with pytest.raises(ApplicationError):
        services.notification_preference_set(
            user=user, kind=NotificationKind.MATCH, frequency="hourly"
        )


def test_unsubscribe_turns_off_the_named_kinds_or_all():
    user = UserFactory()
    services.notifications_unsubscribe(user=user, kinds=[NotificationKind.MATCH])
    assert services.notification_frequency(user=user, kind=NotificationKind.MATCH) == Frequency.OFF
    assert (
        services.notification_frequency(user=user, kind=NotificationKind.ACCOUNT)
        == Frequency.INSTANT
    )
    services.notifications_unsubscribe(user=user, kinds=[])
    assert all(
        services.notification_frequency(user=user, kind=kind) == Frequency.OFF
        for kind in NotificationKind.values
    )


def test_mark_read_touches_only_the_users_own_notifications():
    user, other = UserFactory(), UserFactory()
    for recipient in (user, other):
        services.notification_create(
            recipient=recipient, kind=NotificationKind.ACCOUNT, template="welcome", context={}
        )
    assert services.notifications_mark_read(user=user) == 1
    assert Notification.objects.get(recipient=other).read_at is None


@pytest.mark.django_db(transaction=True)
def test_two_sign_ups_with_one_address_at_once_make_one_account():
    import threading

    from django.db import connection

    barrier = threading.Barrier(2)
    outcomes = []

    def sign_up():
        try:
            barrier.wait()
            user = services.user_signup(
                email="race@example.com", password="Quiet-River-2031", full_name="R"
            )
            outcomes.append("created" if user else "told")
        except ApplicationError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created", "told"]
    assert User.objects.filter(email="race@example.com").count() == 1


def test_notifications_link_only_to_the_portal():
    with pytest.raises(ValueError):
        services.notification_create(
            recipient=UserFactory(), kind="account", template="welcome", url="javascript:alert(1)"
        )
