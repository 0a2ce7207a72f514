"""Advisors are scarce: each can take a few consultations a month. `assign_advisors` proposes
one advisor to each requester - every consenting returnee who seeks an advisor or help with
policies, and every startup with needs - for all of them at once, so that the sum of the
scores is as high as it can be and no advisor is proposed more often than they have
consultations left this month (minus the proposals officials made by hand).

The problem is a minimum-cost bipartite matching solved by scipy
(`scipy.sparse.csgraph.min_weight_full_bipartite_matching`): a row per free consultation
("slot") of each advisor, joined to the requesters who have that advisor among their best
candidates at a cost of 2 - score, and to a column of its own meaning "left free" at cost 2,
so that a full matching always exists; a requester is a column and takes at most one slot.
Unlike first come, first served, an advisor two requesters want goes to the one who has no
other good choice.

An official of the requester's district (or an admin) may replace a proposal with another
advisor, giving a reason (`proposal_override`): the replaced row becomes `overridden`, the
new one points back to it with who decided and why, and the next assignment leaves it alone.
"""

import json
import time
from collections import Counter

import numpy as np
import scipy.sparse as sp
from django.db import connection, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from scipy.sparse.csgraph import min_weight_full_bipartite_matching
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core import permissions
from core.exceptions import ApplicationError, PermissionDeniedError
from core.models import User
from talent.choices import Seeking
from talent.models import AdvisorProfile, ReturneeProfile

from . import features
from .choices import MatchKind, ProposalStatus
from .features import Entities, Vocabulary
from .models import AdvisorProposal
from .scoring import REQUIRED, advisor_target_weights, explain, small_pairs
from .store import places, reasons_for, returnee_district

CANDIDATES = 5  # the best advisors of each requester that the solver may choose from
LOCK_ID = 0x61737369676E  # serialises assignments and overrides
SEEKS_ADVISOR = [Seeking.ADVISOR, Seeking.POLICY_HELP]


def _lock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_ID])


def _requesting_returnees(returnees: Entities, vocabulary: Vocabulary) -> np.ndarray:
    """Rows of the returnees who seek an advisor or help with policies."""
    columns = [vocabulary.column("seek", value) for value in SEEKS_ADVISOR]
    columns = [column for column in columns if column is not None]
    if not columns or not len(returnees):
        return np.empty(0, dtype=np.int64)
    return np.flatnonzero(np.asarray(returnees.matrix[:, columns].sum(axis=1)).ravel() > 0)


def _requesting_startups(startups: Entities, vocabulary: Vocabulary) -> np.ndarray:
    """Rows of the startups whose needs call for an advisor's expertise."""
    expertise = vocabulary.group_columns(["exp"])
    if not len(startups):
        return np.empty(0, dtype=np.int64)
    return np.flatnonzero(np.asarray(startups.matrix[:, expertise].sum(axis=1)).ravel() > 0)


class _Side:
    """One kind of requester: rows, candidate pairs with exact scores, and how to explain
    them."""

    def __init__(self, kind, entities, rows, advisors, weights, vocabulary, reasons):
        self.kind, self.entities, self.weights = kind, entities, weights
        subjects = entities.matrix[rows]
        pair_rows, pair_columns = small_pairs(
            subjects,
            weights,
            vocabulary.group_columns(REQUIRED[kind]),
            k=CANDIDATES,
        )
        self.rows = rows[pair_rows]
        self.columns = pair_columns
        shared = explain(entities.matrix, weights, self.rows, self.columns)
        context = self._context(self.rows, self.columns, advisors)
        self.scores, _fingerprints = reasons.scores(shared, **context)
        keep = (self.scores > 0) & ~self._own(kind, entities, advisors)
        self.rows, self.columns, self.scores = (
            self.rows[keep],
            self.columns[keep],
            self.scores[keep],
        )
        self.advisors, self.reasons = advisors, reasons

    def _own(self, kind, entities, advisors) -> np.ndarray:
        """Which candidate pairs would give a requester themselves (or their own founder)
        as advisor."""
        subject_ids = (
            entities.extra["user_id"] if kind == MatchKind.RETURNEE_ADVISOR else entities.ids
        )[self.rows]
        own = set(features.own_pairs(kind, np.unique(subject_ids).tolist()))
        return np.array(
            [
                (int(subject), int(advisor)) in own
                for subject, advisor in zip(subject_ids, advisors.ids[self.columns], strict=True)
            ],
            dtype=bool,
        )

    def _context(self, rows, columns, advisors) -> dict:
        return {
            "places": places(self.entities, rows) if "work" in self.entities.extra else None,
            "capacity": (advisors.extra["left"][columns], advisors.extra["capacity"][columns]),
        }

    def reasons_of(self, rows, columns) -> list[list]:
        shared = explain(self.entities.matrix, self.weights, rows, columns)
        texts = self.reasons.texts(shared, **self._context(rows, columns, self.advisors))
        return [json.loads(text) for text in texts]


def _slots(advisors: Entities) -> np.ndarray:
    """Free consultations of each advisor: what is left this month, less the live
    proposals officials made (the solver's own proposals are made anew)."""
    taken = Counter(
        AdvisorProposal.objects.filter(
            status=ProposalStatus.PROPOSED, decided_by__isnull=False
        ).values_list("advisor_id", flat=True)
    )
    held = np.array([taken.get(int(pk), 0) for pk in advisors.ids], dtype=np.int64)
    return np.maximum(advisors.extra["left"] - held, 0)


def solve(scores: np.ndarray, requesters: np.ndarray, advisors: np.ndarray, slots: np.ndarray):
    """The assignment: given candidate pairs (requester index, advisor index, score) and the
    slots of each advisor, the positions of the chosen pairs, maximising the total score
    with each requester taking at most one advisor and each advisor at most its slots.

    A full minimum-cost matching of the slots (the fewer side, so the solver augments few
    rows): each slot takes a requester who has its advisor among their candidates, at cost
    2 - score, or stays free, at cost 2 (its own column). Minimising the total cost is
    maximising the total score; no cost is zero, which scipy would take for no edge."""
    count = int(requesters.max()) + 1 if len(requesters) else 0
    total_slots = int(slots.sum())
    if not count or not total_slots:
        return np.empty(0, dtype=np.int64)
    first_slot = np.r_[0, np.cumsum(slots)[:-1]]
    edge_rows, edge_columns, costs, pair_of = [], [], [], []
    pairs = np.arange(len(scores))
    for copy in range(int(slots.max())):
        usable = copy < slots[advisors]
        edge_rows.append(first_slot[advisors[usable]] + copy)
        edge_columns.append(requesters[usable])
        costs.append(2.0 - scores[usable])
        pair_of.append(pairs[usable])
    edge_rows.append(np.arange(total_slots))
    edge_columns.append(count + np.arange(total_slots))
    costs.append(np.full(total_slots, 2.0))
    pair_of.append(np.full(total_slots, -1))
    edge_rows, edge_columns = np.concatenate(edge_rows), np.concatenate(edge_columns)
    costs, pair_of = np.concatenate(costs), np.concatenate(pair_of)
    width = np.int64(count + total_slots)
    graph = sp.csr_matrix((costs, (edge_rows, edge_columns)), shape=(total_slots, int(width)))
    matched_rows, matched_columns = min_weight_full_bipartite_matching(graph)
    edge_keys = edge_rows.astype(np.int64) * width + edge_columns
    order = np.argsort(edge_keys)
    wanted = matched_rows.astype(np.int64) * width + matched_columns
    chosen = pair_of[order[np.searchsorted(edge_keys[order], wanted)]]
    return np.sort(chosen[chosen >= 0])


def greedy(scores: np.ndarray, requesters: np.ndarray, advisors: np.ndarray, slots: np.ndarray):
    """First come, first served (requesters in order, each taking their best advisor with a
    slot left), for comparison."""
    left = slots.copy()
    chosen = []
    order = np.lexsort((-scores, requesters))
    done = set()
    for position in order.tolist():
        requester, advisor = int(requesters[position]), int(advisors[position])
        if requester in done or left[advisor] <= 0:
            continue
        left[advisor] -= 1
        done.add(requester)
        chosen.append(position)
    return np.array(sorted(chosen), dtype=np.int64)


@transaction.atomic
def assign_advisors() -> dict:
    """Propose advisors to every requester at once (see the module docstring); the
    solver's earlier proposals are superseded, the officials' kept. Returns figures."""
    started = time.perf_counter()
    _lock()
    vocabulary, (advisors, returnees, startups) = features.build(
        features.advisors(), features.returnees(), features.startups()
    )
    reasons = reasons_for(vocabulary)
    # An official's choice stands until its advisor stops advising (deactivated or erased);
    # then the requester goes back to the solver.
    stale = list(
        AdvisorProposal.objects.select_for_update()
        .filter(status=ProposalStatus.PROPOSED, decided_by__isnull=False)
        .exclude(advisor__is_active=True, advisor__user__is_active=True)
    )
    for proposal in stale:
        proposal.status = ProposalStatus.SUPERSEDED
    bulk_update_with_history(stale, AdvisorProposal, ["status"])
    decided = AdvisorProposal.objects.filter(
        status=ProposalStatus.PROPOSED, decided_by__isnull=False
    )
    kept_returnees = set(decided.values_list("returnee_id", flat=True))
    kept_startups = set(decided.values_list("startup_id", flat=True))
    returnee_rows = _requesting_returnees(returnees, vocabulary)
    returnee_rows = returnee_rows[
        ~np.isin(returnees.extra["user_id"][returnee_rows], list(kept_returnees - {None}))
    ]
    startup_rows = _requesting_startups(startups, vocabulary)
    startup_rows = startup_rows[~np.isin(startups.ids[startup_rows], list(kept_startups - {None}))]
    sides = [
        _Side(
            MatchKind.RETURNEE_ADVISOR,
            returnees,
            returnee_rows,
            advisors,
            advisor_target_weights(advisors, vocabulary, "advisor"),
            vocabulary,
            reasons,
        ),
        _Side(
            MatchKind.STARTUP_ADVISOR,
            startups,
            startup_rows,
            advisors,
            advisor_target_weights(advisors, vocabulary, "startup_advisor"),
            vocabulary,
            reasons,
        ),
    ]
    # One problem over both kinds of requester: returnees first, then startups.
    offset = len(returnees)
    requesters = np.concatenate([sides[0].rows, sides[1].rows + offset])
    columns = np.concatenate([sides[0].columns, sides[1].columns])
    scores = np.concatenate([sides[0].scores, sides[1].scores])
    _distinct, requesters = np.unique(requesters, return_inverse=True)
    slots = _slots(advisors)
    chosen = solve(scores, requesters, columns, slots)
    first_come = greedy(scores, requesters, columns, slots)

    run = (AdvisorProposal.objects.aggregate(run=Max("run"))["run"] or 0) + 1
    previous = list(
        AdvisorProposal.objects.select_for_update().filter(
            status=ProposalStatus.PROPOSED, decided_by__isnull=True
        )
    )
    for proposal in previous:
        proposal.status = ProposalStatus.SUPERSEDED
    bulk_update_with_history(previous, AdvisorProposal, ["status"], batch_size=2000)
    proposals = []
    split = len(sides[0].scores)
    for side, picked in (
        (sides[0], chosen[chosen < split]),
        (sides[1], chosen[chosen >= split] - split),
    ):
        rows, advisor_rows = side.rows[picked], side.columns[picked]
        texts = side.reasons_of(rows, advisor_rows)
        if side.kind == MatchKind.RETURNEE_ADVISOR:
            districts = returnee_district(returnees, rows)
            requester_ids = {"returnee_id": returnees.extra["user_id"][rows]}
        else:
            districts = startups.extra["district"][rows]
            requester_ids = {"startup_id": startups.ids[rows]}
        for index in range(len(rows)):
            proposals.append(
                AdvisorProposal(
                    **{field: int(values[index]) for field, values in requester_ids.items()},
                    advisor_id=int(advisors.ids[advisor_rows[index]]),
                    district_id=int(districts[index]) if districts[index] > 0 else None,
                    score=float(side.scores[picked][index]),
                    reasons=texts[index],
                    run=run,
                )
            )
    bulk_create_with_history(proposals, AdvisorProposal, batch_size=2000)
    return {
        "run": run,
        "requesters": int(requesters.max()) + 1 if len(requesters) else 0,
        "advisors": len(advisors),
        "slots": int(slots.sum()),
        "proposed": len(proposals),
        "superseded": len(previous),
        "total_score": round(float(scores[chosen].sum()), 4),
        "first_come_first_served_score": round(float(scores[first_come].sum()), 4),
        "seconds": round(time.perf_counter() - started, 2),
    }


# Overrides -------------------------------------------------------------------------------


def can_override(*, user: User, proposal: AdvisorProposal) -> bool:
    """An admin, or an official of the proposal's district."""
    return permissions.manages_district(user, proposal.district_id)


def _pair(proposal: AdvisorProposal, advisor: AdvisorProfile) -> tuple[float, list]:
    """The score and reasons of the proposal's requester with `advisor` (0 and none if they
    share nothing); raises if the advisor has no consultation free this month."""
    advisors = features.advisors()
    valid, rows = advisors.rows([advisor.pk])
    taken = AdvisorProposal.objects.filter(status=ProposalStatus.PROPOSED, advisor=advisor).exclude(
        pk=proposal.pk
    )
    if not valid[0] or advisors.extra["left"][rows[0]] - taken.count() <= 0:
        raise ApplicationError(
            _("%(name)s has no consultation free this month; choose another advisor.")
            % {"name": str(advisor)},
            code="advisor_full",
            field="advisor",
        )
    if proposal.returnee_id:
        profile_ids = ReturneeProfile.objects.filter(user_id=proposal.returnee_id).values_list(
            "pk", flat=True
        )
        requester = features.returnees(profile_ids=list(profile_ids))
        kind = "advisor"
    else:
        requester = features.startups(startup_ids=[proposal.startup_id])
        kind = "startup_advisor"
    if not len(requester):
        return 0.0, []
    vocabulary, (requester, advisors) = features.build(requester, advisors)
    weights = advisor_target_weights(advisors, vocabulary, kind)
    reasons = reasons_for(vocabulary)
    shared = explain(requester.matrix, weights, np.zeros(1, dtype=np.int64), rows)
    context = {
        "places": places(requester, np.zeros(1, dtype=np.int64))
        if "work" in requester.extra
        else None,
        "capacity": (advisors.extra["left"][rows], advisors.extra["capacity"][rows]),
    }
    scores, _fingerprints = reasons.scores(shared, **context)
    return float(scores[0]), json.loads(reasons.texts(shared, **context)[0])


@transaction.atomic
def proposal_override(
    *, proposal: AdvisorProposal, user: User, advisor: AdvisorProfile, reason: str
) -> AdvisorProposal:
    """An official replaces a live proposal with another advisor, for a stated reason. The
    old row becomes `overridden`; the new one points back to it, with who and why."""
    _lock()
    proposal = AdvisorProposal.objects.select_for_update().get(pk=proposal.pk)
    if not can_override(user=user, proposal=proposal):
        raise PermissionDeniedError(
            _("Only an official of the requester's district can override this proposal.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Say why you choose another advisor; the reason is kept with the decision."),
            code="reason_required",
            field="reason",
        )
    if len(reason) > 2000:
        raise ApplicationError(
            _("Keep the reason to 2000 characters or fewer."), code="reason_long", field="reason"
        )
    if proposal.status != ProposalStatus.PROPOSED:
        raise ApplicationError(
            _("This proposal has already been replaced; override the current one."),
            code="not_live",
        )
    if advisor is None or not advisor.is_active or not advisor.user.is_active:
        raise ApplicationError(
            _("Choose an active advisor."), code="advisor_inactive", field="advisor"
        )
    requester = (
        (MatchKind.RETURNEE_ADVISOR, proposal.returnee_id)
        if proposal.returnee_id
        else (MatchKind.STARTUP_ADVISOR, proposal.startup_id)
    )
    if (requester[1], advisor.pk) in features.own_pairs(requester[0], [requester[1]]):
        raise ApplicationError(
            _("Nobody advises themselves or their own startup; choose another advisor."),
            code="own_advisor",
            field="advisor",
        )
    if advisor.pk == proposal.advisor_id:
        raise ApplicationError(
            _("This advisor is already the one proposed; choose another."),
            code="same_advisor",
            field="advisor",
        )
    score, reasons = _pair(proposal, advisor)
    proposal.status = ProposalStatus.OVERRIDDEN
    proposal.save(update_fields=["status"])
    return AdvisorProposal.objects.create(
        returnee_id=proposal.returnee_id,
        startup_id=proposal.startup_id,
        advisor=advisor,
        district_id=proposal.district_id,
        score=score,
        reasons=reasons,
        status=ProposalStatus.PROPOSED,
        run=proposal.run,
        replaces=proposal,
        decided_by=user,
        reason=reason,
    )
