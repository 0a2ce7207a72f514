"""Fixtures shared by every test of the project."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from core.tests.factories import DEFAULT_PASSWORD, UserFactory


@pytest.fixture(scope="session", autouse=True)
def _a_cache_of_each_worker(worker_id):
    """Under pytest-xdist each worker empties and counts in a Redis database of its own: the
    configured one for the first worker, the ones below it for the others."""
    if worker_id in ("master", "gw0"):
        yield
        return
    location = settings.CACHES["default"]["LOCATION"]
    base, _slash, number = location.rpartition("/")
    own = int(number) - int(worker_id.removeprefix("gw"))
    caches = {"default": {**settings.CACHES["default"], "LOCATION": f"{base}/{own}"}}
    os.environ["CACHE_URL"] = f"{base}/{own}"  # for the processes tests start
    with override_settings(CACHES=caches):
        yield


@pytest.fixture(autouse=True)
def _clean_cache():
    """Throttle counters and lockouts live in Redis: every test starts without any."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _broker_not_paused():
    """A test that stopped the broker must not leave the next one's queuing paused, nor its
    batched messages to the next one's broker."""
    from core.broker import broker_flush, broker_resume, cache_pause

    broker_flush()  # what an earlier test queued goes to the broker it was meant for
    broker_resume()
    cache_pause.end()
    yield
    broker_flush()
    broker_resume()
    cache_pause.end()


@pytest.fixture(autouse=True)
def _no_list_cache(settings):
    """Most tests write and read inside one transaction that never commits, so the list
    cache's generations (advanced at commit) would not move: its own tests turn it on."""
    settings.LIST_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests make hundreds of accounts; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def synonym_groups(db):
    """The reviewed synonym groups the search app's migration ships (a transactional test,
    which empties every table when it ends, may have run before in a reused database)."""
    from importlib import import_module

    from django.apps import apps

    from search.synonyms import synonyms_changed

    import_module("search.migrations.0002_synonym_groups").add_groups(apps, None)
    synonyms_changed()


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


@pytest.fixture
def page(live_server, settings):
    """A page in headless Chromium on the live server, in English. Request it after the
    fixtures that make data: Playwright's event loop forbids the ORM inside the test."""
    from playwright.sync_api import sync_playwright

    from tests.support.browser import CHROMIUM, FLAGS

    settings.SITE_URL = live_server.url
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        context = browser.new_context(locale="en-US")
        page = context.new_page()
        yield page
        context.close()
        browser.close()


@pytest.fixture
def wsgi_requests(settings):
    """For tests that call the WSGI application itself (schemathesis): like Django's test
    client, the test's transaction outlives each request, and no throttle interferes."""
    from django.core import signals
    from django.db import close_old_connections

    settings.RATE_LIMITS_ENABLED = False
    settings.AXES_ENABLED = False
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
