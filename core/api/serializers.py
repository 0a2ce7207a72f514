from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.choices import Frequency, Language, NotificationKind
from core.models import District, IndustrialPark, Notification, Sector, User


class SignupSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(
        write_only=True, max_length=128, style={"input_type": "password"}, trim_whitespace=False
    )
    full_name = serializers.CharField(max_length=150)
    language = serializers.ChoiceField(choices=Language.choices, required=False)


class UserSerializer(serializers.ModelSerializer):
    roles = serializers.ListField(child=serializers.CharField(), read_only=True)
    email_verified = serializers.SerializerMethodField(
        help_text=_(
            "Whether the address is confirmed: until it is, you can browse but not register "
            "for events or request consultations."
        )
    )

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "language", "roles", "email_verified"]
        read_only_fields = fields

    def get_email_verified(self, user) -> bool:
        return user.email_verified_at is not None


class DetailSerializer(serializers.Serializer):
    """An answer that only says what happened, in words a person can act on."""

    detail = serializers.CharField()


class PasswordResetSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmSerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=64, help_text=_("The `uid` of the e-mailed link."))
    token = serializers.CharField(max_length=128, help_text=_("The `token` of the e-mailed link."))
    new_password = serializers.CharField(
        write_only=True, max_length=128, style={"input_type": "password"}, trim_whitespace=False
    )


class PasswordChangeSerializer(serializers.Serializer):
    current_password = serializers.CharField(
        write_only=True, max_length=128, style={"input_type": "password"}, trim_whitespace=False
    )
    new_password = serializers.CharField(
        write_only=True, max_length=128, style={"input_type": "password"}, trim_whitespace=False
    )


class EmailVerificationSerializer(serializers.Serializer):
    token = serializers.CharField(
        max_length=512, help_text=_("The last part of the e-mailed confirmation link.")
    )


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(
        write_only=True, max_length=128, style={"input_type": "password"}, trim_whitespace=False
    )
    otp = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=20,
        help_text=_(
            "For an account with two-step sign-in: the 6-digit code its authenticator app "
            "shows now, or one of its backup codes (each works once). Without it such an "
            "account is answered 400 with code `otp_required`, and a wrong one with "
            "`otp_invalid`, but only once the password is right. Ignored for other accounts."
        ),
    )


class AccountEraseSerializer(serializers.Serializer):
    password = serializers.CharField(
        write_only=True,
        max_length=128,
        style={"input_type": "password"},
        trim_whitespace=False,
        help_text=_("Your current password, to confirm the erasure."),
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class DistrictSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = District
        fields = ["code", "name", "name_zh", "name_en"]


class SectorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Sector
        fields = ["code", "name", "name_zh", "name_en", "is_pillar"]


class IndustrialParkSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)
    sectors = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = IndustrialPark
        fields = ["code", "name", "name_zh", "name_en", "district", "sectors", "website"]


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "subject", "body", "url", "created_at", "is_read", "read_at"]
        read_only_fields = fields


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=500,
        help_text=_("Notifications to mark read; all unread ones when left out."),
    )


class NotificationPreferenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=NotificationKind.choices)
    frequency = serializers.ChoiceField(choices=Frequency.choices)
