"""Triggers that advance the policies generation of the public list cache when a transaction
that wrote one of these tables commits (see `core.listcache`)."""

from django.db import migrations

from core import listcache

TABLES = (
    "policies_policy",
    "policies_policy_sectors",
    "policies_criterion",
    "policies_criterion_sectors",
    "policies_policyversion",
)


def forwards(apps, schema_editor):
    listcache.add_generation_triggers(schema_editor, "policies", TABLES)


def backwards(apps, schema_editor):
    listcache.remove_generation_triggers(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_list_generations"),
        ("policies", "0006_published_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
