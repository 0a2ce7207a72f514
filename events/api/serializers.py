from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.models import District, Organisation, Sector

from ..choices import EventKind, EventLanguage, RegistrationStatus
from ..models import AgendaSession, Event, Registration, Speaker


class SpeakerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Speaker
        fields = ["id", "name", "title", "organisation", "bio"]


class AgendaSessionSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    speakers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = AgendaSession
        fields = ["id", "starts_at", "ends_at", "title", "title_zh", "title_en", "speakers"]


class EventSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organiser = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    sectors = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    seats_left = serializers.IntegerField(read_only=True)
    waitlist_count = serializers.IntegerField(read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "kind",
            "title",
            "title_zh",
            "title_en",
            "summary",
            "summary_zh",
            "summary_en",
            "district",
            "organiser",
            "venue",
            "address",
            "starts_at",
            "ends_at",
            "capacity",
            "seats_left",
            "waitlist_count",
            "registration_opens_at",
            "registration_closes_at",
            "sectors",
            "language",
            "status",
            "cancel_reason",
            "url",
        ]
        read_only_fields = fields


class EventDetailSerializer(EventSerializer):
    description = serializers.CharField(read_only=True)
    sessions = AgendaSessionSerializer(many=True, read_only=True)
    speakers = SpeakerSerializer(many=True, read_only=True)

    class Meta(EventSerializer.Meta):
        fields = [
            *EventSerializer.Meta.fields,
            "description",
            "description_zh",
            "description_en",
            "sessions",
            "speakers",
        ]
        read_only_fields = fields


class EventWriteSerializer(serializers.Serializer):
    """What an official may set; status changes go through publish and cancel."""

    kind = serializers.ChoiceField(choices=EventKind.choices)
    title_zh = serializers.CharField(max_length=200)
    title_en = serializers.CharField(max_length=200)
    summary_zh = serializers.CharField(max_length=500, required=False, allow_blank=True)
    summary_en = serializers.CharField(max_length=500, required=False, allow_blank=True)
    description_zh = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    description_en = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    district = serializers.SlugRelatedField(slug_field="code", queryset=District.objects.all())
    organiser = serializers.SlugRelatedField(
        slug_field="code", queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    venue = serializers.CharField(max_length=200)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capacity = serializers.IntegerField(min_value=1, max_value=100_000)
    registration_opens_at = serializers.DateTimeField()
    registration_closes_at = serializers.DateTimeField()
    sectors = serializers.SlugRelatedField(
        slug_field="code", queryset=Sector.objects.all(), many=True, required=False
    )
    language = serializers.ChoiceField(choices=EventLanguage.choices, required=False)


class CancelEventSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class RegistrationSerializer(serializers.Serializer):
    """A plain serializer (no model introspection per instance): the registration rush
    answers thousands of these a minute."""

    id = serializers.IntegerField(read_only=True)
    event = serializers.IntegerField(source="event_id", read_only=True)
    event_title = serializers.CharField(source="event.title", read_only=True)
    starts_at = serializers.DateTimeField(source="event.starts_at", read_only=True)
    status = serializers.ChoiceField(choices=RegistrationStatus.choices, read_only=True)
    waitlist_position = serializers.IntegerField(read_only=True, allow_null=True)
    code = serializers.SerializerMethodField(
        help_text=_("The ticket code, while the registration holds a seat.")
    )
    ticket_url = serializers.CharField(source="get_absolute_url", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    checked_in_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def get_code(self, registration) -> str | None:
        return registration.code if registration.shows_code else None


class RegistrantSerializer(serializers.ModelSerializer):
    """A registrant as the event's officials see them."""

    full_name = serializers.CharField(
        source="attendee_name", read_only=True, help_text=_("“(anonymised)” once removed.")
    )
    email = serializers.EmailField(
        source="user.email", read_only=True, allow_null=True, help_text=_("Null once removed.")
    )

    class Meta:
        model = Registration
        fields = [
            "id",
            "full_name",
            "email",
            "status",
            "waitlist_position",
            "created_at",
            "checked_in_at",
        ]
        read_only_fields = fields


class AttendeeSerializer(serializers.ModelSerializer):
    """An attendee as a check-in volunteer sees them: the name and nothing else."""

    full_name = serializers.CharField(source="attendee_name", read_only=True)

    class Meta:
        model = Registration
        fields = ["id", "full_name", "status", "checked_in_at"]
        read_only_fields = fields


class CheckinSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=64, help_text=_("The code on the attendee's ticket."))


class VolunteerSerializer(serializers.Serializer):
    email = serializers.EmailField(help_text=_("E-mail address of the volunteer's account."))


class VolunteerResponseSerializer(serializers.Serializer):
    user = serializers.IntegerField()
    full_name = serializers.CharField()
    email = serializers.EmailField()
