"""Django admin of events for staff who are not superusers: only the districts they are
granted (`core.admin_scope`), with Django's model permissions on top."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from core.models import DistrictGrant
from core.tests.factories import DistrictFactory, UserFactory
from events.models import Event

from .factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _staff(*codenames: str, districts=()):
    user = UserFactory(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="events", codename__in=codenames)
    )
    for district in districts:
        DistrictGrant.objects.create(user=user, district=district)
    return user


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _change_url(event: Event) -> str:
    return reverse("admin:events_event_change", args=[event.pk])


def _form_data(response) -> dict:
    """What the change page's form would post back as it is, inlines included."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None:
                continue
            if isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [str(item) for item in value]
            elif isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
            else:
                data[form.add_prefix(name)] = field.prepare_value(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def pudong():
    return DistrictFactory(code="pudong", name_en="Pudong")


@pytest.fixture
def xuhui():
    return DistrictFactory(code="xuhui", name_en="Xuhui")


def test_staff_see_and_change_only_their_districts_events(pudong, xuhui):
    ours = EventFactory(district=pudong, title_en="Pudong forum", status="draft")
    theirs = EventFactory(district=xuhui, title_en="Xuhui forum", status="draft")
    staff = _staff("view_event", "change_event", districts=[pudong])
    client = _client(staff)

    listing = client.get(reverse("admin:events_event_changelist"))
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [ours]
    assert b"Xuhui forum" not in listing.content

    page = client.get(_change_url(ours))
    assert page.status_code == 200
    district_field = page.context["adminform"].form.fields["district"]
    assert list(district_field.queryset) == [pudong]  # no other district to choose

    data = _form_data(page)
    data["venue"] = "Hall 9"
    saved = client.post(_change_url(ours), data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    ours.refresh_from_db()
    assert ours.venue == "Hall 9"

    # Moving it to another district is refused by the form.
    data["district"] = str(xuhui.pk)
    moved = client.post(_change_url(ours), data)
    assert moved.status_code == 200
    assert "district" in moved.context["adminform"].form.errors
    ours.refresh_from_db()
    assert ours.district == pudong

    # Another district's event: refused, whatever the view.
    for url in (
        _change_url(theirs),
        reverse("admin:events_event_history", args=[theirs.pk]),
        reverse("admin:events_event_delete", args=[theirs.pk]),
    ):
        assert client.get(url).status_code == 403, url
    data["district"] = str(xuhui.pk)
    assert client.post(_change_url(theirs), data).status_code == 403
    theirs.refresh_from_db()
    assert (theirs.venue, theirs.title_en) == ("Shanghai Science Hall", "Xuhui forum")


def test_staff_actions_reach_only_their_districts_events(pudong, xuhui):
    ours = EventFactory(district=pudong, status="draft")
    theirs = EventFactory(district=xuhui, status="draft")
    client = _client(_staff("view_event", "change_event", districts=[pudong]))
    client.post(
        reverse("admin:events_event_changelist"),
        {"action": "publish", "_selected_action": [ours.pk, theirs.pk]},
    )
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert (ours.status, theirs.status) == ("published", "draft")


def test_staff_without_a_grant_see_no_event_and_without_the_permission_nothing(pudong):
    event = EventFactory(district=pudong)
    ungranted = _client(_staff("view_event", "change_event"))
    listing = ungranted.get(reverse("admin:events_event_changelist"))
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == []
    assert ungranted.get(_change_url(event)).status_code == 403

    # A grant does not replace Django's model permissions.
    unpermitted = _client(_staff(districts=[pudong]))
    assert unpermitted.get(reverse("admin:events_event_changelist")).status_code == 403
    assert unpermitted.get(_change_url(event)).status_code == 403


def test_staff_see_only_their_districts_registrations_and_volunteers(pudong, xuhui):
    ours = RegistrationFactory(event__district=pudong)
    theirs = RegistrationFactory(event__district=xuhui)
    client = _client(
        _staff(
            "view_registration", "view_checkinvolunteer", "add_checkinvolunteer", districts=[pudong]
        )
    )
    listing = client.get(reverse("admin:events_registration_changelist"))
    assert list(listing.context["cl"].result_list) == [ours]
    assert (
        client.get(reverse("admin:events_registration_change", args=[ours.pk])).status_code == 200
    )
    assert (
        client.get(reverse("admin:events_registration_change", args=[theirs.pk])).status_code == 403
    )

    # A check-in volunteer can be given only for an event of one's districts.
    add = client.post(
        reverse("admin:events_checkinvolunteer_add"),
        {"user": UserFactory().pk, "event": theirs.event.pk},
    )
    assert add.status_code == 200
    assert "event" in add.context["adminform"].form.errors


def test_superusers_see_every_district(pudong, xuhui):
    events = {EventFactory(district=pudong), EventFactory(district=xuhui)}
    client = _client(UserFactory(is_staff=True, is_superuser=True))
    listing = client.get(reverse("admin:events_event_changelist"))
    assert set(listing.context["cl"].result_list) == events
    for event in events:
        assert client.get(_change_url(event)).status_code == 200
