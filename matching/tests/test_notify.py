import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone, translation

from core import delivery
from core.models import Notification, NotificationPreference
from core.tests.factories import UserFactory
from matching import notify
from matching.models import Match
from startups.models import Founder
from talent.models import ReturneeProfile

from .factories import MatchFactory, ReturneeFactory


def matches_in(notification) -> list[str]:
    return [item["title"] for item in notification.context["items"]]


@pytest.fixture
def alice(db):
    return ReturneeFactory(email="alice@example.com", full_name="Alice", language="en")


@pytest.mark.django_db
def test_one_message_per_person_lists_their_new_matches_once(alice, settings):
    settings.MATCH_NOTIFY_THRESHOLD = 0.5
    strong = MatchFactory.create_batch(3, returnee=alice, score=0.8)
    weak = MatchFactory(returnee=alice, score=0.3)
    other = MatchFactory(score=0.9)

    assert notify.notify_new_matches() == 4
    mine = Notification.objects.get(recipient=alice)
    assert mine.kind == "match" and mine.template == "match_new"
    assert mine.context["count"] == 3
    assert mine.subject == "3 new matches for you"
    titles = matches_in(mine)
    assert titles == [f"{m.opening.title} — {m.opening.startup.name}" for m in strong]
    assert "Both studied at ETH Zurich" in mine.body and "score 80%" in mine.body
    assert Notification.objects.filter(recipient=other.returnee).count() == 1
    weak.refresh_from_db()
    assert weak.notified_at is None
    assert all(m.notified_at is not None for m in Match.objects.filter(score__gte=0.5))

    assert notify.notify_new_matches() == 0  # a re-run tells nobody again
    assert Notification.objects.filter(kind="match").count() == 2


@pytest.mark.django_db
def test_nobody_is_told_of_dismissed_stale_or_withdrawn_matches(alice):
    MatchFactory(returnee=alice, score=0.9, dismissed_at=timezone.now())
    MatchFactory(returnee=alice, score=0.9, is_current=False)
    withdrawn = ReturneeFactory(email="gone@example.com")
    MatchFactory(returnee=withdrawn, score=0.9)
    ReturneeProfile.objects.filter(user=withdrawn).update(matching_consent=False)
    closed = MatchFactory(returnee=alice, score=0.9)
    closed.opening.is_open = False
    closed.opening.save()
    assert notify.notify_new_matches() == 0
    assert not Notification.objects.filter(kind="match").exists()


@pytest.mark.django_db
def test_founders_are_told_of_candidates_for_their_openings(alice):
    candidate = MatchFactory(opening_returnee=True, returnee=alice, score=0.7)
    founders = [UserFactory(email=f"founder{i}@example.com", language="en") for i in range(2)]
    for founder in founders:
        Founder.objects.create(startup=candidate.opening.startup, user=founder)
    assert notify.notify_new_matches() == 1
    for founder in founders:
        told = Notification.objects.get(recipient=founder)
        assert matches_in(told) == [f"A candidate for “{candidate.opening.title}”"]
    assert not Notification.objects.filter(recipient=alice).exists()


@pytest.mark.django_db
def test_off_still_shows_in_the_inbox_but_sends_no_email(alice):
    NotificationPreference.objects.create(user=alice, kind="match", frequency="off")
    MatchFactory(returnee=alice, score=0.9)
    assert notify.notify_new_matches() == 1
    told = Notification.objects.get(recipient=alice)
    assert (told.status, told.emailed) == ("sent", False)
    delivery.deliver_pending()
    delivery.deliver_digests(frequency="daily")
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_daily_digest_lists_several_matches_in_one_message(alice):
    NotificationPreference.objects.create(user=alice, kind="match", frequency="daily")
    first = MatchFactory(returnee=alice, score=0.9)
    assert notify.notify_new_matches() == 1
    second, third = MatchFactory.create_batch(2, returnee=alice, score=0.7)
    assert notify.notify_new_matches() == 2
    assert Notification.objects.filter(recipient=alice, status="pending").count() == 2
    assert mail.outbox == []  # nothing goes out before the digest

    assert delivery.deliver_digests(frequency="daily") >= 1
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    for match in (first, second, third):
        assert match.opening.title in body
    assert notify.notify_new_matches() == 0
    delivery.deliver_digests(frequency="daily")
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_message_is_in_the_recipient_s_language(db):
    zhang = ReturneeFactory(email="zhang@example.com", language="zh-hans")
    sector = {"en": "Integrated circuits", "zh": "集成电路"}
    MatchFactory(
        returnee=zhang,
        score=0.9,
        reasons=[{"code": "sector", "weight": 0.9, "params": {"name": sector}}],
    )
    with translation.override("en"):
        notify.notify_new_matches()
    told = Notification.objects.get(recipient=zhang)
    assert "集成电路" in told.body and "Integrated circuits" not in told.body


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_tell_everyone_of_each_match_exactly_once(monkeypatch):
    assert connection.vendor == "postgresql"
    monkeypatch.setattr(notify, "BATCH", 4)  # many small batches, so both workers get some
    people = [ReturneeFactory(email=f"person{i}@example.com") for i in range(6)]
    matches = [MatchFactory(returnee=person, score=0.9) for person in people for _ in range(3)]
    barrier = threading.Barrier(2)
    counts, errors = [], []

    def worker():
        try:
            barrier.wait()
            counts.append(notify.notify_new_matches())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(counts) == len(matches)
    told = [
        title
        for notification in Notification.objects.filter(kind="match")
        for title in matches_in(notification)
    ]
    assert sorted(told) == sorted(f"{m.opening.title} — {m.opening.startup.name}" for m in matches)
    assert Match.objects.filter(notified_at__isnull=True).count() == 0
    assert notify.notify_new_matches() == 0
