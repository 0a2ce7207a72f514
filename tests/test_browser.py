"""The home page and the language switch in headless Chromium (Debian's package)."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core.models import Notification
from core.tests.factories import DEFAULT_PASSWORD, UserFactory
from talent.tests.factories import AdvisorFactory
from tests.support.browser import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_home_page_switches_between_english_and_chinese(page, live_server):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Back in Shanghai? Start here."

    page.get_by_role("button", name="简体中文").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "海归人才服务平台" in page.title()
    assert page.get_by_role("link", name="登录").first.is_visible()

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Sign in").first.is_visible()


def _latest_link(template: str) -> str:
    """The link of the newest notice from `template`, read in a thread of its own: the ORM
    refuses to run inside Playwright's event loop."""

    def read():
        try:
            return Notification.objects.filter(template=template).latest("id").url
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(read).result()


def test_a_visitor_signs_up_confirms_the_address_and_signs_in(page, live_server):
    page.goto(live_server.url + "/signup/")
    page.get_by_label("Full name").fill("Zhou Min")
    page.get_by_label("E-mail address").fill("zhou.min@example.com")
    page.get_by_label("Password", exact=True).fill("Quiet-River-2031")
    page.get_by_label("Password again").fill("Quiet-River-2031")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Check your e-mail").is_visible()

    page.goto(live_server.url + _latest_link("welcome"))
    page.wait_for_load_state()
    assert "your e-mail address is confirmed" in page.content()
    sign_in(page, live_server, "zhou.min@example.com", "Quiet-River-2031")
    assert "Welcome back, Zhou Min." in page.content()
    assert "Please confirm your e-mail address" not in page.content()
    page.get_by_role("link", name="Notifications").click()
    assert page.get_by_role(
        "heading", name="Welcome to the Returnee Portal: please confirm your e-mail address"
    ).is_visible()


def test_a_returnee_who_forgot_the_password_chooses_a_new_one(returnee, page, live_server):
    page.goto(live_server.url + "/signin/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("E-mail address").fill("li.wen@example.com")
    page.get_by_role("button", name="Send me the link").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Check your e-mail").is_visible()

    page.goto(live_server.url + _latest_link("password_reset"))
    page.wait_for_load_state()
    assert "/set-password/" in page.url  # the token left the address bar
    page.get_by_label("New password", exact=True).fill("Amber-Lantern-2044")
    page.get_by_label("New password confirmation").fill("Amber-Lantern-2044")
    page.get_by_role("button", name="Save the new password").click()
    page.wait_for_load_state()
    assert "Your password has been changed. Sign in with it." in page.content()

    sign_in(page, live_server, "li.wen@example.com", DEFAULT_PASSWORD)
    assert "The e-mail address or password is not correct." in page.content()
    sign_in(page, live_server, "li.wen@example.com", "Amber-Lantern-2044")
    assert "Welcome back, Li Wen." in page.content()

    page.goto(live_server.url + "/account/password/")
    page.get_by_label("Current password").fill("Amber-Lantern-2044")
    page.get_by_label("New password", exact=True).fill("Copper-Harbour-2046")
    page.get_by_label("New password again").fill("Copper-Harbour-2046")
    page.get_by_role("button", name="Change the password").click()
    page.wait_for_load_state()
    assert "Your password has been changed. You stay signed in here" in page.content()
    assert page.get_by_role("heading", name="Your account").is_visible()


@pytest.fixture
def returnee(db):
    return UserFactory(email="li.wen@example.com", full_name="Li Wen")


@pytest.fixture
def returnee_and_advisor(db):
    """Made before the browser starts: Playwright's event loop forbids the ORM in the test."""
    returnee = UserFactory(email="li.wen@example.com", full_name="Li Wen")
    advisor = AdvisorFactory(user__email="zhang.hua@example.com", user__full_name="Zhang Hua")
    return returnee, advisor


def test_the_consultation_flow_from_request_to_rating(returnee_and_advisor, page, live_server):
    returnee, advisor = returnee_and_advisor

    sign_in(page, live_server, returnee.email, DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}/advisors/{advisor.pk}/")
    page.get_by_label("Topic").select_option("policies")
    page.get_by_label("What would you like to discuss?").fill("Which talent subsidies fit me?")
    page.get_by_label("Times that suit you").fill("Weekday afternoons")
    page.get_by_label("On site").check()
    page.get_by_role("button", name="Send request").click()
    page.wait_for_load_state()
    assert page.locator("#status").inner_text() == "Requested"
    sign_out(page)

    sign_in(page, live_server, advisor.user.email, DEFAULT_PASSWORD)
    page.get_by_role("link", name="Consultations").click()
    page.get_by_role("link", name="Talent and industry policies").click()
    when = (timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Date and time (Shanghai time)").fill(when)
    page.get_by_label("Place or meeting link").fill("Pudong Returnee Service Centre, room 3")
    page.get_by_role("button", name="Accept", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("#status").inner_text() == "Accepted"
    page.get_by_label("Notes for the requester").fill("Apply for the Pudong talent subsidy.")
    page.get_by_role("button", name="Mark as complete").click()
    page.wait_for_load_state()
    assert page.locator("#status").inner_text() == "Completed"
    sign_out(page)

    sign_in(page, live_server, returnee.email, DEFAULT_PASSWORD)
    page.get_by_role("link", name="Notifications").click()
    assert page.get_by_role(
        "link", name="Your consultation with Zhang Hua is complete"
    ).is_visible()
    page.get_by_role("link", name="Your consultation with Zhang Hua is complete").click()
    assert "Apply for the Pudong talent subsidy." in page.content()
    page.get_by_label("5").check()
    page.get_by_role("button", name="Send rating").click()
    page.wait_for_load_state()
    assert "5 / 5" in page.locator(".facts").inner_text()
