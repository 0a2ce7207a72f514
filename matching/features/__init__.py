"""What each side of a match is made of, read from the database with a few raw queries.

A feature is a group and a key: `skill:12`, `sector:3`, `district:5`, `inst:7` (institution
abroad), `emp:9` (employer abroad), `lang:en`, `seek:job`, `exp:financing` (advisor
expertise), and `cap` (an advisor's capacity left this month). Every entity becomes a row of
a sparse matrix over one `Vocabulary` of such columns:

- a returnee (only active accounts that consent to matching): the skills, sectors and
  languages of the profile, the districts where they work, live and have their company, the
  institutions and employers of their study and work abroad, what they seek, and the
  advisor expertise that what they seek calls for;
- an open opening: its skills and sector, the district of its startup, the institutions and
  employers of its founders (those who consent to matching), and what it offers to those who
  seek (every opening a job; an opening of an idea- or seed-stage startup also a co-founder's
  place);
- an active advisor with capacity left: sectors, districts served, languages, expertise,
  the institutions and employers of the advisor's own profile (if it consents), that they are
  an advisor (for those who seek one or seek policy help), and `cap`;
- a startup: its sector, district and the advisor expertise its needs call for;
- an upcoming published event: its sectors, its district and its language (a bilingual event
  speaks to everyone, so it has no language feature).

Loading goes through `COPY (SELECT ...) TO STDOUT` parsed by numpy, so the whole city loads
in seconds; the same functions, given ids, load one entity for the per-person re-match. The
loaders return `Loaded` entities; `build` makes one `Vocabulary` of the keys they have and
their matrices over it.
"""

from .loading import (
    Entities,
    Loaded,
    _consenting_profile_rows,
    _expand_codes,
    _grouped,
    _json_codes,
    _per_opening,
    _where_ids,
    advisors,
    build,
    events,
    openings,
    returnees,
    rows_of,
    startups,
)
from .reason_names import (
    names,
    own_pairs,
)
from .vocabulary import (
    ADVISOR_OFFERS,
    CAPACITY,
    CODE_GROUPS,
    COFOUNDER_STAGES,
    ID_GROUPS,
    LOAD_STATUSES,
    NEED_EXPERTISE,
    SEEKING_EXPERTISE,
    Vocabulary,
    _code_index,
    _table,
    _through,
    int_rows,
)

__all__ = [
    "ADVISOR_OFFERS",
    "CAPACITY",
    "CODE_GROUPS",
    "COFOUNDER_STAGES",
    "ID_GROUPS",
    "LOAD_STATUSES",
    "NEED_EXPERTISE",
    "SEEKING_EXPERTISE",
    "Entities",
    "Loaded",
    "Vocabulary",
    "_code_index",
    "_consenting_profile_rows",
    "_expand_codes",
    "_grouped",
    "_json_codes",
    "_per_opening",
    "_table",
    "_through",
    "_where_ids",
    "advisors",
    "build",
    "events",
    "int_rows",
    "names",
    "openings",
    "own_pairs",
    "returnees",
    "rows_of",
    "startups",
]
