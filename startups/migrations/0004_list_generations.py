"""Triggers that advance the startups generation of the public list cache when a transaction
that wrote one of these tables commits (see `core.listcache`)."""

from django.db import migrations

from core import listcache

TABLES = (
    "startups_startup",
    "startups_founder",
    "startups_opening",
    "startups_opening_skills",
)


def forwards(apps, schema_editor):
    listcache.add_generation_triggers(schema_editor, "startups", TABLES)


def backwards(apps, schema_editor):
    listcache.remove_generation_triggers(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_list_generations"),
        ("startups", "0003_name_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
