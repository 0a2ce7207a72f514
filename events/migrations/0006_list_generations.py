"""Triggers that advance the events generation of the public list cache when a transaction
that wrote one of these tables commits (see `core.listcache`)."""

from django.db import migrations

from core import listcache

TABLES = (
    "events_event",
    "events_event_sectors",
    "events_speaker",
    "events_agendasession",
    "events_agendasession_speakers",
)


def forwards(apps, schema_editor):
    listcache.add_generation_triggers(schema_editor, "events", TABLES)


def backwards(apps, schema_editor):
    listcache.remove_generation_triggers(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_list_generations"),
        ("events", "0005_seat_counters"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
