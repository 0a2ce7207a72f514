"""Kept pairs explained (scores, fingerprints, the JSON of their reasons, many at once with
numpy) and handed to the writer, for each kind of match."""

import json

import numpy as np
import scipy.sparse as sp

from .. import features
from ..choices import MatchKind
from ..features import CAPACITY, Entities, Vocabulary
from ..scoring import REASON_CODES, explain
from .writer import REASON_BATCH, MatchWriter, text_hash

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
