"""The demo data: real-looking policies of at least three districts and the municipal level,
with criteria and versions; the demo returnee qualifies for some, narrowly misses one and
cannot be told about one. Loading it twice changes nothing."""

import datetime

import pytest

from core import demo as core_demo
from core.models import Notification, User
from policies import demo as policies_demo
from policies import selectors
from policies.models import Policy, PolicyVersion
from talent import demo as talent_demo

pytestmark = pytest.mark.django_db

# The demo's dates are fixed; its claims are checked on a day they hold.
DAY = datetime.date(2026, 11, 21)


def seed():
    for module in (core_demo, talent_demo, policies_demo):
        module.seed(log=lambda message: None)


@pytest.fixture
def demo(settings):
    settings.CELERY_BROKER_URL = "memory://"
    seed()


def test_the_demo_has_policies_of_several_districts_with_criteria(demo):
    published = Policy.objects.filter(status="published")
    districts = {policy.district.code if policy.district else "municipal" for policy in published}
    assert {"pudong", "qingpu", "yangpu", "xuhui", "municipal"} <= districts
    assert all(policy.criteria.exists() for policy in published)
    assert all(policy.versions.exists() for policy in published)
    assert PolicyVersion.objects.filter(number=2).count() == 1
    assert Policy.objects.filter(status="draft").count() == 1
    assert Policy.objects.filter(document_number="浦人社规〔2024〕3号").exists()


def test_the_demo_returnee_qualifies_misses_narrowly_and_is_unknown(demo):
    li_wen = User.objects.get(email="returnee@example.com")
    found = selectors.policies_for_me(user=li_wen, day=DAY)
    assert len(found.eligible) >= 2
    assert [match.policy.document_number for match in found.narrowly_missed] == [
        "浦人社规〔2024〕3号"
    ]
    assert found.narrowly_missed[0].result.hint.endswith("registered in Pudong New Area.")
    assert [match.policy.document_number for match in found.unknown] == ["沪人社规〔2024〕12号"]
    # She follows the Qingpu subsidy, so its second version is in her inbox.
    subjects = list(
        Notification.objects.filter(recipient=li_wen, template="policy_updated").values_list(
            "subject", flat=True
        )
    )
    assert subjects == [
        "“Qingpu Employment and Start-up Subsidy for Returnees” has changed (version 2)"
    ]


def test_the_demo_is_idempotent(demo):
    counts = (Policy.objects.count(), PolicyVersion.objects.count(), Notification.objects.count())
    seed()
    assert counts == (
        Policy.objects.count(),
        PolicyVersion.objects.count(),
        Notification.objects.count(),
    )


def test_the_demo_policies_are_in_force(demo):
    in_force = selectors.published_active(day=DAY).count()
    assert in_force == Policy.objects.filter(status="published").count()
