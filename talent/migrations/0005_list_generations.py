"""Triggers that advance the talent generation of the public list cache when a transaction
that wrote one of these tables commits (see `core.listcache`)."""

from django.db import migrations

from core import listcache

TABLES = (
    "talent_skill",
    "talent_institution",
    "talent_employer",
    "talent_returneeprofile",
    "talent_returneeprofile_sectors",
    "talent_returneeprofile_skills",
    "talent_education",
    "talent_workexperience",
    "talent_advisorprofile",
    "talent_advisorprofile_sectors",
    "talent_advisorprofile_districts",
    "talent_consultation",
)


def forwards(apps, schema_editor):
    listcache.add_generation_triggers(schema_editor, "talent", TABLES)


def backwards(apps, schema_editor):
    listcache.remove_generation_triggers(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_list_generations"),
        ("talent", "0004_directory_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
