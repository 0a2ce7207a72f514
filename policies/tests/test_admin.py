"""Django admin of policies for staff who are not superusers: only the districts they are
granted (`core.admin_scope`), never a municipal policy, no import."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from core.models import DistrictGrant
from core.tests.factories import UserFactory
from policies.models import Policy, PolicyFollow

from .factories import PolicyFactory

pytestmark = pytest.mark.django_db


def _staff(*codenames: str, districts=()):
    user = UserFactory(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="policies", codename__in=codenames)
    )
    for district in districts:
        DistrictGrant.objects.create(user=user, district=district)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _new_policy(district) -> dict:
    return {
        "title_zh": "新政策",
        "title_en": "New policy",
        "summary_zh": "摘要",
        "summary_en": "Summary.",
        "district": "" if district is None else str(district.pk),
        "category": "housing",
        "criteria-TOTAL_FORMS": "0",
        "criteria-INITIAL_FORMS": "0",
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
    }


def test_staff_see_and_write_only_their_districts_policies(pudong, qingpu):
    ours = PolicyFactory(district=pudong)
    theirs = PolicyFactory(district=qingpu)
    municipal = PolicyFactory(district=None)
    client = _staff("view_policy", "change_policy", "add_policy", districts=[pudong])

    listing = client.get(reverse("admin:policies_policy_changelist"))
    assert list(listing.context["cl"].result_list) == [ours]
    assert client.get(reverse("admin:policies_policy_change", args=[ours.pk])).status_code == 200
    for other in (theirs, municipal):
        url = reverse("admin:policies_policy_change", args=[other.pk])
        assert client.get(url).status_code == 403

    add = reverse("admin:policies_policy_add")
    form = client.get(add).context["adminform"].form
    assert list(form.fields["district"].queryset) == [pudong]
    for district in (qingpu, None):  # another district, or municipal: refused by the form
        refused = client.post(add, _new_policy(district))
        assert refused.status_code == 200
        assert "district" in refused.context["adminform"].form.errors
    assert client.post(add, _new_policy(pudong)).status_code == 302
    assert Policy.objects.filter(title_en="New policy", district=pudong).count() == 1


def test_staff_who_are_not_superusers_do_not_import(pudong):
    client = _staff("view_policy", "change_policy", "add_policy", districts=[pudong])
    assert client.get(reverse("admin:policies_policy_import")).status_code == 403
    superuser = Client()
    superuser.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert superuser.get(reverse("admin:policies_policy_import")).status_code == 200


def test_staff_see_only_the_follows_of_their_districts_policies(pudong, qingpu):
    ours = PolicyFollow.objects.create(user=UserFactory(), policy=PolicyFactory(district=pudong))
    PolicyFollow.objects.create(user=UserFactory(), policy=PolicyFactory(district=qingpu))
    client = _staff("view_policyfollow", districts=[pudong])
    listing = client.get(reverse("admin:policies_policyfollow_changelist"))
    assert list(listing.context["cl"].result_list) == [ours]
