"""Returnees, openings, advisors, startups and events loaded from PostgreSQL into sparse feature
rows, all or some by id."""

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from django.utils import timezone

from core.models import User
from events.choices import EventLanguage, EventStatus
from events.models import Event
from startups.models import Founder, Opening, Startup
from talent.choices import Seeking
from talent.models import (
    AdvisorProfile,
    Consultation,
    Education,
    ReturneeProfile,
    WorkExperience,
)
from talent.services import month_bounds

# Groups keyed by a database id, and groups keyed by a choice code.
from .vocabulary import (
    ADVISOR_OFFERS,
    CAPACITY,
    CODE_GROUPS,
    COFOUNDER_STAGES,
    LOAD_STATUSES,
    NEED_EXPERTISE,
    SEEKING_EXPERTISE,
    Vocabulary,
    _code_index,
    _table,
    _through,
    int_rows,
)

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
