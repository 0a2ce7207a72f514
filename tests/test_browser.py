"""The home page and the language switch in headless Chromium (Debian's package)."""

import shutil

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def page(live_server, settings):
    from playwright.sync_api import sync_playwright

    settings.SITE_URL = live_server.url
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        context = browser.new_context(locale="en-US")
        page = context.new_page()
        yield page
        context.close()
        browser.close()


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
