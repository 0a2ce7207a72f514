"""Responses are compressed for clients that accept it; static files are served compressed
from files made at build time, with far-future caching."""

import gzip
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from policies.tests.factories import PolicyFactory


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/policies/", "/api/v1/policies/"])
def test_pages_and_json_are_gzipped_when_the_client_accepts_it(path):
    PolicyFactory.create_batch(5, status="published", published_at=timezone.now())
    plain = Client().get(path)
    assert plain.status_code == 200
    assert "Content-Encoding" not in plain.headers

    packed = Client().get(path, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed.status_code == 200
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    body = gzip.decompress(packed.content)
    assert len(packed.content) < len(body)
    if path.startswith("/api/"):
        assert json.loads(body)["count"] == json.loads(plain.content)["count"]
    else:
        assert body.decode().count("<main") == 1


def test_static_files_are_collected_with_hashed_names_and_gzipped_copies(tmp_path, settings):
    """What `collectstatic` makes in production (the image runs it): every file under a name
    with its content's hash, which WhiteNoise serves with far-future caching, and a gzipped
    copy it serves to clients that accept it."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    stylesheet = manifest["css/portal.css"]
    assert stylesheet != "css/portal.css"  # hashed
    assert (tmp_path / stylesheet).exists()
    assert (tmp_path / f"{stylesheet}.gz").exists()
    assert (
        gzip.decompress((tmp_path / f"{stylesheet}.gz").read_bytes())
        == (tmp_path / stylesheet).read_bytes()
    )
