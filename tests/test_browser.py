"""The home page and the language switch in headless Chromium (Debian's package)."""

from datetime import timedelta

import pytest
from django.utils import timezone

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


def test_a_visitor_signs_up_and_sees_the_welcome_notification(page, live_server):
    page.goto(live_server.url + "/signup/")
    page.get_by_label("Full name").fill("Zhou Min")
    page.get_by_label("E-mail address").fill("zhou.min@example.com")
    page.get_by_label("Password", exact=True).fill("Quiet-River-2031")
    page.get_by_label("Password again").fill("Quiet-River-2031")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_load_state()
    assert "Welcome back, Zhou Min." in page.content()
    page.get_by_role("link", name="Notifications").click()
    assert page.get_by_role("heading", name="Welcome to the Returnee Portal").is_visible()


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
