"""Scores and the selection of the best pairs, as sparse and dense matrix products.

The weights a target gives its features (`target_weights`), the best k targets of each
subject and subjects of each target, sector block by sector block for returnees and openings
(`opening_pairs`), or in chunks for the few thousand advisors and events (`small_pairs`), and
the shared features of a kept pair (`explain`). See `matching.engine` for the definition.
"""

import numpy as np
import scipy.sparse as sp

from .choices import MatchKind
from .features import CAPACITY, Entities, Vocabulary

# Each target kind's weight per feature group (see the module docstring).
GROUP_WEIGHTS = {
    "opening": {"skill": 4.0, "sector": 2.0, "inst": 1.5, "emp": 1.5, "district": 1.0, "seek": 1.0},
    "advisor": {
        "exp": 3.0,
        "sector": 2.0,
        "district": 1.5,
        "lang": 1.0,
        "inst": 1.0,
        "emp": 1.0,
        "seek": 1.0,
        CAPACITY: 1.0,
    },
    "startup_advisor": {"exp": 3.0, "sector": 2.0, "district": 1.5, CAPACITY: 1.0},
    "event": {"sector": 2.0, "district": 1.5, "lang": 1.0},
}
# The groups of which a subject and a target must share a feature to be matched (openings:
# the sector, by construction of the blocks).
REQUIRED = {
    MatchKind.RETURNEE_ADVISOR: ("exp", "sector", "district", "inst", "emp"),
    MatchKind.STARTUP_ADVISOR: ("exp", "sector", "district"),
    MatchKind.RETURNEE_EVENT: ("sector", "district"),
}
# How a feature group reads as a reason code (`matching.reasons`).
REASON_CODES = {
    "skill": "skill",
    "sector": "sector",
    "district": "district",
    "inst": "institution",
    "emp": "employer",
    "lang": "language",
    "seek": "seeking",
    "exp": "expertise",
    CAPACITY: "capacity",
}
CHUNK_CELLS = 16_000_000  # scores held at once in a block (64 MB of float32)

# Weights and reasons ---------------------------------------------------------------------


def target_weights(
    entities: Entities, vocabulary: Vocabulary, kind: str, capacity: np.ndarray | None = None
) -> sp.csr_matrix:
    """The weights targets give their features (rows add up to 1; the capacity feature is
    scaled by `capacity`, the share of the month still free)."""
    matrix = entities.matrix
    n = matrix.shape[0]
    rows = np.repeat(np.arange(n), np.diff(matrix.indptr))
    columns = matrix.indices.astype(np.int64)
    groups = vocabulary.group_of[columns].astype(np.int64)
    by_group = np.array([GROUP_WEIGHTS[kind].get(name, 0.0) for name in vocabulary.groups])
    keep = by_group[groups] > 0
    rows, columns, groups = rows[keep], columns[keep], groups[keep]
    width = len(by_group)
    counts = np.bincount(rows * width + groups, minlength=n * width).reshape(n, width)
    totals = ((counts > 0) * by_group).sum(axis=1)
    values = by_group[groups] / counts[rows, groups] / np.where(totals > 0, totals, 1)[rows]
    if capacity is not None:
        is_capacity = groups == vocabulary.groups.index(CAPACITY)
        values[is_capacity] *= capacity[rows[is_capacity]]
    return sp.csr_matrix((values, (rows, columns)), shape=matrix.shape)


def advisor_target_weights(advisors: Entities, vocabulary: Vocabulary, kind: str) -> sp.csr_matrix:
    """Advisors' weights for `kind` ("advisor" or "startup_advisor"), the capacity feature
    weighing the share of this month's consultations still free."""
    capacity = advisors.extra["left"] / np.maximum(advisors.extra["capacity"], 1)
    return target_weights(advisors, vocabulary, kind, capacity)


# Selecting the best pairs -----------------------------------------------------------------


def _top_per_row(scores: np.ndarray, k: int, buffer: np.ndarray | None = None):
    """(rows, columns) of the k best positive scores of each row; among equal scores the
    lower column wins."""
    n, m = scores.shape
    if not n or not m or k <= 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    if m <= k:
        rows, columns = np.nonzero(scores > 0)
        return rows, columns
    work = buffer[: n * m].reshape(n, m) if buffer is not None else np.empty_like(scores)
    np.copyto(work, scores)
    work.partition(m - k, axis=1)
    kth = np.maximum(work[:, m - k], np.float32(1e-9))
    rows, columns = np.nonzero(scores > kth[:, None])
    need = k - np.bincount(rows, minlength=n)
    tied = np.flatnonzero((need > 0) & (kth > 1e-9))
    if len(tied):
        tie_rows, tie_columns = np.nonzero(scores[tied] == kth[tied, None])
        first = np.searchsorted(tie_rows, tie_rows, side="left")
        rank = np.arange(len(tie_rows)) - first
        keep = rank < need[tied[tie_rows]]
        rows = np.concatenate([rows, tied[tie_rows[keep]]])
        columns = np.concatenate([columns, tie_columns[keep]])
    return rows, columns


def _best_per_group(groups: np.ndarray, scores: np.ndarray, others: np.ndarray, k: int):
    """Indices of the k best (highest score, then lowest `others`) entries of each group."""
    if not len(groups):
        return np.empty(0, dtype=np.int64)
    order = np.lexsort((others, -scores, groups))
    sorted_groups = groups[order]
    first = np.searchsorted(sorted_groups, sorted_groups, side="left")
    rank = np.arange(len(order)) - first
    return order[rank < k]


class _ColumnTop:
    """The k best rows of each column of a block, offered chunk by chunk."""

    def __init__(self, width: int, k: int):
        self.k = k
        self.threshold = None
        self.width = width
        self.rows: list[np.ndarray] = []
        self.columns: list[np.ndarray] = []
        self.scores: list[np.ndarray] = []
        self.size = 0

    def offer(self, scores: np.ndarray, rows: np.ndarray) -> None:
        if self.threshold is None:
            transposed = np.ascontiguousarray(scores.T)
            columns, positions = _top_per_row(transposed, self.k)
            self._keep(rows[positions], columns, transposed[columns, positions])
            self._reduce()
            return
        positions, columns = np.nonzero(scores > self.threshold[None, :])
        if len(positions):
            self._keep(rows[positions], columns, scores[positions, columns])
            if self.size > 4 * self.k * self.width + 100_000:
                self._reduce()

    def _keep(self, rows, columns, scores) -> None:
        self.rows.append(rows)
        self.columns.append(columns)
        self.scores.append(scores)
        self.size += len(rows)

    def _reduce(self) -> None:
        rows = np.concatenate(self.rows)
        columns = np.concatenate(self.columns)
        scores = np.concatenate(self.scores)
        keep = _best_per_group(columns, scores, rows, self.k)
        rows, columns, scores = rows[keep], columns[keep], scores[keep]
        self.rows, self.columns, self.scores, self.size = [rows], [columns], [scores], len(rows)
        threshold = np.zeros(self.width, dtype=np.float32)
        full = np.bincount(columns, minlength=self.width) >= self.k
        if full.any():
            lowest = np.full(self.width, np.inf, dtype=np.float32)
            np.minimum.at(lowest, columns, scores)
            threshold[full] = lowest[full]
        self.threshold = threshold

    def result(self):
        if self.threshold is None:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, np.empty(0, dtype=np.float32)
        self._reduce()
        return self.rows[0], self.columns[0], self.scores[0]


def _mask_pairs(scores, chunk_rows, block_columns, pairs, n_rows, n_columns, value):
    """Set the (row, column) `pairs` (global indices) that fall in this block to `value`;
    returns what was there, to restore it."""
    if pairs is None or not len(pairs[0]):
        return None
    row_position = np.full(n_rows, -1, dtype=np.int64)
    row_position[chunk_rows] = np.arange(len(chunk_rows))
    column_position = np.full(n_columns, -1, dtype=np.int64)
    column_position[block_columns] = np.arange(len(block_columns))
    rows, columns = row_position[pairs[0]], column_position[pairs[1]]
    inside = (rows >= 0) & (columns >= 0)
    rows, columns = rows[inside], columns[inside]
    saved = scores[rows, columns].copy()
    scores[rows, columns] = value
    return rows, columns, saved


def opening_pairs(
    returnees: Entities,
    openings: Entities,
    weights: sp.csr_matrix,
    vocabulary: Vocabulary,
    *,
    k_rows: int,
    k_columns: int,
    dismissed_rows=None,
    dismissed_columns=None,
    progress=None,
):
    """The best openings of each returnee and the best returnees of each opening, sector by
    sector. Returns ((returnee rows, opening rows), (opening rows, returnee rows)); the
    dismissed pairs are (returnee rows, opening rows) arrays of each direction."""
    subjects = returnees.matrix.tocsc()
    sectors = np.unique(openings.extra["sector"]) if len(openings) else []
    row_parts, column_parts = [], []
    for sector in sectors:
        column = vocabulary.column("sector", int(sector))
        block_columns = np.flatnonzero(openings.extra["sector"] == sector)
        if column is None or not len(block_columns):
            continue
        block_rows = subjects.indices[subjects.indptr[column] : subjects.indptr[column + 1]]
        if not len(block_rows):
            continue
        block_rows = np.sort(block_rows)
        targets = weights[block_columns]
        used = np.unique(targets.indices)
        dense = np.ascontiguousarray(targets[:, used].T.toarray(), dtype=np.float32)
        block = returnees.matrix[block_rows][:, used].astype(np.float32)
        width = len(block_columns)
        chunk = max(k_rows, CHUNK_CELLS // width)
        buffer = np.empty(min(chunk, len(block_rows)) * width, dtype=np.float32)
        column_top = _ColumnTop(width, k_columns)
        for start in range(0, len(block_rows), chunk):
            chunk_rows = block_rows[start : start + chunk]
            scores = block[start : start + chunk] @ dense
            saved = _mask_pairs(
                scores, chunk_rows, block_columns, dismissed_rows, len(returnees), len(openings), 0
            )
            rows, columns = _top_per_row(scores, k_rows, buffer)
            row_parts.append(
                (chunk_rows[rows], block_columns[columns], scores[rows, columns].copy())
            )
            if saved is not None:
                scores[saved[0], saved[1]] = saved[2]
            _mask_pairs(
                scores,
                chunk_rows,
                block_columns,
                dismissed_columns,
                len(returnees),
                len(openings),
                0,
            )
            column_top.offer(scores, chunk_rows)
            if progress is not None:
                progress.update(len(chunk_rows))
        rows, columns, scores = column_top.result()
        column_parts.append((block_columns[columns], rows, scores))
    return _merge(row_parts, k_rows), _merge(column_parts, k_columns)


def _merge(parts, k: int):
    """(subjects, targets) of the k best of each subject among the parts' candidates."""
    if not parts:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    subjects = np.concatenate([part[0] for part in parts])
    targets = np.concatenate([part[1] for part in parts])
    scores = np.concatenate([part[2] for part in parts])
    keep = scores > 0
    subjects, targets, scores = subjects[keep], targets[keep], scores[keep]
    keep = _best_per_group(subjects, scores, targets, k)
    return subjects[keep], targets[keep]


def small_pairs(
    subjects: sp.csr_matrix,
    weights: sp.csr_matrix,
    gate: np.ndarray,
    *,
    k: int,
    dismissed=None,
):
    """(subject rows, target rows) of the k best targets of each subject among a few
    thousand targets, a pair counting only if it shares a feature of the `gate` columns."""
    n, width = subjects.shape[0], weights.shape[0]
    if not n or not width:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    used = np.unique(weights.indices)
    dense = np.ascontiguousarray(weights[:, used].T.toarray(), dtype=np.float32)
    gated = gate[used]
    gate_dense = (dense[gated] > 0).astype(np.float32)
    chunk = max(1, CHUNK_CELLS // max(width, 1))
    subject_parts, target_parts = [], []
    for start in range(0, n, chunk):
        block = subjects[start : start + chunk][:, used].astype(np.float32)
        scores = block @ dense
        shares = block[:, np.flatnonzero(gated)] @ gate_dense
        scores[shares <= 0] = 0
        chunk_rows = np.arange(start, min(start + chunk, n))
        _mask_pairs(scores, chunk_rows, np.arange(width), dismissed, n, width, 0)
        rows, columns = _top_per_row(scores, k)
        subject_parts.append(chunk_rows[rows])
        target_parts.append(columns)
    return np.concatenate(subject_parts), np.concatenate(target_parts)


def explain(subjects: sp.csr_matrix, weights: sp.csr_matrix, rows, columns):
    """For each pair, the shared feature columns and their weights: a CSR matrix whose row i
    is pair i (the elementwise product of the two rows)."""
    if not len(rows):
        return sp.csr_matrix((0, subjects.shape[1]))
    return subjects[rows].multiply(weights[columns]).tocsr()
