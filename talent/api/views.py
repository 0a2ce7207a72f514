from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.mixins import CachedListMixin
from core.api.throttling import ScopedRateThrottle
from talent import selectors, services
from talent.choices import ConsentChannel
from talent.filters import AdvisorFilterSet, DirectoryFilterSet
from talent.models import Consultation

from . import serializers


class MeProfileView(APIView):
    """The signed-in returnee's own profile; PUT and PATCH change the fields sent."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = serializers.ProfileSerializer

    def _current(self, request):
        services.profile_get_or_create(user=request.user)
        return selectors.profile_detail(user=request.user)

    @extend_schema(responses={200: serializers.ProfileSerializer})
    def get(self, request):
        return Response(serializers.ProfileSerializer(self._current(request)).data)

    @extend_schema(
        request=serializers.ProfileSerializer, responses={200: serializers.ProfileSerializer}
    )
    def put(self, request):
        data = serializers.ProfileSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.profile_update(
            user=request.user, data=data.to_service_data(), via=ConsentChannel.API
        )
        return Response(serializers.ProfileSerializer(self._current(request)).data)

    @extend_schema(
        request=serializers.ProfileSerializer, responses={200: serializers.ProfileSerializer}
    )
    def patch(self, request):
        return self.put(request)


class DirectoryViewSet(CachedListMixin, viewsets.ReadOnlyModelViewSet):
    """Returnees who chose to be listed; each card shows only the sections they made public."""

    lookup_value_regex = r"\d+"

    queryset = selectors.directory_list()
    serializer_class = serializers.PublicProfileSerializer
    list_cache_apps = ("talent", "core")
    filterset_class = DirectoryFilterSet
    ordering_fields = ["public_since"]


class AdvisorViewSet(CachedListMixin, viewsets.ReadOnlyModelViewSet):
    """Innovation and Entrepreneurship Service Advisors, with their capacity left this month."""

    lookup_value_regex = r"\d+"

    serializer_class = serializers.AdvisorSerializer
    list_cache_apps = ("talent", "core")
    filterset_class = AdvisorFilterSet
    ordering_fields = ["user__full_name", "monthly_capacity"]
    throttle_scope = "consultation"

    def get_queryset(self):
        return selectors.advisor_list()

    def get_throttles(self):
        if self.action == "consultations":
            return [*super().get_throttles(), ScopedRateThrottle()]
        return super().get_throttles()

    @extend_schema(
        request=serializers.ConsultationRequestSerializer,
        responses={201: serializers.ConsultationSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[permissions.IsAuthenticated],
        url_path="consultations",
    )
    def consultations(self, request, pk=None):
        """Ask this advisor for a consultation."""
        advisor = self.get_object()
        data = serializers.ConsultationRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        consultation = services.consultation_request(
            requester=request.user, advisor=advisor, **data.validated_data
        )
        return Response(
            serializers.ConsultationSerializer(consultation).data, status=status.HTTP_201_CREATED
        )


class ConsultationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Consultations you asked for, and (as an advisor) those asked of you."""

    lookup_value_regex = r"\d+"

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = serializers.ConsultationSerializer
    filterset_fields = ["status"]
    ordering_fields = ["created_at", "scheduled_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Consultation.objects.none()
        return selectors.consultation_list(user=self.request.user)

    def _act(self, request, pk, payload_serializer, service):
        consultation = get_object_or_404(self.get_queryset(), pk=pk)
        arguments = {}
        if payload_serializer is not None:
            data = payload_serializer(data=request.data)
            data.is_valid(raise_exception=True)
            arguments = data.validated_data
        consultation = service(consultation=consultation, user=request.user, **arguments)
        return Response(serializers.ConsultationSerializer(consultation).data)

    @extend_schema(
        request=serializers.AcceptSerializer, responses=serializers.ConsultationSerializer
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The advisor accepts, for a time; 409 when their month is full."""
        return self._act(request, pk, serializers.AcceptSerializer, services.consultation_accept)

    @extend_schema(
        request=serializers.DeclineSerializer, responses=serializers.ConsultationSerializer
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """The advisor declines, with a reason for the requester."""
        return self._act(request, pk, serializers.DeclineSerializer, services.consultation_decline)

    @extend_schema(
        request=serializers.CompleteSerializer, responses=serializers.ConsultationSerializer
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """The advisor marks it done, with notes."""
        return self._act(
            request, pk, serializers.CompleteSerializer, services.consultation_complete
        )

    @extend_schema(request=None, responses=serializers.ConsultationSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """The requester withdraws."""
        return self._act(request, pk, None, services.consultation_cancel)

    @extend_schema(request=serializers.RateSerializer, responses=serializers.ConsultationSerializer)
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        """The requester rates a completed consultation from 1 to 5."""
        return self._act(request, pk, serializers.RateSerializer, services.consultation_rate)
