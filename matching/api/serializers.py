"""What the matching API reads and writes."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.models import District
from talent.choices import ConsultationMode, Expertise
from talent.models import AdvisorProfile

from .. import selectors
from ..choices import MatchAction
from ..models import AdvisorProposal, Match
from ..services import MAX_MESSAGE_LENGTH


class MatchObjectSerializer(serializers.Serializer):
    """What a match is for or points at."""

    type = serializers.ChoiceField(
        choices=["opening", "returnee", "startup", "advisor", "policy", "event"],
        help_text=_("What kind of thing it is."),
    )
    id = serializers.IntegerField(
        allow_null=True,
        help_text=_(
            "Its id; for a returnee, the id of their directory card, or null if they are not "
            "listed publicly."
        ),
    )
    title = serializers.CharField(help_text=_("Its title, or the person's name."))
    subtitle = serializers.CharField(
        allow_blank=True, help_text=_("A line of context: the startup, the issuer, the date.")
    )
    url = serializers.CharField(allow_null=True, help_text=_("Its page on the portal, if any."))


REASONS_FIELD = extend_schema_field(
    serializers.ListField(
        child=serializers.CharField(),
        help_text=_("Why it matches, heaviest reason first, in the language of the request."),
    )
)


class MatchSerializer(serializers.ModelSerializer):
    score = serializers.FloatField(
        min_value=0, max_value=1, read_only=True, help_text=_("From 0 to 1.")
    )
    reasons = serializers.SerializerMethodField()
    subject = serializers.SerializerMethodField(
        help_text=_("For candidates and a startup's advisors: which opening or startup of yours.")
    )
    target = serializers.SerializerMethodField()

    class Meta:
        model = Match
        fields = [
            "id",
            "kind",
            "score",
            "reasons",
            "subject",
            "target",
            "created_at",
            "acted_at",
            "action",
        ]
        read_only_fields = fields

    @REASONS_FIELD
    def get_reasons(self, match: Match) -> list[str]:
        return selectors.match_reasons(match)

    @extend_schema_field(MatchObjectSerializer(allow_null=True))
    def get_subject(self, match: Match) -> dict | None:
        return selectors.match_subject(match)

    @extend_schema_field(MatchObjectSerializer)
    def get_target(self, match: Match) -> dict:
        return selectors.match_target(match)


class MatchActSerializer(serializers.Serializer):
    """`contacted` (opening matches) needs a `message`, which says how to reach you: the
    portal shares no e-mail address. `consultation` (advisor matches) needs a `topic` and a
    `message` for the advisor. `registered` registers you for the event, `followed` follows
    the policy, `viewed` records a visit."""

    action = serializers.ChoiceField(choices=MatchAction.choices)
    message = serializers.CharField(
        max_length=MAX_MESSAGE_LENGTH, required=False, allow_blank=True, default=""
    )
    topic = serializers.ChoiceField(
        choices=Expertise.choices, required=False, help_text=_("For `consultation`.")
    )
    preferred_times = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("For `consultation`."),
    )
    mode = serializers.ChoiceField(
        choices=ConsultationMode.choices, required=False, help_text=_("For `consultation`.")
    )


class MatchActedSerializer(serializers.Serializer):
    match = MatchSerializer()
    url = serializers.CharField(
        help_text=_("Where to go next: the target's page, the consultation, the ticket.")
    )


# Officials -------------------------------------------------------------------------------


class ProposalSerializer(serializers.ModelSerializer):
    requester = serializers.SerializerMethodField()
    advisor = serializers.SerializerMethodField()
    district = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    reasons = serializers.SerializerMethodField()
    replaces = serializers.IntegerField(source="replaces_id", read_only=True, allow_null=True)
    decided_by = serializers.CharField(
        source="decided_by.full_name",
        read_only=True,
        allow_null=True,
        help_text=_("The official who chose this advisor; null when the solver proposed it."),
    )

    class Meta:
        model = AdvisorProposal
        fields = [
            "id",
            "requester",
            "advisor",
            "district",
            "score",
            "reasons",
            "status",
            "run",
            "replaces",
            "decided_by",
            "reason",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(MatchObjectSerializer)
    def get_requester(self, proposal: AdvisorProposal) -> dict:
        if proposal.returnee_id:
            return selectors.describe(proposal.returnee, "returnee")
        return selectors.describe(proposal.startup, "startup")

    @extend_schema_field(MatchObjectSerializer)
    def get_advisor(self, proposal: AdvisorProposal) -> dict:
        return selectors.describe(proposal.advisor, "advisor")

    @REASONS_FIELD
    def get_reasons(self, proposal: AdvisorProposal) -> list[str]:
        return selectors.proposal_reasons(proposal)


class ProposalOverrideSerializer(serializers.Serializer):
    advisor = serializers.PrimaryKeyRelatedField(
        queryset=AdvisorProfile.objects.filter(is_active=True),
        help_text=_("The id of the advisor chosen instead (from /api/v1/advisors/)."),
    )
    reason = serializers.CharField(
        max_length=2000, help_text=_("Why this advisor; kept in the audit trail.")
    )


class DistrictStatsQuerySerializer(serializers.Serializer):
    district = serializers.SlugRelatedField(
        slug_field="code",
        queryset=District.objects.all(),
        help_text=_("District code, e.g. pudong."),
        error_messages={
            "does_not_exist": _("Unknown code “{value}”; use a code from the reference list."),
            "invalid": _("Send a code as text."),
        },
    )
    weeks = serializers.IntegerField(
        min_value=1, max_value=52, default=12, help_text=_("How many weeks, this one last.")
    )


class WeekCountSerializer(serializers.Serializer):
    week_start = serializers.DateField(help_text=_("The Monday of the week (Shanghai time)."))
    made = serializers.IntegerField(help_text=_("Matches found that week."))
    acted = serializers.IntegerField(help_text=_("Matches first acted on that week."))


class DistrictStatsSerializer(serializers.Serializer):
    district = serializers.CharField()
    weeks = WeekCountSerializer(many=True)
