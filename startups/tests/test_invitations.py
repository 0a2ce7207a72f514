"""Co-founder invitations: nobody becomes a founder without accepting a signed, expiring link
sent to their address, and the founder who invites learns nothing about whether the address
has an account."""

import datetime
import threading
from urllib.parse import urlencode

import pytest
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from core.exceptions import NotFoundError, PermissionDeniedError
from core.models import Notification
from core.privacy import export_user
from core.tests.factories import UserFactory
from startups import services
from startups.choices import InvitationStatus
from startups.models import Founder, FounderInvitation

from .conftest import client_for
from .factories import FounderFactory, StartupFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def invitations_url(startup) -> str:
    return f"/api/v1/startups/{startup.pk}/invitations/"


def invite(startup, user, email="cofounder@example.com", role="CTO") -> FounderInvitation:
    return services.founder_invite(startup=startup, user=user, email=email, role=role)


@pytest.fixture
def invitee(db):
    """An account whose address is not confirmed yet."""
    return UserFactory(email="li.na@example.com", full_name="Li Na", email_verified_at=None)


# Inviting ------------------------------------------------------------------------------------


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(
    startup, user, other_user
):
    client = client_for(user)
    known = client.post(
        invitations_url(startup), {"email": other_user.email, "role": "CTO"}, format="json", **EN
    )
    unknown = client.post(
        invitations_url(startup),
        {"email": "nobody@example.com", "role": "CTO"},
        format="json",
        **EN,
    )
    assert (known.status_code, unknown.status_code) == (202, 202)
    assert known.content == unknown.content
    assert known.json()["code"] == "invitation_sent"
    # ... and nobody became a founder: each got a mail to accept or decline.
    assert list(startup.founders.values_list("user", flat=True)) == [user.pk]
    to_account = Notification.objects.get(template="startup_founder_invitation")
    to_address = Notification.objects.get(template="startup_founder_invitation_bilingual")
    assert (to_account.recipient, to_account.address) == (other_user, "")
    assert (to_address.recipient, to_address.address) == (None, "nobody@example.com")
    assert to_account.frequency == to_address.frequency == "instant"
    for row in (to_account, to_address):
        assert row.url.startswith("/startups/invitations/")
        assert "Tidewater Silicon" in row.body


def test_the_page_answers_the_same_too(client, startup, user, other_user):
    client.force_login(user)
    answers = [
        client.post(reverse("startups:invitation_send", args=[startup.pk]), {"email": email}, **EN)
        for email in (other_user.email, "nobody@example.com")
    ]
    assert [answer.status_code for answer in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"] == startup.get_absolute_url()
    html = client.get(startup.get_absolute_url(), **EN).content.decode()
    assert "The invitation is sent." in html
    assert "nobody@example.com" in html  # in the pending invitations, with a way to withdraw
    assert FounderInvitation.objects.filter(status=InvitationStatus.PENDING).count() == 2
    assert startup.founders.count() == 1


def test_an_account_gets_the_invitation_in_its_inbox_and_by_mail(startup, user, other_user):
    invitation = invite(startup, user, email=" Returnee-B@Example.com ")
    assert invitation.address == "returnee-b@example.com"
    notification = Notification.objects.get(recipient=other_user)
    assert notification.url == invitation.get_absolute_url()
    assert notification.subject == "Returnee A invites you to be a co-founder of Tidewater Silicon"
    assert "Hello Returnee B," in notification.body
    assert "as CTO" in notification.body
    assert "The link works once, for 14 days." in notification.body


def test_an_address_without_an_account_gets_both_languages_the_inviter_s_first(startup, user):
    invite(startup, user, email="newcomer@example.com", role="")
    row = Notification.objects.get(address="newcomer@example.com")
    assert row.language == "en"  # the inviter's
    context = {
        "startup": "Tidewater Silicon",
        "invited_by": "Returnee A",
        "role": "",
        "days": 14,
        "full_name": "",
    }
    parts = []
    for language in ("en", "zh-hans"):
        with translation.override(language):
            parts.append(
                render_to_string("notifications/startup_founder_invitation_body.txt", context)
            )
    english, chinese = (part.strip() for part in row.body.split("\n----\n"))
    assert (english, chinese) == (parts[0].strip(), parts[1].strip())
    assert english.startswith("Hello,")
    assert " / " in row.subject


def test_an_account_whose_address_is_not_confirmed_gets_the_link_by_mail_only(
    startup, user, invitee
):
    """Whoever made the account may not own the address: the link (which confirms it when
    used) goes to the address, not to the account's inbox."""
    invitee.language = "zh-hans"
    invitee.save(update_fields=["language"])
    invite(startup, user, email=invitee.email)
    assert not Notification.objects.filter(recipient=invitee).exists()
    row = Notification.objects.get(address=invitee.email)
    assert (row.recipient, row.language, row.template) == (
        None,
        "zh-hans",
        "startup_founder_invitation",
    )


def test_a_founder_s_address_is_refused_and_nothing_is_sent(startup, user, other_user):
    FounderFactory(startup=startup, user=other_user)
    answer = client_for(user).post(
        invitations_url(startup), {"email": other_user.email}, format="json", **EN
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "already_founder"
    assert not FounderInvitation.objects.exists()
    assert not Notification.objects.filter(template__startswith="startup_founder_inv").exists()


def test_inviting_again_replaces_the_earlier_invitation(startup, user):
    first = invite(startup, user, role="CTO")
    second = invite(startup, user, role="COO")
    first.refresh_from_db()
    assert (first.status, first.closed_by) == (InvitationStatus.REVOKED, user)
    assert second.status == InvitationStatus.PENDING
    with pytest.raises(services.InvitationClosedError) as refused:
        services.founder_invitation_read(token=first.token)
    assert refused.value.code == "invitation_revoked"
    assert services.founder_invitation_read(token=second.token).role == "COO"


def test_one_pending_invitation_per_startup_and_address_in_the_database(startup, user):
    invitation = invite(startup, user)
    with pytest.raises(IntegrityError), transaction.atomic():
        FounderInvitation.objects.create(
            startup=startup,
            address=invitation.address,
            expires_at=invitation.expires_at,
        )
    other_startup = StartupFactory()
    FounderInvitation.objects.create(
        startup=other_startup, address=invitation.address, expires_at=invitation.expires_at
    )


def test_bad_input_is_a_400_or_a_form_error(client, startup, user):
    answer = client_for(user).post(
        invitations_url(startup), {"email": "not an address", "role": "x" * 101}, format="json"
    )
    assert answer.status_code == 400
    assert set(answer.json()["errors"]) == {"email", "role"}
    client.force_login(user)
    page = client.post(
        reverse("startups:invitation_send", args=[startup.pk]), {"email": "nope"}, **EN
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="id_email_error"' in html
    assert 'aria-invalid="true"' in html
    assert '<label for="id_email">' in html
    assert not FounderInvitation.objects.exists()


def test_invitations_are_throttled(settings, startup, user):
    settings.RATE_LIMITS_ENABLED = True
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "founder_invitation": "2/hour"}
    client = client_for(user)
    statuses = [
        client.post(
            invitations_url(startup), {"email": f"p{n}@example.com"}, format="json"
        ).status_code
        for n in range(3)
    ]
    assert statuses == [202, 202, 429]
    assert FounderInvitation.objects.count() == 2


# Who may invite, list and withdraw -------------------------------------------------------------


def test_only_founders_invite_list_and_withdraw(client, api_client, startup, user, other_user):
    invitation = invite(startup, user)
    outsider = client_for(other_user)
    body = {"email": "someone@example.com"}
    assert outsider.post(invitations_url(startup), body, format="json").status_code == 403
    assert outsider.get(invitations_url(startup)).status_code == 403
    revoke = f"{invitations_url(startup)}{invitation.pk}/"
    assert outsider.delete(revoke).status_code == 403
    assert api_client.post(invitations_url(startup), body, format="json").status_code == 401
    assert api_client.get(invitations_url(startup)).status_code == 401
    assert api_client.delete(revoke).status_code == 401
    assert outsider.get("/api/v1/startups/999999/invitations/").status_code == 404
    # An outsider is refused before the body is read.
    refused = outsider.post(invitations_url(startup), {}, format="json")
    assert "errors" not in refused.json()
    client.force_login(other_user)
    assert (
        client.post(reverse("startups:invitation_send", args=[startup.pk]), body).status_code == 403
    )
    assert (
        client.post(
            reverse("startups:invitation_revoke", args=[startup.pk, invitation.pk])
        ).status_code
        == 403
    )
    assert "someone@example.com" not in client.get(startup.get_absolute_url()).content.decode()
    assert FounderInvitation.objects.get().status == InvitationStatus.PENDING


def test_founders_list_the_pending_invitations(startup, user, django_assert_max_num_queries):
    FounderFactory(startup=startup)
    invite(startup, user, email="a@example.com")
    invite(startup, user, email="b@example.com")
    old = invite(startup, user, email="old@example.com")
    FounderInvitation.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    client = client_for(user)
    with django_assert_max_num_queries(6):
        listed = client.get(invitations_url(startup))
    assert listed.status_code == 200
    results = listed.json()["results"]
    assert [item["email"] for item in results] == ["b@example.com", "a@example.com"]
    assert results[0]["invited_by_name"] == "Returnee A"
    assert results[0]["status"] == "pending"


def test_a_founder_withdraws_an_invitation_and_its_link_stops_working(
    client, startup, user, other_user
):
    invitation = invite(startup, user, email=other_user.email)
    url = f"{invitations_url(startup)}{invitation.pk}/"
    assert client_for(user).delete(url).status_code == 204
    again = client_for(user).delete(url)
    assert (again.status_code, again.json()["code"]) == (409, "invitation_closed")
    assert client_for(user).delete(f"{invitations_url(startup)}999999/").status_code == 404
    accepted = client_for(other_user).post(
        "/api/v1/founder-invitations/accept/", {"token": invitation.token}, format="json"
    )
    assert (accepted.status_code, accepted.json()["code"]) == (409, "invitation_revoked")
    page = client.get(invitation.get_absolute_url(), **EN)
    assert page.status_code == 410
    assert "withdrawn" in page.content.decode()
    assert startup.founders.count() == 1


def test_withdrawing_on_the_page(client, startup, user):
    invitation = invite(startup, user)
    client.force_login(user)
    response = client.post(
        reverse("startups:invitation_revoke", args=[startup.pk, invitation.pk]), **EN
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED


# Accepting -----------------------------------------------------------------------------------


def test_the_invited_account_accepts_becomes_a_founder_and_its_address_is_confirmed(
    startup, user, invitee
):
    other_founder = FounderFactory(startup=startup)
    invitation = invite(startup, user, email=invitee.email, role="CTO")
    answer = client_for(invitee).post(
        "/api/v1/founder-invitations/accept/", {"token": invitation.token}, format="json"
    )
    assert answer.status_code == 200
    assert ("Li Na", "CTO") in [(f["full_name"], f["role"]) for f in answer.json()["founders"]]
    invitation.refresh_from_db()
    assert (invitation.status, invitation.closed_by) == (InvitationStatus.ACCEPTED, invitee)
    invitee.refresh_from_db()
    assert invitee.email_verified_at is not None
    told = Notification.objects.filter(template="startup_founder_joined")
    assert sorted(told.values_list("recipient", flat=True)) == sorted(
        [user.pk, other_founder.user_id]
    )
    assert "Li Na accepted the invitation" in told.first().body


def test_another_account_cannot_accept(startup, user, other_user, invitee):
    invitation = invite(startup, user, email=invitee.email)
    with pytest.raises(PermissionDeniedError) as refused:
        services.founder_invitation_accept(token=invitation.token, user=other_user)
    assert refused.value.code == "wrong_account"
    answer = client_for(other_user).post(
        "/api/v1/founder-invitations/accept/", {"token": invitation.token}, format="json"
    )
    assert (answer.status_code, answer.json()["code"]) == (403, "wrong_account")
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING
    assert not Founder.objects.filter(user__in=[other_user, invitee]).exists()


def test_accepting_needs_an_account(api_client, startup, user):
    invitation = invite(startup, user)
    answer = api_client.post(
        "/api/v1/founder-invitations/accept/", {"token": invitation.token}, format="json"
    )
    assert answer.status_code == 401


def test_a_link_works_once(startup, user, invitee):
    invitation = invite(startup, user, email=invitee.email)
    services.founder_invitation_accept(token=invitation.token, user=invitee)
    with pytest.raises(services.InvitationClosedError) as refused:
        services.founder_invitation_accept(token=invitation.token, user=invitee)
    assert refused.value.code == "invitation_used"
    with pytest.raises(services.InvitationClosedError):
        services.founder_invitation_decline(token=invitation.token)
    assert startup.founders.filter(user=invitee).count() == 1


@pytest.mark.parametrize(
    "token",
    ["", "garbage", "1:2:3", "MTI:1u2v3w:forged-signature-aaaaaaaaaaaaaaaaaaaaaaaaaaa"],
)
def test_a_token_that_is_not_ours_is_a_404_or_400(client, startup, user, invitee, token):
    invite(startup, user, email=invitee.email)
    with pytest.raises(NotFoundError):
        services.founder_invitation_read(token=token)
    answer = client_for(invitee).post(
        "/api/v1/founder-invitations/accept/", {"token": token}, format="json"
    )
    assert answer.status_code == (400 if token == "" else 404)
    if token:
        assert client.get(reverse("startups:invitation", args=[token])).status_code == 400
    assert startup.founders.count() == 1


def test_a_token_of_another_salt_is_not_accepted(startup, user, invitee):
    from django.core import signing

    invitation = invite(startup, user, email=invitee.email)
    forged = signing.TimestampSigner(salt="core.email-verification").sign(str(invitation.pk))
    with pytest.raises(NotFoundError):
        services.founder_invitation_read(token=forged)


def test_an_expired_link_is_refused(client, settings, startup, user, invitee):
    invitation = invite(startup, user, email=invitee.email)
    settings.FOUNDER_INVITATION_DAYS = 0  # the token's age is past the setting's
    with pytest.raises(services.InvitationClosedError) as refused:
        services.founder_invitation_accept(token=invitation.token, user=invitee)
    assert refused.value.code == "invitation_expired"
    settings.FOUNDER_INVITATION_DAYS = 14
    # Sent fifteen days ago: the row's time is over, and so is the token's, signed then.
    past = timezone.now() - datetime.timedelta(days=15)
    FounderInvitation.objects.filter(pk=invitation.pk).update(
        created_at=past, expires_at=past + datetime.timedelta(days=14)
    )
    invitation.refresh_from_db()
    answer = client_for(invitee).post(
        "/api/v1/founder-invitations/accept/", {"token": invitation.token}, format="json", **EN
    )
    assert (answer.status_code, answer.json()["code"]) == (409, "invitation_expired")
    page = client.get(invitation.get_absolute_url(), **EN)
    assert page.status_code == 410
    assert "This invitation has expired." in page.content.decode()
    assert not startup.founders.filter(user=invitee).exists()


@pytest.mark.django_db(transaction=True)
def test_two_parallel_accepts_add_the_founder_once():
    assert connection.vendor == "postgresql"
    founder = FounderFactory()
    invitee = UserFactory(email="parallel@example.com", email_verified_at=None)
    invitation = services.founder_invite(
        startup=founder.startup, user=founder.user, email=invitee.email
    )
    token = invitation.token
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def accept():
        try:
            barrier.wait()
            services.founder_invitation_accept(token=token, user=invitee)
            outcomes.append("accepted")
        except services.InvitationClosedError as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(outcomes) == ["accepted", "invitation_used"]
    assert Founder.objects.filter(startup=founder.startup, user=invitee).count() == 1
    assert Notification.objects.filter(template="startup_founder_joined").count() == 1


# Declining -----------------------------------------------------------------------------------


def test_declining_needs_no_account_and_the_inviter_is_told(client, api_client, startup, user):
    invitation = invite(startup, user, email="stranger@example.com")
    response = client.post(reverse("startups:invitation_decline", args=[invitation.token]), **EN)
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert (invitation.status, invitation.closed_by) == (InvitationStatus.DECLINED, None)
    told = Notification.objects.get(template="startup_founder_invitation_declined")
    assert told.recipient == user
    assert "stranger@example.com" in told.body
    assert startup.founders.count() == 1
    # Through the API too, and only once.
    second = invite(startup, user, email="another@example.com")
    url = "/api/v1/founder-invitations/decline/"
    assert api_client.post(url, {"token": second.token}, format="json").status_code == 204
    again = api_client.post(url, {"token": second.token}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "invitation_used")


# The invitation's page -------------------------------------------------------------------------


def test_the_page_shows_the_startup_the_inviter_and_the_answers(client, startup, user, invitee):
    invitation = invite(startup, user, email=invitee.email, role="CTO")
    url = invitation.get_absolute_url()
    anonymous = client.get(url, **EN).content.decode()
    assert "Returnee A invites you to be a co-founder of Tidewater Silicon, as CTO." in anonymous
    back = urlencode({"next": url})
    assert f"/signin/?{back}" in anonymous
    assert f"/signup/?{back}" in anonymous
    assert reverse("startups:invitation_decline", args=[invitation.token]) in anonymous
    assert reverse("startups:invitation_accept", args=[invitation.token]) not in anonymous
    assert 'name="csrfmiddlewaretoken"' in anonymous

    client.force_login(UserFactory(email="someone.else@example.com"))
    other = client.get(url, **EN).content.decode()
    assert "You are signed in with another e-mail address." in other
    refused = client.post(reverse("startups:invitation_accept", args=[invitation.token]), **EN)
    assert refused.status_code == 403
    assert "This invitation was sent to another e-mail address." in refused.content.decode()

    client.force_login(invitee)
    own = client.get(url, **EN).content.decode()
    assert reverse("startups:invitation_accept", args=[invitation.token]) in own
    accepted = client.post(reverse("startups:invitation_accept", args=[invitation.token]), **EN)
    assert accepted.status_code == 302
    assert accepted["Location"] == startup.get_absolute_url()
    assert startup.founders.filter(user=invitee, role="CTO").exists()
    used = client.get(url, **EN)
    assert used.status_code == 410
    assert "already been answered" in used.content.decode()


def test_accepting_signed_out_leads_to_the_sign_in_page(client, startup, user, invitee):
    invitation = invite(startup, user, email=invitee.email)
    response = client.post(reverse("startups:invitation_accept", args=[invitation.token]))
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/?next=")
    assert not startup.founders.filter(user=invitee).exists()


# The old direct add ----------------------------------------------------------------------------


def test_nobody_is_added_directly_any_more(client, startup, user, other_user):
    body = {"email": other_user.email, "role": "CTO"}
    answer = client_for(user).post(f"/api/v1/startups/{startup.pk}/founders/", body, format="json")
    assert answer.status_code in (404, 405)
    client.force_login(user)
    assert client.post(f"/startups/{startup.pk}/founders/", body).status_code == 404
    assert not hasattr(services, "founder_add")
    assert list(startup.founders.values_list("user", flat=True)) == [user.pk]


# Personal data ---------------------------------------------------------------------------------


def test_a_person_s_invitations_are_in_their_export_and_go_with_their_account(
    startup, user, invitee
):
    invite(startup, user, email=invitee.email, role="CTO")
    exported = export_user(invitee)["startups"]["invitations_received"]
    assert [(item["name"], item["role"], item["status"]) for item in exported] == [
        ("Tidewater Silicon", "CTO", "pending")
    ]
    from core.privacy import erase_user

    erase_user(invitee)
    assert not FounderInvitation.objects.exists()


def test_the_admin_lists_searches_and_filters_invitations(client, startup, user):
    from core.models import User

    invite(startup, user, email="findme@example.com")
    admin = User.objects.create_superuser(
        email="admin@example.com", password="Admin-Pass-2026", full_name="Admin", language="en"
    )
    client.force_login(admin)
    url = reverse("admin:startups_founderinvitation_changelist")
    assert "findme@example.com" in client.get(url, {"q": "findme"}).content.decode()
    assert (
        "findme@example.com" not in client.get(url, {"status__exact": "accepted"}).content.decode()
    )
    invitation = FounderInvitation.objects.get()
    assert (
        client.get(
            reverse("admin:startups_founderinvitation_change", args=[invitation.pk])
        ).status_code
        == 200
    )


def test_the_inviter_s_name_leaves_the_invitation_when_they_erase_their_account(
    client, startup, user, other_user
):
    from core.privacy import erase_user

    FounderFactory(startup=startup)  # so the startup keeps a founder
    invitation = invite(startup, user, email=other_user.email)
    erase_user(user)
    notice = Notification.objects.get(recipient=other_user)
    assert "Returnee A" not in notice.subject + notice.body
    assert notice.subject.startswith("A former user invites you")
    page = client.get(invitation.get_absolute_url(), **EN).content.decode()
    assert "Returnee A" not in page
    assert "A founder invites you to be a co-founder of Tidewater Silicon" in page
