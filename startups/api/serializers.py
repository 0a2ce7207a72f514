"""What the startups API reads and writes. Write serializers list their fields one by one:
`is_verified`, `verified_by` and the like cannot be sent (they are ignored if they are)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.models import District, IndustrialPark, Sector
from talent.choices import ConsultationMode, ConsultationStatus, Expertise
from talent.models import AdvisorProfile

from ..choices import InvitationStatus, Need, Stage
from ..models import (
    MAX_TEAM_SIZE,
    Founder,
    FounderInvitation,
    Opening,
    Startup,
    StartupConsultation,
)
from ..services import MAX_SKILLS

CODE_ERRORS = {
    "does_not_exist": _("Unknown code “{value}”; use a code from the reference list."),
    "invalid": _("Send a code as text."),
}


def _code_field(model, **kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="code", queryset=model.objects.all(), error_messages=CODE_ERRORS, **kwargs
    )


class ApiErrorSerializer(serializers.Serializer):
    """The error body (documented for the 409 answers; the others are documented for all)."""

    detail = serializers.CharField()
    code = serializers.CharField()


# Reading ---------------------------------------------------------------------------------


class FounderSerializer(serializers.ModelSerializer):
    user = serializers.IntegerField(source="user_id", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = Founder
        fields = ["id", "user", "full_name", "role", "joined_at"]
        read_only_fields = fields


class NameListField(serializers.ListField):
    """Names of a many-to-many relation (skills): written as strings, read from the rows."""

    def to_representation(self, data):
        return [str(item) for item in data.all()]


class StartupOpeningSerializer(serializers.ModelSerializer):
    """An opening as part of its startup."""

    sector = serializers.SlugRelatedField(slug_field="code", read_only=True)
    skills = NameListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Opening
        fields = [
            "id",
            "title",
            "description",
            "sector",
            "skills",
            "is_open",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class OpeningSerializer(StartupOpeningSerializer):
    """An opening with the startup it belongs to (the openings list, read by the matcher)."""

    startup = serializers.IntegerField(source="startup_id", read_only=True)
    startup_name = serializers.CharField(source="startup.name", read_only=True)
    district = serializers.CharField(source="startup.district.code", read_only=True)
    park = serializers.CharField(source="startup.park.code", read_only=True, allow_null=True)

    class Meta(StartupOpeningSerializer.Meta):
        fields = [
            "id",
            "startup",
            "startup_name",
            "district",
            "park",
            *StartupOpeningSerializer.Meta.fields[1:],
        ]
        read_only_fields = fields


class StartupSerializer(serializers.ModelSerializer):
    description = serializers.CharField(
        read_only=True, help_text=_("The description in the language of the request.")
    )
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)
    park = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    sector = serializers.SlugRelatedField(slug_field="code", read_only=True)
    website = serializers.CharField(read_only=True)
    needs = serializers.ListField(
        child=serializers.ChoiceField(choices=Need.choices), read_only=True
    )
    founders = FounderSerializer(many=True, read_only=True)
    open_openings = serializers.IntegerField(
        read_only=True, help_text=_("How many of its openings are open.")
    )

    class Meta:
        model = Startup
        fields = [
            "id",
            "name",
            "description",
            "description_zh",
            "description_en",
            "founded",
            "district",
            "park",
            "sector",
            "stage",
            "team_size",
            "website",
            "needs",
            "is_verified",
            "verified_at",
            "founders",
            "open_openings",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class StartupDetailSerializer(StartupSerializer):
    openings = StartupOpeningSerializer(many=True, read_only=True)

    class Meta(StartupSerializer.Meta):
        fields = [*StartupSerializer.Meta.fields, "openings"]
        read_only_fields = fields


class StartupConsultationSerializer(serializers.ModelSerializer):
    """A consultation asked for on a startup's behalf."""

    consultation = serializers.IntegerField(source="consultation_id", read_only=True)
    startup = serializers.IntegerField(source="startup_id", read_only=True)
    advisor = serializers.IntegerField(source="consultation.advisor_id", read_only=True)
    advisor_name = serializers.CharField(
        source="consultation.advisor.user.full_name", read_only=True
    )
    topic = serializers.ChoiceField(
        source="consultation.topic", choices=Expertise.choices, read_only=True
    )
    message = serializers.CharField(source="consultation.message", read_only=True)
    preferred_times = serializers.CharField(source="consultation.preferred_times", read_only=True)
    mode = serializers.ChoiceField(
        source="consultation.mode", choices=ConsultationMode.choices, read_only=True
    )
    status = serializers.ChoiceField(
        source="consultation.status", choices=ConsultationStatus.choices, read_only=True
    )

    class Meta:
        model = StartupConsultation
        fields = [
            "id",
            "consultation",
            "startup",
            "advisor",
            "advisor_name",
            "topic",
            "message",
            "preferred_times",
            "mode",
            "status",
            "created_at",
        ]
        read_only_fields = fields


class FounderInvitationSerializer(serializers.ModelSerializer):
    """A pending co-founder invitation, as the startup's founders see it."""

    email = serializers.EmailField(source="address", read_only=True)
    invited_by = serializers.IntegerField(source="invited_by_id", read_only=True, allow_null=True)
    invited_by_name = serializers.CharField(
        source="invited_by.full_name", read_only=True, allow_null=True, default=None
    )
    status = serializers.ChoiceField(
        source="current_status", choices=InvitationStatus.choices, read_only=True
    )

    class Meta:
        model = FounderInvitation
        fields = [
            "id",
            "email",
            "role",
            "status",
            "invited_by",
            "invited_by_name",
            "created_at",
            "expires_at",
        ]
        read_only_fields = fields


# Writing ---------------------------------------------------------------------------------


class StartupWriteSerializer(serializers.Serializer):
    """The fields a founder sets. PUT needs `name`, `district` and `sector`; PATCH any."""

    name = serializers.CharField(max_length=200)
    description_zh = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    description_en = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    founded = serializers.DateField(
        required=False, allow_null=True, help_text=_("Date of registration, not in the future.")
    )
    district = _code_field(District, help_text=_("District code, e.g. pudong."))
    park = _code_field(
        IndustrialPark,
        required=False,
        allow_null=True,
        help_text=_("Code of a park in the district, or null."),
    )
    sector = _code_field(Sector, help_text=_("Sector code, e.g. integrated-circuits."))
    stage = serializers.ChoiceField(choices=Stage.choices, required=False)
    team_size = serializers.IntegerField(min_value=1, max_value=MAX_TEAM_SIZE, required=False)
    website = serializers.URLField(max_length=200, required=False, allow_blank=True)
    needs = serializers.ListField(
        child=serializers.ChoiceField(choices=Need.choices),
        max_length=len(Need.values),
        required=False,
    )


class StartupCreateSerializer(StartupWriteSerializer):
    role = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text=_("Your role in the startup (you become its first founder), e.g. CEO."),
    )


class FounderInvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(
        max_length=254,
        help_text=_(
            "Where to send the invitation. The person accepts signed in with this address "
            "(or signs up with it first)."
        ),
    )
    role = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text=_("Their role, e.g. CTO.")
    )


class InvitationSentSerializer(serializers.Serializer):
    """The answer to an invitation: the same whether or not the address has an account."""

    detail = serializers.CharField()
    code = serializers.CharField()


class InvitationTokenSerializer(serializers.Serializer):
    token = serializers.RegexField(
        r"^[A-Za-z0-9_:-]+$",
        max_length=200,
        help_text=_("The token at the end of the invitation's link (/startups/invitations/…/)."),
        error_messages={"invalid": _("This is not an invitation token.")},
    )


class OpeningWriteSerializer(serializers.Serializer):
    """An opening's fields. Creating needs `title`; the sector is the startup's if left out."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    sector = _code_field(Sector, required=False, help_text=_("Sector code."))
    skills = serializers.ListField(
        child=serializers.CharField(max_length=60),
        max_length=MAX_SKILLS,
        required=False,
        help_text=_("Skills the opening asks for, as names, e.g. chip design."),
    )
    is_open = serializers.BooleanField(required=False)


class StartupConsultationRequestSerializer(serializers.Serializer):
    advisor = serializers.PrimaryKeyRelatedField(
        queryset=AdvisorProfile.objects.filter(is_active=True),
        help_text=_("The id of an advisor from /api/v1/advisors/."),
    )
    topic = serializers.ChoiceField(choices=Expertise.choices)
    message = serializers.CharField(max_length=4000)
    preferred_times = serializers.CharField(max_length=500, required=False, allow_blank=True)
    mode = serializers.ChoiceField(choices=ConsultationMode.choices, required=False)
