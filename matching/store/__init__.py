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

from .explained import (
    Reasons,
    _weight_text,
    _weight_texts,
    opening_feature_rows,
    places,
    reasons_for,
    returnee_district,
    write_candidates,
    write_explained,
    write_pairs,
)
from .writer import (
    ID_COLUMNS,
    KEY_SHIFT,
    MIX,
    REASON_BATCH,
    ROWS,
    MatchWriter,
    _escape,
    _Loaded,
    _plain,
    _with_district,
    bulk_load,
    opening_features_replace,
    text_hash,
)

__all__ = [
    "ID_COLUMNS",
    "KEY_SHIFT",
    "MIX",
    "REASON_BATCH",
    "ROWS",
    "MatchWriter",
    "Reasons",
    "_Loaded",
    "_escape",
    "_plain",
    "_weight_text",
    "_weight_texts",
    "_with_district",
    "bulk_load",
    "opening_feature_rows",
    "opening_features_replace",
    "places",
    "reasons_for",
    "returnee_district",
    "text_hash",
    "write_candidates",
    "write_explained",
    "write_pairs",
]
