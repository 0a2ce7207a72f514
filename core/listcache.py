"""Public lists answered from the shared cache for visitors who are not signed in.

Most of the city reads the same few lists (the first page of events, of policies, of
startups) without signing in. Their answers are kept in the shared cache under a key made of
the list's address (scheme, host, path, sorted query), the language, the accepted media type
and the *generations* of the apps whose tables the list reads.

A generation is a PostgreSQL sequence, `list_generation_<app>`. A deferred trigger on each
table that makes up a public list advances it when a transaction that wrote a row of that
table commits, whatever wrote it: the ORM, `QuerySet.update()`, the registration statement's
raw SQL, admin, a management command. The first request after the change reads a new
generation, misses the cache and builds the answer afresh; nothing is ever deleted by hand.
`LIST_CACHE_SECONDS` (default 30) bounds the rest: answers that depend on the clock (an
advisor's load "this month", a policy in force today) and the instant between a trigger and
its commit. A signed-in user is never served from, nor stored into, this cache: their lists
can depend on who they are. SQLite (development) has no sequences, and `LIST_CACHE_SECONDS=0`
turns the cache off (the test suite runs so, except the cache's own tests).

`TABLES` says which tables each generation watches; the migrations that add the triggers list
the same tables, and `core/tests/test_listcache.py` checks the database against `TABLES`.
A new table shown in a public list goes into `TABLES` and gets its trigger in a migration of
its app (`add_generation_triggers`).

API lists opt in with `core.api.mixins.CachedListMixin`, pages with `@cached_page(apps)`. A
page is stored with its CSRF token taken out and served with the reader's own; a reader with
a message waiting (a cookie of the messages framework) is served afresh."""

import functools
import hashlib
import logging
import re
from collections.abc import Iterable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.cache import patch_vary_headers

from core.broker import cache_pause

logger = logging.getLogger(__name__)

# The tables each app's generation watches: those whose rows a public list shows. Left out:
# history tables, people's own records (registrations: an event's seat figures are counters
# on its row; notifications, follows, consents, volunteers, feeds) and access grants.
TABLES: dict[str, tuple[str, ...]] = {
    "core": (
        "core_district",
        "core_sector",
        "core_industrialpark",
        "core_industrialpark_sectors",
        "core_organisation",
        "core_user",  # names and active flags only: see USER_COLUMNS
    ),
    "events": (
        "events_event",
        "events_event_sectors",
        "events_speaker",
        "events_agendasession",
        "events_agendasession_speakers",
    ),
    "policies": (
        "policies_policy",
        "policies_policy_sectors",
        "policies_criterion",
        "policies_criterion_sectors",
        "policies_policyversion",
    ),
    "startups": (
        "startups_startup",
        "startups_founder",
        "startups_opening",
        "startups_opening_skills",
    ),
    "talent": (
        "talent_skill",
        "talent_institution",
        "talent_employer",
        "talent_returneeprofile",
        "talent_returneeprofile_sectors",
        "talent_returneeprofile_skills",
        "talent_education",
        "talent_workexperience",
        "talent_advisorprofile",
        "talent_advisorprofile_sectors",
        "talent_advisorprofile_districts",
        "talent_consultation",
    ),
    "search": ("search_synonymgroup",),
}
# A sign-in writes `last_login`: only these columns of an account show in a list.
USER_COLUMNS = ("full_name", "is_active")


def sequence_name(app: str) -> str:
    return f"list_generation_{app}"


# Migrations ------------------------------------------------------------------------------

_FUNCTION = """
CREATE OR REPLACE FUNCTION list_generation_advance() RETURNS trigger AS $$
BEGIN
    PERFORM nextval(TG_ARGV[0]);
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def create_generations(schema_editor, apps: Iterable[str]) -> None:
    """The trigger function and one sequence per app (PostgreSQL only)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(_FUNCTION)
    for app in apps:
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {sequence_name(app)}")


def drop_generations(schema_editor, apps: Iterable[str]) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for app in apps:
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {sequence_name(app)}")
    schema_editor.execute("DROP FUNCTION IF EXISTS list_generation_advance()")


def add_generation_triggers(schema_editor, app: str, tables: Iterable[str]) -> None:
    """A deferred row trigger on each table that advances `app`'s generation at commit."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in tables:
        events = "INSERT OR DELETE OR UPDATE"
        if table == "core_user":
            events += " OF " + ", ".join(USER_COLUMNS)
        schema_editor.execute(
            f"CREATE CONSTRAINT TRIGGER list_generation AFTER {events} ON {table} "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            f"EXECUTE FUNCTION list_generation_advance('{sequence_name(app)}')"
        )


def remove_generation_triggers(schema_editor, tables: Iterable[str]) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in tables:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS list_generation ON {table}")


# Requests --------------------------------------------------------------------------------


def generations(apps: Iterable[str]) -> tuple[int, ...]:
    """The current generation of each app, in one query."""
    columns = ", ".join(f"(SELECT last_value FROM {sequence_name(app)})" for app in apps)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")
        return tuple(cursor.fetchone())


def enabled() -> bool:
    return settings.LIST_CACHE_SECONDS > 0 and connection.vendor == "postgresql"


def key_for(request, apps: Iterable[str], *, variant: str = "") -> str | None:
    """The cache key of this request's answer, or `None` when it must not be cached."""
    if not enabled() or request.method != "GET" or request.user.is_authenticated:
        return None
    parts = [
        variant,
        request.build_absolute_uri(request.path),
        "&".join(f"{name}={value}" for name, value in sorted(request.GET.lists())),
        translation.get_language() or "",
        repr(generations(apps)),
    ]
    return "list:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def get(key: str | None) -> bytes | None:
    if key is None or cache_pause.active():
        return None
    try:
        return cache.get(key)
    except Exception:  # an unreachable cache must not take the lists down
        cache_pause.start()
        logger.exception("List cache unavailable; lists built afresh for a while")
        return None


def store(key: str | None, content: bytes) -> None:
    if key is None or cache_pause.active():
        return
    try:
        cache.set(key, content, settings.LIST_CACHE_SECONDS)
    except Exception:
        cache_pause.start()
        logger.exception("List cache unavailable; lists built afresh for a while")


_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_CSRF_PLACEHOLDER = b"\x00csrf\x00"


def _has_messages(request) -> bool:
    if request.COOKIES.get(CookieStorage.cookie_name):
        return True
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return bool(request.session.get(SessionStorage.session_key))
    return False


def cached_page(apps: Iterable[str]):
    """A page view answered from the cache for visitors who are not signed in (see above)."""
    apps = tuple(apps)

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            key = None
            if not _has_messages(request):
                key = key_for(request, apps, variant="page")
            content = get(key)
            if content is not None:
                token = get_token(request).encode()
                response = HttpResponse(content.replace(_CSRF_PLACEHOLDER, token))
                # As the page built afresh (which reads the session): it differs by cookie.
                patch_vary_headers(response, ("Cookie",))
                return response
            response = view(request, *args, **kwargs)
            if key is not None and response.status_code == 200 and not response.streaming:
                store(key, _CSRF_INPUT.sub(rb"\1" + _CSRF_PLACEHOLDER + rb"\2", response.content))
            return response

        return wrapper

    return decorator
