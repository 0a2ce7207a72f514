"""FilterSets of the talent directory and the advisors, shared by pages and the API.

The directory filters match only what a returnee has made public: filtering by institution
never finds someone whose education is hidden, so a filter cannot reveal a hidden field."""

import django_filters
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from core.filters import MAX_QUERY_LENGTH, CodeFilter, json_list_contains
from core.models import District, Sector

from .choices import Expertise, Seeking, SpokenLanguage
from .models import AdvisorProfile, Education, ReturneeProfile, WorkExperience
from .normalize import normalize_key


class SearchFilter(django_filters.CharFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", MAX_QUERY_LENGTH)
        kwargs.setdefault("label", _("Search"))
        super().__init__(*args, **kwargs)


def _with_skills(**skill_lookup):
    """The ids of the profiles listing a skill that matches `skill_lookup`."""
    skill_lookup = {f"skill__{lookup}": value for lookup, value in skill_lookup.items()}
    return ReturneeProfile.skills.through.objects.filter(**skill_lookup).values(
        "returneeprofile_id"
    )


class DirectoryFilterSet(django_filters.FilterSet):
    q = SearchFilter(method="filter_q", help_text=_("Name, headline or skills."))
    sector = CodeFilter(queryset=Sector.objects.all(), method="filter_sector", label=_("Sector"))
    district = CodeFilter(
        queryset=District.objects.all(), method="filter_district", label=_("District")
    )
    skill = django_filters.CharFilter(method="filter_skill", max_length=60, label=_("Skill"))
    country = django_filters.ChoiceFilter(
        choices=countries, method="filter_country", label=_("Country abroad")
    )
    institution = django_filters.CharFilter(
        method="filter_institution", max_length=200, label=_("Institution abroad")
    )
    seeking = django_filters.ChoiceFilter(
        choices=Seeking.choices, method="filter_seeking", label=_("Seeking")
    )

    class Meta:
        model = ReturneeProfile
        fields = ["q", "sector", "district", "skill", "country", "institution", "seeking"]

    # Related rows are matched with `pk__in` sub-selects rather than joins and `distinct()`:
    # the page is not made distinct over every column, and its count stays a plain count.

    def filter_q(self, queryset, name, value):
        key = normalize_key(value)
        if not key:
            return queryset
        return queryset.filter(
            Q(user__full_name__icontains=value.strip())
            | Q(show_headline=True, headline__icontains=value.strip())
            | Q(show_skills=True, pk__in=_with_skills(key__contains=key))
        )

    def filter_sector(self, queryset, name, value: str):
        listed = ReturneeProfile.sectors.through.objects.filter(sector=value)
        return queryset.filter(show_sectors=True, pk__in=listed.values("returneeprofile_id"))

    def filter_district(self, queryset, name, value: str):
        return queryset.filter(
            Q(show_districts=True) & (Q(residence_district=value) | Q(work_district=value))
        )

    def filter_skill(self, queryset, name, value):
        key = normalize_key(value)
        if not key:
            return queryset
        return queryset.filter(show_skills=True, pk__in=_with_skills(key=key))

    def filter_country(self, queryset, name, value: str):
        return queryset.filter(
            Q(
                show_education=True,
                pk__in=Education.objects.filter(country=value).values("profile_id"),
            )
            | Q(
                show_work=True,
                pk__in=WorkExperience.objects.filter(country=value).values("profile_id"),
            )
        )

    def filter_institution(self, queryset, name, value):
        key = normalize_key(value)
        if not key:
            return queryset
        studied = Education.objects.filter(institution__key__contains=key)
        return queryset.filter(show_education=True, pk__in=studied.values("profile_id"))

    def filter_seeking(self, queryset, name, value):
        return json_list_contains(queryset.filter(show_seeking=True), "seeking", value)


class AdvisorFilterSet(django_filters.FilterSet):
    q = SearchFilter(method="filter_q", help_text=_("Name, title or biography."))
    sector = CodeFilter(queryset=Sector.objects.all(), field_name="sectors", label=_("Sector"))
    district = CodeFilter(
        queryset=District.objects.all(), field_name="districts", label=_("District served")
    )
    expertise = django_filters.ChoiceFilter(
        choices=Expertise.choices, method="filter_json_list", label=_("Expertise")
    )
    language = django_filters.ChoiceFilter(
        choices=SpokenLanguage.choices, method="filter_json_list", label=_("Language")
    )
    available = django_filters.BooleanFilter(
        method="filter_available", label=_("Has capacity left this month")
    )

    class Meta:
        model = AdvisorProfile
        fields = ["q", "sector", "district", "expertise", "language", "available"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(user__full_name__icontains=value)
            | Q(title_zh__icontains=value)
            | Q(title_en__icontains=value)
            | Q(bio_zh__icontains=value)
            | Q(bio_en__icontains=value)
        )

    def filter_json_list(self, queryset, name, value):
        return json_list_contains(
            queryset, "expertise" if name == "expertise" else "languages", value
        )

    def filter_available(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.filter(load_this_month__lt=F("monthly_capacity"))
        return queryset.filter(load_this_month__gte=F("monthly_capacity"))
