"""The event pages in headless Chromium (Debian's package): a returnee registers and cancels,
an official checks an attendee in at the door."""

import json
from datetime import timedelta

import pytest

from core.services import district_grant
from core.tests.factories import DEFAULT_PASSWORD, DistrictFactory, UserFactory
from events.models import AgendaSession, Speaker
from tests.support.browser import sign_in

from .factories import EventFactory, RegistrationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def forum(db):
    """Made before the browser starts: Playwright's event loop forbids the ORM in the test."""
    district = DistrictFactory(code="pudong", name_en="Pudong New Area", name_zh="浦东新区")
    event = EventFactory(
        district=district,
        title_en="Zhangjiang Returnee Chip Forum",
        title_zh="张江海归芯片论坛",
        venue="Zhangjiang Science Hall",
        capacity=30,
    )
    speaker = Speaker.objects.create(event=event, name="Zhang Wei", organisation="Zhangjiang Lab")
    session = AgendaSession.objects.create(
        event=event,
        starts_at=event.starts_at + timedelta(minutes=30),
        title_zh="主题演讲",
        title_en="Keynote: RISC-V in Shanghai",
    )
    session.speakers.add(speaker)
    returnee = UserFactory(email="zhou.min@example.com", full_name="Zhou Min")
    return event, returnee


@pytest.fixture
def door(db):
    district = DistrictFactory(code="qingpu", name_en="Qingpu", name_zh="青浦区")
    official = UserFactory(email="official@qingpu.example.com", full_name="Official Qingpu")
    district_grant(user=official, district=district)
    event = EventFactory(district=district, title_en="Qingpu Biotech Roadshow")
    ticket = RegistrationFactory(event=event, user__full_name="Lin Yue")
    return event, official, ticket.code


def test_a_returnee_registers_sees_the_ticket_and_cancels(forum, page, live_server):
    event, returnee = forum
    sign_in(page, live_server, returnee.email, DEFAULT_PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Events").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Forums, symposiums and workshops"
    page.get_by_role("link", name="Zhangjiang Returnee Chip Forum").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Zhangjiang Returnee Chip Forum"
    assert page.get_by_text("Keynote: RISC-V in Shanghai").is_visible()
    assert page.locator("#seats").inner_text().startswith("30 seats left of 30")

    page.get_by_role("button", name="Register").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Ticket"
    assert "You have a seat." in page.locator(".messages").inner_text()
    assert page.locator("#ticket-status").inner_text() == "Confirmed"
    code = page.locator("#ticket-code").inner_text()
    assert len(code) >= 20
    assert page.get_by_role("img", name="QR code of your ticket").is_visible()

    page.get_by_role("link", name="My registrations").click()
    page.wait_for_load_state()
    row = page.get_by_role("row").filter(has_text="Zhangjiang Returnee Chip Forum")
    assert "Confirmed" in row.inner_text()
    assert (
        page.get_by_label("Your private calendar address")
        .input_value()
        .startswith(live_server.url + "/events/feed/")
    )
    row.get_by_role("link", name="Ticket for Zhangjiang Returnee Chip Forum").click()
    page.wait_for_load_state()
    assert page.locator("#ticket-code").inner_text() == code
    page.go_back()

    page.get_by_role(
        "button", name="Cancel my registration for Zhangjiang Returnee Chip Forum"
    ).click()
    page.wait_for_load_state()
    assert "Your registration is cancelled." in page.locator(".messages").inner_text()
    row = page.get_by_role("row").filter(has_text="Zhangjiang Returnee Chip Forum")
    assert "Cancelled" in row.inner_text()
    assert row.get_by_role("button").count() == 0

    page.goto(live_server.url + f"/events/{event.pk}/")
    assert page.get_by_role("button", name="Register").is_visible()


def test_an_official_checks_an_attendee_in_at_the_door(door, page, live_server):
    event, official, code = door
    sign_in(page, live_server, official.email, DEFAULT_PASSWORD)
    page.goto(live_server.url + f"/events/{event.pk}/checkin/")
    code_box = page.get_by_label("Ticket code")
    assert code_box.evaluate("element => element === document.activeElement")
    # this Chromium has no BarcodeDetector: the camera button stays hidden, the box works
    assert page.get_by_role("button", name="Scan with the camera").is_hidden()
    code_box.fill(code)
    code_box.press("Enter")  # what a USB or Bluetooth scanner does
    page.wait_for_load_state()
    assert page.locator("#checkin-result").inner_text() == "Lin Yue checked in."
    assert "1 of 1 attendee checked in" in page.content()

    page.get_by_label("Ticket code").fill(code)
    page.get_by_role("button", name="Check in", exact=True).click()
    page.wait_for_load_state()
    assert "Lin Yue was already checked in at" in page.locator("#checkin-result").inner_text()


FAKE_CAMERA = """
window.BarcodeDetector = class {
  static getSupportedFormats() { return Promise.resolve(["qr_code"]); }
  detect() { return Promise.resolve([{ rawValue: %s }]); }
};
navigator.mediaDevices.getUserMedia = () => {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 64;
  canvas.getContext("2d").fillRect(0, 0, 64, 64);
  return Promise.resolve(canvas.captureStream());
};
"""


def test_where_the_browser_reads_qr_codes_the_camera_checks_in(door, page, live_server):
    """A browser whose BarcodeDetector reads QR codes (faked here, with a blank camera that
    always sees the ticket): the camera fills the code in and submits it, once."""
    event, official, code = door
    page.context.add_init_script(FAKE_CAMERA % json.dumps(code))
    sign_in(page, live_server, official.email, DEFAULT_PASSWORD)
    page.goto(live_server.url + f"/events/{event.pk}/checkin/")
    page.get_by_role("button", name="Scan with the camera").click()
    page.locator("#checkin-result").wait_for()
    assert page.locator("#checkin-result").inner_text() == "Lin Yue checked in."
    # the camera is back on for the next ticket, and does not send this one again
    assert page.get_by_role("button", name="Stop the camera").is_visible()
    page.wait_for_timeout(1000)
    assert page.locator("#checkin-result").inner_text() == "Lin Yue checked in."
