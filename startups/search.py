"""Full-text search of the startups directory and of the openings, as policies are searched
(`policies.search`): stored search words with Chinese cut into words, a trigger-maintained,
GIN-indexed vector (English stemmed: antibody finds antibodies), queries expanded with the
synonym groups, the best match first.

- A startup's words: A its name; B its descriptions; C its sector, park and district.
- An opening's words: A its title; B its description and skills; C its startup's name, its
  sector and its startup's district.

Services, the admin, the demo and the synthetic generator write them; a startup's new name
or place rewrites its openings' words too. On SQLite (development only) the words of the
query are matched with `icontains`.
"""

from collections.abc import Iterable

from django.db import connection
from django.db.models import Q, QuerySet

from search.query import full_text_search
from search.text import index_text
from talent.models import Skill
from talent.normalize import normalize_key

WORD_FIELDS = ["search_a", "search_b", "search_c"]
# Writing any of these changes a startup's words (its name and district, its openings' too).
STARTUP_INDEXED_FIELDS = ["name", "district", "sector", "park", "description_zh", "description_en"]
OPENING_INDEXED_FIELDS = ["title", "description", "sector", "skills"]


def _names(*places) -> list[str]:
    return [
        name for place in places if place is not None for name in (place.name_zh, place.name_en)
    ]


def startup_search_words(startup, *, sector, park, district) -> dict[str, str]:
    """The search words of `startup` (saved or not) in this sector, park and district."""
    return {
        "search_a": index_text(startup.name),
        "search_b": index_text(startup.description_zh, startup.description_en),
        "search_c": index_text(*_names(sector, park, district)),
    }


def opening_search_words(opening, *, startup_name: str, skills: Iterable[str], sector, district):
    """The search words of `opening` (saved or not) of a startup with this name and
    district, with these skill names and sector."""
    return {
        "search_a": index_text(opening.title),
        "search_b": index_text(opening.description, *skills),
        "search_c": index_text(startup_name, *_names(sector, district)),
    }


def startup_index(startup) -> None:
    """Set the startup's search words from its fields; saving it stores them."""
    words = startup_search_words(
        startup, sector=startup.sector, park=startup.park, district=startup.district
    )
    for name, value in words.items():
        setattr(startup, name, value)


def opening_index(opening, *, skills: Iterable[str] | None = None) -> None:
    """Set the opening's search words from its fields, its startup and `skills` (names; its
    saved skills when None); saving it stores them."""
    if skills is None:
        skills = [skill.name for skill in opening.skills.all()] if opening.pk else []
    words = opening_search_words(
        opening,
        startup_name=opening.startup.name,
        skills=skills,
        sector=opening.sector,
        district=opening.startup.district,
    )
    for name, value in words.items():
        setattr(opening, name, value)


def _reindex(model, ids: list[int], words, *, related, prefetch=(), batch_size=500) -> int:
    done = 0
    for start in range(0, len(ids), batch_size):
        rows = list(
            model._base_manager.filter(pk__in=ids[start : start + batch_size])
            .select_related(*related)
            .prefetch_related(*prefetch)
        )
        for row in rows:
            for name, value in words(row).items():
                setattr(row, name, value)
        model._base_manager.bulk_update(rows, WORD_FIELDS)
        done += len(rows)
    return done


def startups_reindex(queryset: QuerySet) -> int:
    """Rewrite the search words of the startups of `queryset` from what is saved."""
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    return _reindex(
        queryset.model,
        ids,
        lambda startup: startup_search_words(
            startup, sector=startup.sector, park=startup.park, district=startup.district
        ),
        related=["sector", "park", "district"],
    )


def openings_reindex(queryset: QuerySet) -> int:
    """Rewrite the search words of the openings of `queryset` from what is saved."""
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    return _reindex(
        queryset.model,
        ids,
        lambda opening: opening_search_words(
            opening,
            startup_name=opening.startup.name,
            skills=[skill.name for skill in opening.skills.all()],
            sector=opening.sector,
            district=opening.startup.district,
        ),
        related=["startup", "startup__district", "sector"],
        prefetch=["skills"],
    )


def reindex_all_startups() -> int:
    from .models import Opening, Startup

    return startups_reindex(Startup.objects.all()) + openings_reindex(Opening.objects.all())


# Searching -------------------------------------------------------------------------------


def startup_search(queryset: QuerySet, query: str) -> QuerySet:
    """Startups of `queryset` matching `query`, best first, then by name."""
    query = " ".join((query or "").split())
    if not query:
        return queryset
    if connection.vendor != "postgresql":
        return queryset.filter(
            Q(name__icontains=query)
            | Q(description_zh__icontains=query)
            | Q(description_en__icontains=query)
        )
    return full_text_search(queryset, query, then=["name", "id"])


def opening_search(queryset: QuerySet, query: str) -> QuerySet:
    """Openings of `queryset` matching `query` (title, description, skills, the startup's
    name), best first, then the newest."""
    query = " ".join((query or "").split())
    if not query:
        return queryset
    if connection.vendor != "postgresql":
        key = normalize_key(query)
        with_skill = queryset.model.skills.through.objects.filter(
            skill__in=Skill.objects.filter(key__contains=key) if key else Skill.objects.none()
        ).values("opening_id")
        return queryset.filter(
            Q(title__icontains=query)
            | Q(description__icontains=query)
            | Q(startup__name__icontains=query)
            | Q(pk__in=with_skill)
        )
    return full_text_search(queryset, query, then=["-created_at", "-id"])
