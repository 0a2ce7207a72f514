from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from core.api.mixins import CachedListMixin
from core.api.throttling import ScopedRateThrottle
from startups import selectors, services
from startups.filters import OpeningFilterSet, StartupFilterSet
from startups.models import FounderInvitation, Opening, Startup

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
        """Remove a co-founder, or leave (founders only); the last founder stays. Co-founders
        join by accepting an invitation: /api/v1/startups/{id}/invitations/."""
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


# Co-founder invitations ------------------------------------------------------------------

STARTUP_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The startup's `id`."
)
INVITATION_ID = OpenApiParameter(
    "invitation_id",
    OpenApiTypes.INT,
    OpenApiParameter.PATH,
    description="The `id` of a pending invitation (from the startup's invitations).",
)
INVITATION_SENT = OpenApiResponse(
    serializers.InvitationSentSerializer,
    description=(
        "The invitation is sent. The answer is the same whether or not the address has an "
        "account; the person accepts or declines through the link in the e-mail."
    ),
)
INVITATION_CLOSED = OpenApiResponse(
    serializers.ApiErrorSerializer,
    description=(
        "The invitation can no longer be answered: `code` is `invitation_expired`, "
        "`invitation_revoked` or `invitation_used`."
    ),
)


class StartupInvitationViewSet(viewsets.GenericViewSet):
    """A startup's co-founder invitations (founders only): invite an address, see the pending
    invitations, withdraw one. Nobody becomes a founder without accepting."""

    serializer_class = serializers.FounderInvitationSerializer
    permission_classes = [permissions.IsAuthenticated]
    filter_backends = []
    lookup_url_kwarg = "invitation_id"
    lookup_value_regex = ANY_ID
    throttle_scope = "founder_invitation"

    def get_queryset(self):
        return FounderInvitation.objects.none()  # every action reads through the startup

    def get_throttles(self):
        if self.action == "create":  # each one sends an e-mail
            return [*super().get_throttles(), ScopedRateThrottle()]
        return super().get_throttles()

    def _startup(self) -> Startup:
        """The startup of the path, if the caller is one of its founders (checked before the
        body is read: an outsider gets a 403, never the form's messages)."""
        startup = Startup.objects.filter(pk=_id(self.kwargs["id"])).first()
        if startup is None:
            raise NotFound()
        if not services.is_founder(user=self.request.user, startup=startup):
            raise PermissionDenied(
                _("Only the startup's founders can see and send its invitations.")
            )
        return startup

    @extend_schema(
        parameters=[STARTUP_ID],
        responses={200: serializers.FounderInvitationSerializer(many=True)},
    )
    def list(self, request, *args, **kwargs):
        """The startup's pending invitations, newest first (founders only)."""
        startup = self._startup()
        page = self.paginate_queryset(selectors.startup_invitations_pending(startup=startup))
        data = serializers.FounderInvitationSerializer(page, many=True).data
        return self.get_paginated_response(data)

    @extend_schema(
        parameters=[STARTUP_ID],
        request=serializers.FounderInvitationCreateSerializer,
        responses={202: INVITATION_SENT, 409: CONFLICT},
    )
    def create(self, request, *args, **kwargs):
        """Invite a co-founder by e-mail address (founders only). The answer does not tell
        whether the address has an account; inviting an address again replaces the earlier
        invitation. 409 `already_founder`: the address is a founder's already."""
        startup = self._startup()
        data = serializers.FounderInvitationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.founder_invite(startup=startup, user=request.user, **data.validated_data)
        body = {
            "detail": _(
                "The invitation is sent. The person becomes a founder when they accept it."
            ),
            "code": "invitation_sent",
        }
        return Response(body, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        parameters=[STARTUP_ID, INVITATION_ID],
        request=None,
        responses={204: None, 409: CONFLICT},
    )
    def destroy(self, request, *args, invitation_id=None, **kwargs):
        """Withdraw a pending invitation (founders only); its link stops working."""
        services.founder_invitation_revoke(
            startup=self._startup(), user=request.user, invitation_id=_id(invitation_id)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class FounderInvitationViewSet(viewsets.GenericViewSet):
    """The invited person's answer, with the token of the invitation's link."""

    serializer_class = serializers.InvitationTokenSerializer
    filter_backends = []

    def get_queryset(self):
        return FounderInvitation.objects.none()

    def get_permissions(self):
        if self.action == "decline":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def _token(self, request) -> str:
        data = serializers.InvitationTokenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data["token"]

    @extend_schema(
        request=serializers.InvitationTokenSerializer,
        responses={200: serializers.StartupDetailSerializer, 409: INVITATION_CLOSED},
    )
    @action(detail=False, methods=["post"])
    def accept(self, request):
        """Accept an invitation: you become a founder of the startup, which is returned. You
        must be signed in with the address the invitation was sent to (403 `wrong_account`
        otherwise); 404 for a token that is not valid."""
        founder = services.founder_invitation_accept(token=self._token(request), user=request.user)
        startup = selectors.startup_detail(startup_id=founder.startup_id)
        context = self.get_serializer_context()
        return Response(serializers.StartupDetailSerializer(startup, context=context).data)

    @extend_schema(
        request=serializers.InvitationTokenSerializer,
        responses={204: None, 409: INVITATION_CLOSED},
    )
    @action(detail=False, methods=["post"])
    def decline(self, request):
        """Decline an invitation; no account is needed (the link is the proof). The founder
        who sent it is told. 404 for a token that is not valid."""
        services.founder_invitation_decline(token=self._token(request), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
