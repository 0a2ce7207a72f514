"""Search indexes on PostgreSQL: the pg_trgm extension, trigram GIN indexes under the
Chinese texts (which `icontains` matches, as UPPER(column) LIKE ...), and a GIN index on the
stemmed English document `policies.search.english_vector()` builds (the same expression,
so the planner can use it). SQLite, used only in development, gets none of them."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models.functions import Upper

TRIGRAM_FIELDS = ["title_zh", "summary_zh", "body_zh"]


def _indexes():
    english = (
        SearchVector("title_en", config="english", weight="A")
        + SearchVector("summary_en", config="english", weight="B")
        + SearchVector("body_en", "benefits_en", "authority_en", config="english", weight="C")
    )
    indexes = [GinIndex(english, name="policies_policy_english_fts")]
    indexes += [
        GinIndex(OpClass(Upper(field), name="gin_trgm_ops"), name=f"policies_{field}_trgm")
        for field in TRIGRAM_FIELDS
    ]
    return indexes


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Policy = apps.get_model("policies", "Policy")
    for index in _indexes():
        schema_editor.add_index(Policy, index)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Policy = apps.get_model("policies", "Policy")
    for index in _indexes():
        schema_editor.remove_index(Policy, index)


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
