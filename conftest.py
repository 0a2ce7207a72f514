"""Fixtures shared by every test of the project."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from core.tests.factories import DEFAULT_PASSWORD, UserFactory


@pytest.fixture(autouse=True)
def _clean_cache():
    """Throttle counters and lockouts live in Redis: every test starts without any."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests make hundreds of accounts; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def password():
    return DEFAULT_PASSWORD


@pytest.fixture
def user(db):
    return UserFactory(email="returnee-a@example.com", full_name="Returnee A")


@pytest.fixture
def other_user(db):
    return UserFactory(email="returnee-b@example.com", full_name="Returnee B")


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def user_client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client
