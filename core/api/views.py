from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, permissions, status, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core import privacy, selectors, services
from core.api.mixins import CachedListMixin
from core.filters import (
    DistrictFilterSet,
    IndustrialParkFilterSet,
    NotificationFilterSet,
    SectorFilterSet,
)
from core.models import Notification

from . import serializers
from .throttling import ScopedRateThrottle, SigninThrottle, SignupThrottle


class SignupView(APIView):
    """Create a returnee account; the answer carries an API token."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [SignupThrottle]

    @extend_schema(
        request=serializers.SignupSerializer,
        responses={201: serializers.SignupResponseSerializer},
    )
    def post(self, request):
        data = serializers.SignupSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            user = services.user_signup(**data.validated_data)
            token = services.api_token_issue(user=user)
        body = serializers.UserSerializer(user).data | {"token": token.key}
        return Response(body, status=status.HTTP_201_CREATED)


class TokenView(APIView):
    """Exchange an e-mail address and password for an API token (POST); revoke yours
    (DELETE). A token works for API_TOKEN_DAYS days, then a new one must be asked for."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [SigninThrottle]

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(
        request=serializers.TokenRequestSerializer,
        responses={200: serializers.TokenResponseSerializer},
    )
    def post(self, request):
        data = serializers.TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token = services.api_token_for_credentials(
            request=request._request,  # the lockout counts on Django's request beneath DRF's
            email=data.validated_data["email"],
            password=data.validated_data["password"],
        )
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        services.api_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DistrictViewSet(CachedListMixin, viewsets.ReadOnlyModelViewSet):
    """Shanghai's districts, referenced by `code` everywhere in the API."""

    queryset = selectors.district_list()
    serializer_class = serializers.DistrictSerializer
    list_cache_apps = ("core",)
    filterset_class = DistrictFilterSet
    lookup_field = "code"
    ordering_fields = ["code", "sort_order"]


class SectorViewSet(CachedListMixin, viewsets.ReadOnlyModelViewSet):
    """Industries; `is_pillar` marks integrated circuits, biopharmaceuticals and AI."""

    queryset = selectors.sector_list()
    serializer_class = serializers.SectorSerializer
    list_cache_apps = ("core",)
    filterset_class = SectorFilterSet
    lookup_field = "code"
    ordering_fields = ["code", "sort_order"]


class IndustrialParkViewSet(CachedListMixin, viewsets.ReadOnlyModelViewSet):
    """Industrial and hi-tech parks, filterable by `district` and `sector` code."""

    queryset = selectors.park_list()
    serializer_class = serializers.IndustrialParkSerializer
    list_cache_apps = ("core",)
    filterset_class = IndustrialParkFilterSet
    lookup_field = "code"
    ordering_fields = ["code"]


class MeView(generics.RetrieveAPIView):
    """The signed-in user's account and roles; DELETE erases the account."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = serializers.UserSerializer

    def get_object(self):
        return self.request.user

    @extend_schema(
        request=None,
        responses={204: None},
        description=(
            "Erase your account and personal data at once (PIPL art. 47). Send your current "
            'password as the JSON body: `{"password": "..."}`. Registrations for events yet '
            "to come are cancelled (the waitlist moves up), open consultations are cancelled, "
            "and your personal data is deleted or anonymised; figures such as seat counts "
            "stay. Your token stops working. Wrong passwords count towards the sign-in lockout."
        ),
    )
    def delete(self, request):
        data = serializers.AccountEraseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        privacy.account_erase(
            request=request._request,  # the lockout counts on Django's request beneath DRF's
            user=request.user,
            password=data.validated_data["password"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeExportView(APIView):
    """A copy of all your personal data as one JSON file (PIPL art. 45)."""

    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [JSONRenderer]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "export"

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        response = Response(privacy.export_user(request.user))
        response["Content-Disposition"] = 'attachment; filename="returnee-portal-my-data.json"'
        response["Cache-Control"] = "private, no-store"
        return response


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The signed-in user's inbox, newest first."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = serializers.NotificationSerializer
    filterset_class = NotificationFilterSet
    ordering_fields = ["created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Notification.objects.none()
        return selectors.notification_inbox(user=self.request.user)

    @extend_schema(request=serializers.MarkReadSerializer, responses={200: None})
    def mark_read(self, request):
        data = serializers.MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = services.notifications_mark_read(
            user=request.user, ids=data.validated_data.get("ids")
        )
        return Response({"marked_read": count})


class NotificationPreferenceView(APIView):
    """How often each kind of notification is e-mailed: instant, daily, weekly or off."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: serializers.NotificationPreferenceSerializer(many=True)})
    def get(self, request):
        return Response(self._current(request.user))

    @extend_schema(
        request=serializers.NotificationPreferenceSerializer(many=True),
        responses={200: serializers.NotificationPreferenceSerializer(many=True)},
    )
    def put(self, request):
        data = serializers.NotificationPreferenceSerializer(data=request.data, many=True)
        data.is_valid(raise_exception=True)
        services.notification_preferences_set(
            user=request.user,
            choices={item["kind"]: item["frequency"] for item in data.validated_data},
        )
        return Response(self._current(request.user))

    @staticmethod
    def _current(user) -> list[dict]:
        preferences = selectors.notification_preferences(user=user)
        return [{"kind": kind, "frequency": frequency} for kind, frequency in preferences.items()]
