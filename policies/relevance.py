"""How well policy search answers what people type: a set of real-style queries in both
languages (`tests/relevance.json`), each with the policy (by document number, from the demo
data of `policies.demo`) that must come among the first five, and two figures over the set:

- recall@5: the share of queries whose policy is among the first five results;
- MRR (mean reciprocal rank): the mean of 1/rank of that policy (0 when it is not among the
  first 20), 1.0 when every policy comes first.

The queries run through the list's own FilterSet (published policies, as `GET
/api/v1/policies/?q=` sees them). `manage.py search_relevance` prints the figures; the test
suite holds the set against the demo data, and the search benchmark prints them for its
database.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

CASES_FILE = Path(__file__).resolve().parent / "tests" / "relevance.json"
DEPTH = 20


@dataclass(frozen=True)
class Case:
    query: str
    expected: str  # a document number
    note: str = ""


@dataclass
class Report:
    """The figures over a set of cases, and the rank (1-based, None: not in the first
    `DEPTH`) each expected policy came at."""

    k: int
    ranks: list[tuple[Case, int | None]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.ranks)

    @property
    def recall_at_k(self) -> float:
        if not self.ranks:
            return 0.0
        return sum(1 for _case, rank in self.ranks if rank and rank <= self.k) / self.total

    @property
    def recall_at_5(self) -> float:
        return self.recall_at_k if self.k == 5 else Report(5, self.ranks).recall_at_k

    @property
    def mrr(self) -> float:
        if not self.ranks:
            return 0.0
        return sum(1 / rank for _case, rank in self.ranks if rank) / self.total

    @property
    def missed(self) -> list[str]:
        """The cases whose policy is not among the first k, said in one line each."""
        return [
            f"{case.query!r}: {case.expected} at {rank or f'>{DEPTH}'}"
            for case, rank in self.ranks
            if not rank or rank > self.k
        ]


def load_cases(path: Path = CASES_FILE) -> list[Case]:
    return [Case(**item) for item in json.loads(path.read_text(encoding="utf-8"))]


def rank_of(expected: str, found: list[str]) -> int | None:
    """The 1-based place of `expected` among `found`, or None."""
    try:
        return found.index(expected) + 1
    except ValueError:
        return None


def search_document_numbers(query: str) -> list[str]:
    """The document numbers of the first `DEPTH` published policies found for `query`."""
    from django.contrib.auth.models import AnonymousUser

    from . import selectors
    from .filters import PolicyFilterSet

    filterset = PolicyFilterSet({"q": query}, queryset=selectors.policy_list(user=AnonymousUser()))
    if not filterset.is_valid():
        return []
    return list(filterset.qs.values_list("document_number", flat=True)[:DEPTH])


def evaluate(cases: list[Case] | None = None, *, k: int = 5) -> Report:
    """Run every case against the database and measure."""
    report = Report(k=k)
    for case in load_cases() if cases is None else cases:
        report.ranks.append((case, rank_of(case.expected, search_document_numbers(case.query))))
    return report
