"""Re-matching one opening or one startup that changed."""

import numpy as np
from django.db import transaction

from startups.models import Opening

from .. import features
from ..choices import MatchKind
from ..models import Match
from ..scoring import (
    REQUIRED,
    advisor_target_weights,
    explain,
    small_pairs,
    target_weights,
)
from ..store import (
    MatchWriter,
    opening_feature_rows,
    opening_features_replace,
    places,
    reasons_for,
    write_pairs,
)
from ._shared import OFFER_RETURNEES, _dismissed, _dismissed_set, _row_index, top_k
from .one_returnee import Explained, _offer

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
