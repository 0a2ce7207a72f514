import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from core import delivery
from core.choices import Frequency, NotificationKind
from core.models import Notification, NotificationPreference, User
from tests.support.servers import free_port

from .factories import DistrictFactory, IndustrialParkFactory, NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_home_page_speaks_both_languages(client):
    pudong = DistrictFactory(code="pudong", name_zh="浦东新区", name_en="Pudong New Area")
    IndustrialParkFactory(name_zh="张江科学城", name_en="Zhangjiang Science City", district=pudong)
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<html lang="en">' in english
    assert "Back in Shanghai? Start here." in english
    assert "Zhangjiang Science City" in english
    assert '<html lang="zh-hans">' in chinese
    assert "海归人才服务平台" in chinese
    assert "张江科学城" in chinese


def test_the_language_switch_sets_the_language_and_saves_it_for_a_user(client, user):
    client.force_login(user)
    response = client.post(reverse("core:set_language"), {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "zh-hans"
    assert '<html lang="zh-hans">' in client.get("/").content.decode()


def test_sign_up_creates_the_account_and_asks_to_confirm_the_address(client):
    response = client.post(
        reverse("core:signup"),
        {
            "full_name": "Chen Jie",
            "email": "chen@example.com",
            "password": "Quiet-River-2031",
            "password_again": "Quiet-River-2031",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    assert response.url == reverse("core:signup_sent")
    user = User.objects.get(email="chen@example.com")
    assert user.language == "en"
    assert "_auth_user_id" not in client.session
    assert Notification.objects.filter(recipient=user, kind=NotificationKind.ACCOUNT).exists()


def test_sign_up_shows_errors_next_to_the_fields(client):
    UserFactory(email="taken@example.com")
    response = client.post(
        reverse("core:signup"),
        {
            "full_name": "X",
            "email": "taken@example.com",
            "password": "password",
            "password_again": "password",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    mismatch = client.post(
        reverse("core:signup"),
        {"full_name": "X", "email": "x@example.com", "password": "a", "password_again": "b"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "The two passwords are not the same." in mismatch.content.decode()


def test_sign_in_and_sign_out(client, user, password):
    client.get(reverse("core:login"))
    old_key = client.session.session_key
    wrong = client.post(
        reverse("core:login"),
        {"username": user.email, "password": "nope"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "The e-mail address or password is not correct." in wrong.content.decode()
    right = client.post(reverse("core:login"), {"username": user.email, "password": password})
    assert right.status_code == 302
    assert client.session.session_key != old_key
    assert client.post(reverse("core:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_sign_in_page_locks_out_after_repeated_failures(client, user, password, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("core:login"), {"username": user.email, "password": "nope"})
    locked = client.post(
        reverse("core:login"),
        {"username": user.email.upper(), "password": password},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()


@pytest.mark.parametrize("name", ["core:notifications", "core:notification_preferences"])
def test_notification_pages_need_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_the_inbox_lists_own_notifications_and_marks_them_read(client, user, other_user):
    NotificationFactory(recipient=user, subject="Seat confirmed")
    NotificationFactory(recipient=other_user, subject="Someone else's")
    client.force_login(user)
    page = client.get(reverse("core:notifications")).content.decode()
    assert "Seat confirmed" in page
    assert "Someone else" not in page
    client.post(reverse("core:notifications"))
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()


def test_the_preferences_page_saves_each_kind(client, user):
    client.force_login(user)
    data = dict.fromkeys(NotificationKind.values, Frequency.INSTANT)
    data[NotificationKind.MATCH] = Frequency.DAILY
    response = client.post(reverse("core:notification_preferences"), data)
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=user, kind="match").frequency == "daily"


def test_one_click_unsubscribe_needs_no_session_or_csrf_token(user):
    token = delivery.unsubscribe_token(user=user, kinds=[NotificationKind.MATCH])
    client = Client(enforce_csrf_checks=True)
    url = reverse("core:unsubscribe", args=[token])
    assert client.get(url).status_code == 200
    assert not NotificationPreference.objects.filter(user=user).exists()
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=user, kind="match").frequency == Frequency.OFF


def test_the_link_in_a_sent_email_unsubscribes(client, user):
    row = NotificationFactory(recipient=user, kind=NotificationKind.EVENT_REMINDER)
    delivery.deliver_notification(row.pk)
    link = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.post(f"/{path}").status_code == 200
    assert (
        NotificationPreference.objects.get(
            user=user, kind=NotificationKind.EVENT_REMINDER
        ).frequency
        == Frequency.OFF
    )


def test_a_forged_unsubscribe_link_is_refused(client):
    assert client.post(reverse("core:unsubscribe", args=["forged"])).status_code == 400


def test_times_are_shown_in_shanghai_time(client, user):
    from datetime import UTC, datetime

    NotificationFactory(recipient=user, created_at=datetime(2026, 3, 1, 16, 30, tzinfo=UTC))
    client.force_login(user)
    assert "2026-03-02 00:30" in client.get(reverse("core:notifications")).content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/core/user/",
        "/admin/core/user/add/",
        "/admin/core/district/",
        "/admin/core/sector/",
        "/admin/core/industrialpark/",
        "/admin/core/organisation/",
        "/admin/core/districtgrant/",
        "/admin/core/notification/",
        "/admin/core/notificationpreference/",
        "/admin/talent/advisorprofile/",
        "/admin/django_celery_beat/periodictask/",
    ],
)
def test_admin_pages_open_for_an_admin(client, url):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    NotificationFactory()
    assert client.get(url).status_code == 200


def test_admin_user_change_page_with_grants(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    official = UserFactory()
    official.districts.add(DistrictFactory(), through_defaults={"granted_by": admin})
    client.force_login(admin)
    assert client.get(f"/admin/core/user/{official.pk}/change/").status_code == 200


def test_the_admin_can_send_pending_notifications_now(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    row = NotificationFactory()
    client.force_login(admin)
    client.post(
        "/admin/core/notification/",
        {"action": "deliver_now", "_selected_action": [row.pk]},
    )
    row.refresh_from_db()
    assert row.status == "sent"
    assert len(mail.outbox) == 1


def test_the_sign_up_and_sign_in_pages_are_throttled_per_address(client, settings, user):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "signup": "1/hour", "signin": "2/min"}
    data = {
        "full_name": "A",
        "email": "a1@example.com",
        "password": "Quiet-River-2031",
        "password_again": "Quiet-River-2031",
    }
    assert client.post(reverse("core:signup"), data).status_code == 302
    client.logout()
    second = client.post(
        reverse("core:signup"), {**data, "email": "a2@example.com"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert second.status_code == 429
    assert "Too many attempts from your network" in second.content.decode()
    assert not User.objects.filter(email="a2@example.com").exists()
    codes = [
        client.post(
            reverse("core:login"), {"username": f"x{n}@example.com", "password": "nope"}
        ).status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]


def test_an_unsubscribe_link_naming_an_old_kind_still_works(client, user):
    token = delivery.unsubscribe_token(user=user, kinds=["retired-kind", NotificationKind.MATCH])
    assert client.post(reverse("core:unsubscribe", args=[token])).status_code == 200
    assert NotificationPreference.objects.get(user=user).kind == NotificationKind.MATCH


def test_the_health_check_answers_under_production_settings(client, settings):
    settings.ALLOWED_HOSTS = ["portal.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz/", HTTP_HOST="portal.example.com")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}


def test_the_health_check_tells_when_redis_is_down_and_the_portal_goes_on(client, settings):
    nowhere = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    settings.CACHES = {**settings.CACHES, "default": {**settings.CACHES["default"]}}
    settings.CACHES["default"]["LOCATION"] = nowhere
    settings.CELERY_BROKER_URL = nowhere
    settings.RATE_LIMITS_ENABLED = False
    response = client.get("/healthz/")
    assert response.status_code == 200  # pages and the API still work: stay in rotation
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "unreachable",
        "broker": "unreachable",
    }
