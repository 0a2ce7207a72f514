from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, permissions, status, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core import privacy, selectors, services, two_factor
from core.api.mixins import CachedListMixin
from core.filters import (
    DistrictFilterSet,
    IndustrialParkFilterSet,
    NotificationFilterSet,
    SectorFilterSet,
)
from core.models import Notification

from . import serializers
from .throttling import (
    PasswordResetThrottle,
    ScopedRateThrottle,
    SigninThrottle,
    SignupThrottle,
)

SIGNUP_SENT = gettext_lazy(
    "Thank you. We have sent a message to this address: open the link in it to confirm the "
    "address, then sign in. If nothing arrives within a few minutes, look in the spam folder."
)
RESET_SENT = gettext_lazy(
    "If an account uses this address, we have sent it a link to choose a new password. It "
    "works once, for a limited time."
)


class SignupView(APIView):
    """Create a returnee account. The answer is the same whether or not the address has an
    account already (its owner is told by e-mail instead), so it carries no token: confirm
    the address with the e-mailed link, then ask `POST /api/v1/auth/token/` for one."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [SignupThrottle]

    @extend_schema(
        request=serializers.SignupSerializer,
        responses={202: serializers.DetailSerializer},
    )
    def post(self, request):
        data = serializers.SignupSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.user_signup(**data.validated_data)
        return Response({"detail": str(SIGNUP_SENT)}, status=status.HTTP_202_ACCEPTED)


class PasswordResetView(APIView):
    """Ask for a link to choose a new password. The answer is the same whether or not an
    account uses the address; the link is e-mailed to it, in its owner's language."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [PasswordResetThrottle]

    @extend_schema(
        request=serializers.PasswordResetSerializer,
        responses={202: serializers.DetailSerializer},
    )
    def post(self, request):
        data = serializers.PasswordResetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.password_reset_request(email=data.validated_data["email"])
        return Response({"detail": str(RESET_SENT)}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(APIView):
    """Choose a new password with the `uid` and `token` of an e-mailed link
    (`.../password-reset/<uid>/<token>/`). Every session and API token of the account ends."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [PasswordResetThrottle]

    @extend_schema(
        request=serializers.PasswordResetConfirmSerializer,
        responses={200: serializers.DetailSerializer},
    )
    def post(self, request):
        data = serializers.PasswordResetConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.password_reset_confirm(**data.validated_data)
        return Response({"detail": _("Your password has been changed. Sign in with it.")})


class PasswordChangeView(APIView):
    """Change your password, confirming the current one. Every other session and API token
    of the account ends; the answer carries your new token."""

    permission_classes = [permissions.IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "password_change"

    @extend_schema(
        request=serializers.PasswordChangeSerializer,
        responses={200: serializers.TokenResponseSerializer},
    )
    def post(self, request):
        data = serializers.PasswordChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # Not in one transaction: a failed password check must stay counted by the lockout.
        services.password_change(
            request=request._request,  # the lockout counts on Django's request beneath DRF's
            user=request.user,
            **data.validated_data,
        )
        return Response({"token": services.api_token_issue(user=request.user).key})


class EmailVerificationView(APIView):
    """Confirm your e-mail address with the token of the e-mailed link
    (`.../verify-email/<token>/`); confirming twice changes nothing."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [PasswordResetThrottle]

    @extend_schema(
        request=serializers.EmailVerificationSerializer,
        responses={200: serializers.DetailSerializer},
    )
    def post(self, request):
        data = serializers.EmailVerificationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.email_verification_confirm(token=data.validated_data["token"])
        return Response({"detail": _("Your e-mail address is confirmed.")})


class EmailVerificationSendView(APIView):
    """E-mail a new link that confirms your address (202), or say it is confirmed (200)."""

    permission_classes = [permissions.IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "verify_email"

    @extend_schema(
        request=None,
        responses={200: serializers.DetailSerializer, 202: serializers.DetailSerializer},
    )
    def post(self, request):
        if not services.email_verification_send(user=request.user):
            return Response({"detail": _("Your e-mail address is confirmed already.")})
        return Response(
            {"detail": _("We have sent a new link to your e-mail address.")},
            status=status.HTTP_202_ACCEPTED,
        )


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
        description=(
            "Exchange an e-mail address and password for an API token. An account with "
            "two-step sign-in sends `otp` too: the code of its authenticator app or a backup "
            "code. The password is checked first (400 `authorization` when wrong, counted by "
            "the sign-in lockout); then, for such an account, a missing code is answered 400 "
            "`otp_required`, a wrong one 400 `otp_invalid`, and wrong codes in quick "
            "succession 429 `otp_throttled` (each one doubles the wait)."
        ),
    )
    def post(self, request):
        data = serializers.TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token = two_factor.api_token_for_credentials(
            request=request._request,  # the lockout counts on Django's request beneath DRF's
            email=data.validated_data["email"],
            password=data.validated_data["password"],
            otp=data.validated_data.get("otp", ""),
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
