"""Every interface string has a Simplified Chinese translation, compiled and in use."""

import gettext
import os
import shutil
import subprocess
import sys

from django.conf import settings
from django.utils import translation

PO = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_string_is_translated_and_the_committed_catalogue_is_current(tmp_path):
    fresh = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(fresh), str(PO)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "translated messages" in result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr
    with fresh.open("rb") as new, PO.with_suffix(".mo").open("rb") as committed:
        assert gettext.GNUTranslations(new)._catalog == gettext.GNUTranslations(committed)._catalog


def test_the_catalogue_is_used():
    with translation.override("zh-hans"):
        assert translation.gettext("Sign in") == "登录"
        assert translation.gettext("Returnee Portal") == "海归人才服务平台"


def test_no_interface_string_is_missing_from_the_catalogue(tmp_path):
    """Extract the strings afresh (in a copy of the sources) and find each translated: a new
    string nobody extracted fails here, not only a catalogue left half done."""
    root = settings.BASE_DIR
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "migrations")
    for name in (
        "manage.py",
        "returnee_portal",
        "core",
        "search",
        "talent",
        "startups",
        "events",
        "policies",
        "matching",
    ):
        source = root / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=ignore)
        else:
            shutil.copy(source, tmp_path / name)
    for name in ("templates", "locale", "static"):
        shutil.copytree(root / name, tmp_path / name)
    env = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG")}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "zh_Hans", "--no-obsolete"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    fresh = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-wrap", str(fresh)], capture_output=True, text=True
    ).stdout
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-wrap", str(fresh)], capture_output=True, text=True
    ).stdout
    missing = [line for line in (untranslated + fuzzy).splitlines() if line.startswith("msgid ")]
    assert [line for line in missing if line != 'msgid ""'] == []
