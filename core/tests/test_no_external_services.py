"""PIPL: no personal data leaves the deployment. Pages load no script, style, font or image
from another site (which would tell that site who visits what), and the code calls no
outside service; e-mail goes through the deployment's own mail server (EMAIL_URL).

Links to other sites in content (official government pages, a startup's website) are
fine: the browser only goes there when the person follows them."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
APPS = ["core", "talent", "startups", "events", "policies", "matching", "returnee_portal"]

# A tag that makes the browser fetch something by itself, pointing at another host.
EXTERNAL_FETCH = re.compile(
    r"<(?:script|link|img|source|iframe|embed|video|audio|object|track|image|use)\b[^>]*?"
    r"\b(?:src|href|srcset|data|poster|xlink:href)\s*=\s*[\"']?\s*(?:https?:)?//",
    re.IGNORECASE | re.DOTALL,
)
EXTERNAL_CSS = re.compile(r"(?:url\(\s*[\"']?|@import\s+[\"']?)\s*(?:https?:)?//", re.IGNORECASE)
EXTERNAL_JS = re.compile(r"[\"'`](?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.IGNORECASE)
# Python modules that would reach another server over HTTP.
OUTBOUND_PYTHON = re.compile(
    r"^\s*(?:import|from)\s+(?:requests|httpx|aiohttp|urllib3|urllib\.request|http\.client)\b",
    re.MULTILINE,
)


def _project_files(pattern: str) -> list[Path]:
    roots = [ROOT / "templates", ROOT / "static"] + [ROOT / app for app in APPS]
    found = []
    for root in roots:
        found += [p for p in root.rglob(pattern) if ".venv" not in p.parts]
    return sorted(set(found))


def _offending(paths: list[Path], regex: re.Pattern) -> list[str]:
    hits = []
    for path in paths:
        for match in regex.finditer(path.read_text(encoding="utf-8")):
            hits.append(f"{path.relative_to(ROOT)}: {match.group(0)[:120]}")
    return hits


def test_templates_fetch_nothing_from_other_sites():
    templates = _project_files("*.html")
    assert templates, "no templates found"
    assert _offending(templates, EXTERNAL_FETCH) == []


def test_stylesheets_and_scripts_fetch_nothing_from_other_sites():
    assert _offending(_project_files("*.css"), EXTERNAL_CSS) == []
    assert _offending(_project_files("*.js"), EXTERNAL_JS) == []


def test_the_code_calls_no_outside_service():
    sources = [p for p in _project_files("*.py") if "tests" not in p.parts]
    assert _offending(sources, OUTBOUND_PYTHON) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        reverse("core:home"),
        reverse("core:privacy_notice"),
        reverse("core:login"),
        reverse("talent:directory"),
        reverse("api-docs"),
        reverse("admin:login"),
    ],
)
def test_rendered_pages_fetch_nothing_from_other_sites(url):
    """Including pages whose templates come from libraries (Swagger UI, the admin)."""
    response = Client().get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert EXTERNAL_FETCH.findall(html) == []
    assert EXTERNAL_CSS.findall(html) == []


def test_the_email_goes_through_the_deployment_s_own_server():
    """Nothing but Django's own SMTP (or console, file, memory) backends sends mail."""
    assert settings.EMAIL_BACKEND.startswith("django.core.mail.backends.")
