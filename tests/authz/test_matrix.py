"""The authorization matrix: every API operation and every page, requested by every actor
of the world (see `world.py`), answers the status code its case expects, shows no actor data
that is not theirs to see, and, when refused, changes nothing. The case format is described
in `cases.py`.

The matrix must be complete: an API operation of the OpenAPI schema or a URL name without a
case fails `test_every_endpoint_has_a_case`, so a new endpoint comes with its expectations."""

import json
import re

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from .cases import all_cases
from .snapshot import changed_tables, fingerprint
from .world import ACTORS, MARKERS, client_for, leaked_markers

CASES = all_cases()

# Public documentation, left out of the matrix on purpose.
EXCLUDED_NAMES = {"api-schema", "api-docs"}


def _request(case, world, actor: str):
    client = client_for(world, actor)
    path = case.path(world)
    body = case.body(world)
    headers = dict(case.headers)
    if case.is_api:
        content = "" if body is None else json.dumps(body)
        return client.generic(
            case.method, path, content, content_type="application/json", headers=headers
        )
    if case.method == "GET":
        return client.get(path, headers=headers)
    assert case.method == "POST", "pages take GET and POST only"
    return client.post(path, body or {}, headers=headers)


def _text(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8", errors="replace") + "\n" + response.get("Location", "")


@pytest.fixture(scope="module")
def untouched(world, django_db_blocker):
    """The fingerprint of the world as built: every request starts from it."""
    with django_db_blocker.unblock():
        return fingerprint()


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_authorization(case, world, untouched, db):
    failures = []
    for actor in ACTORS:
        with transaction.atomic():
            watch = not case.may_change(actor)
            response = _request(case, world, actor)
            text = _text(response)
            if response.status_code not in case.expected(actor):
                failures.append(
                    f"{actor}: {response.status_code}, expected {case.expect[actor]}: "
                    f"{text[:300]!r}"
                )
            leaks = leaked_markers(actor, text)
            if leaks:
                failures.append(f"{actor}: sees {leaks}")
            missing = [marker for marker in case.shown(actor) if marker not in text]
            if missing:
                failures.append(f"{actor}: does not see {missing}")
            found = [marker for marker in case.hidden(world) if marker in text]
            if found:
                failures.append(f"{actor}: finds {found}")
            if watch:
                changed = changed_tables(untouched, fingerprint())
                if changed:
                    failures.append(f"{actor}: changed {changed}")
            transaction.set_rollback(True)
    assert not failures, f"{case.id}\n" + "\n".join(failures)


# Completeness ----------------------------------------------------------------------------


def _schema_operations() -> set[tuple[str, str]]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (path, method.upper())
        for path, operations in schema["paths"].items()
        for method in operations
        if method.upper() in {"GET", "POST", "PUT", "PATCH", "DELETE"}
    }


def _url_names(patterns=None, namespace: str = "") -> set[str]:
    names = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            if inner == "admin":
                continue
            prefix = f"{namespace}:{inner}" if namespace and inner else namespace or inner
            names |= _url_names(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name not in EXCLUDED_NAMES:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def _url_name(url: str) -> str:
    """The URL name of an API path as the schema names it, or the URL name itself."""
    if not url.startswith("/"):
        return url
    return resolve(re.sub(r"\{[^}]+\}", "1", url)).view_name


def test_every_marker_is_seen_by_someone():
    """A marker no case shows might not be in the world at all, and would find no leak."""
    shown = {text for case in CASES for texts in case.shows.values() for text in texts}
    assert sorted(set(MARKERS) - shown) == []


def test_every_endpoint_has_a_case():
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)), "Give cases of one method and address each a `name`."
    operations = _schema_operations()
    covered = {(case.url, case.method) for case in CASES if case.is_api_path}
    missing = sorted(f"{method} {path}" for path, method in operations - covered)
    assert not missing, f"API operations without a case in tests/authz/cases_*.py: {missing}"
    unknown = sorted(f"{method} {path}" for path, method in covered - operations)
    assert not unknown, f"Cases for operations the API does not have: {unknown}"

    names = _url_names()
    case_names = {_url_name(case.url) for case in CASES}
    missing_names = sorted(names - case_names)
    assert not missing_names, f"URL names without a case in tests/authz/cases_*.py: {missing_names}"
    unknown_names = sorted(name for name in case_names - names if not name.startswith("admin:"))
    assert not unknown_names, f"Cases for URL names that do not exist: {unknown_names}"
