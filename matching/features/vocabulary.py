"""The features' vocabulary: groups of skills, sectors, districts, institutions, employers and
codes, and the matrix columns they become."""

import io
from typing import TYPE_CHECKING

import numpy as np
from django.db import connection

from startups.choices import Stage
from talent.choices import ConsultationStatus, Expertise, Seeking, SpokenLanguage

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

if TYPE_CHECKING:  # loading.py builds on this module
    from .loading import Loaded


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
