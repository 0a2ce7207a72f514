"""Triggers that advance the search generation of the public list cache when a transaction
that wrote one of these tables commits (see `core.listcache`)."""

from django.db import migrations

from core import listcache

TABLES = (
    "search_synonymgroup",
)


def forwards(apps, schema_editor):
    listcache.add_generation_triggers(schema_editor, "search", TABLES)


def backwards(apps, schema_editor):
    listcache.remove_generation_triggers(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_list_generations"),
        ("search", "0002_synonym_groups"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
