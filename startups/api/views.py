from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from core.api.mixins import CachedListMixin
from core.api.throttling import ScopedRateThrottle
from startups import selectors, services
from startups.filters import OpeningFilterSet, StartupFilterSet
from startups.models import Opening, Startup

from . import serializers

CONFLICT = OpenApiResponse(
    serializers.ApiErrorSerializer,
    description="The request conflicts with the current state; `detail` says why.",
)


class IsFounderOrReadOnly(permissions.BasePermission):
    """Anyone reads; only the startup's founders change it (or its openings)."""

    message = _("Only the startup's founders can change it.")

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        startup = obj if isinstance(obj, Startup) else obj.startup
        return services.is_founder(user=request.user, startup=startup)


# Every id reaches the view (rather than Django's HTML 404 for `0.5` or `-1`), which answers
# a JSON 404 for one that is not a startup's or an opening's.
ANY_ID = r"[^/]+"


def _id(value: str) -> int:
    """A path id as a number, or the API's JSON 404."""
    if not value.isdigit() or len(value) > 18:
        raise NotFound()
    return int(value)


class StartupViewSet(
    CachedListMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The startups directory. Anyone reads; a signed-in returnee lists a startup and becomes
    its first founder; only founders change it; officials of its district verify it."""

    list_cache_apps = ("startups", "talent", "core", "search")
    filterset_class = StartupFilterSet
    ordering_fields = ["name", "founded", "team_size", "created_at"]
    lookup_value_regex = ANY_ID
    throttle_scope = "consultation"

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.startup_details()
        return selectors.startup_list()

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.StartupSerializer
        return serializers.StartupDetailSerializer

    FOUNDER_ACTIONS = (
        "update",
        "partial_update",
        "founders",
        "founder_remove",
        "openings",
        "consultations",
    )

    def get_permissions(self):
        if self.action in self.FOUNDER_ACTIONS:
            # Checked on the object before the body is read: an outsider gets a 403, never
            # the validation messages of the founders' forms.
            return [permissions.IsAuthenticated(), IsFounderOrReadOnly()]
        if self.action in ("list", "retrieve"):
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_throttles(self):
        if self.action == "consultations":
            return [*super().get_throttles(), ScopedRateThrottle()]
        return super().get_throttles()

    def _detail(self, startup: Startup, status_code: int = status.HTTP_200_OK) -> Response:
        startup = selectors.startup_detail(startup_id=startup.pk)
        serializer = serializers.StartupDetailSerializer(
            startup, context=self.get_serializer_context()
        )
        return Response(serializer.data, status=status_code)

    @extend_schema(
        request=serializers.StartupCreateSerializer,
        responses={201: serializers.StartupDetailSerializer},
    )
    def create(self, request, *args, **kwargs):
        """List a startup; you become its first founder."""
        data = serializers.StartupCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        startup = services.startup_create(user=request.user, **data.validated_data)
        return self._detail(startup, status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.StartupWriteSerializer,
        responses={200: serializers.StartupDetailSerializer},
    )
    def update(self, request, *args, **kwargs):
        """Change the startup (founders only). PUT sends the required fields, PATCH any."""
        startup = self.get_object()
        data = serializers.StartupWriteSerializer(
            data=request.data, partial=kwargs.get("partial", False)
        )
        data.is_valid(raise_exception=True)
        startup = services.startup_update(
            startup=startup, user=request.user, data=data.validated_data
        )
        return self._detail(startup)

    @extend_schema(
        request=serializers.StartupWriteSerializer,
        responses={200: serializers.StartupDetailSerializer},
    )
    def partial_update(self, request, *args, **kwargs):
        """Change some fields of the startup (founders only)."""
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=None, responses={200: serializers.StartupDetailSerializer})
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """Mark the startup verified (officials of its district); its founders are told."""
        startup = services.startup_verify(startup=self.get_object(), user=request.user)
        return self._detail(startup)

    @extend_schema(request=None, responses={200: serializers.StartupDetailSerializer})
    @action(detail=True, methods=["post"])
    def unverify(self, request, pk=None):
        """Withdraw the verification (officials of its district)."""
        startup = services.startup_unverify(startup=self.get_object(), user=request.user)
        return self._detail(startup)

    @extend_schema(
        request=serializers.FounderAddSerializer,
        responses={201: serializers.FounderSerializer, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"], url_path="founders")
    def founders(self, request, pk=None):
        """Add a co-founder by the e-mail address of their account (founders only)."""
        startup = self.get_object()
        data = serializers.FounderAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        founder = services.founder_add(startup=startup, user=request.user, **data.validated_data)
        return Response(serializers.FounderSerializer(founder).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "founder_id",
                OpenApiTypes.INT,
                OpenApiParameter.PATH,
                description="The `id` of the founder entry (from `founders`).",
            )
        ],
        request=None,
        responses={204: None, 409: CONFLICT},
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"founders/(?P<founder_id>[^/]+)",
        url_name="founder-remove",
    )
    def founder_remove(self, request, pk=None, founder_id=None):
        """Remove a co-founder, or leave (founders only); the last founder stays."""
        services.founder_remove(
            startup=self.get_object(), user=request.user, founder_id=_id(founder_id)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=serializers.OpeningWriteSerializer,
        responses={201: serializers.OpeningSerializer},
    )
    @action(detail=True, methods=["post"], url_path="openings")
    def openings(self, request, pk=None):
        """Post an opening (founders only). List openings at /api/v1/openings/?startup={id}."""
        startup = self.get_object()
        data = serializers.OpeningWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        opening = services.opening_create(startup=startup, user=request.user, **data.validated_data)
        opening = selectors.opening_detail(opening_id=opening.pk)
        return Response(serializers.OpeningSerializer(opening).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.StartupConsultationRequestSerializer,
        responses={201: serializers.StartupConsultationSerializer},
    )
    @action(detail=True, methods=["post"], url_path="consultations")
    def consultations(self, request, pk=None):
        """Ask an advisor for a consultation on the startup's behalf (founders only)."""
        startup = self.get_object()
        data = serializers.StartupConsultationRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        link = services.startup_consultation_request(
            startup=startup, user=request.user, **data.validated_data
        )
        return Response(
            serializers.StartupConsultationSerializer(link).data, status=status.HTTP_201_CREATED
        )


class OpeningViewSet(
    CachedListMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Openings of every startup; filter `is_open=true` for the ones still to fill. Founders
    post them at /api/v1/startups/{id}/openings/ and change them here."""

    queryset = selectors.opening_list()
    serializer_class = serializers.OpeningSerializer
    list_cache_apps = ("startups", "talent", "core", "search")
    filterset_class = OpeningFilterSet
    ordering_fields = ["created_at", "title"]
    lookup_value_regex = ANY_ID

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated(), IsFounderOrReadOnly()]

    def _detail(self, opening: Opening) -> Response:
        opening = selectors.opening_detail(opening_id=opening.pk)
        return Response(serializers.OpeningSerializer(opening).data)

    @extend_schema(
        request=serializers.OpeningWriteSerializer,
        responses={200: serializers.OpeningSerializer},
    )
    def update(self, request, *args, **kwargs):
        """Change the opening (founders of its startup only); PATCH sends any fields."""
        opening = self.get_object()
        data = serializers.OpeningWriteSerializer(
            data=request.data, partial=kwargs.get("partial", False)
        )
        data.is_valid(raise_exception=True)
        opening = services.opening_update(
            opening=opening, user=request.user, data=data.validated_data
        )
        return self._detail(opening)

    @extend_schema(
        request=serializers.OpeningWriteSerializer,
        responses={200: serializers.OpeningSerializer},
    )
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(request=None, responses={200: serializers.OpeningSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the opening (founders of its startup only)."""
        opening = services.opening_close(opening=self.get_object(), user=request.user)
        return self._detail(opening)
