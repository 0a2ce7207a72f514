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

import io
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from django.db import connection
from django.utils import timezone

from core.models import District, Sector, User
from events.choices import EventLanguage, EventStatus
from events.models import Event
from startups.choices import Stage
from startups.models import Founder, Opening, Startup
from talent.choices import ConsultationStatus, Expertise, Seeking, SpokenLanguage
from talent.models import (
    AdvisorProfile,
    Consultation,
    Education,
    Employer,
    Institution,
    ReturneeProfile,
    Skill,
    WorkExperience,
)
from talent.services import month_bounds

from .choices import MatchKind

# Groups keyed by a database id, and groups keyed by a choice code.
ID_GROUPS = ("skill", "sector", "district", "inst", "emp")
CODE_GROUPS = {
    "lang": SpokenLanguage.values,
    "seek": Seeking.values,
    "exp": Expertise.values,
}
CAPACITY = "cap"

# What a returnee's seeking asks of an advisor, and what a startup's needs do.
SEEKING_EXPERTISE = {
    Seeking.POLICY_HELP: [Expertise.POLICIES],
    Seeking.INVESTMENT: [Expertise.FINANCING],
    Seeking.COFOUNDER: [Expertise.HIRING],
}
NEED_EXPERTISE = {
    "funding": [Expertise.FINANCING],
    "talent": [Expertise.HIRING],
    "policy_help": [Expertise.POLICIES],
}
# What every advisor offers to those who seek.
ADVISOR_OFFERS = [Seeking.ADVISOR, Seeking.POLICY_HELP]
# An opening offers a job; one of a startup at these stages also a co-founder's place.
COFOUNDER_STAGES = [Stage.IDEA, Stage.SEED]
# Who holds an advisor's time this month (as `talent.services.advisor_load` counts it).
LOAD_STATUSES = [ConsultationStatus.ACCEPTED, ConsultationStatus.COMPLETED]


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _through(model, name: str) -> tuple[str, str, str]:
    """(table, owner column, other column) of a many-to-many field."""
    m2m = model._meta.get_field(name)
    through = m2m.remote_field.through._meta
    return (
        connection.ops.quote_name(through.db_table),
        m2m.m2m_column_name(),
        m2m.m2m_reverse_name(),
    )


def int_rows(sql: str, params=None, columns: int = 2) -> np.ndarray:
    """The integer result of a query as an (n, columns) array, through COPY (no NULLs: the
    query coalesces them to -1)."""
    with connection.cursor() as cursor:
        statement = cursor.mogrify(sql, params) if params else sql
        if isinstance(statement, bytes):
            statement = statement.decode()
        buffer = io.BytesIO()
        cursor.copy_expert(f"COPY ({statement}) TO STDOUT", buffer)
    text = buffer.getvalue().decode()
    if not text:
        return np.empty((0, columns), dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=" ").reshape(-1, columns)


def _code_index(group: str) -> str:
    """SQL array of a code group's values, for `array_position` (1-based, NULL if unknown)."""
    values = ",".join(f"'{value}'" for value in CODE_GROUPS[group])
    return f"ARRAY[{values}]::text[]"


# Vocabulary ------------------------------------------------------------------------------


class Vocabulary:
    """The columns of every feature matrix: per group, a sorted array of keys."""

    def __init__(self, keys: dict[str, np.ndarray]):
        self.groups = [*ID_GROUPS, *CODE_GROUPS, CAPACITY]
        self.keys = {}
        self.offset = {}
        position = 0
        for group in self.groups:
            if group in CODE_GROUPS:
                group_keys = np.arange(len(CODE_GROUPS[group]), dtype=np.int64)
            elif group == CAPACITY:
                group_keys = np.zeros(1, dtype=np.int64)
            else:
                group_keys = np.unique(np.asarray(keys.get(group, []), dtype=np.int64))
            self.keys[group] = group_keys
            self.offset[group] = position
            position += len(group_keys)
        self.size = position
        self.group_of = np.empty(self.size, dtype=np.int8)
        for index, group in enumerate(self.groups):
            start = self.offset[group]
            self.group_of[start : start + len(self.keys[group])] = index

    @classmethod
    def covering(cls, *loaded: "Loaded") -> "Vocabulary":
        """The columns of every key the loaded entities have, and of every choice code."""
        return cls(
            {
                group: np.unique(np.concatenate([part.keys(group) for part in loaded]))
                for group in ID_GROUPS
            }
        )

    def columns(self, group: str, keys) -> tuple[np.ndarray, np.ndarray]:
        """(valid, columns) of `keys` in `group`; for code groups the keys are the 0-based
        positions in CODE_GROUPS. Keys the vocabulary does not know are not valid."""
        keys = np.asarray(keys, dtype=np.int64)
        group_keys = self.keys[group]
        if not len(group_keys):
            return np.zeros(len(keys), dtype=bool), np.zeros(len(keys), dtype=np.int64)
        position = np.clip(np.searchsorted(group_keys, keys), 0, len(group_keys) - 1)
        valid = group_keys[position] == keys
        return valid, position + self.offset[group]

    def column(self, group: str, key) -> int | None:
        if group in CODE_GROUPS:
            if key not in CODE_GROUPS[group]:
                return None
            key = CODE_GROUPS[group].index(key)
        valid, columns = self.columns(group, [key])
        return int(columns[0]) if valid[0] else None

    def group(self, column: int) -> str:
        return self.groups[self.group_of[column]]

    def key(self, column: int):
        """The id (or choice code) a column stands for."""
        group = self.group(column)
        key = self.keys[group][column - self.offset[group]]
        if group in CODE_GROUPS:
            return CODE_GROUPS[group][int(key)]
        return int(key)

    def code(self, column: int) -> str:
        group = self.group(column)
        return CAPACITY if group == CAPACITY else f"{group}:{self.key(column)}"

    def group_columns(self, groups) -> np.ndarray:
        """A boolean mask over the columns of the given groups."""
        wanted = [self.groups.index(group) for group in groups]
        return np.isin(self.group_of, wanted)


# Entities --------------------------------------------------------------------------------


def rows_of(sorted_ids: np.ndarray, ids) -> tuple[np.ndarray, np.ndarray]:
    """(valid, positions) of `ids` in the sorted array `sorted_ids`."""
    ids = np.asarray(ids, dtype=np.int64)
    if not len(sorted_ids):
        return np.zeros(len(ids), dtype=bool), np.zeros(len(ids), dtype=np.int64)
    position = np.clip(np.searchsorted(sorted_ids, ids), 0, len(sorted_ids) - 1)
    return sorted_ids[position] == ids, position


@dataclass
class Entities:
    """Rows of one kind of entity: `ids` (sorted primary keys) and a binary feature matrix,
    with whatever per-row facts the kind needs in `extra` (arrays aligned with `ids`)."""

    ids: np.ndarray
    matrix: sp.csr_matrix
    extra: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    def rows(self, ids) -> tuple[np.ndarray, np.ndarray]:
        """(valid, row positions) of entity ids."""
        return rows_of(self.ids, ids)


class Loaded:
    """Entities of one kind as read from the database, before they become a matrix: their
    ids (sorted), per-row facts (`extra`) and, per feature group, (row, key) pairs."""

    def __init__(self, ids: np.ndarray, extra: dict | None = None):
        self.ids = np.asarray(ids, dtype=np.int64)
        self.extra = extra or {}
        self.parts: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, group: str, pairs: np.ndarray) -> None:
        """`pairs`: (entity id, key) rows (for code groups, the key is the 0-based position
        in CODE_GROUPS); rows of entities not loaded are skipped."""
        if not len(pairs) or not len(self.ids):
            return
        position = np.clip(np.searchsorted(self.ids, pairs[:, 0]), 0, len(self.ids) - 1)
        known = self.ids[position] == pairs[:, 0]
        self.parts.setdefault(group, []).append((position[known], pairs[known, 1]))

    def add_codes(self, group: str, pairs: np.ndarray) -> None:
        """`pairs`: (entity id, 1-based position in CODE_GROUPS[group]) rows, as
        `array_position` gives them (0 for an unknown code)."""
        if len(pairs):
            pairs = pairs[pairs[:, 1] > 0].copy()
            pairs[:, 1] -= 1
        self.add(group, pairs)

    def add_all(self, group: str) -> None:
        """Give every entity the (single) column of `group` (the capacity column)."""
        self.parts.setdefault(group, []).append(
            (np.arange(len(self.ids), dtype=np.int64), np.zeros(len(self.ids), dtype=np.int64))
        )

    def rows(self, ids) -> tuple[np.ndarray, np.ndarray]:
        """(valid, row positions) of entity ids."""
        return rows_of(self.ids, ids)

    def keys(self, group: str) -> np.ndarray:
        parts = self.parts.get(group, [])
        return np.concatenate([keys for _rows, keys in parts]) if parts else np.empty(0, np.int64)

    def entities(self, vocabulary: Vocabulary) -> Entities:
        """The binary feature matrix over `vocabulary` (keys it does not know are left out)."""
        row_parts, column_parts = [], []
        for group, parts in self.parts.items():
            for rows, keys in parts:
                valid, columns = vocabulary.columns(group, keys)
                row_parts.append(rows[valid])
                column_parts.append(columns[valid])
        shape = (len(self.ids), vocabulary.size)
        if not row_parts:
            return Entities(self.ids, sp.csr_matrix(shape, dtype=np.float64), self.extra)
        rows, columns = np.concatenate(row_parts), np.concatenate(column_parts)
        matrix = sp.csr_matrix((np.ones(len(rows), dtype=np.float64), (rows, columns)), shape=shape)
        matrix.sum_duplicates()
        matrix.data[:] = 1.0
        return Entities(self.ids, matrix, self.extra)


def build(*loaded: Loaded) -> tuple[Vocabulary, list[Entities]]:
    """One vocabulary covering the loaded entities, and their matrices over it."""
    vocabulary = Vocabulary.covering(*loaded)
    return vocabulary, [part.entities(vocabulary) for part in loaded]


def _where_ids(column: str, ids) -> tuple[str, list]:
    """A SQL condition limiting `column` to `ids` (None: no limit)."""
    if ids is None:
        return "TRUE", []
    return f"{column} = ANY(%s)", [list(map(int, ids))]


def _grouped(parts: list[tuple[str, list]]) -> list[np.ndarray]:
    """Run queries of (entity id, key) rows as one UNION ALL (one round trip); returns the
    rows of each part."""
    sql = " UNION ALL ".join(
        f"SELECT {index}, q.* FROM ({part}) q" for index, (part, _params) in enumerate(parts)
    )
    rows = int_rows(sql, [param for _part, params in parts for param in params], columns=3)
    return [rows[rows[:, 0] == index, 1:] for index in range(len(parts))]


def _json_codes(table: str, alias: str, column: str, group: str, condition: str) -> str:
    """(entity id, 1-based position in CODE_GROUPS[group]) of the codes in a JSON list."""
    return (
        f"SELECT {alias}.id, COALESCE(array_position({_code_index(group)}, x), 0)"
        f" FROM {table} {alias} CROSS JOIN LATERAL jsonb_array_elements_text("
        f"CASE WHEN jsonb_typeof({alias}.{column}) = 'array' THEN {alias}.{column}"
        f" ELSE '[]' END) x WHERE {condition}"
    )


def _expand_codes(pairs: np.ndarray, mapping: dict, source_group: str) -> np.ndarray:
    """Map (entity, 1-based position in a code group) to (entity, 1-based expertise
    position) through `mapping` (a code to the expertise it calls for)."""
    rows = []
    values = CODE_GROUPS[source_group]
    for entity, position in pairs:
        code = values[position - 1] if position > 0 else None
        for expertise in mapping.get(code, []):
            rows.append((entity, CODE_GROUPS["exp"].index(expertise) + 1))
    return np.array(rows, dtype=np.int64).reshape(-1, 2)


def returnees(profile_ids=None, *, sector_id=None, only: dict | None = None) -> Loaded:
    """Active, consenting returnees: all of them, those of `profile_ids`, or those of the
    sector `sector_id`; with `only` ({group: keys}), only those keys of those groups (what
    one opening can share with them).

    `extra`: `user_id`, and `work`, `home`, `company` districts (-1 when empty), which say
    how a shared district reads ("where you work" or "where you live")."""
    profile = _table(ReturneeProfile)
    user = _table(User)
    sectors_table, sector_owner, sector_other = _through(ReturneeProfile, "sectors")

    def who(column: str) -> tuple[str, list]:
        if sector_id is not None:
            return (
                f"{column} IN (SELECT {sector_owner} FROM {sectors_table}"
                f" WHERE {sector_other} = %s)",
                [int(sector_id)],
            )
        return _where_ids(column, profile_ids)

    def keys(group: str) -> tuple[str, list]:
        if only is None or group not in only:
            return "", []
        return " AND other = ANY(%s)", [[int(key) for key in only[group]]]

    condition, params = who("p.id")
    base = int_rows(
        f"SELECT p.id, p.user_id, COALESCE(p.work_district_id, -1),"
        f" COALESCE(p.residence_district_id, -1), COALESCE(p.company_district_id, -1)"
        f" FROM {profile} p JOIN {user} u ON u.id = p.user_id"
        f" WHERE p.matching_consent AND u.is_active AND {condition} ORDER BY p.id",
        params,
        columns=5,
    )
    ids = base[:, 0]
    loaded = Loaded(ids)
    limit, limit_params = who("owner")
    consenting, consenting_params = who("p.id")
    parts = []
    for name, group in (("sectors", "sector"), ("skills", "skill")):
        table, owner, other = _through(ReturneeProfile, name)
        narrow, narrow_params = keys(group)
        parts.append(
            (
                f"SELECT owner, other FROM (SELECT {owner} AS owner, {other} AS other"
                f" FROM {table}) x WHERE {limit}{narrow}",
                limit_params + narrow_params,
            )
        )
    for model, key, group in (
        (Education, "institution_id", "inst"),
        (WorkExperience, "employer_id", "emp"),
    ):
        narrow, narrow_params = keys(group)
        parts.append(
            (
                f"SELECT owner, other FROM (SELECT profile_id AS owner, {key} AS other"
                f" FROM {_table(model)}) x WHERE {limit}{narrow}",
                limit_params + narrow_params,
            )
        )
    for column, group in (("seeking", "seek"), ("languages", "lang")):
        condition = f"p.matching_consent AND {consenting}"
        parts.append((_json_codes(profile, "p", column, group, condition), consenting_params))
    sectors, skills, institutions, employers, seeking, languages = _grouped(parts)
    loaded.add("sector", sectors)
    loaded.add("skill", skills)
    loaded.add("inst", institutions)
    loaded.add("emp", employers)
    for column in (2, 3, 4):
        pairs = base[:, [0, column]]
        loaded.add("district", pairs[pairs[:, 1] > 0])
    loaded.add_codes("seek", seeking)
    loaded.add_codes("exp", _expand_codes(seeking, SEEKING_EXPERTISE, "seek"))
    loaded.add_codes("lang", languages)
    loaded.add_all(CAPACITY)
    loaded.extra = {
        "user_id": base[:, 1],
        "work": base[:, 2],
        "home": base[:, 3],
        "company": base[:, 4],
    }
    return loaded


def _consenting_profile_rows(model, key: str) -> str:
    """(user id, key) of the study or work abroad of consenting, active accounts whose
    directory card shows it: a founder's or an advisor's alma mater becomes a reason the
    other side reads ("Both studied at ..."), so it must already be public."""
    profile = _table(ReturneeProfile)
    user = _table(User)
    shown = "p.show_education" if model is Education else "p.show_work"
    return (
        f"SELECT p.user_id, r.{key} FROM {_table(model)} r"
        f" JOIN {profile} p ON p.id = r.profile_id JOIN {user} u ON u.id = p.user_id"
        f" WHERE p.matching_consent AND u.is_active AND p.is_public AND {shown}"
    )


def openings(opening_ids=None) -> Loaded:
    """Open openings (all of them, or those of `opening_ids`).

    `extra`: `startup_id`, `sector` (sector id) and `district` (the startup's)."""
    condition, params = _where_ids("o.id", opening_ids)
    cofounder = ",".join(f"'{stage}'" for stage in COFOUNDER_STAGES)
    base = int_rows(
        f"SELECT o.id, o.startup_id, o.sector_id, s.district_id,"
        f" (s.stage IN ({cofounder}))::int"
        f" FROM {_table(Opening)} o JOIN {_table(Startup)} s ON s.id = o.startup_id"
        f" WHERE o.is_open AND {condition} ORDER BY o.id",
        params,
        columns=5,
    )
    ids = base[:, 0]
    loaded = Loaded(ids)
    table, owner, other = _through(Opening, "skills")
    limit, limit_params = _where_ids(owner, None if opening_ids is None else ids)
    loaded.add(
        "skill", int_rows(f"SELECT {owner}, {other} FROM {table} WHERE {limit}", limit_params)
    )
    loaded.add("sector", base[:, [0, 2]])
    loaded.add("district", base[:, [0, 3]])
    seek = Seeking.values
    offers = np.concatenate(
        [
            np.column_stack([ids, np.full(len(ids), seek.index(Seeking.JOB) + 1)]),
            np.column_stack(
                [ids[base[:, 4] == 1], np.full(int(base[:, 4].sum()), seek.index("cofounder") + 1)]
            ),
        ]
    ).astype(np.int64)
    loaded.add_codes("seek", offers)
    # The founders' study and work abroad, opening by opening.
    startups = np.unique(base[:, 1])
    founders = _table(Founder)
    limit, limit_params = _where_ids("f.startup_id", None if opening_ids is None else startups)
    for group, model, key in (
        ("inst", Education, "institution_id"),
        ("emp", WorkExperience, "employer_id"),
    ):
        pairs = int_rows(
            f"SELECT DISTINCT f.startup_id, x.{key} FROM {founders} f"
            f" JOIN ({_consenting_profile_rows(model, key)}) x ON x.user_id = f.user_id"
            f" WHERE {limit}",
            limit_params,
        )
        loaded.add(group, _per_opening(base[:, :2], pairs))
    loaded.add_all(CAPACITY)  # never weighted for openings; keeps one column layout
    loaded.extra = {"startup_id": base[:, 1], "sector": base[:, 2], "district": base[:, 3]}
    return loaded


def _per_opening(opening_startup: np.ndarray, startup_keys: np.ndarray) -> np.ndarray:
    """(opening, key) rows from (opening, startup) and (startup, key) rows."""
    if not len(opening_startup) or not len(startup_keys):
        return np.empty((0, 2), dtype=np.int64)
    order = np.argsort(startup_keys[:, 0], kind="stable")
    startup_keys = startup_keys[order]
    starts = np.searchsorted(startup_keys[:, 0], opening_startup[:, 1], side="left")
    ends = np.searchsorted(startup_keys[:, 0], opening_startup[:, 1], side="right")
    counts = ends - starts
    openings_repeated = np.repeat(opening_startup[:, 0], counts)
    offsets = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
    return np.column_stack([openings_repeated, startup_keys[offsets, 1]])


def advisors(moment=None) -> Loaded:
    """Active advisors with capacity left in the month of `moment` (now by default).

    `extra`: `user_id`, `capacity` (per month) and `left` (this month)."""
    moment = moment or timezone.now()
    start, end = month_bounds(moment)
    advisor = _table(AdvisorProfile)
    user = _table(User)
    statuses = ",".join(f"'{status}'" for status in LOAD_STATUSES)
    base = int_rows(
        f"SELECT a.id, a.user_id, a.monthly_capacity, a.monthly_capacity - COALESCE(("
        f"SELECT count(*) FROM {_table(Consultation)} c WHERE c.advisor_id = a.id"
        f" AND c.status IN ({statuses}) AND c.scheduled_at >= %s AND c.scheduled_at < %s), 0)"
        f" FROM {advisor} a JOIN {user} u ON u.id = a.user_id"
        f" WHERE a.is_active AND u.is_active ORDER BY a.id",
        [start, end],
        columns=4,
    )
    base = base[base[:, 3] > 0]
    ids = base[:, 0]
    loaded = Loaded(ids)
    parts = []
    for name in ("sectors", "districts"):
        table, owner, other = _through(AdvisorProfile, name)
        parts.append((f"SELECT {owner}, {other} FROM {table}", []))
    for column, group in (("languages", "lang"), ("expertise", "exp")):
        parts.append((_json_codes(advisor, "a", column, group, "a.is_active"), []))
    for model, key in ((Education, "institution_id"), (WorkExperience, "employer_id")):
        parts.append(
            (
                f"SELECT DISTINCT a.id, x.{key} FROM {advisor} a"
                f" JOIN ({_consenting_profile_rows(model, key)}) x ON x.user_id = a.user_id"
                f" WHERE a.is_active",
                [],
            )
        )
    sectors, districts, languages, expertise, institutions, employers = _grouped(parts)
    loaded.add("sector", sectors)
    loaded.add("district", districts)
    loaded.add_codes("lang", languages)
    loaded.add_codes("exp", expertise)
    loaded.add("inst", institutions)
    loaded.add("emp", employers)
    seek = Seeking.values
    loaded.add_codes(
        "seek",
        np.array(
            [(advisor_id, seek.index(offer) + 1) for advisor_id in ids for offer in ADVISOR_OFFERS],
            dtype=np.int64,
        ).reshape(-1, 2),
    )
    loaded.add_all(CAPACITY)
    loaded.extra = {"user_id": base[:, 1], "capacity": base[:, 2], "left": base[:, 3]}
    return loaded


def startups(startup_ids=None) -> Loaded:
    """Startups (all of them, or those of `startup_ids`). `extra`: `district`."""
    condition, params = _where_ids("s.id", startup_ids)
    table = _table(Startup)
    base = int_rows(
        f"SELECT s.id, s.sector_id, s.district_id FROM {table} s WHERE {condition} ORDER BY s.id",
        params,
        columns=3,
    )
    ids = base[:, 0]
    loaded = Loaded(ids)
    loaded.add("sector", base[:, [0, 1]])
    loaded.add("district", base[:, [0, 2]])
    needs = list(NEED_EXPERTISE)
    values = ",".join(f"'{need}'" for need in needs)
    pairs = int_rows(
        f"SELECT s.id, COALESCE(array_position(ARRAY[{values}]::text[], x), 0)"
        f" FROM {table} s CROSS JOIN LATERAL jsonb_array_elements_text("
        f"CASE WHEN jsonb_typeof(s.needs) = 'array' THEN s.needs ELSE '[]' END) x"
        f" WHERE {condition}",
        params,
    )
    pairs = pairs[pairs[:, 1] > 0]
    expertise = [
        (entity, CODE_GROUPS["exp"].index(code) + 1)
        for entity, position in pairs
        for code in NEED_EXPERTISE[needs[position - 1]]
    ]
    loaded.add_codes("exp", np.array(expertise, dtype=np.int64).reshape(-1, 2))
    loaded.add_all(CAPACITY)
    loaded.extra = {"district": base[:, 2]}
    return loaded


def events(moment=None) -> Loaded:
    """Published events yet to start. `extra`: `district`."""
    moment = moment or timezone.now()
    table = _table(Event)
    languages = [EventLanguage.ZH, EventLanguage.EN]
    values = ",".join(f"'{language}'" for language in languages)
    base = int_rows(
        f"SELECT e.id, e.district_id, COALESCE(array_position(ARRAY[{values}]::text[],"
        f" e.language::text), 0) FROM {table} e"
        f" WHERE e.status = %s AND e.starts_at > %s ORDER BY e.id",
        [EventStatus.PUBLISHED, moment],
        columns=3,
    )
    ids = base[:, 0]
    loaded = Loaded(ids)
    through, owner, other = _through(Event, "sectors")
    limit, limit_params = _where_ids(owner, ids)
    loaded.add(
        "sector", int_rows(f"SELECT {owner}, {other} FROM {through} WHERE {limit}", limit_params)
    )
    loaded.add("district", base[:, [0, 1]])
    spoken = base[base[:, 2] > 0]
    loaded.add_codes(
        "lang",
        np.column_stack(
            [spoken[:, 0], [CODE_GROUPS["lang"].index(languages[i - 1]) + 1 for i in spoken[:, 2]]]
        ).astype(np.int64)
        if len(spoken)
        else np.empty((0, 2), dtype=np.int64),
    )
    loaded.extra = {"district": base[:, 1]}
    return loaded


# Names for the reasons -------------------------------------------------------------------


def names(vocabulary: Vocabulary, columns) -> dict[int, object]:
    """What a reason says of each column: a name, a {"en", "zh"} pair, or a choice code."""
    by_group: dict[str, list[int]] = {}
    for column in {int(column) for column in columns}:
        by_group.setdefault(vocabulary.group(column), []).append(column)
    found: dict[int, object] = {}
    models = {"skill": Skill, "inst": Institution, "emp": Employer}
    bilingual = {"sector": Sector, "district": District}
    for group, group_columns in by_group.items():
        keyed = {vocabulary.key(column): column for column in group_columns}
        if group in models:
            for pk, name in models[group].objects.filter(pk__in=keyed).values_list("pk", "name"):
                found[keyed[pk]] = name
        elif group in bilingual:
            rows = bilingual[group].objects.filter(pk__in=keyed)
            for pk, name_en, name_zh in rows.values_list("pk", "name_en", "name_zh"):
                found[keyed[pk]] = {"en": name_en, "zh": name_zh}
        else:
            for key, column in keyed.items():
                found[column] = key
    return found


def own_pairs(kind: str, subject_ids=None) -> list[tuple[int, int]]:
    """(subject id, target id) pairs of `kind` that would match people with themselves: a
    founder with their own startup's openings, an advisor with themselves, a startup with an
    advisor who founded it. They are never matched, as if dismissed."""
    if kind in (MatchKind.RETURNEE_OPENING, MatchKind.OPENING_RETURNEE):
        rows = Opening.objects.filter(startup__founders__isnull=False)
        if subject_ids is not None:
            ids = [int(value) for value in subject_ids]
            if kind == MatchKind.RETURNEE_OPENING:
                rows = rows.filter(startup__founders__user_id__in=ids)
            else:
                rows = rows.filter(pk__in=ids)
        pairs = rows.values_list("startup__founders__user_id", "pk")
        if kind == MatchKind.RETURNEE_OPENING:
            return list(pairs)
        return [(opening, user) for user, opening in pairs]
    if kind == MatchKind.RETURNEE_ADVISOR:
        rows = AdvisorProfile.objects.all()
        if subject_ids is not None:
            rows = rows.filter(user_id__in=[int(value) for value in subject_ids])
        return list(rows.values_list("user_id", "pk"))
    if kind == MatchKind.STARTUP_ADVISOR:
        rows = Founder.objects.filter(user__advisor_profile__isnull=False)
        if subject_ids is not None:
            rows = rows.filter(startup_id__in=[int(value) for value in subject_ids])
        return list(rows.values_list("startup_id", "user__advisor_profile"))
    return []
