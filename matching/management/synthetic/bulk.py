"""Fast writes for synthetic data on PostgreSQL: rows streamed with COPY, primary keys taken
from the table's sequence beforehand (so children can point at parents without reading
anything back), and a cascading delete in a few set-wise statements.

Rows bypass `save()`, signals and django-simple-history on purpose: the data is not the
work of any person, and at city scale one Python call per row would take hours.
"""

import datetime
import io
import json
import queue
import threading
from decimal import Decimal

from django.db import connection, models
from django.db.models.deletion import get_candidate_relations_to_delete
from django.utils import timezone

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value) -> str:
    return value.translate(_ESCAPES)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False).translate(_ESCAPES)


_FORMATS = {
    str: _text,
    int: str,
    float: repr,
    Decimal: str,
    bool: lambda value: "t" if value else "f",
    datetime.datetime: datetime.datetime.isoformat,
    datetime.date: datetime.date.isoformat,
    list: _json,
    dict: _json,
}


def copy_value(value) -> str:
    """One value in the text format of COPY."""
    if value is None:
        return "\\N"
    format_ = _FORMATS.get(type(value))
    if format_ is None:  # a subclass, such as a TextChoices member
        format_ = next(f for kind, f in _FORMATS.items() if isinstance(value, kind))
    return format_(value)


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` primary keys taken from the table's sequence, so rows can be written with
    their ids (and their children pointed at them) before anything is read back."""
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


class Table:
    """Rows for one table, sent with COPY by `flush()`.

    A row gives the `columns` named (model attribute names such as `user_id`, separated by
    spaces); every other column gets its field's default once for all (the time of the run
    for `auto_now` fields), so a column another app adds with a default needs no change
    here. The primary key is left to the database unless it is one of the `columns`.
    """

    def __init__(self, model: type[models.Model], columns: str):
        columns = columns.split()
        self.model = model
        self.written = 0
        self._rows: list[str] = []
        now = timezone.now()
        by_attname = {field.attname: field for field in model._meta.concrete_fields}
        unknown = set(columns) - set(by_attname)
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {sorted(unknown)}")
        self._names = [by_attname[name].column for name in columns]
        constants = []
        for field in model._meta.concrete_fields:
            if field.attname in columns or field.primary_key:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            else:
                value = field.get_default()
            self._names.append(field.column)
            constants.append(copy_value(value))
        self._tail = "".join("\t" + value for value in constants)
        quoted = ", ".join(connection.ops.quote_name(name) for name in self._names)
        self._sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({quoted}) FROM STDIN"

    def add(self, *values) -> None:
        self._rows.append("\t".join(map(copy_value, values)) + self._tail)

    def __len__(self) -> int:
        return len(self._rows)

    def flush(self, sender: "Sender") -> None:
        if not self._rows:
            return
        sender.send(self._sql, "\n".join(self._rows) + "\n")
        self.written += len(self._rows)
        self._rows = []


class Sender:
    """Sends COPY batches from a second thread, so that the next batch is made while the
    database takes in the last one (each keeps one of two cores busy). Batches go in the
    order given, on the connection (and so in the transaction) of the thread that opened
    the sender. `wait()` returns when all are in, and raises the first error of any."""

    def __init__(self):
        self._raw = connection.connection
        self._queue: queue.Queue = queue.Queue(maxsize=4)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="copy-sender", daemon=True)

    def __enter__(self) -> "Sender":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._queue.put(None)
        self._thread.join()

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is None:
                sql, text = item
                try:
                    with self._raw.cursor() as cursor:
                        cursor.copy_expert(sql, io.StringIO(text))
                except BaseException as error:  # noqa: BLE001 - raised again by the caller
                    self._error = error
            self._queue.task_done()

    def _raise(self) -> None:
        if self._error is not None:
            with connection.wrap_database_errors:  # as Django's own errors, IntegrityError...
                raise self._error

    def send(self, sql: str, text: str) -> None:
        self._raise()
        self._queue.put((sql, text))

    def wait(self) -> None:
        self._queue.join()
        self._raise()


class Tables:
    """The tables of one kind of record and its children, sent together whenever
    `batch_size` parent rows wait, parents first (so foreign keys checked at once find
    their rows). The first table made is the parent."""

    def __init__(self, batch_size: int, sender: Sender):
        self.batch_size = batch_size
        self.sender = sender
        self._tables: list[Table] = []

    def table(self, model: type[models.Model], columns: str) -> Table:
        table = Table(model, columns)
        self._tables.append(table)
        return table

    def through(self, field: models.ManyToManyField) -> Table:
        """The table of a many-to-many field: rows of (owner id, related id)."""
        through = field.remote_field.through
        owner = through._meta.get_field(field.m2m_field_name()).attname
        related = through._meta.get_field(field.m2m_reverse_field_name()).attname
        return self.table(through, f"{owner} {related}")

    def row_done(self) -> bool:
        """Call after each parent row with its children; sends a batch when one is full.
        Returns whether it did."""
        if self._tables and len(self._tables[0]) >= self.batch_size:
            self.flush()
            return True
        return False

    def flush(self) -> None:
        for table in self._tables:
            table.flush(self.sender)

    def finish(self) -> None:
        """Send what is left and wait until the database has it all."""
        self.flush()
        self.sender.wait()

    @property
    def written(self) -> dict[str, int]:
        return {table.model._meta.label: table.written for table in self._tables}


def analyze(models_: list[type[models.Model]]) -> None:
    """Fresh planner statistics: the engine's queries on millions of new rows need them."""
    tables = {model._meta.db_table for model in models_}
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def purge(queryset: models.QuerySet, _depth: int = 0) -> int:
    """Delete the rows of `queryset` and, as `on_delete` says, everything that points at
    them, with one statement per related table (Django's `delete()` would load every row
    and, for models with history, write a historical row for each). Historical rows of the
    deleted objects go too. Returns how many rows of `queryset` were deleted."""
    if _depth > 20:
        raise RuntimeError("Relations nest too deeply to delete.")
    model = queryset.model
    keys = queryset.values("pk")
    for relation in get_candidate_relations_to_delete(model._meta):
        field = relation.field
        related = relation.related_model._base_manager.filter(**{f"{field.name}__in": keys})
        on_delete = field.remote_field.on_delete
        if on_delete is models.CASCADE:
            purge(related, _depth + 1)
        elif on_delete is models.SET_NULL:
            related.update(**{field.name: None})
        elif on_delete is models.PROTECT or on_delete is models.RESTRICT:
            if related.exists():
                raise models.ProtectedError(
                    f"{relation.related_model.__name__} rows still point at the rows to delete.",
                    set(),
                )
        elif on_delete is not models.DO_NOTHING:
            raise NotImplementedError(f"on_delete={on_delete.__name__} of {field}")
    history = getattr(model._meta, "simple_history_manager_attribute", None)
    if history:
        historical = getattr(model, history).model
        purge(
            historical._base_manager.filter(**{f"{model._meta.pk.attname}__in": keys}), _depth + 1
        )
    sql, params = keys.query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({sql})", params)
        return cursor.rowcount


def unreferenced(queryset: models.QuerySet) -> models.QuerySet:
    """The rows of `queryset` that no row of any table points at."""
    for relation in get_candidate_relations_to_delete(queryset.model._meta):
        field = relation.field
        pointing = relation.related_model._base_manager.filter(**{f"{field.name}__isnull": False})
        queryset = queryset.exclude(pk__in=pointing.values(field.attname))
    return queryset
