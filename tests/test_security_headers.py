"""The Content-Security-Policy and the other security headers on every page, and templates that
need no inline script, style or event handler. (The production settings' `check --deploy
--fail-level WARNING` is tests/test_settings.py's.)"""

import re
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from core.tests.factories import DEFAULT_PASSWORD, UserFactory
from events.tests.factories import EventFactory
from policies.tests.factories import PolicyFactory
from tests.authz.world import ADMIN, ANON, OFFICIAL_A, A, client_for, world_in_transaction
from tests.support.browser import sign_in

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# Executable inline script: a <script> element without src (JSON data blocks are not run).
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.IGNORECASE
)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=|<style[\s>]", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)

# Markup of libraries that the policy blocks, each harmless:
KNOWN_THIRD_PARTY = {
    # django-import-export's export page: its "select all" box has an inline handler; a
    # static script (static/js/admin_export.js) wires the box instead.
    "/admin/policies/policy/export/": INLINE_HANDLER,
}


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


# Templates -------------------------------------------------------------------------------


def project_templates() -> list[Path]:
    roots = [Path(settings.BASE_DIR) / "templates"]
    roots += [
        path / "templates"
        for path in Path(settings.BASE_DIR).iterdir()
        if (path / "templates").is_dir() and path.name not in (".venv", "templates")
    ]
    return sorted(file for root in roots for file in root.rglob("*.html"))


def test_templates_have_no_inline_script_style_or_event_handler():
    files = project_templates()
    assert len(files) > 40
    found = []
    for file in files:
        text = file.read_text(encoding="utf-8")
        for name, pattern in (
            ("inline <script>", INLINE_SCRIPT),
            ("on* event handler", INLINE_HANDLER),
            ("inline style", INLINE_STYLE),
            ("javascript: URL", JAVASCRIPT_URL),
        ):
            found += [
                f"{file.relative_to(settings.BASE_DIR)}: {name}" for _ in pattern.finditer(text)
            ]
    assert found == []


def test_the_scan_finds_what_it_looks_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert INLINE_SCRIPT.search('<script type="module">x()</script>')
    assert not INLINE_SCRIPT.search('<script src="/static/js/checkin.js" defer></script>')
    assert not INLINE_SCRIPT.search('<script id="d" type="application/json">{}</script>')
    assert INLINE_HANDLER.search('<button type="button" onclick="go()">')
    assert not INLINE_HANDLER.search('<button data-on="x" class="button">')
    assert INLINE_STYLE.search('<div style="overflow-x: auto">')
    assert JAVASCRIPT_URL.search('<a href="javascript:void(0)">')


# Every page ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The authorization matrix's objects: a returnee, officials, a volunteer and an admin."""
    with world_in_transaction(django_db_blocker) as built:
        yield built


def routes_without_arguments() -> list[str]:
    """Every route of the site (the admin and the API's JSON aside) that takes no argument."""
    routes = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if not route.startswith(("admin/", "api/v1/")):
                    walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and "<" not in route and "(" not in route:
                routes.append("/" + route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns)
    return routes


def shape(path: str) -> str:
    """Pages of one kind: the same path but for the numbers in it."""
    return re.sub(r"\d+", "N", path)


def crawl(client, starts: list[str], limit: int = 400) -> dict[str, object]:
    """GET every page reachable by links from `starts` (one page of each shape)."""
    queue, seen, pages = deque(starts), set(), {}
    while queue and len(pages) < limit:
        path = queue.popleft()
        if shape(path) in seen:
            continue
        seen.add(shape(path))
        response = client.get(path)
        pages[path] = response
        if response.status_code in (301, 302):
            queue.append(urlsplit(urljoin(path, response["Location"])).path)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for href in re.findall(r'href="([^"#]+)', response.content.decode()):
            target = urlsplit(urljoin(path, href.replace("&amp;", "&")))
            if target.netloc or target.path.startswith((settings.STATIC_URL, "/static/")):
                continue
            if target.path.endswith(("/logout/", "/delete/")) or "/unsubscribe/" in target.path:
                continue
            queue.append(target.path)
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize("actor", [ANON, A, OFFICIAL_A, ADMIN])
def test_every_page_sends_the_policy_and_runs_no_inline_script(world, actor):
    starts = (
        [*routes_without_arguments(), "/admin/"] if actor == ADMIN else routes_without_arguments()
    )
    pages = crawl(client_for(world, actor), starts)
    assert len(pages) > 30
    problems = []
    for path, response in pages.items():
        directives = csp_directives(response)
        if directives != POLICY:
            problems.append(f"{path}: policy {response.headers.get('Content-Security-Policy')}")
        if response.status_code >= 500:
            problems.append(f"{path}: status {response.status_code}")
        for source in ("'unsafe-inline'", "'unsafe-eval'"):
            if source in directives.get("script-src", []):
                problems.append(f"{path}: {source}")
        if "text/html" in response.get("Content-Type", ""):
            body = response.content.decode()
            for name, pattern in (("inline <script>", INLINE_SCRIPT), ("handler", INLINE_HANDLER)):
                if pattern.search(body) and KNOWN_THIRD_PARTY.get(path) is not pattern:
                    problems.append(f"{path}: {name}")
    assert problems == []
    if actor == ADMIN:
        visited = {shape(path) for path in pages}
        for expected in (
            "/admin/events/event/N/change/",
            "/admin/events/event/N/history/",
            "/admin/policies/policy/N/change/",
            "/admin/core/user/N/history/",
            "/admin/policies/policy/export/",
            "/api/docs/",
            "/events/N/",
        ):
            assert expected in visited, expected


@pytest.mark.django_db
def test_the_security_headers_are_sent(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=(self)" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert csp_directives(response) == POLICY


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/events/", "/api/v1/nowhere/", "/healthz/"])
def test_json_answers_and_errors_carry_the_headers_too(client, path):
    response = client.get(path)
    assert csp_directives(response) == POLICY
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_the_api_docs_load_their_start_up_script_from_a_file(client):
    page = client.get("/api/docs/")
    body = page.content.decode()
    assert page.status_code == 200
    assert not INLINE_SCRIPT.search(body)
    assert not INLINE_STYLE.search(body)
    assert '<script src="/api/docs/?script="></script>' in body
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


# In a browser ----------------------------------------------------------------------------


@pytest.fixture
def admin_and_objects(transactional_db):
    """Made before the browser starts: Playwright's event loop forbids the ORM in the test."""
    admin = UserFactory(email="admin@example.com", is_staff=True, is_superuser=True)
    return admin, EventFactory(), PolicyFactory()


@pytest.mark.browser
def test_pages_and_the_admin_run_in_a_browser_without_breaking_the_policy(
    admin_and_objects, page, live_server
):
    admin, event, policy = admin_and_objects
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    sign_in(page, live_server, admin.email, DEFAULT_PASSWORD)
    for path in (
        "/",
        "/events/",
        f"/events/{event.pk}/",
        f"/policies/{policy.pk}/",
        "/policies/compare/",
        "/admin/",
        f"/admin/events/event/{event.pk}/change/",
        f"/admin/policies/policy/{policy.pk}/change/",
        f"/admin/events/event/{event.pk}/history/",
        "/admin/django_celery_beat/periodictask/add/",
    ):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    # The API documentation draws its operations from its separate script.
    page.goto(live_server.url + "/api/docs/")
    page.wait_for_selector(".opblock", timeout=20_000)
    assert page.locator(".opblock").count() > 10
    # The admin's date pickers work.
    page.goto(f"{live_server.url}/admin/events/event/{event.pk}/change/")
    assert page.locator(".datetimeshortcuts").count() > 0
    # django-simple-history's history list gives its paginator a style attribute (a border
    # width); blocking it changes nothing that matters.
    cosmetic = [text for text in violations if "/history/" in text and "inline style" in text]
    assert len(cosmetic) <= 1
    assert [text for text in violations if text not in cosmetic] == []

    # The export page's inline handler is blocked (that report is expected); the static
    # script wires its "select all" box instead.
    page.goto(live_server.url + "/admin/policies/policy/export/")
    page.wait_for_load_state("networkidle")
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]')
    assert fields.count() > 3
    page.locator("input.select-toggle").uncheck()
    assert not any(fields.nth(n).is_checked() for n in range(fields.count()))
    page.locator("input.select-toggle").check()
    assert all(fields.nth(n).is_checked() for n in range(fields.count()))
