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

from ._shared import (
    LOCK_ID,
    OFFER_OPENINGS,
    OFFER_RETURNEES,
    RETURNEE_KINDS,
    _dismissed,
    _dismissed_set,
    _flip,
    _row_index,
    _write_policy_rows,
    top_k,
)
from .full_run import (
    BULK_MIN,
    _bar,
    _rematch_all,
    _timed,
    rematch_all,
)
from .one_returnee import (
    Explained,
    _explain_openings,
    _member_of,
    _offer,
    _person_dismissed,
    _person_openings,
    _person_rows,
    _refresh_founded_openings,
    rematch_returnee,
)
from .one_target import (
    rematch_opening,
    rematch_startup,
)

__all__ = [
    "BULK_MIN",
    "LOCK_ID",
    "OFFER_OPENINGS",
    "OFFER_RETURNEES",
    "RETURNEE_KINDS",
    "Explained",
    "_bar",
    "_dismissed",
    "_dismissed_set",
    "_explain_openings",
    "_flip",
    "_member_of",
    "_offer",
    "_person_dismissed",
    "_person_openings",
    "_person_rows",
    "_refresh_founded_openings",
    "_rematch_all",
    "_row_index",
    "_timed",
    "_write_policy_rows",
    "rematch_all",
    "rematch_opening",
    "rematch_returnee",
    "rematch_startup",
    "top_k",
]
