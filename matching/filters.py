"""FilterSets of the matching app, shared by pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import CodeFilter
from core.models import District

from .choices import MatchKind, ProposalStatus
from .models import AdvisorProposal, Match


class MatchFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=MatchKind.choices,
        label=_("Kind of match"),
        empty_label=_("All kinds"),
        help_text=_("Only matches of this kind."),
    )

    class Meta:
        model = Match
        fields = ["kind"]


class ProposalFilterSet(django_filters.FilterSet):
    district = CodeFilter(
        queryset=District.objects.all(),
        label=_("District"),
        help_text=_("District code, e.g. pudong."),
    )
    status = django_filters.ChoiceFilter(
        choices=ProposalStatus.choices,
        label=_("Status"),
        help_text=_("`proposed` for the live proposals; the others are the audit trail."),
    )

    class Meta:
        model = AdvisorProposal
        fields = ["district", "status"]
