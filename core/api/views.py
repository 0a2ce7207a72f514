from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, permissions, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from core import selectors, services
from core.filters import (
    DistrictFilterSet,
    IndustrialParkFilterSet,
    NotificationFilterSet,
    SectorFilterSet,
)
from core.models import Notification

from . import serializers
from .throttling import SigninThrottle, SignupThrottle


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
    """Exchange an e-mail address and password for an API token."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [SigninThrottle]

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


class DistrictViewSet(viewsets.ReadOnlyModelViewSet):
    """Shanghai's districts, referenced by `code` everywhere in the API."""

    queryset = selectors.district_list()
    serializer_class = serializers.DistrictSerializer
    filterset_class = DistrictFilterSet
    lookup_field = "code"
    ordering_fields = ["code", "sort_order"]


class SectorViewSet(viewsets.ReadOnlyModelViewSet):
    """Industries; `is_pillar` marks integrated circuits, biopharmaceuticals and AI."""

    queryset = selectors.sector_list()
    serializer_class = serializers.SectorSerializer
    filterset_class = SectorFilterSet
    lookup_field = "code"
    ordering_fields = ["code", "sort_order"]


class IndustrialParkViewSet(viewsets.ReadOnlyModelViewSet):
    """Industrial and hi-tech parks, filterable by `district` and `sector` code."""

    queryset = selectors.park_list()
    serializer_class = serializers.IndustrialParkSerializer
    filterset_class = IndustrialParkFilterSet
    lookup_field = "code"
    ordering_fields = ["code"]


class MeView(generics.RetrieveAPIView):
    """The signed-in user's account and roles."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = serializers.UserSerializer

    def get_object(self):
        return self.request.user


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
