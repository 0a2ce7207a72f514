"""The user admin: staff who may change users cannot hand out privileges or districts."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from core.models import DistrictGrant, User

from .factories import DistrictFactory, UserFactory

pytestmark = pytest.mark.django_db


def _staff_with(*codenames: str) -> Client:
    staff = UserFactory(is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(staff)
    return client, staff


def _user_form(user: User, **changes) -> dict:
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "district_grants-TOTAL_FORMS": "0",
        "district_grants-INITIAL_FORMS": "0",
        "notification_preferences-TOTAL_FORMS": "0",
        "notification_preferences-INITIAL_FORMS": "0",
    }
    return {**data, **changes}


def test_staff_who_change_users_cannot_make_anyone_staff_or_superuser():
    client, staff = _staff_with("view_user", "change_user")
    url = reverse("admin:core_user_change", args=[staff.pk])
    response = client.post(url, _user_form(staff, is_staff="on", is_superuser="on"))
    assert response.status_code == 302, response.content[:2000]
    staff.refresh_from_db()
    assert staff.is_staff and not staff.is_superuser
    assert 'name="is_superuser"' not in client.get(url).content.decode()


def test_staff_who_may_change_grants_still_cannot_grant_a_district():
    district = DistrictFactory()
    client, staff = _staff_with(
        "view_user", "change_user", "add_districtgrant", "change_districtgrant"
    )
    add = client.post(
        reverse("admin:core_districtgrant_add"), {"user": staff.pk, "district": district.pk}
    )
    assert add.status_code == 403
    inline = client.post(
        reverse("admin:core_user_change", args=[staff.pk]),
        _user_form(
            staff,
            **{
                "district_grants-TOTAL_FORMS": "1",
                "district_grants-0-district": str(district.pk),
                "district_grants-0-user": str(staff.pk),
            },
        ),
    )
    assert inline.status_code == 302
    assert not DistrictGrant.objects.filter(user=staff).exists()


def test_superusers_grant_districts():
    district = DistrictFactory()
    admin = UserFactory(is_staff=True, is_superuser=True)
    person = UserFactory()
    client = Client()
    client.force_login(admin)
    response = client.post(
        reverse("admin:core_districtgrant_add"), {"user": person.pk, "district": district.pk}
    )
    assert response.status_code == 302
    assert DistrictGrant.objects.get(user=person).granted_by == admin
