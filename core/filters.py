"""FilterSets of the reference data, shared by pages and the API."""

import django_filters
from django import forms
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import District, IndustrialPark, Notification, Sector

MAX_QUERY_LENGTH = 200


class CodeFilter(django_filters.ModelChoiceFilter):
    """Filters by the `code` of reference data (district, sector, park) with a clear error."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": _("Unknown code “%(value)s”; use a code from the reference list.")},
        )
        super().__init__(*args, **kwargs)


class BoundedIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 date-time between the years 1900 and 2200 (beyond, time zones overflow)."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and not 1900 <= value.year <= 2200:
            raise forms.ValidationError(
                _("Enter a date between the years 1900 and 2200."), code="out_of_range"
            )
        return value


class DateTimeFilter(django_filters.IsoDateTimeFilter):
    """`?starts_after=2026-12-01T09:00:00+08:00`: ISO 8601, within sensible years."""

    field_class = BoundedIsoDateTimeField


class NameSearchFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        max_length=MAX_QUERY_LENGTH,
        label=_("Search"),
        help_text=_("Words of the name, in Chinese or English."),
    )

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name_zh__icontains=value) | Q(name_en__icontains=value) | Q(code__icontains=value)
        )


class DistrictFilterSet(NameSearchFilterSet):
    class Meta:
        model = District
        fields = ["q"]


class SectorFilterSet(NameSearchFilterSet):
    class Meta:
        model = Sector
        fields = ["q", "is_pillar"]


class IndustrialParkFilterSet(NameSearchFilterSet):
    district = CodeFilter(
        field_name="district",
        queryset=District.objects.all(),
        label=_("District"),
        help_text=_("District code, e.g. pudong."),
    )
    sector = CodeFilter(
        field_name="sectors",
        queryset=Sector.objects.all(),
        label=_("Sector"),
        help_text=_("Sector code, e.g. integrated-circuits."),
    )

    class Meta:
        model = IndustrialPark
        fields = ["q", "district", "sector"]


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", label=_("Unread only")
    )

    class Meta:
        model = Notification
        fields = ["kind", "unread"]


def json_list_contains(queryset, column: str, value: str):
    """Rows whose JSON list `column` holds `value` (PostgreSQL's containment where the
    database has it; a scan of the column elsewhere, for the development SQLite file)."""
    if connection.features.supports_json_field_contains:
        return queryset.filter(**{f"{column}__contains": [value]})
    ids = [pk for pk, values in queryset.values_list("pk", column) if value in (values or [])]
    return queryset.filter(pk__in=ids)
