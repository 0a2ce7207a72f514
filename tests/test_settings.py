"""Settings come from the environment: each case starts a fresh process with its own."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k8$Zq2!vR9@wL4#pT7^mN1&xC6*bF3(hJ0)yD5-gS8+eA2=uK7_oP4~iW9%tQ1xx",
    "ALLOWED_HOSTS": "portal.example.com",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
}


def python(*args, env):
    clean = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG")}
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def manage(*args, env):
    return python("manage.py", *args, env=env)


def show(expression: str, env: dict) -> str:
    """Start a process with `env` as its whole environment and print a setting."""
    code = (
        "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
        f"'returnee_portal.settings'); django.setup(); from django.conf import settings; "
        f"print({expression})"
    )
    result = python("-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_with_no_environment_it_runs_on_a_sqlite_file_with_immediate_transactions():
    assert show("settings.DATABASES['default']['ENGINE']", env={}) == "django.db.backends.sqlite3"
    assert (
        show("settings.DATABASES['default']['OPTIONS']['transaction_mode']", env={}) == "IMMEDIATE"
    )
    assert show("settings.CELERY_BROKER_URL", env={}) == "redis://localhost:6379/0"
    assert show("settings.DEBUG", env={}) == "True"


def test_database_url_selects_postgresql():
    engine = show(
        "settings.DATABASES['default']['ENGINE']",
        env={"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres"},
    )
    assert engine == "django.db.backends.postgresql"


@pytest.mark.parametrize("secret_key", ["", "too-short"])
def test_production_refuses_to_start_without_a_real_secret_key(secret_key):
    result = manage("check", env={**PRODUCTION, "SECRET_KEY": secret_key})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_the_deployment_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert show("settings.SECURE_SSL_REDIRECT", env=PRODUCTION) == "True"


def test_the_https_redirect_can_be_turned_off_for_a_run_on_loopback():
    env = {**PRODUCTION, "SECURE_SSL_REDIRECT": "false"}
    assert show("settings.SECURE_SSL_REDIRECT", env=env) == "False"


def test_rate_limits_and_the_lockout_switch_off_together():
    env = {"RATE_LIMITS_ENABLED": "false", "THROTTLE_SIGNUP": "99/hour"}
    assert (
        show("(settings.RATE_LIMITS_ENABLED, settings.AXES_ENABLED)", env=env) == "(False, False)"
    )
    assert show("settings.THROTTLE_RATES['signup']", env=env) == "99/hour"


def test_email_comes_from_one_url():
    env = {"EMAIL_URL": "smtp+tls://mailer:secret@mail.example.com:587"}
    assert show("(settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS)", env=env) == (
        "('mail.example.com', 587, True)"
    )


def test_the_openapi_schema_is_valid_and_generates_without_warnings(tmp_path):
    result = manage(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yml"),
        env={},
    )
    assert result.returncode == 0, result.stdout + result.stderr
