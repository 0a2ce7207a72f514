import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import MAX_QUERY_LENGTH, CodeFilter, DateTimeFilter
from core.models import District, Sector

from .choices import EventKind, EventStatus
from .models import Event


class EventFilterSet(django_filters.FilterSet):
    """One FilterSet for the events page and `GET /api/v1/events/`."""

    q = django_filters.CharFilter(
        method="filter_q",
        max_length=MAX_QUERY_LENGTH,
        label=_("Search"),
        help_text=_("Words of the title, summary or venue, in Chinese or English."),
    )
    district = CodeFilter(
        queryset=District.objects.all(), field_name="district", label=_("District")
    )
    sector = CodeFilter(queryset=Sector.objects.all(), field_name="sectors", label=_("Sector"))
    kind = django_filters.ChoiceFilter(choices=EventKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=EventStatus.choices, label=_("Status"))
    starts_after = DateTimeFilter(
        field_name="starts_at", lookup_expr="gte", label=_("Starts after")
    )
    starts_before = DateTimeFilter(
        field_name="starts_at", lookup_expr="lte", label=_("Starts before")
    )
    upcoming = django_filters.BooleanFilter(method="filter_upcoming", label=_("Upcoming only"))

    class Meta:
        model = Event
        fields = ["q", "district", "sector", "kind", "status", "starts_after", "starts_before"]

    def filter_q(self, queryset, name, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title_zh__icontains=value)
            | Q(title_en__icontains=value)
            | Q(summary_zh__icontains=value)
            | Q(summary_en__icontains=value)
            | Q(venue__icontains=value)
        )

    def filter_upcoming(self, queryset, name, value: bool):
        if value:
            return queryset.filter(ends_at__gte=timezone.now())
        return queryset
