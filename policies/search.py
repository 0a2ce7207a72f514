"""Full-text search of policies over both languages, ranked by relevance.

On PostgreSQL:
- Words in Latin script are matched with PostgreSQL's full-text search: an 'english'
  vector (stemmed: "subsidies" finds "subsidy"; title weighs most, then summary, then body
  and benefits) and a 'simple' vector over both languages' titles, summaries and document
  numbers, ranked with `ts_rank`; a substring of the title or document number also matches.
- Chinese has no spaces between words, so a Chinese term (集成电路) matches where it
  occurs inside the Chinese title, summary, full text, benefits or issuing authority
  (`icontains`, served by pg_trgm GIN indexes), ranked by where it occurs and by trigram
  similarity to the title.
- Several terms (separated by spaces) must all match.
On SQLite (development only) every term is matched with `icontains` in both languages.
"""

import re

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramSimilarity,
)
from django.db import connection
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When

from core.filters import MAX_QUERY_LENGTH

CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")

ZH_FIELDS = ["title_zh", "summary_zh", "body_zh", "benefits_zh", "authority_zh"]
EN_FIELDS = ["title_en", "summary_en", "body_en", "benefits_en", "authority_en"]


def english_vector() -> SearchVector:
    """The stemmed English document; a GIN index (migration 0002) holds the same expression."""
    return (
        SearchVector("title_en", config="english", weight="A")
        + SearchVector("summary_en", config="english", weight="B")
        + SearchVector("body_en", "benefits_en", "authority_en", config="english", weight="C")
    )


def simple_vector() -> SearchVector:
    """Unstemmed words of both languages' titles and summaries, and the document number."""
    return SearchVector(
        "title_en", "title_zh", "document_number", config="simple", weight="A"
    ) + SearchVector("summary_en", "summary_zh", config="simple", weight="B")


def split_terms(query: str) -> tuple[list[str], str]:
    """The Chinese terms of a query, and the rest (the Latin-script words) as one string."""
    query = " ".join((query or "").split())[:MAX_QUERY_LENGTH]
    chinese, latin = [], []
    for term in query.split(" "):
        if not term:
            continue
        (chinese if CJK.search(term) else latin).append(term)
    return chinese, " ".join(latin)


def _anywhere(term: str, fields: list[str]) -> Q:
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__icontains": term})
    return condition


def _chinese_condition(term: str) -> Q:
    return _anywhere(term, ZH_FIELDS) | Q(document_number__icontains=term)


def _chinese_rank(term: str):
    """Where a Chinese term occurs (title above summary above the rest), and how much of the
    title it is (trigram similarity)."""
    return (
        Case(When(title_zh__icontains=term, then=Value(1.0)), default=Value(0.0))
        + Case(When(summary_zh__icontains=term, then=Value(0.4)), default=Value(0.0))
        + Case(
            When(Q(body_zh__icontains=term) | Q(benefits_zh__icontains=term), then=Value(0.1)),
            default=Value(0.0),
        )
        + TrigramSimilarity("title_zh", term) * Value(0.5)
    )


def _search_postgresql(queryset: QuerySet, chinese: list[str], latin: str) -> QuerySet:
    rank = Value(0.0, output_field=FloatField())
    for term in chinese:
        queryset = queryset.filter(_chinese_condition(term))
        rank = rank + _chinese_rank(term)
    if latin:
        english = SearchQuery(latin, config="english", search_type="websearch")
        simple = SearchQuery(latin, config="simple", search_type="websearch")
        queryset = queryset.annotate(
            search_en=english_vector(), search_simple=simple_vector()
        ).filter(
            Q(search_en=english)
            | Q(search_simple=simple)
            | Q(title_en__icontains=latin)
            | Q(title_zh__icontains=latin)
            | Q(document_number__icontains=latin)
        )
        rank = (
            rank
            + SearchRank(F("search_en"), english)
            + SearchRank(F("search_simple"), simple) * Value(0.5)
            + Case(When(title_en__icontains=latin, then=Value(0.3)), default=Value(0.0))
        )
    return queryset.annotate(rank=rank)


def _search_fallback(queryset: QuerySet, chinese: list[str], latin: str) -> QuerySet:
    """SQLite: every term somewhere in either language; title matches first."""
    rank = Value(0.0, output_field=FloatField())
    for term in [*chinese, *latin.split()]:
        queryset = queryset.filter(
            _anywhere(term, ZH_FIELDS + EN_FIELDS) | Q(document_number__icontains=term)
        )
        rank = rank + Case(
            When(Q(title_zh__icontains=term) | Q(title_en__icontains=term), then=Value(1.0)),
            default=Value(0.0),
        )
    return queryset.annotate(rank=rank)


def policy_search(queryset: QuerySet, query: str) -> QuerySet:
    """Policies of `queryset` matching `query` in Chinese or English, best first."""
    chinese, latin = split_terms(query)
    if not chinese and not latin:
        return queryset
    if connection.vendor == "postgresql":
        queryset = _search_postgresql(queryset, chinese, latin)
    else:
        queryset = _search_fallback(queryset, chinese, latin)
    return queryset.order_by("-rank", F("published_at").desc(nulls_last=True), "-id")
