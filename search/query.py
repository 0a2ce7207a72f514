"""From what a person types to a PostgreSQL full-text query, and the search itself.

A query is cut into words (`search.text.query_tokens`). Where some of its words spell a term
of a synonym group (芯片; talent apartment; returnees), they become one *term* that any of the
group's terms satisfies; every other word is a term of its own, and a Chinese compound that
the dictionary also knows as shorter words may match as those words (启动资金 as 启动 and
资金, or a synonym of 资金). Chinese characters the dictionary knows no word for (a name, a
new term: 浦人社规) must stand together, as they do in the text. Every term must match (AND),
any form of a term will do (OR): 海归人才补贴 is (海归 | 留学回国人员 | returnee | ...) & 人才 &
(补贴 | 资助 | subsidy | ...). Words match whole (after stemming): "art" does not find
"artificial".

Each form is handed to PostgreSQL's `english` configuration, as the documents are: English
words are stemmed (subsidy finds subsidies), stop words dropped, a phrase of several English
words must stand together ('talent' <-> 'apart'); Chinese words pass through as they are.
"""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, QuerySet

from core.filters import MAX_QUERY_LENGTH

from .synonyms import Synonyms, synonyms
from .text import Token, compound_parts, query_tokens

CONFIG = "english"


@dataclass(frozen=True)
class Form:
    """One way a term may appear: words that must all occur ("plain"), words that must stand
    together ("phrase"), or the parts of a Chinese compound, each in any of its forms
    ("parts": 启动资金 may appear as 启动 and 资金 or 资助 ...)."""

    kind: str
    text: str = ""
    parts: tuple["Term", ...] = ()

    def search_query(self) -> SearchQuery:
        if self.kind == "parts":
            return _all_of(self.parts)
        return SearchQuery(self.text, config=CONFIG, search_type=self.kind)


@dataclass(frozen=True)
class Term:
    """A part of the query that must match, in any of its forms."""

    source: str
    forms: tuple[Form, ...]


def _form(tokens) -> Form:
    """Several English words, or Chinese characters the dictionary knows no word for (科创板
    as 科, 创, 板), must stand together; Chinese words need only all be there."""
    text = " ".join(token.text for token in tokens)
    if len(tokens) > 1 and (
        not any(token.han for token in tokens) or all(token.single_character for token in tokens)
    ):
        return Form("phrase", text)
    return Form("plain", text)


def _characters(tokens: list[Token], start: int, groups: Synonyms) -> int:
    """How many single Chinese characters of one run stand together from `start` (none of
    them the start of a synonym)."""
    end = start
    while (
        end < len(tokens)
        and tokens[end].single_character
        and tokens[end].run == tokens[start].run
        and (end == start or groups.match(tokens, end) is None)
    ):
        end += 1
    return end - start


def _terms(tokens: list[Token], groups: Synonyms) -> list[Term]:
    terms: list[Term] = []
    position = 0
    while position < len(tokens):
        found = groups.match(tokens, position)
        if found is None:
            taken = tokens[position : position + max(1, _characters(tokens, position, groups))]
            forms = [_form(taken)]
            parts = compound_parts(taken[0].text) if taken[0].han else []
            if parts:
                sub_terms = _terms([Token(part, True) for part in parts], groups)
                forms.append(Form("parts", parts=tuple(sub_terms)))
        else:
            group, length = found
            taken = tokens[position : position + length]
            forms = [_form(taken)] + [_form(term) for term in groups.groups[group]]
        terms.append(
            Term(
                source=" ".join(token.text for token in taken),
                forms=tuple(dict.fromkeys(forms)),
            )
        )
        position += len(taken)
    return terms


def parse(text: str, groups: Synonyms | None = None) -> list[Term]:
    """The terms of a query, each with its forms (its synonyms'), in the query's order."""
    tokens = query_tokens((text or "")[:MAX_QUERY_LENGTH])
    if not tokens:
        return []
    return _terms(tokens, synonyms() if groups is None else groups)


def _all_of(terms) -> SearchQuery | None:
    combined = None
    for term in terms:
        alternatives = None
        for form in term.forms:
            query = form.search_query()
            alternatives = query if alternatives is None else alternatives | query
        combined = alternatives if combined is None else combined & alternatives
    return combined


def search_query(terms: list[Term]) -> SearchQuery | None:
    """The `tsquery` of the terms: AND across terms, OR across each term's forms."""
    return _all_of(terms)


def full_text_search(queryset: QuerySet, text: str, *, then: list) -> QuerySet:
    """The rows of `queryset` whose `search_vector` matches `text`, best first (`ts_rank`
    over the stored vector), ties in the order `then`. A query with no word to search for
    (only punctuation) finds nothing."""
    query = search_query(parse(text))
    if query is None:
        return queryset.none()
    return (
        queryset.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", *then)
    )
