"""The public list cache (`core.listcache`), against the real PostgreSQL and Redis: every
write that commits, by whatever path, gives the next anonymous reader a fresh answer."""

import re

import pytest
from django.apps import apps
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core import listcache
from core.broker import cache_pause
from core.models import User
from core.tests.factories import UserFactory
from events import services as event_services
from events.models import Event
from events.tests.factories import EventFactory
from startups.tests.factories import FounderFactory, StartupFactory
from tests.support.servers import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _list_cache_on(settings):
    settings.LIST_CACHE_SECONDS = 30


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title_en"] for row in response.json()["results"]]


def test_every_table_a_public_list_shows_advances_its_apps_generation_at_commit():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgdeferrable, t.tginitdeferred, pg_get_triggerdef(t.oid) "
            "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'list_generation'"
        )
        triggers = {row[0]: row[1:] for row in cursor.fetchall()}
    expected = {table for tables in listcache.TABLES.values() for table in tables}
    assert set(triggers) == expected
    for app, tables in listcache.TABLES.items():
        for table in tables:
            deferrable, deferred, definition = triggers[table]
            assert deferrable and deferred, table
            assert listcache.sequence_name(app) in definition, table
    # Every table named is one of the project's (a renamed model would leave a stale name).
    known = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    assert expected <= known


def test_an_anonymous_list_is_answered_from_the_cache_until_a_write_commits(
    django_assert_num_queries,
):
    event = EventFactory(title_en="Pudong Returnees' Forum")
    client = APIClient()
    first = client.get("/api/v1/events/")
    assert _titles(first) == ["Pudong Returnees' Forum"]

    with django_assert_num_queries(1):  # the generations, nothing else
        again = client.get("/api/v1/events/")
    assert again.content == first.content
    assert again["Content-Type"] == "application/json"

    # A write that sends no signal (QuerySet.update) still gives a fresh answer.
    Event.objects.filter(pk=event.pk).update(title_en="Gather in Shanghai")
    assert _titles(client.get("/api/v1/events/")) == ["Gather in Shanghai"]


def test_a_registration_by_the_single_statement_shows_in_the_cached_list_at_once():
    event = EventFactory(capacity=3)
    client = APIClient()
    assert client.get("/api/v1/events/").json()["results"][0]["seats_left"] == 3
    event_services.registration_create(user=UserFactory(), event=Event.objects.get(pk=event.pk))
    assert client.get("/api/v1/events/").json()["results"][0]["seats_left"] == 2


def test_answers_differ_by_query_and_language_and_signed_in_users_are_never_served_from_it(
    django_assert_max_num_queries,
):
    EventFactory(title_en="Forum A", title_zh="论坛甲")
    EventFactory(title_en="Forum B", title_zh="论坛乙")
    client = APIClient()
    assert len(client.get("/api/v1/events/").json()["results"]) == 2
    assert len(client.get("/api/v1/events/?page_size=1").json()["results"]) == 1
    english = client.get("/api/v1/events/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    chinese = client.get("/api/v1/events/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["results"]
    assert [row["title"] for row in english] == ["Forum A", "Forum B"]
    assert [row["title"] for row in chinese] == ["论坛甲", "论坛乙"]

    signed_in = APIClient()
    signed_in.force_authenticate(UserFactory())
    signed_in.get("/api/v1/events/")
    with django_assert_max_num_queries(10) as queries:
        signed_in.get("/api/v1/events/")
    assert len(queries) > 1  # built afresh: a signed-in user's list may depend on who they are


def test_only_names_and_active_flags_of_accounts_advance_the_core_generation():
    founder = FounderFactory(startup=StartupFactory()).user
    before = listcache.generations(["core"])
    User.objects.filter(pk=founder.pk).update(last_login=timezone.now())
    assert listcache.generations(["core"]) == before  # a sign-in changes no list
    User.objects.filter(pk=founder.pk).update(full_name="Li Wen")
    assert listcache.generations(["core"]) != before
    names = APIClient().get("/api/v1/startups/").json()["results"][0]["founders"]
    assert [row["full_name"] for row in names] == ["Li Wen"]


def test_an_uncommitted_write_does_not_advance_the_generation():
    event = EventFactory()
    before = listcache.generations(["events"])
    with pytest.raises(RuntimeError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(title_en="Never committed")
        raise RuntimeError
    assert listcache.generations(["events"]) == before


def test_with_the_cache_unreachable_lists_are_built_afresh_and_it_is_left_alone_a_while(
    settings, monkeypatch
):
    EventFactory(title_en="Forum A")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.RATE_LIMITS_ENABLED = False
    client = APIClient()
    assert _titles(client.get("/api/v1/events/")) == ["Forum A"]
    assert cache_pause.active()
    asked = []
    monkeypatch.setattr(caches["default"], "get", lambda *args, **kwargs: asked.append(args))
    assert _titles(client.get("/api/v1/events/")) == ["Forum A"]
    assert asked == []


def _csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "the page has a CSRF input"
    return match.group(1)


def test_a_cached_page_carries_the_readers_own_working_csrf_token(django_assert_max_num_queries):
    EventFactory(title_en="Pudong Returnees' Forum", title_zh="浦东海归论坛")
    first = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    built = first.get("/events/")
    assert "Pudong Returnees&#x27; Forum" in built.content.decode()

    reader = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    with django_assert_max_num_queries(1):  # the generations; the page comes from the cache
        page = reader.get("/events/")
    html = page.content.decode()
    assert "Pudong Returnees&#x27; Forum" in html
    assert page["Vary"] == built["Vary"]
    assert page["Content-Language"] == built["Content-Language"] == "en"
    assert "\x00" not in html
    answer = reader.post(
        reverse("core:set_language"),
        {"language": "zh-hans", "next": "/events/", "csrfmiddlewaretoken": _csrf_token(html)},
    )
    assert answer.status_code == 302  # the token worked: not 403

    # The language chosen is part of the key: the Chinese page, built afresh.
    assert "浦东海归论坛" in reader.get("/events/").content.decode()


def test_a_page_shows_a_committed_change_at_once_and_a_waiting_message_skips_the_cache(
    django_assert_max_num_queries,
):
    event = EventFactory(title_en="Forum A")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert "Forum A" in client.get("/events/").content.decode()
    Event.objects.filter(pk=event.pk).update(title_en="Forum B")
    assert "Forum B" in client.get("/events/").content.decode()

    client.cookies["messages"] = "a message the framework would show"
    with django_assert_max_num_queries(20) as queries:
        client.get("/events/")
    assert len(queries) > 1  # built afresh
