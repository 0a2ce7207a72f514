"""What the policies API reads and writes. The write serializer lists its fields one by one:
`status`, `published_at` and the like cannot be sent (they are ignored if they are), and the
district is checked against the official's own districts by the service."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.models import District, Sector
from talent.choices import DegreeLevel

from ..choices import CriterionKind, EligibilityStatus, PolicyCategory
from ..eligibility import Rule, describe_rule
from ..models import MAX_CRITERIA, Criterion, Policy, PolicyVersion, TopicFollow
from ..selectors import latest_version_number
from ..versions import describe_changes

CODE_ERRORS = {
    "does_not_exist": _("Unknown code “{value}”; use a code from the reference list."),
    "invalid": _("Send a code as text."),
}


def _code_field(model, **kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="code", queryset=model.objects.all(), error_messages=CODE_ERRORS, **kwargs
    )


class PlaceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


# Reading ---------------------------------------------------------------------------------


class CriterionSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    sectors = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    degree = serializers.CharField(
        read_only=True,
        help_text=_("For min_degree: one of %(choices)s.")
        % {"choices": ", ".join(DegreeLevel.values)},
    )
    text = serializers.SerializerMethodField(help_text=_("What the criterion requires."))

    class Meta:
        model = Criterion
        fields = ["kind", "value", "degree", "district", "sectors", "note_zh", "note_en", "text"]
        read_only_fields = fields

    def get_text(self, criterion: Criterion) -> str:
        return describe_rule(Rule.from_criterion(criterion))


class VersionSerializer(serializers.ModelSerializer):
    changes = serializers.SerializerMethodField(
        help_text=_("What changed since the version before, in the language of the request.")
    )

    class Meta:
        model = PolicyVersion
        fields = ["number", "published_at", "criteria_changed", "changes"]
        read_only_fields = fields

    def get_changes(self, version: PolicyVersion) -> list[str]:
        return describe_changes(version.changes)


class PolicySerializer(serializers.ModelSerializer):
    """A policy as lists show it; `title` and `summary` are in the request's language."""

    title = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    district = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text=_("Issuing district's code; null for a municipal policy."),
    )
    issuer = serializers.CharField(
        source="issuer_name", read_only=True, help_text=_("The district's name, or municipal.")
    )
    sectors = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    version = serializers.SerializerMethodField(help_text=_("The latest published version."))
    is_following = serializers.SerializerMethodField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Policy
        fields = [
            "id",
            "title",
            "title_zh",
            "title_en",
            "summary",
            "district",
            "issuer",
            "document_number",
            "category",
            "sectors",
            "benefit_amount",
            "effective_from",
            "expires_on",
            "status",
            "published_at",
            "version",
            "is_following",
            "url",
        ]
        read_only_fields = fields

    def get_version(self, policy: Policy) -> int:
        return latest_version_number(policy)

    def get_is_following(self, policy: Policy) -> bool:
        return bool(getattr(policy, "is_following", False))


class PolicyDetailSerializer(PolicySerializer):
    body = serializers.CharField(read_only=True)
    benefits = serializers.CharField(read_only=True)
    authority = serializers.CharField(read_only=True)
    source_url = serializers.CharField(
        read_only=True, help_text=_("The official text on the issuer's website, or empty.")
    )
    criteria = CriterionSerializer(many=True, read_only=True)
    versions = VersionSerializer(many=True, read_only=True)

    class Meta(PolicySerializer.Meta):
        fields = [
            *PolicySerializer.Meta.fields,
            "summary_zh",
            "summary_en",
            "body",
            "body_zh",
            "body_en",
            "benefits",
            "benefits_zh",
            "benefits_en",
            "authority",
            "authority_zh",
            "authority_en",
            "source_url",
            "criteria",
            "versions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class EligibilityLineSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CriterionKind.choices)
    label = serializers.CharField()
    required = serializers.CharField(help_text=_("What the policy requires."))
    found = serializers.CharField(help_text=_("What your profile says."))
    met = serializers.BooleanField(
        allow_null=True, help_text=_("true, false, or null when it cannot be told.")
    )
    hint = serializers.CharField(
        allow_blank=True,
        help_text=_("What to fill in, or what would change the answer."),
    )


class AlternativeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="policy.pk")
    title = serializers.CharField(source="policy.title")
    issuer = serializers.CharField(source="policy.issuer_name")
    status = serializers.ChoiceField(choices=EligibilityStatus.choices)
    reason = serializers.CharField()
    text = serializers.CharField()


class EligibilitySerializer(serializers.Serializer):
    policy = serializers.IntegerField()
    status = serializers.ChoiceField(choices=EligibilityStatus.choices)
    status_label = serializers.CharField()
    narrowly_missed = serializers.BooleanField(
        help_text=_("Ineligible on exactly one criterion; `hint` says what would change it.")
    )
    hint = serializers.CharField(allow_blank=True)
    to_fill_in = serializers.ListField(
        child=serializers.CharField(), help_text=_("Profile fields that would give an answer.")
    )
    criteria = EligibilityLineSerializer(many=True)
    alternatives = AlternativeSerializer(
        many=True,
        help_text=_(
            "Policies of the same category elsewhere that you qualify for, or that lack "
            "the criterion you miss."
        ),
    )


class ForMeSerializer(serializers.Serializer):
    group = serializers.ChoiceField(
        choices=[
            ("eligible", _("You qualify")),
            ("unknown", _("More of your profile is needed")),
            ("narrowly_missed", _("Narrowly missed")),
            ("ineligible", _("Not eligible")),
        ]
    )
    policy = PolicySerializer()
    status = serializers.ChoiceField(choices=EligibilityStatus.choices)
    hint = serializers.CharField(allow_blank=True)
    to_fill_in = serializers.ListField(child=serializers.CharField())
    alternatives = AlternativeSerializer(many=True)


class FollowSerializer(serializers.Serializer):
    policy = serializers.IntegerField()
    following = serializers.BooleanField()


class TopicSerializer(serializers.ModelSerializer):
    district = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    category = serializers.ChoiceField(
        choices=PolicyCategory.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("Empty: any category."),
    )
    label = serializers.CharField(read_only=True)

    class Meta:
        model = TopicFollow
        fields = ["id", "district", "municipal", "category", "label", "created_at"]
        read_only_fields = fields


# Writing ---------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class WholeNumberField(serializers.Field):
    """A number the service checks (an impossible value is its 400, with its message)."""

    default_error_messages = {"invalid": _("Enter a whole number.")}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int):
            return data
        if isinstance(data, str) and data.strip().lstrip("-").isdigit() and len(data) < 12:
            return int(data)
        if isinstance(data, float) and data.is_integer() and abs(data) < 1e12:
            return int(data)
        self.fail("invalid")

    def to_representation(self, value):
        return value


class CriterionWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CriterionKind.choices)
    value = WholeNumberField(
        required=False,
        allow_null=True,
        help_text=_(
            "Years abroad (overseas_years), years since the return (returned_within) "
            "or the age limit (max_age)."
        ),
    )
    degree = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text=_("For min_degree: one of %(choices)s.")
        % {"choices": ", ".join(DegreeLevel.values)},
    )
    district = _code_field(
        District,
        required=False,
        allow_null=True,
        help_text=_("For company_district, employed_in_district, founder_in_district."),
    )
    sectors = _code_field(
        Sector, many=True, required=False, help_text=_("For sector: sector codes.")
    )
    note_zh = serializers.CharField(required=False, allow_blank=True, max_length=500)
    note_en = serializers.CharField(required=False, allow_blank=True, max_length=500)


class PolicyWriteSerializer(serializers.Serializer):
    """The fields an official writes. Creating needs `category` and a title; PATCH any.
    `criteria`, when sent, replaces all of them."""

    title_zh = serializers.CharField(required=False, allow_blank=True, max_length=300)
    title_en = serializers.CharField(required=False, allow_blank=True, max_length=300)
    summary_zh = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    summary_en = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    body_zh = serializers.CharField(required=False, allow_blank=True, max_length=50000)
    body_en = serializers.CharField(required=False, allow_blank=True, max_length=50000)
    district = _code_field(
        District,
        required=False,
        allow_null=True,
        help_text=_(
            "District code; one of yours. Null (municipal) for admins only. Left out: your "
            "district, if you have one."
        ),
    )
    authority_zh = serializers.CharField(required=False, allow_blank=True, max_length=200)
    authority_en = serializers.CharField(required=False, allow_blank=True, max_length=200)
    document_number = serializers.CharField(required=False, allow_blank=True, max_length=100)
    category = serializers.ChoiceField(choices=PolicyCategory.choices)
    sectors = _code_field(Sector, many=True, required=False)
    benefits_zh = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    benefits_en = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    benefit_amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        help_text=_("Largest amount in yuan (CNY), where the policy names one."),
    )
    effective_from = serializers.DateField(required=False, allow_null=True)
    expires_on = serializers.DateField(required=False, allow_null=True)
    source_url = serializers.URLField(required=False, allow_blank=True, max_length=500)
    criteria = CriterionWriteSerializer(many=True, required=False, max_length=MAX_CRITERIA)

    def split(self) -> tuple[dict, list[dict] | None]:
        """The service's arguments: the policy's fields, and the criteria if sent."""
        data = dict(self.validated_data)
        criteria = data.pop("criteria", None)
        return data, criteria


class TopicWriteSerializer(serializers.Serializer):
    district = _code_field(District, required=False, allow_null=True)
    municipal = serializers.BooleanField(required=False, default=False)
    category = serializers.ChoiceField(
        choices=PolicyCategory.choices, required=False, allow_blank=True
    )
