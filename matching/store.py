"""Writing the matches a run found, in bulk, without losing what people did with them and
without rewriting what did not change.

Before a run writes a kind, `MatchWriter.load` reads the key, score and fingerprint (a
64-bit hash of reasons and district) of every current, undismissed row of it (of the
re-matched subjects, or all). Rows the run finds with the same score and fingerprint are left
alone, and their reasons are not even written out; new and changed rows go by COPY into a
temporary table and then into `matching_match` with one `INSERT ... ON CONFLICT DO UPDATE` on
the unique key (kind, subject, target), so a match found again keeps its id, creation time,
notification, dismissal and action. `retire` then marks the loaded rows the run did not find
as no longer current. A dismissed match is never touched: it stays hidden whatever later runs
find. `bulk_load` makes the first run over a city fast (see there).

`Reasons` turns kept pairs (their shared features and weights) into scores, fingerprints
and the JSON text of their reasons, many pairs at once with numpy.
"""

import hashlib
import io
import json
from contextlib import contextmanager

import numpy as np
import scipy.sparse as sp
from django.db import connection, transaction
from django.utils import timezone

from . import features
from .choices import MatchKind
from .features import CAPACITY, Entities, Vocabulary, int_rows
from .models import KIND_COLUMNS, Match, OpeningFeature
from .scoring import REASON_CODES, explain

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


# Explaining and writing kept pairs ---------------------------------------------------------

_weight_texts: dict[bool, np.ndarray] = {}


def _weight_text(last: bool) -> np.ndarray:
    """The text ending a reason of each weight in 1/10000ths (and, for the last, the list)."""
    if last not in _weight_texts:
        end = "}]" if last else "}"
        _weight_texts[last] = np.array(
            [f"{value / 10000!r}{end}" for value in range(10001)], dtype=object
        )
    return _weight_texts[last]


class Reasons:
    """The reasons of many matches at once: a row of `shared` (pairs x features, the weight
    of each shared feature) gives a score, a fingerprint, and the text
    `[{"code": ..., "params": {...}, "weight": ...}, ...]`, heaviest first. Each weight is
    rounded to four places and the score is the sum of the rounded weights, so the reasons
    add up to the score.

    `names` maps feature columns to what the reason names (see `features.names`); the names
    of other columns are read when a reason first needs them."""

    def __init__(self, vocabulary: Vocabulary, names: dict[int, object]):
        self.vocabulary = vocabulary
        self.names = names
        self.size = vocabulary.size
        self.capacity_column = vocabulary.offset[CAPACITY]
        # Fragments (a reason up to its weight) are made when first needed: a column's,
        # then the same "where you live" for district columns, then capacity ones.
        self.fragments: list[str | None] = [None] * (2 * self.size)
        self.hashes = np.zeros(2 * self.size, dtype=np.int64)
        self.capacity: dict[tuple[int, int], int] = {}
        self.district_key = np.full(vocabulary.size, -1, dtype=np.int64)
        start = vocabulary.offset["district"]
        keys = vocabulary.keys["district"]
        self.district_key[start : start + len(keys)] = keys

    def _make(self, fragment: int) -> None:
        column, home = fragment % self.size, fragment >= self.size
        group = self.vocabulary.group(column)
        code = "district_home" if home and group == "district" else REASON_CODES[group]
        params = json.dumps({"name": self.names.get(column, "")}, ensure_ascii=False)
        text = f'{{"code": "{code}", "params": {params}, "weight": '
        self.fragments[fragment] = text
        self.hashes[fragment] = text_hash(text)

    def _ensure(self, fragments: np.ndarray) -> None:
        missing = [
            fragment
            for fragment in np.unique(fragments).tolist()
            if fragment < 2 * self.size and self.fragments[fragment] is None
        ]
        unnamed = {fragment % self.size for fragment in missing} - set(self.names)
        if unnamed:
            self.names.update(features.names(self.vocabulary, unnamed))
        for fragment in missing:
            self._make(fragment)

    def _capacity_fragment(self, left: int, monthly: int) -> int:
        key = (int(left), int(monthly))
        if key not in self.capacity:
            text = (
                f'{{"code": "capacity", "params": {{"left": {key[0]}, '
                f'"capacity": {key[1]}}}, "weight": '
            )
            self.capacity[key] = len(self.fragments)
            self.fragments.append(text)
            self.hashes = np.append(self.hashes, text_hash(text))
        return self.capacity[key]

    def _items(self, shared: sp.csr_matrix, places, capacity):
        """The reasons as flat arrays sorted by pair, heaviest first: pair, fragment,
        weight (1/10000ths), and where each pair's reasons start."""
        n = shared.shape[0]
        rows = np.repeat(np.arange(n), np.diff(shared.indptr))
        columns = shared.indices.astype(np.int64)
        weights = np.rint(shared.data * 10000).astype(np.int64)
        keep = weights > 0
        rows, columns, weights = rows[keep], columns[keep], weights[keep]
        order = np.lexsort((columns, -weights, rows))
        rows, columns, weights = rows[order], columns[order], weights[order]
        fragment = columns.copy()
        if places is not None:
            work, company, home = places
            keys = self.district_key[columns]
            at_home = (
                (keys >= 0) & (keys == home[rows]) & (keys != work[rows]) & (keys != company[rows])
            )
            fragment[at_home] += self.size
        if capacity is not None:
            at = np.flatnonzero(columns == self.capacity_column)
            combos = np.column_stack([capacity[0][rows[at]], capacity[1][rows[at]]])
            distinct, inverse = np.unique(combos, axis=0, return_inverse=True)
            known = np.array([self._capacity_fragment(*combo) for combo in distinct.tolist()])
            fragment[at] = known[inverse.ravel()] if len(at) else fragment[at]
        self._ensure(fragment)
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]) if len(rows) else rows
        return rows, fragment, weights, starts

    def scores(
        self, shared: sp.csr_matrix, *, places=None, capacity=None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(scores, fingerprints) of the rows of `shared`. `places`: per row, the returnee's
        work, company and home districts (a shared district that is only their home reads
        "where you live"); `capacity`: per row, the advisor's free and monthly
        consultations."""
        n = shared.shape[0]
        scores, fingerprints = np.zeros(n), np.zeros(n, dtype=np.int64)
        rows, fragment, weights, starts = self._items(shared, places, capacity)
        if not len(rows):
            return scores, fingerprints
        with np.errstate(over="ignore"):
            mixed = self.hashes[fragment].view(np.uint64) * (
                weights.astype(np.uint64) * np.uint64(2) + np.uint64(1)
            )
            fingerprints[rows[starts]] = np.add.reduceat(mixed, starts).view(np.int64)
        scores[rows[starts]] = np.minimum(np.add.reduceat(weights, starts), 10000) / 10000
        return scores, fingerprints

    def texts(self, shared: sp.csr_matrix, *, places=None, capacity=None) -> list[str]:
        """The JSON text of the reasons of each row of `shared`."""
        n = shared.shape[0]
        texts = np.full(n, "[]", dtype=object)
        rows, fragment, weights, starts = self._items(shared, places, capacity)
        if not len(rows):
            return texts.tolist()
        is_first = np.zeros(len(rows), dtype=bool)
        is_first[starts] = True
        is_last = np.zeros(len(rows), dtype=bool)
        is_last[np.r_[starts[1:] - 1, len(rows) - 1]] = True
        fragments = np.array(self.fragments, dtype=object)[fragment]
        heads = np.where(is_first, "[" + fragments, ", " + fragments)
        tails = np.where(is_last, _weight_text(True)[weights], _weight_text(False)[weights])
        texts[rows[starts]] = np.add.reduceat(heads + tails, starts)
        return texts.tolist()


def reasons_for(vocabulary: Vocabulary) -> Reasons:
    """A `Reasons` over `vocabulary`, reading the names it needs when it needs them."""
    return Reasons(vocabulary, {})


def places(returnees: Entities, rows: np.ndarray):
    """Per row, a returnee's work, company and home districts (see `Reasons.scores`)."""
    extra = returnees.extra
    return extra["work"][rows], extra["company"][rows], extra["home"][rows]


def returnee_district(returnees: Entities, rows: np.ndarray) -> np.ndarray:
    """The district a returnee's match concerns: where they work, else their company's,
    else where they live (-1: none)."""
    work, company, home = places(returnees, rows)
    return np.where(work > 0, work, np.where(company > 0, company, home))


def write_explained(
    writer: MatchWriter,
    kind: str,
    reasons: Reasons,
    subjects: Entities,
    targets: Entities,
    weights: sp.csr_matrix,
    rows: np.ndarray,
    columns: np.ndarray,
    *,
    subject_ids: np.ndarray,
    target_ids: np.ndarray,
    district_ids: np.ndarray,
) -> int:
    """Explain (subject row, target row) pairs and write those that share something, as
    rows of `kind` with the given ids (aligned with the pairs); returns how many."""
    is_returnee = "work" in subjects.extra
    has_capacity = "left" in targets.extra
    count = 0
    for start in range(0, len(rows), REASON_BATCH):
        batch = slice(start, start + REASON_BATCH)
        batch_rows, batch_columns = rows[batch], columns[batch]
        shared = explain(subjects.matrix, weights, batch_rows, batch_columns)
        context = {
            "places": places(subjects, batch_rows) if is_returnee else None,
            "capacity": (
                (targets.extra["left"][batch_columns], targets.extra["capacity"][batch_columns])
                if has_capacity
                else None
            ),
        }
        scores, fingerprints = reasons.scores(shared, **context)
        keep = np.flatnonzero(scores > 0)

        def texts(positions, shared=shared, context=context, keep=keep):
            chosen = keep[positions]
            return reasons.texts(
                shared[chosen],
                places=None
                if context["places"] is None
                else tuple(values[chosen] for values in context["places"]),
                capacity=None
                if context["capacity"] is None
                else tuple(values[chosen] for values in context["capacity"]),
            )

        writer.add(
            kind,
            subject_ids[batch][keep],
            target_ids[batch][keep],
            district_ids[batch][keep],
            scores[keep],
            fingerprints[keep],
            texts,
        )
        count += len(keep)
    return count


def write_pairs(
    writer: MatchWriter,
    kind: str,
    reasons: Reasons,
    subjects: Entities,
    targets: Entities,
    weights: sp.csr_matrix,
    pairs: tuple[np.ndarray, np.ndarray],
) -> int:
    """Write (subject row, target row) pairs of returnee -> opening, returnee -> advisor,
    startup -> advisor or returnee -> event; returns the rows written."""
    rows, columns = pairs
    if kind == MatchKind.RETURNEE_ADVISOR:
        districts = returnee_district(subjects, rows)
    elif kind == MatchKind.STARTUP_ADVISOR:
        districts = subjects.extra["district"][rows]
    else:
        districts = targets.extra["district"][columns]
    return write_explained(
        writer,
        kind,
        reasons,
        subjects,
        targets,
        weights,
        rows,
        columns,
        subject_ids=subjects.extra.get("user_id", subjects.ids)[rows],
        target_ids=targets.ids[columns],
        district_ids=districts,
    )


def write_candidates(
    writer: MatchWriter,
    reasons: Reasons,
    returnees: Entities,
    openings: Entities,
    weights: sp.csr_matrix,
    pairs: tuple[np.ndarray, np.ndarray],
) -> int:
    """Write opening -> returnee pairs, given as (opening row, returnee row): the same score
    and reasons as returnee -> opening, read the other way."""
    opening_rows, returnee_rows = pairs
    return write_explained(
        writer,
        MatchKind.OPENING_RETURNEE,
        reasons,
        returnees,
        openings,
        weights,
        returnee_rows,
        opening_rows,
        subject_ids=openings.ids[opening_rows],
        target_ids=returnees.extra["user_id"][returnee_rows],
        district_ids=openings.extra["district"][opening_rows],
    )


def opening_feature_rows(openings: Entities, weights: sp.csr_matrix, vocabulary: Vocabulary):
    """(opening id, sector id, code, weight) of every weighted feature of the openings."""
    codes = np.array([vocabulary.code(column) for column in range(vocabulary.size)], dtype=object)
    lengths = np.diff(weights.indptr)
    return list(
        zip(
            np.repeat(openings.ids, lengths).tolist(),
            np.repeat(openings.extra["sector"], lengths).tolist(),
            codes[weights.indices].tolist(),
            weights.data.tolist(),
            strict=True,
        )
    )
