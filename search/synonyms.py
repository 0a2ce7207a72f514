"""The synonym groups a query is expanded with.

The active groups are read from the database once and kept in the shared cache (so every
process sees a change made in admin at once: saving or deleting a group clears it), and each
process keeps them compiled: every term cut into words as a query is (`Token.key`), so that a
query's words are matched against the terms word by word, longest term first. If the cache
cannot be reached the groups are read from the database.
"""

import logging
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction

from .text import Token, query_tokens

CACHE_KEY = "search:synonym-groups:v1"
CACHE_SECONDS = 3600

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Synonyms:
    """The compiled groups: each group's terms as token lists, and the groups by the keys of
    their terms' words."""

    groups: tuple[tuple[tuple[Token, ...], ...], ...] = ()
    by_keys: dict[tuple[str, ...], int] = field(default_factory=dict)
    longest: int = 0

    @classmethod
    def compile(cls, groups: list[list[str]]) -> "Synonyms":
        compiled, by_keys, longest = [], {}, 0
        for terms in groups:
            tokenized = tuple(tuple(query_tokens(term)) for term in terms)
            tokenized = tuple(tokens for tokens in tokenized if tokens)
            if len(tokenized) < 2:
                continue
            index = len(compiled)
            compiled.append(tokenized)
            for tokens in tokenized:
                keys = tuple(token.key for token in tokens)
                by_keys.setdefault(keys, index)
                longest = max(longest, len(keys))
        return cls(groups=tuple(compiled), by_keys=by_keys, longest=longest)

    def match(self, tokens: list[Token], start: int) -> tuple[int, int] | None:
        """The group of the longest term that the query's words spell from `start`, and how
        many words it takes; None when no term starts there."""
        keys = [token.key for token in tokens[start : start + self.longest]]
        for length in range(len(keys), 0, -1):
            group = self.by_keys.get(tuple(keys[:length]))
            if group is not None:
                return group, length
        return None


_compiled: dict[tuple, Synonyms] = {}


def _load_groups() -> list[list[str]]:
    from .models import SynonymGroup

    return [
        group.term_list
        for group in SynonymGroup.objects.filter(is_active=True).order_by("id").only("terms")
    ]


def active_groups() -> list[list[str]]:
    """The terms of every active group (from the shared cache when it answers)."""
    try:
        groups = cache.get(CACHE_KEY)
    except Exception:  # noqa: BLE001 - an unreachable cache must not stop a search
        logger.warning("The cache did not answer; synonyms read from the database.")
        return _load_groups()
    if groups is None:
        groups = _load_groups()
        try:
            cache.set(CACHE_KEY, groups, CACHE_SECONDS)
        except Exception:  # noqa: BLE001
            logger.warning("The cache did not answer; synonyms are not kept in it.")
    return groups


def synonyms() -> Synonyms:
    """The active groups, compiled (once per process for each version of the groups)."""
    groups = active_groups()
    key = tuple(tuple(terms) for terms in groups)
    compiled = _compiled.get(key)
    if compiled is None:
        if len(_compiled) > 8:
            _compiled.clear()
        compiled = _compiled[key] = Synonyms.compile(groups)
    return compiled


def _forget() -> None:
    try:
        cache.delete(CACHE_KEY)
    except Exception:  # noqa: BLE001
        logger.warning("The cache did not answer; synonym changes show within the hour.")


def synonyms_changed() -> None:
    """Call after writing synonym groups: the next search reads them afresh (now, and again
    once the transaction commits, so no process keeps what it read in between)."""
    _forget()
    transaction.on_commit(_forget)
