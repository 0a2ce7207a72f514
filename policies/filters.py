"""The FilterSet of the policy list, shared by the page and the API. District and sector are
filtered by their `code`; `district=municipal` asks for city-wide policies."""

import datetime

import django_filters
from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from core.filters import MAX_QUERY_LENGTH, CodeFilter
from core.models import District, Sector

from .choices import MUNICIPAL, PolicyCategory, PolicyStatus
from .models import Policy
from .search import policy_search
from .selectors import active_q


class _MunicipalFirstIterator(ModelChoiceIterator):
    def __iter__(self):
        choices = super().__iter__()
        if self.field.empty_label is not None:
            yield next(choices)
        yield (MUNICIPAL, _("Shanghai (municipal)"))
        yield from choices

    def __len__(self):
        return super().__len__() + 1


class DistrictOrMunicipalField(forms.ModelChoiceField):
    """A district by its code, or "municipal" for the city level."""

    iterator = _MunicipalFirstIterator

    def to_python(self, value):
        if value == MUNICIPAL:
            return MUNICIPAL
        return super().to_python(value)

    def validate(self, value):
        if value == MUNICIPAL:
            return
        super().validate(value)


class DistrictFilter(CodeFilter):
    field_class = DistrictOrMunicipalField

    def filter(self, qs, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        if value == MUNICIPAL:
            return qs.filter(district__isnull=True)
        return qs.filter(district=value)


class PolicyFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        max_length=MAX_QUERY_LENGTH,
        label=_("Search"),
        help_text=_("Words in Chinese or English; the best matches come first."),
    )
    district = DistrictFilter(
        queryset=District.objects.all(),
        label=_("Issued by"),
        help_text=_("District code, e.g. pudong, or “municipal” for city-wide policies."),
    )
    category = django_filters.ChoiceFilter(choices=PolicyCategory.choices, label=_("Category"))
    sector = CodeFilter(
        field_name="sectors",
        queryset=Sector.objects.all(),
        label=_("Sector"),
        help_text=_("Sector code, e.g. integrated-circuits."),
    )
    active_on = django_filters.DateFilter(
        method="filter_active_on",
        label=_("In force on"),
        help_text=_("A date (YYYY-MM-DD): policies in force on that day."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    status = django_filters.ChoiceFilter(
        choices=PolicyStatus.choices,
        method="filter_status",
        label=_("Status"),
        help_text=_(
            "Published policies unless asked; officials see their district's drafts, admins all."
        ),
    )

    class Meta:
        model = Policy
        fields = ["q", "district", "category", "sector", "active_on", "status"]

    def filter_q(self, queryset, name, value: str):
        return policy_search(queryset, value)

    def filter_active_on(self, queryset, name, value: datetime.date):
        return queryset.filter(active_q(value))

    def filter_status(self, queryset, name, value: str):
        return queryset.filter(status=value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status=PolicyStatus.PUBLISHED)
        return queryset
