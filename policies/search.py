"""Full-text search of policies over both languages, best match first.

On PostgreSQL every policy stores its search words (`search.models.Searchable`), written
here whenever a policy is written (services, admin, import, the synthetic generator):

- A: the titles in both languages and the document number;
- B: the summaries, the category's name in both languages and the sectors' names;
- C: the full texts, the benefits, the issuing authority and the issuing district's names;

Chinese cut into words by jieba. A trigger turns them into `search_vector` (stemmed English,
weighted), which a GIN index serves. A query is cut into words the same way and expanded with
the synonym groups (`search.query`): every word (or synonym) must match, the best match
(`ts_rank` of the stored vector) comes first, then the newest.

On SQLite (development only) every word of the query is matched with `icontains` in either
language.
"""

from collections.abc import Iterable

from django.db import connection
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When
from django.utils import translation

from search.query import full_text_search
from search.text import index_text

from .choices import PolicyCategory

ZH_FIELDS = ["title_zh", "summary_zh", "body_zh", "benefits_zh", "authority_zh"]
EN_FIELDS = ["title_en", "summary_en", "body_en", "benefits_en", "authority_en"]
# Writing any of these changes a policy's search words.
INDEXED_FIELDS = [
    *ZH_FIELDS,
    *EN_FIELDS,
    "document_number",
    "category",
    "district",
    "sectors",
]
WORD_FIELDS = ["search_a", "search_b", "search_c"]
MUNICIPAL_NAMES = ("上海市", "Shanghai")


def _in_both_languages(label) -> tuple[str, str]:
    with translation.override("zh-hans"):
        chinese = str(label)
    with translation.override("en"):
        english = str(label)
    return chinese, english


def policy_search_words(policy, *, sectors: Iterable, district) -> dict[str, str]:
    """The search words of `policy` (saved or not) with these sectors and issuing district
    (None: municipal); each of them only needs its `name_zh` and `name_en`."""
    category = dict(PolicyCategory.choices).get(policy.category, "")
    places = (district.name_zh, district.name_en) if district is not None else MUNICIPAL_NAMES
    return {
        "search_a": index_text(policy.title_zh, policy.title_en, policy.document_number),
        "search_b": index_text(
            policy.summary_zh,
            policy.summary_en,
            *_in_both_languages(category),
            *(name for sector in sectors for name in (sector.name_zh, sector.name_en)),
        ),
        "search_c": index_text(
            policy.body_zh,
            policy.body_en,
            policy.benefits_zh,
            policy.benefits_en,
            policy.authority_zh,
            policy.authority_en,
            *places,
        ),
    }


def policy_index(policy, *, sectors: Iterable | None = None) -> None:
    """Set the policy's search words from its fields (and `sectors`, or its saved ones);
    saving the policy stores them."""
    if sectors is None:
        sectors = list(policy.sectors.all()) if policy.pk else []
    for name, value in policy_search_words(
        policy, sectors=sectors, district=policy.district
    ).items():
        setattr(policy, name, value)


def policy_reindex(queryset: QuerySet, *, batch_size: int = 500) -> int:
    """Rewrite the search words of the policies of `queryset` from what is saved; returns
    how many. (Also used by migrations, with their historical model.)"""
    model = queryset.model
    done = 0
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        batch = list(
            model._base_manager.filter(pk__in=ids[start : start + batch_size])
            .select_related("district")
            .prefetch_related("sectors")
        )
        for policy in batch:
            words = policy_search_words(
                policy, sectors=policy.sectors.all(), district=policy.district
            )
            for name, value in words.items():
                setattr(policy, name, value)
        model._base_manager.bulk_update(batch, WORD_FIELDS)
        done += len(batch)
    return done


def policies_search_refresh(ids: Iterable[int]) -> int:
    """After writes that bypassed the services (the admin's form, an import): rewrite these
    policies' search words from what is saved."""
    from .models import Policy

    return policy_reindex(Policy.objects.filter(pk__in=list(ids)))


def reindex_all_policies() -> int:
    from .models import Policy

    return policy_reindex(Policy.objects.all())


# Searching -------------------------------------------------------------------------------


def _search_fallback(queryset: QuerySet, query: str) -> QuerySet:
    """SQLite: every word somewhere in either language; title matches first."""
    rank = Value(0.0, output_field=FloatField())
    for term in query.split():
        condition = Q(document_number__icontains=term)
        for name in ZH_FIELDS + EN_FIELDS:
            condition |= Q(**{f"{name}__icontains": term})
        queryset = queryset.filter(condition)
        rank = rank + Case(
            When(Q(title_zh__icontains=term) | Q(title_en__icontains=term), then=Value(1.0)),
            default=Value(0.0),
        )
    return queryset.annotate(rank=rank).order_by(
        "-rank", F("published_at").desc(nulls_last=True), "-id"
    )


def policy_search(queryset: QuerySet, query: str) -> QuerySet:
    """Policies of `queryset` matching `query` in Chinese or English, best first."""
    query = " ".join((query or "").split())
    if not query:
        return queryset
    if connection.vendor != "postgresql":
        return _search_fallback(queryset, query)
    return full_text_search(queryset, query, then=[F("published_at").desc(nulls_last=True), "-id"])
