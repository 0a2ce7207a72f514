from django.utils.translation import gettext_lazy as _
from django_countries import countries
from rest_framework import serializers

from core.models import District, Sector

from ..choices import (
    CompanyRole,
    ConsultationMode,
    DegreeLevel,
    Expertise,
    Seeking,
    SpokenLanguage,
)
from ..models import AdvisorProfile, Consultation, ReturneeProfile
from ..privacy import PUBLIC_SECTIONS

YEAR = {"required": False, "allow_null": True, "min_value": 1900, "max_value": 2100}


class NameListField(serializers.ListField):
    """Names of a many-to-many relation (skills): written as strings, read from the rows."""

    def to_representation(self, data):
        return [str(item) for item in data.all()]


class EducationSerializer(serializers.Serializer):
    degree_level = serializers.ChoiceField(choices=DegreeLevel.choices)
    institution = serializers.CharField(max_length=200, help_text=_("Name of the university."))
    country = serializers.ChoiceField(choices=countries, help_text=_("Two-letter country code."))
    field = serializers.CharField(max_length=200, required=False, allow_blank=True)
    start_year = serializers.IntegerField(**YEAR)
    end_year = serializers.IntegerField(**YEAR, help_text=_("Year of graduation."))


class WorkSerializer(serializers.Serializer):
    employer = serializers.CharField(max_length=200)
    country = serializers.ChoiceField(choices=countries, help_text=_("Two-letter country code."))
    role = serializers.CharField(max_length=200, required=False, allow_blank=True)
    start_year = serializers.IntegerField(**YEAR)
    end_year = serializers.IntegerField(**YEAR)


def _district_field(**kwargs):
    return serializers.SlugRelatedField(
        slug_field="code", queryset=District.objects.all(), required=False, **kwargs
    )


class ProfileSerializer(serializers.Serializer):
    """The signed-in returnee's own profile. Every field is optional on write; only the
    fields sent change."""

    full_name = serializers.CharField(source="user.full_name", max_length=150, required=False)
    headline = serializers.CharField(max_length=200, required=False, allow_blank=True)
    bio = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    birth_year = serializers.IntegerField(**YEAR)
    returned_on = serializers.DateField(required=False, allow_null=True)
    residence_district = _district_field(allow_null=True)
    work_district = _district_field(allow_null=True)
    company_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    company_district = _district_field(
        allow_null=True, help_text=_("District where your company is registered.")
    )
    company_role = serializers.ChoiceField(
        choices=CompanyRole.choices, required=False, allow_blank=True
    )
    sectors = serializers.SlugRelatedField(
        slug_field="code", queryset=Sector.objects.all(), many=True, required=False
    )
    skills = NameListField(
        child=serializers.CharField(max_length=60), max_length=50, required=False
    )
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=SpokenLanguage.choices), max_length=20, required=False
    )
    seeking = serializers.ListField(
        child=serializers.ChoiceField(choices=Seeking.choices), max_length=5, required=False
    )
    education = EducationSerializer(many=True, required=False, max_length=20)
    work = WorkSerializer(many=True, required=False, max_length=20)
    is_public = serializers.BooleanField(
        required=False, help_text=_("List me in the public talent directory.")
    )
    public_since = serializers.DateTimeField(read_only=True, allow_null=True)
    matching_consent = serializers.BooleanField(
        required=False, help_text=_("Use my profile to propose matches.")
    )
    matching_consent_at = serializers.DateTimeField(read_only=True, allow_null=True)
    show_headline = serializers.BooleanField(required=False)
    show_education = serializers.BooleanField(required=False)
    show_work = serializers.BooleanField(required=False)
    show_sectors = serializers.BooleanField(required=False)
    show_skills = serializers.BooleanField(required=False)
    show_districts = serializers.BooleanField(required=False)
    show_languages = serializers.BooleanField(required=False)
    show_seeking = serializers.BooleanField(required=False)
    show_returned_on = serializers.BooleanField(required=False)
    show_birth_year = serializers.BooleanField(required=False)
    updated_at = serializers.DateTimeField(read_only=True)

    def to_service_data(self) -> dict:
        data = dict(self.validated_data)
        if "user" in data:
            data["full_name"] = data.pop("user")["full_name"]
        return data


class PublicProfileSerializer(serializers.ModelSerializer):
    """A directory card: the name, and only the sections the returnee made public. Hidden
    sections are left out of the answer altogether."""

    id = serializers.IntegerField(read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    headline = serializers.CharField(read_only=True, required=False)
    bio = serializers.CharField(read_only=True, required=False)
    birth_year = serializers.IntegerField(read_only=True, required=False, allow_null=True)
    returned_on = serializers.DateField(read_only=True, required=False, allow_null=True)
    residence_district = serializers.SlugRelatedField(
        slug_field="code", read_only=True, required=False, allow_null=True
    )
    work_district = serializers.SlugRelatedField(
        slug_field="code", read_only=True, required=False, allow_null=True
    )
    sectors = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, required=False
    )
    skills = NameListField(child=serializers.CharField(), read_only=True, required=False)
    languages = serializers.ListField(child=serializers.CharField(), read_only=True, required=False)
    seeking = serializers.ListField(child=serializers.CharField(), read_only=True, required=False)
    education = EducationSerializer(many=True, read_only=True, required=False)
    work = WorkSerializer(many=True, read_only=True, required=False)

    class Meta:
        model = ReturneeProfile
        fields = [
            "id",
            "full_name",
            "headline",
            "bio",
            "birth_year",
            "returned_on",
            "residence_district",
            "work_district",
            "sectors",
            "skills",
            "languages",
            "seeking",
            "education",
            "work",
        ]

    def to_representation(self, instance):
        hidden = {
            field
            for flag, fields in PUBLIC_SECTIONS.items()
            if not getattr(instance, flag)
            for field in fields
        }
        fields = self.fields
        data = {}
        for name, field in fields.items():
            if name in hidden:
                continue
            attribute = field.get_attribute(instance)
            data[name] = None if attribute is None else field.to_representation(attribute)
        return data


class AdvisorSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    title = serializers.CharField(read_only=True)
    bio = serializers.CharField(read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    sectors = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    districts = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    expertise = serializers.ListField(child=serializers.CharField(), read_only=True)
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    capacity_left = serializers.SerializerMethodField(
        help_text=_("Consultations the advisor can still accept this month.")
    )

    class Meta:
        model = AdvisorProfile
        fields = [
            "id",
            "full_name",
            "title",
            "title_zh",
            "title_en",
            "bio",
            "bio_zh",
            "bio_en",
            "organisation",
            "expertise",
            "sectors",
            "languages",
            "districts",
            "monthly_capacity",
            "capacity_left",
        ]
        read_only_fields = fields

    def get_capacity_left(self, advisor) -> int:
        return max(advisor.monthly_capacity - getattr(advisor, "load_this_month", 0), 0)


class ConsultationRequestSerializer(serializers.Serializer):
    topic = serializers.ChoiceField(choices=Expertise.choices)
    message = serializers.CharField(max_length=4000)
    preferred_times = serializers.CharField(max_length=500, required=False, allow_blank=True)
    mode = serializers.ChoiceField(choices=ConsultationMode.choices, required=False)


class ConsultationSerializer(serializers.ModelSerializer):
    advisor = serializers.PrimaryKeyRelatedField(read_only=True)
    advisor_name = serializers.CharField(source="advisor.user.full_name", read_only=True)
    requester_name = serializers.CharField(source="requester.full_name", read_only=True)

    class Meta:
        model = Consultation
        fields = [
            "id",
            "advisor",
            "advisor_name",
            "requester_name",
            "topic",
            "message",
            "preferred_times",
            "mode",
            "status",
            "scheduled_at",
            "location",
            "decline_reason",
            "notes",
            "rating",
            "rating_comment",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AcceptSerializer(serializers.Serializer):
    scheduled_at = serializers.DateTimeField(
        help_text=_("When the consultation takes place (ISO 8601, e.g. 2026-12-03T14:00:00+08:00).")
    )
    location = serializers.CharField(max_length=300, required=False, allow_blank=True)


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class CompleteSerializer(serializers.Serializer):
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class RateSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)
