"""The generations of the public list cache, one sequence per app, and the triggers that
advance the core one when a transaction that wrote one of these tables commits (see
`core.listcache`)."""

from django.db import migrations

from core import listcache

APPS = ["core", "events", "policies", "startups", "talent", "search"]
TABLES = (
    "core_district",
    "core_sector",
    "core_industrialpark",
    "core_industrialpark_sectors",
    "core_organisation",
    "core_user",
)


def forwards(apps, schema_editor):
    listcache.create_generations(schema_editor, APPS)
    listcache.add_generation_triggers(schema_editor, "core", TABLES)


def backwards(apps, schema_editor):
    listcache.remove_generation_triggers(schema_editor, TABLES)
    listcache.drop_generations(schema_editor, APPS)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_user_erased_at"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
