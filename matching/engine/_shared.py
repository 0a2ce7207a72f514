"""What the full run and the single re-matches share: the kinds a returnee is the subject of,
the top K, dismissed pairs, and writing policy rows."""

import numpy as np
from django.conf import settings

from .. import features
from ..choices import MatchKind
from ..models import KIND_COLUMNS, Match
from ..store import (
    MatchWriter,
)

RETURNEE_KINDS = [
    MatchKind.RETURNEE_OPENING,
    MatchKind.RETURNEE_ADVISOR,
    MatchKind.RETURNEE_POLICY,
    MatchKind.RETURNEE_EVENT,
]
LOCK_ID = 0x6D61746368  # the advisory lock that keeps full runs one at a time
OFFER_OPENINGS = 50  # openings a re-matched returnee may join as a candidate
OFFER_RETURNEES = 200  # returnees whose lists a re-matched opening may join


def top_k(kind: str) -> int:
    """How many matches of `kind` a subject keeps (settings.MATCH_TOP_K)."""
    return int(settings.MATCH_TOP_K.get(kind, 10))


def _row_index(values) -> dict[int, int]:
    return {int(value): row for row, value in enumerate(values)}


def _dismissed(kind: str, subject_rows: dict, target_rows: dict, subject_ids=None):
    """The dismissed pairs of `kind` (of `subject_ids`, or all), and the pairs of people
    with themselves, as (subject rows, target rows) arrays, or None."""
    subject, target = KIND_COLUMNS[kind]
    rows = Match.objects.filter(kind=kind, dismissed_at__isnull=False)
    if subject_ids is not None:
        rows = rows.filter(**{f"{subject}_id__in": [int(value) for value in subject_ids]})
    found = [
        (subject_rows[first], target_rows[second])
        for first, second in [
            *rows.values_list(f"{subject}_id", f"{target}_id"),
            *features.own_pairs(kind, subject_ids),
        ]
        if first in subject_rows and second in target_rows
    ]
    if not found:
        return None
    array = np.array(found, dtype=np.int64)
    return array[:, 0], array[:, 1]


def _dismissed_set(kind: str, subject_ids=None) -> set[tuple[int, int]]:
    subject, target = KIND_COLUMNS[kind]
    rows = Match.objects.filter(kind=kind, dismissed_at__isnull=False)
    if subject_ids is not None:
        rows = rows.filter(**{f"{subject}_id__in": [int(value) for value in subject_ids]})
    return set(rows.values_list(f"{subject}_id", f"{target}_id")) | set(
        features.own_pairs(kind, subject_ids)
    )


def _flip(pairs):
    return None if pairs is None else (pairs[1], pairs[0])


def _write_policy_rows(writer: MatchWriter, rows: list[tuple]) -> int:
    if rows:
        users, policies, districts, scores, texts = zip(*rows, strict=True)
        writer.add(MatchKind.RETURNEE_POLICY, users, policies, districts, scores, texts=texts)
    return len(rows)
