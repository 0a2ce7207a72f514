import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.utils import timezone

from core.exceptions import ApplicationError, PermissionDeniedError
from core.models import Notification
from core.tests.factories import UserFactory
from policies import selectors, services, tasks
from policies.models import EligibilityRecord, Policy, PolicyNotice, PolicyVersion, TopicFollow
from policies.versions import describe_changes

from .conftest import criteria, make_profile, published_policy

pytestmark = pytest.mark.django_db


def notices(user, template=None):
    rows = Notification.objects.filter(recipient=user, kind="policy_update")
    if template:
        rows = rows.filter(template=template)
    return list(rows.order_by("id"))


def draft(user, district, **fields):
    data = {
        "title_zh": "浦东人才资助",
        "title_en": "Pudong talent grant",
        "summary_en": "A grant.",
        "category": "talent_subsidy",
        "district": district,
        **fields,
    }
    return services.policy_create(user=user, data=data, criteria=fields.pop("criteria", None))


# Writing and permissions -----------------------------------------------------------------


def test_an_official_writes_a_draft_of_their_district(official, pudong):
    policy = draft(official, pudong)
    assert policy.status == "draft" and policy.district == pudong
    assert policy.created_by == official
    assert not policy.versions.exists()


def test_an_official_with_one_district_may_leave_it_out(official, pudong):
    policy = draft(official, None)
    assert policy.district == pudong


def test_an_official_cannot_write_for_another_district(official, qingpu):
    with pytest.raises(PermissionDeniedError):
        draft(official, qingpu)
    assert not Policy.objects.exists()


def test_a_returnee_cannot_write_policies(li_wen, pudong):
    with pytest.raises(PermissionDeniedError):
        draft(li_wen, pudong)


def test_only_admins_write_municipal_policies(admin_user, official):
    policy = draft(admin_user, None)
    assert policy.district is None and policy.is_municipal


def test_officials_cannot_change_or_publish_another_districts_policy(official, qingpu_official):
    policy = draft(qingpu_official, None)
    for service in (services.policy_publish, services.policy_archive):
        with pytest.raises(PermissionDeniedError):
            service(policy=policy, user=official)
    with pytest.raises(PermissionDeniedError):
        services.policy_update(policy=policy, user=official, data={"title_en": "Mine now"})
    policy.refresh_from_db()
    assert policy.status == "draft" and policy.title_en == "Pudong talent grant"


def test_an_official_cannot_move_a_policy_to_a_district_they_do_not_hold(official, qingpu):
    policy = draft(official, None)
    with pytest.raises(PermissionDeniedError):
        services.policy_update(policy=policy, user=official, data={"district": qingpu})


def test_status_cannot_be_written_through_update(official):
    policy = draft(official, None)
    services.policy_update(policy=policy, user=official, data={"status": "published"})
    policy.refresh_from_db()
    assert policy.status == "draft"


@pytest.mark.parametrize(
    ("item", "field", "message"),
    [
        ({"kind": "overseas_years", "value": -2}, "criteria.0.value", "Enter between 1 and 50"),
        ({"kind": "max_age", "value": 130}, "criteria.0.value", "Enter an age limit"),
        ({"kind": "min_degree", "degree": "wizard"}, "criteria.0.degree", "Unknown degree"),
        ({"kind": "sector"}, "criteria.0.sectors", "Choose at least one sector."),
    ],
)
def test_impossible_criteria_are_refused_with_the_field(official, item, field, message):
    with pytest.raises(ApplicationError) as caught:
        draft(official, None, criteria=criteria(item))
    assert caught.value.field == field
    assert caught.value.message.startswith(message)
    assert not Policy.objects.exists()


def test_a_criterion_kind_appears_once(official):
    with pytest.raises(ApplicationError) as caught:
        draft(
            official,
            None,
            criteria=criteria({"kind": "max_age", "value": 40}, {"kind": "max_age", "value": 45}),
        )
    assert caught.value.field == "criteria.1.kind"


def test_dates_in_the_wrong_order_are_refused(official):
    with pytest.raises(ApplicationError) as caught:
        draft(
            official,
            None,
            effective_from=datetime.date(2026, 1, 1),
            expires_on=datetime.date(2025, 1, 1),
        )
    assert caught.value.field == "expires_on"


def test_publishing_needs_both_titles(official):
    policy = draft(official, None, title_zh="")
    with pytest.raises(ApplicationError) as caught:
        services.policy_publish(policy=policy, user=official)
    assert caught.value.field == "title_zh"
    services.policy_update(policy=policy, user=official, data={"title_zh": "浦东人才资助"})
    services.policy_publish(policy=policy, user=official)
    with pytest.raises(ApplicationError):  # a published policy keeps both titles
        services.policy_update(policy=policy, user=official, data={"title_en": " "})


# Versions --------------------------------------------------------------------------------


def test_publishing_records_version_one_and_publishing_again_changes_nothing(official):
    policy = draft(official, None, criteria=criteria({"kind": "max_age", "value": 45}))
    version = services.policy_publish(policy=policy, user=official)
    assert version.number == 1 and version.changes == []
    assert version.snapshot["criteria"][0]["value"] == 45
    assert version.published_by == official
    policy.refresh_from_db()
    assert policy.status == "published" and policy.published_at is not None
    assert services.policy_publish(policy=policy, user=official) is None
    assert PolicyVersion.objects.filter(policy=policy).count() == 1


def test_changing_a_published_policy_publishes_the_next_version_with_its_diff(official, chips):
    policy = draft(
        official,
        None,
        benefit_amount=Decimal("30000"),
        criteria=criteria({"kind": "returned_within", "value": 3}),
    )
    services.policy_publish(policy=policy, user=official)
    services.policy_update(
        policy=policy,
        user=official,
        data={"benefit_amount": Decimal("50000"), "sectors": [chips], "body_en": "New text"},
        criteria=criteria(
            {"kind": "returned_within", "value": 5}, {"kind": "max_age", "value": 45}
        ),
    )
    version = policy.versions.get(number=2)
    fields = [change["field"] for change in version.changes]
    assert fields == ["criteria", "benefit_amount", "sectors", "body_en"]
    assert version.criteria_changed
    assert describe_changes(version.changes) == [
        "Criterion changed: Returned to China within the last 3 years → "
        "Returned to China within the last 5 years",
        "New criterion: Aged 45 or younger (age reached this year)",
        "Amount (CNY): ¥30,000 → ¥50,000",
        "Sectors: added Integrated circuits",
        "Full text (English) was revised.",
    ]


def test_an_unchanged_save_of_a_published_policy_adds_no_version(official):
    policy = draft(official, None)
    services.policy_publish(policy=policy, user=official)
    services.policy_update(policy=policy, user=official, data={"title_en": "Pudong talent grant"})
    assert policy.versions.count() == 1


def test_a_draft_changes_without_versions(official):
    policy = draft(official, None)
    services.policy_update(policy=policy, user=official, data={"title_en": "Renamed"})
    assert policy.versions.count() == 0


def test_archive_and_publish_again(official):
    policy = draft(official, None)
    services.policy_publish(policy=policy, user=official)
    services.policy_archive(policy=policy, user=official)
    policy.refresh_from_db()
    assert policy.status == "archived"
    assert services.policy_publish(policy=policy, user=official) is None  # nothing changed
    policy.refresh_from_db()
    assert policy.status == "published"


def test_the_version_number_is_unique_per_policy(official):
    policy = draft(official, None)
    services.policy_publish(policy=policy, user=official)
    with pytest.raises(IntegrityError):
        PolicyVersion.objects.create(policy=policy, number=1, snapshot={})


# Follows and notices ---------------------------------------------------------------------


def test_following_needs_a_published_policy_and_is_idempotent(official, li_wen):
    policy = draft(official, None)
    with pytest.raises(ApplicationError):
        services.policy_follow(user=li_wen, policy=policy)
    services.policy_publish(policy=policy, user=official)
    policy.refresh_from_db()
    services.policy_follow(user=li_wen, policy=policy)
    services.policy_follow(user=li_wen, policy=policy)
    assert policy.follows.count() == 1
    assert services.policy_unfollow(user=li_wen, policy=policy)
    assert not services.policy_unfollow(user=li_wen, policy=policy)


def test_followers_are_told_what_changed_once(official, li_wen, pudong):
    policy = published_policy(user=official, district=pudong)
    services.policy_follow(user=li_wen, policy=policy)
    services.policy_update(policy=policy, user=official, data={"title_en": "Pudong grant 2026"})
    services.policy_publish(policy=policy, user=official)  # publishing again tells no one
    services.policy_record_change(policy=policy, user=official)
    told = notices(li_wen)
    assert len(told) == 1
    assert told[0].template == "policy_updated"
    assert told[0].subject == "“Pudong grant 2026” has changed (version 2)"
    assert "Title (English): Talent grant → Pudong grant 2026" in told[0].body
    assert told[0].url == policy.get_absolute_url()
    assert PolicyNotice.objects.get(user=li_wen).key == "v2"


def test_the_notice_is_in_the_followers_language(official, pudong):
    chinese = UserFactory(email="zh@example.com", full_name="王芳", language="zh-hans")
    policy = published_policy(user=official, district=pudong)
    services.policy_follow(user=chinese, policy=policy)
    services.policy_update(policy=policy, user=official, data={"title_zh": "浦东人才资助2026"})
    told = notices(chinese)
    assert len(told) == 1
    assert "浦东人才资助2026" in told[0].subject


def test_a_notice_already_given_is_not_given_again(official, li_wen, pudong):
    """The unique notice: a second run of the same announcement (a retried task, a racing
    publish) writes no second notification."""
    policy = published_policy(user=official, district=pudong)
    services.policy_follow(user=li_wen, policy=policy)
    services.policy_update(policy=policy, user=official, data={"title_en": "Second"})
    version = policy.versions.get(number=2)
    services._announce_new_version(
        policy=policy, version=version, previous=policy.versions.get(number=1).snapshot, today=None
    )
    assert len(notices(li_wen)) == 1


def test_gaining_eligibility_is_told_to_a_follower(official, li_wen, pudong, qingpu):
    policy = published_policy(
        user=official,
        district=pudong,
        rules=[{"kind": "company_district", "district": pudong}],
    )
    services.policy_follow(user=li_wen, policy=policy)
    services.policy_update(
        policy=policy,
        user=official,
        data={},
        criteria=criteria({"kind": "min_degree", "degree": "master"}),
    )
    told = notices(li_wen)
    assert len(told) == 1  # one notification: the change, and that she now qualifies
    assert told[0].subject == "You now qualify for “Talent grant”"
    assert "you qualify for it" in told[0].body
    assert "Criterion removed: Company registered in Pudong New Area" in told[0].body
    record = EligibilityRecord.objects.get(user=li_wen, policy=policy)
    assert record.status == "eligible" and record.version == 2


def test_losing_eligibility_is_told_to_whoever_was_told_they_qualify(official, li_wen, pudong):
    policy = published_policy(
        user=official, district=pudong, rules=[{"kind": "max_age", "value": 45}]
    )
    services.eligibility_check(user=li_wen, policy=policy)  # told: eligible
    assert EligibilityRecord.objects.get(user=li_wen).status == "eligible"
    stranger = UserFactory(email="stranger@example.com")  # never checked, does not follow
    make_profile(stranger, birth_year=1995)
    services.policy_update(
        policy=policy, user=official, data={}, criteria=criteria({"kind": "max_age", "value": 30})
    )
    told = notices(li_wen)
    assert [notice.template for notice in told] == ["policy_eligibility"]
    assert told[0].subject == "You no longer qualify for “Talent grant”"
    assert "This policy is for people aged 30 or younger" in told[0].body
    assert notices(stranger) == []
    assert EligibilityRecord.objects.get(user=li_wen).status == "ineligible"


def test_no_flip_no_eligibility_notice(official, li_wen, pudong):
    policy = published_policy(
        user=official, district=pudong, rules=[{"kind": "max_age", "value": 45}]
    )
    services.eligibility_check(user=li_wen, policy=policy)
    services.policy_update(
        policy=policy, user=official, data={}, criteria=criteria({"kind": "max_age", "value": 50})
    )
    assert notices(li_wen) == []


def test_followers_new_to_the_records_are_compared_with_the_old_criteria(official, li_wen, pudong):
    policy = published_policy(
        user=official, district=pudong, rules=[{"kind": "max_age", "value": 30}]
    )
    services.policy_follow(user=li_wen, policy=policy)
    services.policy_update(
        policy=policy, user=official, data={}, criteria=criteria({"kind": "max_age", "value": 40})
    )
    assert notices(li_wen)[0].subject == "You now qualify for “Talent grant”"


# Topic follows ---------------------------------------------------------------------------


def test_topic_followers_hear_of_new_policies_once(official, li_wen, pudong, qingpu):
    services.topic_follow(user=li_wen, district=pudong)
    services.topic_follow(user=li_wen, category="talent_subsidy")  # both match: told once
    other = UserFactory(email="other@example.com")
    services.topic_follow(user=other, district=qingpu)
    category_fan = UserFactory(email="housing@example.com")
    services.topic_follow(user=category_fan, category="housing")
    policy = published_policy(user=official, district=pudong)
    told = notices(li_wen)
    assert len(told) == 1
    assert told[0].template == "policy_published"
    assert told[0].subject == "New policy: Talent grant"
    assert "Pudong New Area has published a new policy" in told[0].body
    assert notices(other) == [] and notices(category_fan) == []
    services.policy_update(policy=policy, user=official, data={"title_en": "Changed"})
    assert len(notices(li_wen)) == 1  # topic followers hear of new policies, not changes


def test_municipal_topic(admin_user, li_wen, pudong):
    services.topic_follow(user=li_wen, municipal=True)
    published_policy(user=admin_user, district=pudong)
    assert notices(li_wen) == []
    published_policy(user=admin_user, district=None, title_en="City grant")
    assert [notice.subject for notice in notices(li_wen)] == ["New policy: City grant"]


def test_topic_follow_rules(li_wen, pudong):
    with pytest.raises(ApplicationError):
        services.topic_follow(user=li_wen)
    with pytest.raises(ApplicationError):
        services.topic_follow(user=li_wen, district=pudong, municipal=True)
    with pytest.raises(ApplicationError):
        services.topic_follow(user=li_wen, category="lottery")
    topic = services.topic_follow(user=li_wen, district=pudong, category="housing")
    assert services.topic_follow(user=li_wen, district=pudong, category="housing") == topic
    assert topic.label == "Pudong New Area · Housing and talent apartments"
    assert services.topic_unfollow(user=li_wen, topic_id=topic.pk)
    assert not TopicFollow.objects.exists()


# Expiry ----------------------------------------------------------------------------------


def test_followers_are_told_once_thirty_days_before_expiry(official, li_wen, pudong):
    today = datetime.date(2026, 6, 1)
    soon = published_policy(
        user=official, district=pudong, title_en="Soon", expires_on=datetime.date(2026, 6, 20)
    )
    later = published_policy(
        user=official, district=pudong, title_en="Later", expires_on=datetime.date(2026, 9, 1)
    )
    for policy in (soon, later):
        services.policy_follow(user=li_wen, policy=policy)
    assert services.policy_expiry_notices(today=today) == 1
    assert services.policy_expiry_notices(today=today) == 0
    told = notices(li_wen, "policy_expiring")
    assert [notice.subject for notice in told] == ["“Soon” expires on 2026-06-20"]
    assert "in 19 days" in told[0].body
    # Extended and nearing its new date: told again, once.
    services.policy_update(
        policy=soon, user=official, data={"expires_on": datetime.date(2026, 6, 30)}
    )
    assert services.policy_expiry_notices(today=today) == 1
    assert services.policy_expiry_notices(today=today) == 0


def test_the_expiry_task_calls_the_service(official, li_wen, pudong):
    policy = published_policy(
        user=official,
        district=pudong,
        expires_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    services.policy_follow(user=li_wen, policy=policy)
    assert tasks.notify_expiring_policies() == 1
    assert tasks.notify_expiring_policies() == 0


def test_the_expiry_task_is_scheduled_daily(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="policies.tasks.notify_expiring_policies")
    assert str(task.crontab.timezone) == "Asia/Shanghai"
    assert task.crontab.hour == "7" and task.crontab.day_of_week == "*"


def test_archived_and_draft_policies_are_not_announced_as_expiring(official, li_wen, pudong):
    policy = published_policy(user=official, district=pudong, expires_on=datetime.date(2026, 6, 10))
    services.policy_follow(user=li_wen, policy=policy)
    services.policy_archive(policy=policy, user=official)
    assert services.policy_expiry_notices(today=datetime.date(2026, 6, 1)) == 0


# Records ---------------------------------------------------------------------------------


def test_eligibility_check_records_what_the_returnee_was_told(official, li_wen, pudong):
    policy = published_policy(
        user=official, district=pudong, rules=[{"kind": "company_district", "district": pudong}]
    )
    policy = selectors.policy_with_criteria().get(pk=policy.pk)
    result = services.eligibility_check(user=li_wen, policy=policy)
    assert result.status == "ineligible"
    record = EligibilityRecord.objects.get(user=li_wen, policy=policy)
    assert record.status == "ineligible" and record.version == 1
