"""A fingerprint of every row of the project's tables, to tell that a request changed
nothing. Django's own tables (sessions, admin log), the sign-in lockout's and the change
history's are left out: they record the request, not the data."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection


def watched_apps() -> list[str]:
    """The project's own apps (those in its folder), and the API tokens."""
    root = Path(settings.BASE_DIR).resolve()
    own = [
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(root)
        and ".venv" not in Path(config.path).parts
    ]
    return [*own, "authtoken"]


def _is_history(model) -> bool:
    return any(field.name == "history_id" for field in model._meta.fields)


def watched_tables() -> list[str]:
    tables = []
    for label in watched_apps():
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if not _is_history(model) and model._meta.db_table not in tables:
                tables.append(model._meta.db_table)
    return sorted(tables)


def fingerprint() -> dict[str, str]:
    """Table name -> a hash of all its rows."""
    quote = connection.ops.quote_name
    parts = [
        f"SELECT '{table}', md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
        f"FROM {quote(table)} t"
        for table in watched_tables()
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return dict(cursor.fetchall())


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(table for table in before if before[table] != after.get(table))
