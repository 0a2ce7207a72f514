"""FilterSets of the startups directory and the openings, shared by pages and the API.
District, park and sector are filtered by their `code`."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.filters import MAX_QUERY_LENGTH, CodeFilter, json_list_contains
from core.models import District, IndustrialPark, Sector
from talent.normalize import normalize_key

from .choices import Need, Stage
from .models import Opening, Startup
from .search import opening_search, startup_search


class IdFilter(django_filters.NumberFilter):
    """A row's id: a whole number (a decimal or an out-of-range number is a clear 400)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class StartupFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        max_length=MAX_QUERY_LENGTH,
        label=_("Search"),
        help_text=_("Words of the name or description, in Chinese or English."),
    )
    district = CodeFilter(
        queryset=District.objects.all(),
        label=_("District"),
        help_text=_("District code, e.g. pudong."),
    )
    park = CodeFilter(
        queryset=IndustrialPark.objects.all(),
        label=_("Industrial park"),
        help_text=_("Park code, e.g. zhangjiang-science-city."),
    )
    sector = CodeFilter(
        queryset=Sector.objects.all(),
        label=_("Sector"),
        help_text=_("Sector code, e.g. integrated-circuits."),
    )
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("Stage"))
    need = django_filters.ChoiceFilter(choices=Need.choices, method="filter_need", label=_("Needs"))
    verified = django_filters.BooleanFilter(field_name="is_verified", label=_("Verified only"))

    class Meta:
        model = Startup
        fields = ["q", "district", "park", "sector", "stage", "need", "verified"]

    def filter_q(self, queryset, name, value):
        return startup_search(queryset, value)

    def filter_need(self, queryset, name, value):
        return json_list_contains(queryset, "needs", value)


class OpeningFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        max_length=MAX_QUERY_LENGTH,
        label=_("Search"),
        help_text=_("Words of the title, the description, the startup's name or a skill."),
    )
    sector = CodeFilter(
        queryset=Sector.objects.all(),
        label=_("Sector"),
        help_text=_("Sector code, e.g. integrated-circuits."),
    )
    district = CodeFilter(
        field_name="startup__district",
        queryset=District.objects.all(),
        label=_("District"),
        help_text=_("District code, e.g. pudong."),
    )
    skill = django_filters.CharFilter(
        method="filter_skill",
        max_length=60,
        label=_("Skill"),
        help_text=_("A skill the opening asks for, e.g. chip design."),
    )
    startup = IdFilter(field_name="startup_id", label=_("Startup"), help_text=_("A startup's id."))
    is_open = django_filters.BooleanFilter(label=_("Open only"))

    class Meta:
        model = Opening
        fields = ["q", "sector", "district", "skill", "startup", "is_open"]

    def filter_q(self, queryset, name, value):
        return opening_search(queryset, value)

    def filter_skill(self, queryset, name, value):
        key = normalize_key(value)
        if not key:
            return queryset
        return queryset.filter(skills__key=key)
