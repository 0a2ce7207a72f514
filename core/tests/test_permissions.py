"""`core.permissions`: who acts in which district."""

import pytest
from django.contrib.auth.models import AnonymousUser

from core import permissions
from core.models import DistrictGrant, IndustrialPark, User

from .factories import DistrictFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def districts():
    return DistrictFactory(code="pudong"), DistrictFactory(code="xuhui")


def _park(district) -> IndustrialPark:
    return IndustrialPark.objects.create(
        code=f"park-{district.code}", name_zh="园区", name_en="Park", district=district
    )


def test_a_superuser_acts_in_every_district_and_in_none(districts):
    pudong, xuhui = districts
    admin = UserFactory(is_staff=True, is_superuser=True)
    parks = {_park(pudong), _park(xuhui)}
    assert permissions.acts_everywhere(admin)
    assert permissions.manages_district(admin, xuhui.pk)
    assert permissions.manages_district(admin, None)  # a municipal policy
    assert permissions.manages_any_district(admin)
    assert not permissions.is_official(admin)
    assert permissions.managed_district_ids(admin) == {pudong.pk, xuhui.pk}
    assert set(permissions.managed_districts(admin)) == {pudong, xuhui}
    assert set(permissions.in_managed_districts(IndustrialPark.objects.all(), admin)) == parks


def test_staff_without_a_grant_act_nowhere(districts):
    """`is_staff` opens Django admin, nothing more."""
    pudong, _xuhui = districts
    staff = UserFactory(is_staff=True)
    _park(pudong)
    assert not permissions.acts_everywhere(staff)
    assert not permissions.manages_district(staff, pudong.pk)
    assert not permissions.manages_any_district(staff)
    assert permissions.managed_district_ids(staff) == frozenset()
    assert list(permissions.managed_districts(staff)) == []
    assert list(permissions.in_managed_districts(IndustrialPark.objects.all(), staff)) == []


def test_staff_with_a_grant_act_like_an_official_of_that_district(districts):
    pudong, xuhui = districts
    staff = UserFactory(is_staff=True)
    DistrictGrant.objects.create(user=staff, district=pudong)
    ours = _park(pudong)
    _park(xuhui)
    assert permissions.manages_district(staff, pudong.pk)
    assert not permissions.manages_district(staff, xuhui.pk)
    assert not permissions.manages_district(staff, None)
    assert permissions.is_official(staff) and permissions.manages_any_district(staff)
    assert list(permissions.managed_districts(staff)) == [pudong]
    assert list(permissions.in_managed_districts(IndustrialPark.objects.all(), staff)) == [ours]
    assert list(
        permissions.in_managed_districts(
            IndustrialPark.objects.all(), staff, field="district__parks__district"
        )
    ) == [ours]


def test_anonymous_and_inactive_users_act_nowhere(districts):
    pudong, _xuhui = districts
    _park(pudong)
    inactive = UserFactory(is_superuser=True, is_staff=True, is_active=False)
    for user in (AnonymousUser(), None, inactive):
        assert not permissions.acts_everywhere(user)
        assert not permissions.manages_district(user, pudong.pk)
        assert not permissions.manages_any_district(user)
        assert list(permissions.managed_districts(user)) == []
        assert list(permissions.in_managed_districts(IndustrialPark.objects.all(), user)) == []


def test_the_grants_are_read_once_per_user_object(districts, django_assert_num_queries):
    pudong, xuhui = districts
    official = UserFactory()
    DistrictGrant.objects.create(user=official, district=pudong)
    with django_assert_num_queries(1):
        assert permissions.manages_district(official, pudong.pk)
        assert not permissions.manages_district(official, xuhui.pk)
        assert official.is_official and not official.is_admin
    # Once read, a queryset filter uses the ids (no subquery of the grants).
    with django_assert_num_queries(1) as captured:
        list(permissions.in_managed_districts(IndustrialPark.objects.all(), official))
    assert "core_districtgrant" not in captured.captured_queries[0]["sql"]
    # A fresh object of the same person (the next request's) reads them anew.
    DistrictGrant.objects.create(user=official, district=xuhui)
    assert permissions.manages_district(User.objects.get(pk=official.pk), xuhui.pk)
