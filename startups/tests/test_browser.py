"""Co-founder invitations in headless Chromium on a 390 px wide screen: a founder invites by
address and sees the pending invitations; the invited person opens the link, signs in and
accepts. Nothing is wider than the screen."""

import pytest

from core.tests.factories import DEFAULT_PASSWORD, UserFactory
from startups import services
from tests.support.browser import sign_in, sign_out

from .factories import FounderFactory, StartupFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.fixture
def invitation_flow(db):
    """Made before the browser starts: Playwright's event loop forbids the ORM in the test."""
    founder = FounderFactory(
        startup=StartupFactory(name="Tidewater Silicon"),
        user=UserFactory(email="founder@example.com", full_name="Wang Fang"),
    )
    invitee = UserFactory(
        email="a.rather.long.name.for.a.co-founder@example.com", full_name="Li Na"
    )
    invitation = services.founder_invite(
        startup=founder.startup, user=founder.user, email=invitee.email, role="CTO"
    )
    return founder, invitee, invitation.get_absolute_url()


def test_invite_see_pending_then_accept_on_a_phone(invitation_flow, page, live_server):
    founder, invitee, link = invitation_flow
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, founder.user.email, DEFAULT_PASSWORD)
    page.goto(live_server.url + founder.startup.get_absolute_url())
    page.get_by_label("Co-founder's e-mail address").fill("zhou.min@example.com")
    page.get_by_label("Their role").fill("COO")
    page.get_by_role("button", name="Send the invitation").click()
    page.wait_for_load_state()
    assert page.get_by_text("The invitation is sent.").is_visible()
    pending = page.locator("ul[aria-labelledby=pending-invitations]").inner_text()
    assert "zhou.min@example.com — COO" in pending
    assert invitee.email in pending
    assert fits(page)
    sign_out(page)

    page.goto(live_server.url + link)
    assert "Wang Fang invites you to be a co-founder of Tidewater Silicon, as CTO." in (
        page.locator("main").inner_text()
    )
    assert fits(page)
    page.locator("main").get_by_role("link", name="Sign in").click()
    page.get_by_label("E-mail address").fill(invitee.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.url == live_server.url + link  # back at the invitation
    page.get_by_role("button", name="Accept and become a founder").click()
    page.wait_for_load_state()
    assert page.get_by_text("You are now a founder of Tidewater Silicon.").is_visible()
    assert "Li Na — CTO" in page.locator("#founders").locator("xpath=..").inner_text()
    assert fits(page)
