"""Re-matching one returnee whose profile changed: their own matches, and their place in the
openings' candidate lists."""

from collections import defaultdict

import numpy as np
import scipy.sparse as sp
from django.db import connection, transaction
from django.utils import timezone

from startups.models import Opening
from talent.models import ReturneeProfile

from .. import features, policy_matches
from ..choices import MatchKind
from ..features import Entities, Vocabulary
from ..models import KIND_COLUMNS, Match, OpeningFeature
from ..scoring import (
    REQUIRED,
    advisor_target_weights,
    small_pairs,
    target_weights,
)
from ..store import (
    MatchWriter,
    Reasons,
    opening_feature_rows,
    opening_features_replace,
    places,
    reasons_for,
    write_pairs,
)
from ._shared import OFFER_OPENINGS, RETURNEE_KINDS, _write_policy_rows, top_k

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
