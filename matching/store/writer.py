"""Writing a run's matches: fingerprints, the writer that leaves unchanged rows alone and
upserts the rest through COPY, retiring what a run no longer finds, the bulk load of a first
run, and the openings' stored features."""

import hashlib
import io
from contextlib import contextmanager

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from ..features import int_rows
from ..models import KIND_COLUMNS, Match, OpeningFeature

ID_COLUMNS = ["returnee_id", "startup_id", "opening_id", "advisor_id", "policy_id", "event_id"]
REASON_BATCH = 200_000  # pairs explained at once
ROWS = "matching_run_rows"
KEY_SHIFT = 32  # a row's key: subject id << 32 | target id


def _plain(values) -> list:
    return values.tolist() if isinstance(values, np.ndarray) else list(values)


def _escape(text: str) -> str:
    """A value for COPY's text format (JSON escapes tabs and newlines itself)."""
    return text.replace("\\", "\\\\") if "\\" in text else text


def text_hash(text: str) -> int:
    """64 bits of the md5 of a text, as a signed integer."""
    return int.from_bytes(
        hashlib.md5(text.encode(), usedforsecurity=False).digest()[:8], "little", signed=True
    )


MIX = np.uint64(0x9E3779B97F4A7C15)


def _with_district(fingerprints: np.ndarray, district_ids: np.ndarray) -> np.ndarray:
    """Fold the district into fingerprints (wrapping 64-bit arithmetic), as signed ints."""
    districts = (np.asarray(district_ids, dtype=np.int64) + 2).astype(np.uint64)
    with np.errstate(over="ignore"):
        mixed = np.asarray(fingerprints, dtype=np.int64).view(np.uint64) ^ (districts * MIX)
    return mixed.view(np.int64)


class _Loaded:
    """The current rows of one kind: ids, keys (subject << 32 | target), fingerprints and
    scores (in 1/10000ths), sorted by key."""

    def __init__(self, rows: np.ndarray):
        keys = (rows[:, 1] << KEY_SHIFT) | rows[:, 2]
        order = np.argsort(keys, kind="stable")
        self.ids, self.keys = rows[order, 0], keys[order]
        self.fingerprints, self.scores = rows[order, 3], rows[order, 4]
        self.seen = np.zeros(len(order), dtype=bool)


class MatchWriter:
    """Writes a run's rows batch by batch; see the module docstring."""

    def __init__(self, batch_size: int = 100_000):
        self.batch_size = batch_size
        self.lines: list[str] = []
        self.written = 0  # rows inserted or changed
        self.unchanged = 0  # rows found as they were (not even sent)
        self.loaded: dict[str, list[_Loaded]] = {}
        self.now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {ROWS} (kind varchar(20),"
                " returnee_id bigint, startup_id bigint, opening_id bigint, advisor_id bigint,"
                " policy_id bigint, event_id bigint, district_id bigint,"
                " score double precision, fingerprint bigint, reasons text)"
            )  # left empty by every flush (or by the rollback of a failed one)

    def load(self, kinds: list[str], subject_ids=None) -> int:
        """Read the current, undismissed rows of `kinds` (of `subject_ids`, which the kinds
        must then share the subject column of; or all), so that `add` skips the unchanged
        and `retire` finds the vanished; returns how many."""
        kinds = list(kinds)
        side = {
            position: (
                "CASE kind "
                + " ".join(
                    f"WHEN '{kind}' THEN {KIND_COLUMNS[kind][position]}_id" for kind in kinds
                )
                + " END"
            )
            for position in (0, 1)
        }
        which = "CASE kind " + " ".join(f"WHEN '{k}' THEN {i}" for i, k in enumerate(kinds))
        condition, params = "", [kinds]
        if subject_ids is not None:
            (subject,) = {KIND_COLUMNS[kind][0] for kind in kinds}
            condition = f" AND {subject}_id = ANY(%s)"
            params.append([int(value) for value in subject_ids])
        rows = int_rows(
            f"SELECT {which} END, id, {side[0]}, {side[1]}, fingerprint,"
            f" round(score * 10000)::bigint FROM {Match._meta.db_table}"
            f" WHERE kind = ANY(%s) AND is_current AND dismissed_at IS NULL{condition}",
            params,
            columns=6,
        )
        for index, kind in enumerate(kinds):
            loaded = _Loaded(rows[rows[:, 0] == index, 1:])
            self.loaded.setdefault(kind, []).append(loaded)
        return len(rows)

    def add(
        self,
        kind: str,
        subject_ids,
        target_ids,
        district_ids,
        scores,
        fingerprints=None,
        texts=None,
    ) -> None:
        """Rows of one kind, as parallel arrays: subject and target ids, district ids (-1:
        none), scores, fingerprints of their reasons (None: hashed from `texts`) and `texts`,
        the JSON of their reasons, or a function giving the texts of the rows at given
        positions (called only for rows that are new or changed)."""
        subject_ids = np.asarray(subject_ids, dtype=np.int64)
        target_ids = np.asarray(target_ids, dtype=np.int64)
        district_ids = np.asarray(
            [-1 if value is None else value for value in _plain(district_ids)], dtype=np.int64
        )
        scores = np.asarray(scores, dtype=np.float64)
        if fingerprints is None:
            fingerprints = np.array([text_hash(text) for text in texts], dtype=np.int64)
        fingerprints = _with_district(fingerprints, district_ids)
        changed = np.ones(len(subject_ids), dtype=bool)
        keys = (subject_ids << KEY_SHIFT) | target_ids
        points = np.rint(scores * 10000).astype(np.int64)
        for loaded in self.loaded.get(kind, []):
            if not len(loaded.keys):
                continue
            position = np.clip(np.searchsorted(loaded.keys, keys), 0, len(loaded.keys) - 1)
            found = loaded.keys[position] == keys
            loaded.seen[position[found]] = True
            same = (loaded.fingerprints[position] == fingerprints) & (
                loaded.scores[position] == points
            )
            changed &= ~(found & same)
        pick = np.flatnonzero(changed)
        self.unchanged += len(subject_ids) - len(pick)
        if not len(pick):
            return
        chosen = texts(pick) if callable(texts) else [texts[i] for i in pick.tolist()]
        subject, target = KIND_COLUMNS[kind]
        slots = []
        for column in ID_COLUMNS:
            slots.append(
                "{0}" if column == f"{subject}_id" else "{1}" if column == f"{target}_id" else "\\N"
            )
        template = kind + "\t" + "\t".join(slots) + "\t{2}\t{3!r}\t{4}\t{5}\n"
        self.lines.extend(
            template.format(s, t, "\\N" if d < 0 else d, score, fingerprint, _escape(text))
            for s, t, d, score, fingerprint, text in zip(
                subject_ids[pick].tolist(),
                target_ids[pick].tolist(),
                district_ids[pick].tolist(),
                scores[pick].tolist(),
                fingerprints[pick].tolist(),
                chosen,
                strict=True,
            )
        )
        if len(self.lines) >= self.batch_size:
            self.flush()

    def flush(self) -> int:
        """Write the buffered rows; returns how many were inserted or changed."""
        if not self.lines:
            return 0
        payload = io.StringIO("".join(self.lines))
        self.lines = []
        table = Match._meta.db_table
        columns = ", ".join(["kind", *ID_COLUMNS])
        with connection.cursor() as cursor:
            cursor.copy_expert(f"COPY {ROWS} FROM STDIN", payload)
            cursor.execute(
                f"INSERT INTO {table} ({columns}, district_id, score, fingerprint, reasons,"
                f" is_current, created_at, updated_at, action)"
                f" SELECT {columns}, district_id, score, fingerprint, reasons::jsonb, true,"
                f" %s, %s, '' FROM {ROWS}"
                f" ON CONFLICT ({columns}) DO UPDATE SET score = EXCLUDED.score,"
                f" fingerprint = EXCLUDED.fingerprint, reasons = EXCLUDED.reasons,"
                f" district_id = EXCLUDED.district_id, is_current = true,"
                f" updated_at = EXCLUDED.updated_at"
                f" WHERE {table}.dismissed_at IS NULL AND (NOT {table}.is_current"
                f" OR {table}.score <> EXCLUDED.score"
                f" OR {table}.fingerprint <> EXCLUDED.fingerprint)",
                [self.now, self.now],
            )
            changed = cursor.rowcount
            cursor.execute(f"TRUNCATE {ROWS}")
        self.written += changed
        return changed

    def retire(self) -> int:
        """Mark the loaded rows this run did not find as no longer current; returns how
        many."""
        self.flush()
        parts = [loaded.ids[~loaded.seen] for group in self.loaded.values() for loaded in group]
        ids = np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
        with connection.cursor() as cursor:
            for start in range(0, len(ids), 100_000):
                cursor.execute(
                    f"UPDATE {Match._meta.db_table} SET is_current = false, updated_at = %s"
                    f" WHERE id = ANY(%s) AND dismissed_at IS NULL",
                    [self.now, ids[start : start + 100_000].tolist()],
                )
        self.loaded = {}
        return len(ids)


@contextmanager
def bulk_load():
    """For a run that writes most of the table (the first run over a city): in one
    transaction, the table's secondary indexes and foreign keys are dropped while the rows
    go in and made again at the end, each in one pass (as pg_restore does), which is many
    times faster than keeping them up to date row by row. The primary key and the unique key
    the upsert relies on stay. The table is locked meanwhile; if anything fails, all of it
    rolls back."""
    table = Match._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
            " JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass"
            " AND NOT x.indisprimary"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
            [table],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        foreign_keys = cursor.fetchall()
        for name, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        yield
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def opening_features_replace(rows: list[tuple[int, int, str, float]], opening_ids=None) -> int:
    """Replace the stored features (opening id, sector id, code, weight) of the given
    openings, or of all openings when `opening_ids` is None."""
    table = OpeningFeature._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if opening_ids is None:
            # Fire the deferred foreign key checks first: TRUNCATE refuses to run past them.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {table}")
        else:
            cursor.execute(
                f"DELETE FROM {table} WHERE opening_id = ANY(%s)", [list(map(int, opening_ids))]
            )
        if rows:
            payload = io.StringIO(
                "".join(
                    f"{opening}\t{sector}\t{_escape(code)}\t{weight!r}\n"
                    for opening, sector, code, weight in rows
                )
            )
            cursor.copy_expert(
                f"COPY {table} (opening_id, sector_id, code, weight) FROM STDIN", payload
            )
    return len(rows)
