from types import SimpleNamespace

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.throttling import ScopedRateThrottle
from core.exceptions import PermissionDeniedError
from matching import assignment, selectors, services
from matching.choices import MatchAction
from matching.filters import MatchFilterSet, ProposalFilterSet
from matching.models import AdvisorProposal, Match

from . import serializers

# Messages and consultation requests count against the consultations' limit; views do not.
MESSAGE_THROTTLE = SimpleNamespace(throttle_scope="consultation")


class MatchViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your matches, best first, each with the reasons it is made of. A returnee sees
    openings, advisors, policies and events for them; a startup's founder also sees the
    candidates for its openings and advisors for the startup. Someone else's match is a 404."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = serializers.MatchSerializer
    filterset_class = MatchFilterSet
    ordering_fields = ["score", "created_at"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Match.objects.none()
        return selectors.matches_for_user(self.request.user)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        """Dismiss the match: it is never shown again, whatever later re-matching finds."""
        services.match_dismiss(user=request.user, match=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=serializers.MatchActSerializer, responses={200: serializers.MatchActedSerializer}
    )
    @action(detail=True, methods=["post"])
    def act(self, request, pk=None):
        """Act on the match: `viewed`, `contacted` (opening matches: a message to the
        founders, or to the candidate), `consultation` (advisor matches: asks the advisor
        through the consultations flow), `registered` (events), `followed` (policies)."""
        match = self.get_object()
        data = serializers.MatchActSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values["action"] in (MatchAction.CONTACTED, MatchAction.CONSULTATION):
            throttle = ScopedRateThrottle()
            if not throttle.allow_request(request, MESSAGE_THROTTLE):
                self.throttled(request, throttle.wait())
        acted = services.match_act(user=request.user, match=match, **values)
        body = {"match": acted.match, "url": acted.url}
        return Response(serializers.MatchActedSerializer(body).data)


class CandidateListView(generics.ListAPIView):
    """The returnees matched to one of your startup's openings, best first (founders of the
    startup only; anyone else gets a 404). A candidate shows their name and the reasons, and
    a link to their directory card only if they are listed publicly."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = serializers.MatchSerializer
    ordering_fields = ["score", "created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Match.objects.none()
        opening = selectors.opening_of_founder(self.request.user, self.kwargs["opening_id"])
        if opening is None:
            raise NotFound()
        return selectors.candidates_for_opening(opening)


class IsOfficial(permissions.BasePermission):
    message = gettext_lazy("Only district officials and administrators see advisor proposals.")

    def has_permission(self, request, view):
        return selectors.is_official(request.user)


class ProposalViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Advisor proposals of your districts (all of them for an administrator), newest first:
    `status=proposed` for the live ones; the overridden ones, with who overrode them and
    why, are the audit trail."""

    permission_classes = [permissions.IsAuthenticated, IsOfficial]
    serializer_class = serializers.ProposalSerializer
    filterset_class = ProposalFilterSet
    ordering_fields = ["created_at", "score"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AdvisorProposal.objects.none()
        return selectors.proposals_visible_to(self.request.user)

    @extend_schema(
        request=serializers.ProposalOverrideSerializer,
        responses={201: serializers.ProposalSerializer},
    )
    @action(detail=True, methods=["post"])
    def override(self, request, pk=None):
        """Choose another advisor for the requester, with a reason (kept in the audit
        trail). The advisor must have room this month."""
        proposal = self.get_object()
        data = serializers.ProposalOverrideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        new = assignment.proposal_override(
            proposal=proposal, user=request.user, **data.validated_data
        )
        new = selectors.proposal_list().get(pk=new.pk)
        return Response(serializers.ProposalSerializer(new).data, status=status.HTTP_201_CREATED)


class DistrictStatsView(APIView):
    """Matches made and acted on in a district, per week (Monday to Sunday, Shanghai time),
    oldest week first (officials of the district and administrators)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[serializers.DistrictStatsQuerySerializer],
        responses={200: serializers.DistrictStatsSerializer},
    )
    def get(self, request):
        query = serializers.DistrictStatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        district = query.validated_data["district"]
        if not selectors.managed_districts(request.user).filter(pk=district.pk).exists():
            raise PermissionDeniedError(
                _("Only officials of %(district)s see its matching figures.")
                % {"district": district.name}
            )
        weeks = selectors.district_weekly_counts(district, weeks=query.validated_data["weeks"])
        body = {
            "district": district.code,
            "weeks": [
                {"week_start": monday, "made": made, "acted": acted}
                for monday, made, acted in weeks
            ],
        }
        return Response(serializers.DistrictStatsSerializer(body).data)
