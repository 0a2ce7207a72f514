"""The matching engine: one definition of the score, a full run over the whole city, and the
re-match of one returnee, opening or startup.

Scoring
-------
Every entity is a set of features (see `matching.features`): `skill:12`, `sector:3`,
`district:5`, `inst:7`, `emp:9`, `lang:en`, `seek:job`, `exp:financing`, `cap`.
The target of a match (the opening, the advisor, the event) weighs its own features: each
group has a weight (`scoring.GROUP_WEIGHTS`), split evenly between the target's features of
that group, and the groups the target has are scaled to add up to 1. The score of a subject
and a target is the sum of the weights of the features they share, so it lies in [0, 1], and
the reasons of a match are exactly those shared features with their weights: they add up to
its score (each weight is rounded to four places, and the score is the sum of the rounded
weights). An advisor's capacity is a feature every requester shares, weighted by the share
of the month's consultations still free; an advisor with none free is not matched at all.

A returnee and an opening have one score, read both ways (by the opening's weights): it
ranks openings for a returnee and candidates for an opening. A returnee is matched only with
openings of their sectors; with an advisor only if they share an expertise, sector, district,
institution or employer; with an event only if they share a sector or district. A policy
is matched through `policies.eligibility`: if the profile meets every criterion ("eligible"),
or meets some and the rest cannot be told yet ("likely"), the score is
(met + 1) / (total + 2), with one reason saying how many criteria are met.

Full run (`rematch_all`)
------------------------
1. Load: a few `COPY (SELECT ...) TO STDOUT` queries, parsed by numpy, read every feature;
   they become scipy sparse matrices over one vocabulary of the keys found: returnees x
   features (0/1); openings, advisors, startups, events x features (their weights).
2. Returnees x openings, sector by sector: a chunk of the sector's returnees (sparse) times
   the sector's openings (dense, float32) is a block of scores; pairs people dismissed are set
   aside; each row keeps its top K (an in-place partition), and each opening its top K
   candidates (the first chunk gives each opening a threshold, later chunks only offer what
   beats it). No pair is looked at in Python.
3. Returnees x advisors, startups x advisors, returnees x events: the same product in chunks,
   gated by the groups a match must share.
4. Policies (`matching.policy_matches`): each distinct criterion is checked once per class of
   profiles that read alike for it, then each policy combines its criteria as vectors.
5. Reasons, only for the pairs kept: the elementwise product of the two rows lists the shared
   features with their weights; scores and a 64-bit fingerprint of each pair's reasons are
   computed with numpy, and the JSON text only for pairs that are new or changed.
6. Writing (`matching.store`): the key, score and fingerprint of every current row are read
   first; rows found unchanged are left alone, the others go by COPY into a temporary table
   and `INSERT ... ON CONFLICT DO UPDATE` (dismissal, notification and action survive); rows
   the run did not find stop being current. A run that writes most of the table (the first)
   drops the secondary indexes and foreign keys meanwhile and makes them again at the end.
   The openings' weighted features are rewritten to `OpeningFeature`.

Re-matching one returnee (`rematch_returnee`) reads only that person's features, scores the
openings of their sectors with one indexed query over `OpeningFeature` (the weights the last
run or re-match of each opening stored), the advisors and upcoming events in memory, the
policies through the same eligibility rules (answers remembered per criterion and profile
facts), and writes its rows the same way; it also offers the person to the openings whose
candidate lists they now belong to. `rematch_opening` and `rematch_startup` do the same for
an opening or a startup. A test checks that re-matching each returnee alone after a full run
changes nothing.
"""

import time
from collections import defaultdict
from contextlib import contextmanager, nullcontext

import numpy as np
import scipy.sparse as sp
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from startups.models import Opening
from talent.models import ReturneeProfile

from . import features, policy_matches
from .choices import MatchKind
from .features import Entities, Vocabulary
from .models import KIND_COLUMNS, Match, OpeningFeature
from .scoring import (
    REQUIRED,
    advisor_target_weights,
    explain,
    opening_pairs,
    small_pairs,
    target_weights,
)
from .store import (
    MatchWriter,
    Reasons,
    bulk_load,
    opening_feature_rows,
    opening_features_replace,
    places,
    reasons_for,
    write_candidates,
    write_pairs,
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
BULK_MIN = 200_000  # rows from which a run writing most of the table loads in bulk


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


# One returnee ----------------------------------------------------------------------------


class Explained:
    """The explained pairs of one re-match: {other id: (reasons text, score, district id,
    fingerprint)}, and how to write some of them as rows of `kind`."""

    def __init__(self):
        self.pairs: dict[int, tuple] = {}

    def add(self, ids, texts, scores, districts, fingerprints) -> None:
        for values in zip(ids, texts, scores, districts, fingerprints, strict=True):
            if values[2] > 0:
                self.pairs[int(values[0])] = values[1:]

    def write(self, writer: MatchWriter, kind: str, one_id: int, others, *, one_is_subject):
        others = [other for other in others if other in self.pairs]
        ones = [one_id] * len(others)
        values = [self.pairs[other] for other in others]
        writer.add(
            kind,
            ones if one_is_subject else others,
            others if one_is_subject else ones,
            [value[2] for value in values],
            [value[1] for value in values],
            np.array([value[3] for value in values], dtype=np.int64),
            [value[0] for value in values],
        )


def _person_openings(person: Entities, vocabulary: Vocabulary, dismissed, limit: int):
    """The ids of the person's best openings (of their sectors, by the weights stored in
    `OpeningFeature`), leaving out the `dismissed` ones."""
    row = person.matrix[0]
    sectors = [vocabulary.key(c) for c in row.indices if vocabulary.group(c) == "sector"]
    if not sectors:
        return []
    codes = [vocabulary.code(column) for column in row.indices]
    dismissed = sorted(dismissed)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT f.opening_id FROM {OpeningFeature._meta.db_table} f"
            f" WHERE f.sector_id = ANY(%s) AND f.code = ANY(%s) AND f.opening_id <> ALL(%s)"
            f" GROUP BY f.opening_id ORDER BY SUM(f.weight) DESC, f.opening_id LIMIT %s",
            [sectors, codes, dismissed, limit],
        )
        return [row[0] for row in cursor.fetchall()]


def _explain_openings(
    person: Entities, vocabulary: Vocabulary, reasons: Reasons, opening_ids
) -> Explained:
    """The person's pairs with these openings, from the stored opening features."""
    explained = Explained()
    if not opening_ids:
        return explained
    row = person.matrix[0]
    codes = [vocabulary.code(column) for column in row.indices]
    position = {opening_id: index for index, opening_id in enumerate(opening_ids)}
    column_of = dict(zip(codes, row.indices.tolist(), strict=True))
    with connection.cursor() as cursor:
        # The shared features, and every opening's district (always one of its features).
        cursor.execute(
            f"SELECT opening_id, code, weight FROM {OpeningFeature._meta.db_table}"
            f" WHERE opening_id = ANY(%s) AND (code = ANY(%s) OR code LIKE 'district:%%')",
            [list(opening_ids), codes],
        )
        found = cursor.fetchall()
    districts = {
        opening: int(code.partition(":")[2])
        for opening, code, _weight in found
        if code.startswith("district:")
    }
    found = [row for row in found if row[1] in column_of]
    shared = sp.csr_matrix(
        (
            [weight for _opening, _code, weight in found],
            (
                [position[opening] for opening, _code, _weight in found],
                [column_of[code] for _opening, code, _weight in found],
            ),
        ),
        shape=(len(opening_ids), vocabulary.size),
    )
    context = {"places": places(person, np.zeros(len(opening_ids), dtype=np.int64))}
    scores, fingerprints = reasons.scores(shared, **context)
    texts = reasons.texts(shared, **context)
    explained.add(
        opening_ids,
        texts,
        [
            score if opening_id in districts else 0
            for opening_id, score in zip(opening_ids, scores, strict=True)
        ],
        [districts.get(opening_id, -1) for opening_id in opening_ids],
        fingerprints,
    )
    return explained


def _member_of(kind: str, member_id: int) -> tuple[set, set]:
    """The subjects whose current lists of `kind` hold `member_id` (the target), and those
    who dismissed it."""
    subject, target = KIND_COLUMNS[kind]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {subject}_id, dismissed_at IS NOT NULL FROM {Match._meta.db_table}"
            f" WHERE kind = %s AND {target}_id = %s AND (is_current OR dismissed_at IS NOT NULL)",
            [kind, member_id],
        )
        rows = cursor.fetchall()
    return {row[0] for row in rows if not row[1]}, {row[0] for row in rows if row[1]}


def _offer(
    writer: MatchWriter,
    kind: str,
    member_id: int,
    explained: Explained,
    candidates,
    k: int,
    member_of: tuple[set, set] | None = None,
) -> None:
    """Put `member_id` (the target of `kind`) in the lists of the `candidates` subjects
    where it now belongs: where it already is (with its new score), and where it beats the
    last of a full list or the list is not full; never where the subject dismissed it. A
    list that grows past k loses its last; a subject not kept loses the member."""
    subject, target = KIND_COLUMNS[kind]
    table = Match._meta.db_table
    live = "kind = %s AND is_current AND dismissed_at IS NULL"
    present, dismissed = member_of or _member_of(kind, member_id)
    with connection.cursor() as cursor:
        candidates = [
            other for other in candidates if other in explained.pairs and other not in dismissed
        ]
        others = [other for other in candidates if other not in present]
        lists = {}
        if others:
            cursor.execute(
                f"SELECT {subject}_id, count(*), min(score) FROM {table}"
                f" WHERE {live} AND {subject}_id = ANY(%s) GROUP BY {subject}_id",
                [kind, others],
            )
            lists = {row[0]: (row[1], row[2]) for row in cursor.fetchall()}
    kept, grown = [], []
    for other in candidates:
        length, lowest = lists.get(other, (0, 0.0))
        if other in present or length < k or explained.pairs[other][1] > lowest:
            kept.append(other)
            if other not in present and length >= k:
                grown.append(other)
    explained.write(writer, kind, member_id, kept, one_is_subject=False)
    writer.flush()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET is_current = false, updated_at = %s"
            f" WHERE {live} AND {target}_id = %s AND {subject}_id <> ALL(%s)",
            [writer.now, kind, member_id, kept],
        )
        if grown:
            cursor.execute(
                f"UPDATE {table} SET is_current = false, updated_at = %s WHERE id IN ("
                f"SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY {subject}_id"
                f" ORDER BY score DESC, id) AS place FROM {table}"
                f" WHERE {live} AND {subject}_id = ANY(%s)) ranked WHERE place > %s)",
                [writer.now, kind, grown, k],
            )


def _person_dismissed(targets: Entities, target_ids: set):
    """One subject's dismissed targets as (subject rows, target rows) for `small_pairs`."""
    valid, rows = targets.rows(sorted(target_ids))
    rows = rows[valid]
    return (np.zeros(len(rows), dtype=np.int64), rows) if len(rows) else None


def _person_rows(writer: MatchWriter, loaded: features.Loaded, user_id: int):
    """Write one consenting returnee's matches of every kind."""
    now = writer.now
    vocabulary, (person, advisors, events) = features.build(
        loaded, features.advisors(moment=now), features.events(moment=now)
    )
    advisor_weights = advisor_target_weights(advisors, vocabulary, "advisor")
    event_weights = target_weights(events, vocabulary, "event")
    reasons = reasons_for(vocabulary)

    dismissed = defaultdict(set)
    for kind, *targets in Match.objects.filter(
        kind__in=RETURNEE_KINDS, returnee_id=user_id, dismissed_at__isnull=False
    ).values_list("kind", "opening_id", "advisor_id", "policy_id", "event_id"):
        dismissed[kind].update(target for target in targets if target is not None)
    for kind in (MatchKind.RETURNEE_OPENING, MatchKind.RETURNEE_ADVISOR):
        dismissed[kind].update(target for _user, target in features.own_pairs(kind, [user_id]))
    k = top_k(MatchKind.RETURNEE_OPENING)
    best = _person_openings(
        person, vocabulary, dismissed[MatchKind.RETURNEE_OPENING], max(k, OFFER_OPENINGS)
    )
    member_of = _member_of(MatchKind.OPENING_RETURNEE, user_id)
    offered = sorted(set(best) | member_of[0])
    explained = _explain_openings(person, vocabulary, reasons, offered)
    explained.write(writer, MatchKind.RETURNEE_OPENING, user_id, best[:k], one_is_subject=True)
    _offer(
        writer,
        MatchKind.OPENING_RETURNEE,
        user_id,
        explained,
        offered,
        top_k(MatchKind.OPENING_RETURNEE),
        member_of,
    )

    for kind, targets, weights in (
        (MatchKind.RETURNEE_ADVISOR, advisors, advisor_weights),
        (MatchKind.RETURNEE_EVENT, events, event_weights),
    ):
        pairs = small_pairs(
            person.matrix,
            weights,
            vocabulary.group_columns(REQUIRED[kind]),
            k=top_k(kind),
            dismissed=_person_dismissed(targets, dismissed[kind]),
        )
        write_pairs(writer, kind, reasons, person, targets, weights, pairs)

    rows = policy_matches.match_person(
        user_id,
        k=top_k(MatchKind.RETURNEE_POLICY),
        today=timezone.localdate(now),
        dismissed={(user_id, policy) for policy in dismissed[MatchKind.RETURNEE_POLICY]},
    )
    _write_policy_rows(writer, rows)


@transaction.atomic
def rematch_returnee(user_id: int) -> int:
    """Re-match one returnee: their openings, advisors, policies and events, and their place
    among the candidates of openings. A returnee who no longer consents (or whose account
    is closed) keeps no current match. Returns the rows written."""
    profile_ids = list(ReturneeProfile.objects.filter(user_id=user_id).values_list("pk", flat=True))
    person = features.returnees(profile_ids=profile_ids)
    writer = MatchWriter(batch_size=10_000)
    writer.load(RETURNEE_KINDS, [user_id])
    if len(person):
        _person_rows(writer, person, user_id)
    else:
        Match.objects.filter(
            kind=MatchKind.OPENING_RETURNEE, returnee_id=user_id, is_current=True
        ).update(is_current=False, updated_at=writer.now)
    writer.retire()
    _refresh_founded_openings(user_id)
    return writer.written


def _refresh_founded_openings(user_id: int) -> None:
    """A founder's study and work abroad are features of their startups' openings: store
    those openings' features anew (their candidate lists follow at the next re-match)."""
    opening_ids = list(
        Opening.objects.filter(startup__founders__user_id=user_id).values_list("pk", flat=True)
    )
    if not opening_ids:
        return
    vocabulary, (openings,) = features.build(features.openings(opening_ids=opening_ids))
    weights = target_weights(openings, vocabulary, "opening")
    opening_features_replace(opening_feature_rows(openings, weights, vocabulary), opening_ids)


# One opening, one startup ------------------------------------------------------------------


@transaction.atomic
def rematch_opening(opening_id: int) -> int:
    """Re-match one opening: its candidates (opening -> returnee) and its place in the
    returnees' lists of openings; a closed or deleted opening keeps no current match.
    Returns the rows written."""
    opening = features.openings(opening_ids=[opening_id])
    writer = MatchWriter(batch_size=50_000)
    writer.load([MatchKind.OPENING_RETURNEE], [opening_id])
    if not len(opening):
        opening_features_replace([], [opening_id])
        Match.objects.filter(opening_id=opening_id, is_current=True).update(
            is_current=False, updated_at=writer.now
        )
        return 0
    only = {group: opening.keys(group) for group in ("sector", "skill", "inst", "emp")}
    candidates = features.returnees(sector_id=int(opening.extra["sector"][0]), only=only)
    vocabulary, (opening, people) = features.build(opening, candidates)
    weights = target_weights(opening, vocabulary, "opening")
    opening_features_replace(opening_feature_rows(opening, weights, vocabulary), [opening_id])
    user_ids = people.extra["user_id"]
    scores = (people.matrix @ weights[0].T).toarray().ravel()
    rows = _row_index(user_ids)
    for _opening, returnee in _dismissed_set(MatchKind.OPENING_RETURNEE, [opening_id]):
        if returnee in rows:
            scores[rows[returnee]] = 0
    order = [int(row) for row in np.lexsort((user_ids, -scores)) if scores[row] > 0]
    holders = Match.objects.filter(
        kind=MatchKind.RETURNEE_OPENING,
        opening_id=opening_id,
        is_current=True,
        dismissed_at__isnull=True,
    ).values_list("returnee_id", flat=True)
    offered = set(order[:OFFER_RETURNEES]) | {
        rows[user_id] for user_id in holders if user_id in rows and scores[rows[user_id]] > 0
    }
    shown = np.array(sorted(offered), dtype=np.int64)
    shared = explain(people.matrix, weights, shown, np.zeros(len(shown), dtype=np.int64))
    reasons = reasons_for(vocabulary)
    context = {"places": places(people, shown)}
    shown_scores, fingerprints = reasons.scores(shared, **context)
    explained = Explained()
    explained.add(
        user_ids[shown],
        reasons.texts(shared, **context),
        shown_scores,
        [int(opening.extra["district"][0])] * len(shown),
        fingerprints,
    )
    best = [int(user_ids[row]) for row in order[: top_k(MatchKind.OPENING_RETURNEE)]]
    explained.write(writer, MatchKind.OPENING_RETURNEE, opening_id, best, one_is_subject=True)
    writer.retire()
    _offer(
        writer,
        MatchKind.RETURNEE_OPENING,
        opening_id,
        explained,
        [int(user_ids[row]) for row in shown],
        top_k(MatchKind.RETURNEE_OPENING),
    )
    return writer.written


@transaction.atomic
def rematch_startup(startup_id: int) -> int:
    """Re-match one startup: its advisors (startup -> advisor) and each of its openings
    (whose district, stage and founders come from the startup). Returns the rows written."""
    startup = features.startups(startup_ids=[startup_id])
    writer = MatchWriter(batch_size=10_000)
    writer.load([MatchKind.STARTUP_ADVISOR], [startup_id])
    if len(startup):
        vocabulary, (startup, advisors) = features.build(startup, features.advisors())
        weights = advisor_target_weights(advisors, vocabulary, "startup_advisor")
        pairs = small_pairs(
            startup.matrix,
            weights,
            vocabulary.group_columns(REQUIRED[MatchKind.STARTUP_ADVISOR]),
            k=top_k(MatchKind.STARTUP_ADVISOR),
            dismissed=_dismissed(
                MatchKind.STARTUP_ADVISOR, {startup_id: 0}, _row_index(advisors.ids), [startup_id]
            ),
        )
        reasons = reasons_for(vocabulary)
        write_pairs(writer, MatchKind.STARTUP_ADVISOR, reasons, startup, advisors, weights, pairs)
    writer.retire()
    written = writer.written
    for opening_id in Opening.objects.filter(startup_id=startup_id).values_list("pk", flat=True):
        written += rematch_opening(opening_id)
    return written
