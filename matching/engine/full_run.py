"""The full re-match of the city (nightly, one at a time by an advisory lock), phase by phase,
timed."""

import time
from contextlib import contextmanager, nullcontext

from django.db import connection, transaction
from django.utils import timezone

from .. import features, policy_matches
from ..choices import MatchKind
from ..models import Match
from ..scoring import (
    REQUIRED,
    advisor_target_weights,
    opening_pairs,
    small_pairs,
    target_weights,
)
from ..store import (
    MatchWriter,
    bulk_load,
    opening_feature_rows,
    opening_features_replace,
    reasons_for,
    write_candidates,
    write_pairs,
)
from ._shared import (
    LOCK_ID,
    _dismissed,
    _dismissed_set,
    _flip,
    _row_index,
    _write_policy_rows,
    top_k,
)

BULK_MIN = 200_000  # rows from which a run writing most of the table loads in bulk


# Full run --------------------------------------------------------------------------------


@contextmanager
def _timed(figures: dict, phase: str):
    started = time.perf_counter()
    yield
    figures["seconds"][phase] = round(time.perf_counter() - started, 2)


def rematch_all(progress: bool = False) -> dict:
    """Re-match the whole city: every kind, every consenting returnee, opening, startup.

    Returns the figures of the run: counts, rows written and seconds per phase. Two full
    runs never overlap (a PostgreSQL advisory lock): the second returns `{"skipped": True}`.
    """
    figures: dict = {"seconds": {}, "counts": {}, "rows": {}}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_ID])
        if not cursor.fetchone()[0]:
            return {"skipped": True}
    try:
        _rematch_all(figures, progress)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_ID])
    figures["seconds"]["total"] = round(time.perf_counter() - started, 2)
    return figures


def _bar(progress: bool, total: int):
    if not progress:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc="openings", unit="returnee", leave=False)


def _rematch_all(figures: dict, progress: bool) -> None:
    now = timezone.now()
    counts, written = figures["counts"], figures["rows"]
    outermost = not connection.in_atomic_block
    with _timed(figures, "load"), transaction.atomic():
        if outermost:  # one snapshot for every query of the load
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        vocabulary, (returnees, openings, advisors, startups, events) = features.build(
            features.returnees(),
            features.openings(),
            features.advisors(moment=now),
            features.startups(),
            features.events(moment=now),
        )
        facts = policy_matches.load_facts()
        reasons = reasons_for(vocabulary)
        users, opening_rows = _row_index(returnees.extra["user_id"]), _row_index(openings.ids)
        advisor_rows = _row_index(advisors.ids)
        dismissed = {
            MatchKind.RETURNEE_OPENING: _dismissed(MatchKind.RETURNEE_OPENING, users, opening_rows),
            MatchKind.OPENING_RETURNEE: _flip(
                _dismissed(MatchKind.OPENING_RETURNEE, opening_rows, users)
            ),
            MatchKind.RETURNEE_ADVISOR: _dismissed(MatchKind.RETURNEE_ADVISOR, users, advisor_rows),
            MatchKind.STARTUP_ADVISOR: _dismissed(
                MatchKind.STARTUP_ADVISOR, _row_index(startups.ids), advisor_rows
            ),
            MatchKind.RETURNEE_EVENT: _dismissed(
                MatchKind.RETURNEE_EVENT, users, _row_index(events.ids)
            ),
            MatchKind.RETURNEE_POLICY: _dismissed_set(MatchKind.RETURNEE_POLICY),
        }
    counts.update(
        returnees=len(returnees),
        openings=len(openings),
        advisors=len(advisors),
        startups=len(startups),
        events=len(events),
        features=vocabulary.size,
    )

    with _timed(figures, "openings"):
        opening_weights = target_weights(openings, vocabulary, "opening")
        sectors = vocabulary.group_columns(["sector"])
        bar = _bar(progress, int(returnees.matrix[:, sectors].nnz))
        forward, backward = opening_pairs(
            returnees,
            openings,
            opening_weights,
            vocabulary,
            k_rows=top_k(MatchKind.RETURNEE_OPENING),
            k_columns=top_k(MatchKind.OPENING_RETURNEE),
            dismissed_rows=dismissed[MatchKind.RETURNEE_OPENING],
            dismissed_columns=dismissed[MatchKind.OPENING_RETURNEE],
            progress=bar,
        )
        if bar is not None:
            bar.close()
    with _timed(figures, "advisors"):
        advisor_weights = advisor_target_weights(advisors, vocabulary, "advisor")
        advisor_pairs = small_pairs(
            returnees.matrix,
            advisor_weights,
            vocabulary.group_columns(REQUIRED[MatchKind.RETURNEE_ADVISOR]),
            k=top_k(MatchKind.RETURNEE_ADVISOR),
            dismissed=dismissed[MatchKind.RETURNEE_ADVISOR],
        )
        startup_weights = advisor_target_weights(advisors, vocabulary, "startup_advisor")
        startup_pairs = small_pairs(
            startups.matrix,
            startup_weights,
            vocabulary.group_columns(REQUIRED[MatchKind.STARTUP_ADVISOR]),
            k=top_k(MatchKind.STARTUP_ADVISOR),
            dismissed=dismissed[MatchKind.STARTUP_ADVISOR],
        )
    with _timed(figures, "events"):
        event_weights = target_weights(events, vocabulary, "event")
        event_pairs = small_pairs(
            returnees.matrix,
            event_weights,
            vocabulary.group_columns(REQUIRED[MatchKind.RETURNEE_EVENT]),
            k=top_k(MatchKind.RETURNEE_EVENT),
            dismissed=dismissed[MatchKind.RETURNEE_EVENT],
        )
    with _timed(figures, "policies"):
        policy_rows = policy_matches.match_all(
            facts,
            user_ids=returnees.extra["user_id"],
            k=top_k(MatchKind.RETURNEE_POLICY),
            today=timezone.localdate(now),
            dismissed=dismissed[MatchKind.RETURNEE_POLICY],
        )
        del facts

    with _timed(figures, "write"):
        writer = MatchWriter()
        existing = writer.load(MatchKind.values)
        expected = sum(len(pairs[0]) for pairs in (forward, backward, advisor_pairs))
        expected += len(startup_pairs[0]) + len(event_pairs[0]) + len(policy_rows)
        bulk = expected >= BULK_MIN and existing < expected / 2
        written["bulk_load"] = bulk
        with bulk_load() if bulk else nullcontext():
            written[MatchKind.RETURNEE_OPENING] = write_pairs(
                writer,
                MatchKind.RETURNEE_OPENING,
                reasons,
                returnees,
                openings,
                opening_weights,
                forward,
            )
            written[MatchKind.OPENING_RETURNEE] = write_candidates(
                writer, reasons, returnees, openings, opening_weights, backward
            )
            for kind, subjects, targets, weights, pairs in (
                (MatchKind.RETURNEE_ADVISOR, returnees, advisors, advisor_weights, advisor_pairs),
                (MatchKind.STARTUP_ADVISOR, startups, advisors, startup_weights, startup_pairs),
                (MatchKind.RETURNEE_EVENT, returnees, events, event_weights, event_pairs),
            ):
                written[kind] = write_pairs(
                    writer, kind, reasons, subjects, targets, weights, pairs
                )
            written[MatchKind.RETURNEE_POLICY] = _write_policy_rows(writer, policy_rows)
            written["no_longer_current"] = writer.retire()
    written["unchanged"] = writer.unchanged
    written["inserted_or_changed"] = writer.written
    if writer.written + written["no_longer_current"] > existing / 10:
        with connection.cursor() as cursor:  # fresh statistics for the queries that follow
            cursor.execute(f"ANALYZE {Match._meta.db_table}")
    with _timed(figures, "opening_features"):
        written["opening_features"] = opening_features_replace(
            opening_feature_rows(openings, opening_weights, vocabulary)
        )
