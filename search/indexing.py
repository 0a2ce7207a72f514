"""The database side of the search columns (`search.models.Searchable`), and the registry of
what `manage.py search_reindex` rebuilds.

On PostgreSQL one trigger function, `search_vector_update()`, turns a row's `search_a`,
`search_b` and `search_c` into its `search_vector` (the `english` configuration, weights A,
B and C) whenever a row is inserted (COPY included) or those columns are written; a GIN index
serves `search_vector @@ query`. An app's migration adds both to its table with
`add_search_trigger()` (which also keeps the planner from collecting statistics on the
vector, so that it always takes the index: see there). SQLite, for development, has
neither: its searches match words with `icontains`.

Each app registers, from its `AppConfig.ready()`, a function that rewrites the search words
of all its rows (`register("policies", reindex_all_policies)`), for when the words of the
dictionary or what a row's words are made of change.
"""

from collections.abc import Callable

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION search_vector_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english'::regconfig, coalesce(NEW.search_a, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(NEW.search_b, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, coalesce(NEW.search_c, '')), 'C');
    RETURN NEW;
END
$$;
"""
DROP_FUNCTION_SQL = "DROP FUNCTION IF EXISTS search_vector_update();"


def _is_postgresql(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


def create_function(apps, schema_editor) -> None:
    if _is_postgresql(schema_editor):
        schema_editor.execute(FUNCTION_SQL)


def drop_function(apps, schema_editor) -> None:
    if _is_postgresql(schema_editor):
        schema_editor.execute(DROP_FUNCTION_SQL)


def add_search_trigger(schema_editor, table: str) -> None:
    """The trigger that keeps `table.search_vector`, and its GIN index (PostgreSQL only)."""
    if not _is_postgresql(schema_editor):
        return
    quote = schema_editor.quote_name
    schema_editor.execute(
        f"CREATE TRIGGER {quote(table + '_search_vector')} "
        f"BEFORE INSERT OR UPDATE OF search_a, search_b, search_c ON {quote(table)} "
        "FOR EACH ROW EXECUTE FUNCTION search_vector_update()"
    )
    schema_editor.execute(
        f"CREATE INDEX {quote(table + '_search_gin')} ON {quote(table)} USING gin (search_vector)"
    )
    # PostgreSQL's planner prices `@@` like a cheap operator. With statistics on the column it
    # knows a common word (人才, talent) matches a third of the rows and then prefers to read
    # the whole table, testing every row's vector: several times slower than the index, whose
    # bitmap skips the rows that do not match. Without statistics it assumes a search matches
    # few rows and always takes the index (the faster plan for every search made here).
    schema_editor.execute(f"ALTER TABLE {quote(table)} ALTER COLUMN search_vector SET STATISTICS 0")


def remove_search_trigger(schema_editor, table: str) -> None:
    if not _is_postgresql(schema_editor):
        return
    quote = schema_editor.quote_name
    schema_editor.execute(f"DROP INDEX IF EXISTS {quote(table + '_search_gin')}")
    schema_editor.execute(
        f"DROP TRIGGER IF EXISTS {quote(table + '_search_vector')} ON {quote(table)}"
    )


# What `search_reindex` rebuilds -----------------------------------------------------------

Reindexer = Callable[[], int]
_reindexers: dict[str, Reindexer] = {}


def register(label: str, reindex: Reindexer) -> None:
    """`reindex()` rewrites the search words of every row of one kind; returns how many."""
    _reindexers[label] = reindex


def reindexers() -> dict[str, Reindexer]:
    return dict(_reindexers)
