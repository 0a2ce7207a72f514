from django.conf import settings
from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """`{"count", "next", "previous", "results"}`; `?page_size=` up to API_MAX_PAGE_SIZE.

    `count` is the filtered queryset's `count()`. Django leaves out of it the annotations
    that no filter uses, unless one is an aggregate (or the query is distinct): then it counts a
    grouped sub-query with every join. So the lists annotate their figures (a startup's open
    openings, an advisor's load this month) as a sub-select per row, never as `Count` over
    a join: the page query works them out for its own rows only, and the count reads the
    listed table alone."""

    page_size_query_param = "page_size"

    @property
    def max_page_size(self) -> int:
        return settings.API_MAX_PAGE_SIZE
