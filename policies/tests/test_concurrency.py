"""No one is told twice, even when publishes or expiry runs race from separate connections
on PostgreSQL."""

import datetime
import threading

import pytest
from django.db import connection

from core.models import DistrictGrant, Notification
from core.tests.factories import DistrictFactory, UserFactory
from policies import services
from policies.models import Policy, PolicyNotice, PolicyVersion

from .conftest import published_policy

pytestmark = pytest.mark.django_db(transaction=True)


def race(target, arguments: list) -> list:
    barrier = threading.Barrier(len(arguments))
    errors = []

    def run(argument):
        try:
            barrier.wait()
            target(argument)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion of the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.fixture
def setting():
    assert connection.vendor == "postgresql"
    pudong = DistrictFactory(code="pudong", name_en="Pudong New Area")
    official = UserFactory(email="official@example.com")
    DistrictGrant.objects.create(user=official, district=pudong)
    followers = [UserFactory(email=f"follower{n}@example.com") for n in range(5)]
    policy = published_policy(user=official, district=pudong, expires_on=datetime.date(2026, 6, 20))
    for follower in followers:
        services.policy_follow(user=follower, policy=policy)
    return official, followers, policy


def test_racing_publishes_of_one_change_make_one_version_and_one_notice_each(setting):
    official, followers, policy = setting
    # A change written past the services (as the admin form or an import does).
    Policy.objects.filter(pk=policy.pk).update(title_en="Changed title")
    errors = race(
        lambda _n: services.policy_record_change(policy=policy, user=official), list(range(8))
    )
    assert errors == []
    assert PolicyVersion.objects.filter(policy=policy).count() == 2
    for follower in followers:
        assert Notification.objects.filter(recipient=follower).count() == 1
    assert PolicyNotice.objects.filter(key="v2").count() == len(followers)


def test_racing_expiry_runs_tell_each_follower_once(setting):
    _official, followers, _policy = setting
    today = datetime.date(2026, 6, 1)
    errors = race(lambda _n: services.policy_expiry_notices(today=today), list(range(6)))
    assert errors == []
    for follower in followers:
        assert (
            Notification.objects.filter(recipient=follower, template="policy_expiring").count() == 1
        )
