"""Writes of the policies app: policies and their criteria (by the district's officials and
admins), publishing versions, follows, eligibility records, and the notices that tell
returnees of new policies, new versions, eligibility they gained or lost, and coming expiry.

Publishing rules:
- A policy is written as a draft; publishing it records version 1 and tells those who follow
  its district (or the municipal level) or its category.
- Changing a published policy publishes the change at once as the next version (the live
  policy is always its latest version); followers are told what changed. When the criteria
  changed, followers and everyone who has checked their eligibility are checked again, and
  those who gained or lost eligibility are told so.
- Publishing what is already published changes nothing and tells no one.
- Every notice is keyed (user, policy, "v<number>" or "expiry:<date>") in `PolicyNotice`,
  written in the notification's transaction, so no one is told the same thing twice.
"""

from ._shared import (
    EXPIRY_NOTICE_DAYS,
    POLICY_FIELDS,
    TEXT_FIELDS,
    _apply,
    _check_district,
    _require_manage,
    _save,
    _validated,
    can_manage,
    can_write_policies,
    criteria_clean,
    criteria_replace,
)
from .eligibility import (
    eligibility_check,
    eligibility_record,
)
from .follows import (
    policy_follow,
    policy_unfollow,
    topic_follow,
    topic_unfollow,
)
from .notices import (
    _announce_new_policy,
    _announce_new_version,
    _eligibility_context,
    _notify_once,
    _reevaluate,
    _topic_followers,
    policy_expiry_notices,
)
from .policy_changes import (
    _check_publishable,
    _locked,
    _publish_change,
    policy_archive,
    policy_create,
    policy_publish,
    policy_record_change,
    policy_update,
)

__all__ = [
    "EXPIRY_NOTICE_DAYS",
    "POLICY_FIELDS",
    "TEXT_FIELDS",
    "_announce_new_policy",
    "_announce_new_version",
    "_apply",
    "_check_district",
    "_check_publishable",
    "_eligibility_context",
    "_locked",
    "_notify_once",
    "_publish_change",
    "_reevaluate",
    "_require_manage",
    "_save",
    "_topic_followers",
    "_validated",
    "can_manage",
    "can_write_policies",
    "criteria_clean",
    "criteria_replace",
    "eligibility_check",
    "eligibility_record",
    "policy_archive",
    "policy_create",
    "policy_expiry_notices",
    "policy_follow",
    "policy_publish",
    "policy_record_change",
    "policy_unfollow",
    "policy_update",
    "topic_follow",
    "topic_unfollow",
]
