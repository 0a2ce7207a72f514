"""The event pages: what they show to whom, and that they wire the services up."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from core.services import district_grant
from core.tests.factories import DistrictFactory, SectorFactory, UserFactory
from events.choices import EventStatus, RegistrationStatus
from events.models import AgendaSession, CheckinVolunteer, Event, Registration, Speaker
from events.services import calendar_feed_for

from .factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def local(moment) -> str:
    """A time as a datetime-local field sends it (Shanghai time)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def client(client):
    """Anonymous pages in English (signed-in users get the language of their account)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def pudong(db):
    return DistrictFactory(code="pudong", name_en="Pudong New Area", name_zh="浦东新区")


@pytest.fixture
def qingpu(db):
    return DistrictFactory(code="qingpu", name_en="Qingpu", name_zh="青浦区")


@pytest.fixture
def official(pudong):
    user = UserFactory(email="official@pudong.example.com", full_name="Official Pudong")
    district_grant(user=user, district=pudong)
    return user


@pytest.fixture
def qingpu_official(qingpu):
    user = UserFactory(email="official@qingpu.example.com", full_name="Official Qingpu")
    district_grant(user=user, district=qingpu)
    return user


@pytest.fixture
def event(pudong):
    return EventFactory(
        district=pudong,
        title_en="Zhangjiang Chip Design Forum",
        title_zh="张江芯片设计论坛",
        venue="Zhangjiang Science Hall",
        capacity=2,
    )


# The list --------------------------------------------------------------------------------


def test_the_list_shows_upcoming_public_events_with_seats_and_filters(
    client, pudong, qingpu, django_assert_max_num_queries
):
    chips = SectorFactory(code="integrated-circuits", name_en="Integrated circuits")
    forum = EventFactory(district=pudong, title_en="Chip Forum", capacity=3)
    forum.sectors.add(chips)
    RegistrationFactory(event=forum)
    full = EventFactory(district=qingpu, title_en="Qingpu Workshop", kind="workshop", capacity=1)
    RegistrationFactory(event=full)
    EventFactory(district=qingpu, title_en="Called Off", status=EventStatus.CANCELLED)
    EventFactory(district=pudong, title_en="Secret Draft", status=EventStatus.DRAFT)
    EventFactory(
        district=pudong,
        title_en="Last Year's Forum",
        starts_at=timezone.now() - timedelta(days=30),
        registration_opens_at=timezone.now() - timedelta(days=60),
        status=EventStatus.COMPLETED,
    )
    url = reverse("events:list")

    with django_assert_max_num_queries(8):
        page = text(client.get(url))
    assert "Chip Forum" in page and "Qingpu Workshop" in page
    assert "2 seats left" in page
    assert "Full — waitlist open" in page
    assert "Called Off" in page and "Cancelled" in page
    assert "Secret Draft" not in page
    assert "Last Year&#x27;s Forum" not in page

    by_district = text(client.get(url, {"district": "qingpu"}))
    assert "Qingpu Workshop" in by_district and "Chip Forum" not in by_district
    by_sector = text(client.get(url, {"sector": "integrated-circuits"}))
    assert "Chip Forum" in by_sector and "Qingpu Workshop" not in by_sector
    by_kind = text(client.get(url, {"kind": "workshop"}))
    assert "Qingpu Workshop" in by_kind and "Chip Forum" not in by_kind
    by_words = text(client.get(url, {"q": "chip"}))
    assert "Chip Forum" in by_words and "Qingpu Workshop" not in by_words
    after = local(full.starts_at + timedelta(days=1))
    assert "Chip Forum" not in text(client.get(url, {"starts_after": after}))
    assert "Last Year&#x27;s Forum" in text(client.get(url, {"upcoming": "false"}))


def test_a_bad_filter_shows_the_error_not_a_500(client, event):
    response = client.get(reverse("events:list"), {"district": "atlantis"})
    assert response.status_code == 200
    assert "Unknown code" in text(response)
    assert event.title_en not in text(response)
    assert client.get(reverse("events:list"), {"starts_after": "soon"}).status_code == 200


def test_an_official_sees_their_district_drafts_in_the_list(client, official, pudong):
    EventFactory(district=pudong, title_en="Draft In Progress", status=EventStatus.DRAFT)
    client.force_login(official)
    page = text(client.get(reverse("events:list")))
    assert "Draft In Progress" in page
    assert reverse("events:manage") in page


# The detail page -------------------------------------------------------------------------


def test_the_detail_page_shows_the_agenda_speakers_and_seats(
    client, event, django_assert_max_num_queries
):
    speaker = Speaker.objects.create(
        event=event,
        name="Zhang Wei",
        title="Chief Architect",
        organisation="Zhangjiang Lab",
        bio="Designed RISC-V cores in Munich.",
    )
    session = AgendaSession.objects.create(
        event=event,
        starts_at=event.starts_at,
        ends_at=event.starts_at + timedelta(minutes=45),
        title_zh="开幕演讲",
        title_en="Keynote: chips made in Shanghai",
    )
    session.speakers.add(speaker)
    RegistrationFactory(event=event)
    with django_assert_max_num_queries(10):
        page = text(client.get(event.get_absolute_url()))
    assert "Zhangjiang Chip Design Forum" in page
    assert "Keynote: chips made in Shanghai" in page
    assert timezone.localtime(session.starts_at).strftime("%H:%M") in page
    assert "Zhang Wei" in page and "Chief Architect" in page and "Zhangjiang Lab" in page
    assert "Designed RISC-V cores in Munich." in page
    assert "1 seat left of 2" in page
    assert reverse("api:event-ics", args=[event.pk]) in page
    assert "Sign in to register" in page


def test_the_detail_page_is_in_chinese_for_a_chinese_reader(client, event):
    page = text(client.get(event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert "张江芯片设计论坛" in page


def test_a_draft_is_hidden_from_the_public_and_other_districts(
    client, user, official, qingpu_official, pudong
):
    draft = EventFactory(district=pudong, status=EventStatus.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(user)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(qingpu_official)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(official)
    page = text(client.get(draft.get_absolute_url()))
    assert "This is a draft" in page
    assert reverse("events:publish", args=[draft.pk]) in page


def test_an_unknown_event_is_a_404(client):
    assert client.get(reverse("events:detail", args=[999999])).status_code == 404


# Registering and cancelling --------------------------------------------------------------


def test_registering_from_the_page_gives_a_seat_and_a_ticket(client, user, event):
    client.force_login(user)
    assert "Register" in text(client.get(event.get_absolute_url()))
    response = client.post(reverse("events:register", args=[event.pk]), follow=True)
    registration = Registration.objects.get(user=user, event=event)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert response.redirect_chain[-1][0] == registration.get_absolute_url()
    assert "You have a seat." in text(response)
    assert registration.code in text(response)

    detail = text(client.get(event.get_absolute_url()))
    assert "You are registered: you have a seat." in detail
    assert registration.get_absolute_url() in detail
    assert reverse("events:registration_cancel", args=[registration.pk]) in detail

    again = client.post(reverse("events:register", args=[event.pk]), follow=True)
    assert "You are already registered for this event." in text(again)
    assert Registration.objects.filter(user=user, event=event).count() == 1


def test_a_full_event_puts_the_person_on_the_waitlist_with_a_message(
    client, user, other_user, event
):
    RegistrationFactory.create_batch(2, event=event)
    client.force_login(user)
    assert "Join the waitlist" in text(client.get(event.get_absolute_url()))
    response = client.post(reverse("events:register", args=[event.pk]), follow=True)
    registration = Registration.objects.get(user=user, event=event)
    assert registration.status == RegistrationStatus.WAITLISTED
    assert "you are number 1 on the waitlist" in text(response)
    assert registration.code not in text(response)
    assert "You are on the waitlist, number 1." in text(client.get(event.get_absolute_url()))

    client.force_login(other_user)
    response = client.post(reverse("events:register", args=[event.pk]), follow=True)
    assert "you are number 2 on the waitlist" in text(response)


def test_registration_outside_the_window_is_refused_with_a_message(client, user, pudong):
    closed = EventFactory(
        district=pudong, registration_closes_at=timezone.now() - timedelta(hours=1)
    )
    client.force_login(user)
    page = text(client.get(closed.get_absolute_url()))
    assert "Registration closed on" in page
    assert reverse("events:register", args=[closed.pk]) not in page
    response = client.post(reverse("events:register", args=[closed.pk]), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == closed.get_absolute_url()
    assert "Registration closed on" in text(response)
    assert not Registration.objects.filter(event=closed).exists()

    cancelled = EventFactory(district=pudong, status=EventStatus.CANCELLED)
    response = client.post(reverse("events:register", args=[cancelled.pk]), follow=True)
    assert "This event has been cancelled." in text(response)
    assert not Registration.objects.filter(event=cancelled).exists()


def test_registering_needs_a_signed_in_user_and_a_post(client, user, event):
    response = client.post(reverse("events:register", args=[event.pk]))
    assert response.status_code == 302
    assert reverse("core:login") in response["Location"]
    assert not Registration.objects.exists()
    client.force_login(user)
    assert client.get(reverse("events:register", args=[event.pk])).status_code == 405


def test_cancelling_from_the_page_gives_the_seat_to_the_first_waiting(client, user, event):
    mine = RegistrationFactory(event=event, user=user)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(
        event=event, status=RegistrationStatus.WAITLISTED, waitlist_position=1
    )
    client.force_login(user)
    response = client.post(
        reverse("events:registration_cancel", args=[mine.pk]),
        {"next": event.get_absolute_url()},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == event.get_absolute_url()
    assert "Your registration is cancelled." in text(response)
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED

    again = client.post(reverse("events:registration_cancel", args=[mine.pk]), follow=True)
    assert "cannot be cancelled any more" in text(again)


def test_nobody_cancels_someone_else_s_registration(client, other_user, event):
    registration = RegistrationFactory(event=event)
    client.force_login(other_user)
    response = client.post(reverse("events:registration_cancel", args=[registration.pk]))
    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_an_outside_next_address_is_ignored(client, user, event):
    mine = RegistrationFactory(event=event, user=user)
    client.force_login(user)
    response = client.post(
        reverse("events:registration_cancel", args=[mine.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("events:my_registrations")


# Tickets, my registrations, the calendar feed -------------------------------------------


def test_the_ticket_shows_the_code_and_its_qr_code_to_its_owner_only(
    client, user, other_user, event
):
    registration = RegistrationFactory(event=event, user=user)
    url = reverse("events:ticket", args=[registration.pk])
    client.force_login(user)
    page = text(client.get(url))
    assert registration.code in page
    assert "<svg" in page and 'class="qr"' in page and "<path" in page
    assert "Zhangjiang Science Hall" in page
    client.force_login(other_user)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.parametrize(
    ("status", "position", "says"),
    [
        (RegistrationStatus.WAITLISTED, 3, "number 3 on the waitlist"),
        (RegistrationStatus.CANCELLED, None, "it has no ticket code"),
    ],
)
def test_a_waitlisted_or_cancelled_ticket_has_no_code(client, user, event, status, position, says):
    registration = RegistrationFactory(
        event=event, user=user, status=status, waitlist_position=position
    )
    client.force_login(user)
    page = text(client.get(registration.get_absolute_url()))
    assert says in page
    assert registration.code not in page
    assert "<svg" not in page


def test_my_registrations_lists_them_with_tickets_and_the_feed_address(client, user, event, pudong):
    confirmed = RegistrationFactory(event=event, user=user)
    other_event = EventFactory(district=pudong, title_en="Biotech Roadshow")
    waiting = RegistrationFactory(
        event=other_event, user=user, status=RegistrationStatus.WAITLISTED, waitlist_position=2
    )
    RegistrationFactory(event=EventFactory(title_en="Someone Else's Forum"))
    client.force_login(user)
    page = text(client.get(reverse("events:my_registrations")))
    assert "Zhangjiang Chip Design Forum" in page and "Biotech Roadshow" in page
    assert "Someone Else" not in page
    assert "number 2" in page
    assert confirmed.get_absolute_url() in page and waiting.get_absolute_url() in page
    assert reverse("events:registration_cancel", args=[confirmed.pk]) in page
    feed = calendar_feed_for(user=user)
    assert reverse("events:feed", args=[feed.token]) in page
    assert "webcal://" in page


def test_my_registrations_needs_a_sign_in(client):
    response = client.get(reverse("events:my_registrations"))
    assert response.status_code == 302


def test_the_private_feed_lists_live_registrations_and_needs_the_token(client, user, pudong):
    live = EventFactory(district=pudong, title_en="Live Forum")
    dropped = EventFactory(district=pudong, title_en="Dropped Forum")
    RegistrationFactory(event=live, user=user)
    RegistrationFactory(event=dropped, user=user, status=RegistrationStatus.CANCELLED)
    token = calendar_feed_for(user=user).token
    response = client.get(reverse("events:feed", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VCALENDAR" in body
    assert "Live Forum" in body
    assert "Dropped Forum" not in body
    other_token = calendar_feed_for(user=UserFactory()).token
    assert (
        "Live Forum" not in client.get(reverse("events:feed", args=[other_token])).content.decode()
    )
    assert client.get(reverse("events:feed", args=["not-a-real-token"])).status_code == 404


# Officials: manage, create, edit, publish, cancel ----------------------------------------


def test_officials_see_their_districts_events_with_counts(
    client, official, event, qingpu, django_assert_max_num_queries
):
    EventFactory(district=qingpu, title_en="Qingpu Forum")
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status=RegistrationStatus.ATTENDED)
    RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED, waitlist_position=1)
    RegistrationFactory(event=event, status=RegistrationStatus.CANCELLED)
    client.force_login(official)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("events:manage"))
    page = text(response)
    assert "Zhangjiang Chip Design Forum" in page
    assert "Qingpu Forum" not in page
    row = page.split("Zhangjiang Chip Design Forum", 1)[1].split("</tr>", 1)[0]
    cells = [cell.split("</td>")[0] for cell in row.split('<td class="num">')[1:]]
    assert cells == ["2", "1", "1", "1"]  # capacity, confirmed, waitlisted, attended


def test_the_manage_pages_are_for_officials_only(client, user):
    client.force_login(user)
    assert client.get(reverse("events:manage")).status_code == 403
    assert client.get(reverse("events:create")).status_code == 403


def event_post(district="pudong", **overrides):
    starts = timezone.now() + timedelta(days=20)
    data = {
        "kind": "symposium",
        "title_zh": "生物医药海归研讨会",
        "title_en": "Biopharma Returnee Symposium",
        "summary_en": "Meet Zhangjiang's biotech founders.",
        "district": district,
        "sectors": ["biopharmaceuticals"],
        "language": "bilingual",
        "venue": "Zhangjiang Pharma Valley",
        "address": "88 Cailun Road",
        "starts_at": local(starts),
        "ends_at": local(starts + timedelta(hours=4)),
        "capacity": "120",
        "registration_opens_at": local(timezone.now()),
        "registration_closes_at": local(starts - timedelta(days=1)),
        "speakers-TOTAL_FORMS": "1",
        "speakers-INITIAL_FORMS": "0",
        "speakers-0-name": "Chen Jing",
        "speakers-0-title": "Founder",
        "speakers-0-organisation": "Helix Bio",
        "sessions-TOTAL_FORMS": "1",
        "sessions-INITIAL_FORMS": "0",
        "sessions-0-starts_at": local(starts),
        "sessions-0-title_zh": "圆桌讨论",
        "sessions-0-title_en": "Panel: from lab to market",
        "sessions-0-speakers": "Chen Jing",
    }
    data.update(overrides)
    return data


def test_an_official_creates_a_draft_with_speakers_and_agenda(client, official, qingpu):
    SectorFactory(code="biopharmaceuticals")
    client.force_login(official)
    form_page = text(client.get(reverse("events:create")))
    assert 'value="pudong"' in form_page
    assert 'value="qingpu"' not in form_page

    response = client.post(reverse("events:create"), event_post())
    event = Event.objects.get()
    assert response["Location"] == event.get_absolute_url()
    assert event.status == EventStatus.DRAFT
    assert event.district.code == "pudong"
    assert event.created_by == official
    assert list(event.sectors.values_list("code", flat=True)) == ["biopharmaceuticals"]
    session = event.sessions.get()
    assert session.title_en == "Panel: from lab to market"
    assert [speaker.name for speaker in session.speakers.all()] == ["Chen Jing"]
    assert "Panel: from lab to market" in text(client.get(event.get_absolute_url()))


def test_an_official_cannot_create_an_event_for_another_district(client, official, qingpu):
    SectorFactory(code="biopharmaceuticals")
    client.force_login(official)
    response = client.post(reverse("events:create"), event_post(district="qingpu"))
    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    assert not Event.objects.exists()


def test_the_event_form_shows_service_and_agenda_errors(client, official, pudong):
    SectorFactory(code="biopharmaceuticals")
    client.force_login(official)
    starts = timezone.now() + timedelta(days=20)
    response = client.post(
        reverse("events:create"), event_post(ends_at=local(starts - timedelta(hours=1)))
    )
    assert response.status_code == 200
    assert "The event must end after it starts." in text(response)
    response = client.post(
        reverse("events:create"), event_post(**{"sessions-0-speakers": "Nobody"})
    )
    assert "Add Nobody to the speakers first." in text(response)
    assert not Event.objects.exists()


def test_an_official_reschedules_an_event_and_registrants_are_told(client, official, event):
    RegistrationFactory(event=event)
    Speaker.objects.create(event=event, name="Li Lei")
    client.force_login(official)
    edit = text(client.get(reverse("events:edit", args=[event.pk])))
    assert 'value="Zhangjiang Chip Design Forum"' in edit
    assert 'value="Li Lei"' in edit
    assert local(event.starts_at) in edit

    new_start = event.starts_at + timedelta(days=2)
    data = event_post(
        title_zh=event.title_zh,
        title_en=event.title_en,
        starts_at=local(new_start),
        ends_at=local(new_start + timedelta(hours=3)),
        registration_opens_at=local(event.registration_opens_at),
        registration_closes_at=local(new_start - timedelta(hours=2)),
        capacity="2",
        sectors=[],
        **{
            "speakers-TOTAL_FORMS": "2",
            "speakers-INITIAL_FORMS": "1",
            "speakers-0-name": "Li Lei",
            "speakers-1-name": "",
            "sessions-TOTAL_FORMS": "1",
            "sessions-INITIAL_FORMS": "0",
            "sessions-0-starts_at": "",
            "sessions-0-title_zh": "",
            "sessions-0-title_en": "",
            "sessions-0-speakers": "",
        },
    )
    response = client.post(reverse("events:edit", args=[event.pk]), data)
    assert response.status_code == 302, text(response)[:3000]
    event.refresh_from_db()
    assert local(event.starts_at) == local(new_start)
    assert event.venue == "Zhangjiang Pharma Valley"
    assert [speaker.name for speaker in event.speakers.all()] == ["Li Lei"]
    assert Notification.objects.filter(template="event_rescheduled").count() == 1


def test_officials_of_another_district_get_403_or_404(client, qingpu_official, event, pudong):
    draft = EventFactory(district=pudong, status=EventStatus.DRAFT)
    client.force_login(qingpu_official)
    assert client.get(reverse("events:edit", args=[event.pk])).status_code == 403
    assert client.get(reverse("events:edit", args=[draft.pk])).status_code == 404
    assert client.post(reverse("events:publish", args=[draft.pk])).status_code == 404
    assert client.post(reverse("events:cancel", args=[event.pk]), {}).status_code == 403
    assert client.get(reverse("events:registrants", args=[event.pk])).status_code == 403
    event.refresh_from_db()
    draft.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED and draft.status == EventStatus.DRAFT


def test_an_official_publishes_and_cancels_with_a_reason(client, official, pudong):
    draft = EventFactory(district=pudong, status=EventStatus.DRAFT, title_en="Qiantan Forum")
    client.force_login(official)
    response = client.post(reverse("events:publish", args=[draft.pk]), follow=True)
    assert "The event is published" in text(response)
    draft.refresh_from_db()
    assert draft.status == EventStatus.PUBLISHED
    again = client.post(reverse("events:publish", args=[draft.pk]), follow=True)
    assert "Only a draft can be published." in text(again)

    RegistrationFactory(event=draft)
    response = client.post(
        reverse("events:cancel", args=[draft.pk]), {"reason": "Typhoon warning"}, follow=True
    )
    draft.refresh_from_db()
    assert draft.status == EventStatus.CANCELLED
    assert draft.cancel_reason == "Typhoon warning"
    assert "Typhoon warning" in text(response)
    assert Notification.objects.filter(template="event_cancelled").count() == 1
    assert client.get(reverse("events:publish", args=[draft.pk])).status_code == 405


# Registrants and volunteers --------------------------------------------------------------


def test_the_registrants_page_counts_and_links_the_csv(client, official, event):
    RegistrationFactory(event=event, user__full_name="Zhou Min", user__email="zhou@example.com")
    RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED, waitlist_position=1)
    RegistrationFactory(event=event, status=RegistrationStatus.CANCELLED)
    client.force_login(official)
    page = text(client.get(reverse("events:registrants", args=[event.pk])))
    assert "Zhou Min" in page and "zhou@example.com" in page
    counts = page.split('class="counts"', 1)[1].split("</dl>", 1)[0]
    for label, count in [("Confirmed", 1), ("Waitlisted", 1), ("Cancelled", 1), ("Attended", 0)]:
        assert f"<dt>{label}</dt><dd>{count}</dd>" in counts
    csv_url = reverse("api:event-registrations", args=[event.pk]) + "?format=csv"
    assert csv_url in page
    csv = client.get(csv_url)
    assert csv.status_code == 200
    assert "zhou@example.com" in csv.content.decode()


def test_a_returnee_cannot_see_registrants(client, user, event):
    client.force_login(user)
    response = client.get(reverse("events:registrants", args=[event.pk]))
    assert response.status_code == 403
    assert "Only officials of this event" in text(response)


def test_an_official_adds_and_removes_a_check_in_volunteer(client, official, event):
    volunteer = UserFactory(email="helper@example.com", full_name="Helper Hu")
    client.force_login(official)
    response = client.post(
        reverse("events:volunteer_add", args=[event.pk]),
        {"email": "Helper@Example.com"},
        follow=True,
    )
    assert "Helper Hu can now check attendees in" in text(response)
    assert CheckinVolunteer.objects.filter(event=event, user=volunteer).exists()
    unknown = client.post(
        reverse("events:volunteer_add", args=[event.pk]),
        {"email": "ghost@example.com"},
        follow=True,
    )
    assert "No account has this e-mail address" in text(unknown)
    client.post(reverse("events:volunteer_remove", args=[event.pk, volunteer.pk]))
    assert not CheckinVolunteer.objects.filter(event=event).exists()


def test_a_returnee_cannot_add_volunteers(client, user, event):
    client.force_login(user)
    response = client.post(reverse("events:volunteer_add", args=[event.pk]), {"email": user.email})
    assert response.status_code == 403
    assert not CheckinVolunteer.objects.exists()


# Check-in --------------------------------------------------------------------------------


@pytest.fixture
def ticket(event):
    return RegistrationFactory(
        event=event, user__full_name="Zhou Min", user__email="zhou.min@example.com"
    )


def test_check_in_success_duplicate_and_unknown_code(client, official, event, ticket):
    url = reverse("events:checkin", args=[event.pk])
    client.force_login(official)
    page = text(client.get(url))
    assert "autofocus" in page and "Zhou Min" in page and "not yet" in page

    response = client.post(url, {"code": f"  {ticket.code} "})
    assert response.status_code == 200
    assert "Zhou Min checked in." in text(response)
    assert "1 of 1 attendee checked in" in text(response)
    ticket.refresh_from_db()
    assert ticket.status == RegistrationStatus.ATTENDED
    assert ticket.checked_in_by == official

    again = client.post(url, {"code": ticket.code})
    assert again.status_code == 409
    when = timezone.localtime(ticket.checked_in_at).strftime("%H:%M")
    assert "Zhou Min was already checked in at" in text(again) and when in text(again)

    unknown = client.post(url, {"code": "no-such-code"})
    assert unknown.status_code == 404
    assert "No ticket of this event has that code." in text(unknown)


def test_a_volunteer_checks_in_and_sees_names_but_no_emails(client, event, ticket):
    volunteer = UserFactory(full_name="Helper Hu")
    CheckinVolunteer.objects.create(event=event, user=volunteer)
    client.force_login(volunteer)
    url = reverse("events:checkin", args=[event.pk])
    page = text(client.get(url))
    assert "Zhou Min" in page
    assert "zhou.min@example.com" not in page and "@" not in page.split("<main", 1)[1]
    response = client.post(url, {"code": ticket.code})
    assert "Zhou Min checked in." in text(response)
    assert "zhou.min@example.com" not in text(response)
    assert client.get(reverse("events:registrants", args=[event.pk])).status_code == 403


def test_someone_else_cannot_open_the_check_in(client, user, event, ticket):
    client.force_login(user)
    url = reverse("events:checkin", args=[event.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"code": ticket.code}).status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == RegistrationStatus.CONFIRMED
    client.logout()
    assert client.get(url).status_code == 302


def test_a_cancelled_event_shows_no_ticket_code_and_no_register_button(client, user, event):
    registration = RegistrationFactory(event=event, user=user)
    event.status = EventStatus.CANCELLED
    event.cancel_reason = "Typhoon warning"
    event.save()
    client.force_login(user)
    detail = text(client.get(event.get_absolute_url()))
    assert "This event has been cancelled." in detail and "Typhoon warning" in detail
    assert reverse("events:register", args=[event.pk]) not in detail
    ticket_page = text(client.get(registration.get_absolute_url()))
    assert "this ticket is no longer valid" in ticket_page
    assert registration.code not in ticket_page


def test_a_volunteer_of_a_draft_event_sees_nothing_of_it(client, pudong):
    draft = EventFactory(district=pudong, status=EventStatus.DRAFT, title_en="Secret draft forum")
    volunteer = UserFactory()
    CheckinVolunteer.objects.create(event=draft, user=volunteer)
    client.force_login(volunteer)
    response = client.get(reverse("events:checkin", args=[draft.pk]))
    assert response.status_code == 404
    assert "Secret draft forum" not in text(response)
    draft.status = EventStatus.PUBLISHED
    draft.save(update_fields=["status"])
    assert client.get(reverse("events:checkin", args=[draft.pk])).status_code == 200
