from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import District
from events.models import Event
from policies.models import Policy
from startups.models import Opening, Startup
from talent.models import AdvisorProfile

from .choices import MatchAction, MatchKind, ProposalStatus

# Which columns name the subject (who the match is for) and the target (what is matched)
# of each kind. Every other subject/target column of a row is empty.
KIND_COLUMNS = {
    MatchKind.RETURNEE_OPENING: ("returnee", "opening"),
    MatchKind.OPENING_RETURNEE: ("opening", "returnee"),
    MatchKind.RETURNEE_ADVISOR: ("returnee", "advisor"),
    MatchKind.STARTUP_ADVISOR: ("startup", "advisor"),
    MatchKind.RETURNEE_POLICY: ("returnee", "policy"),
    MatchKind.RETURNEE_EVENT: ("returnee", "event"),
}


class Match(models.Model):
    """One explained match of a subject with a target, of one kind.

    `reasons` is a list of `{"code": str, "weight": float, "params": {...}}`; the weights of
    a match's reasons add up to its score. `matching.reasons.render` turns a reason into a
    line in the viewer's language. A match that a later run no longer finds keeps its row
    (and its dismissal and notification state) with `is_current` false.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=MatchKind.choices)
    returnee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        db_index=False,  # see Meta.indexes
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="matches",
        verbose_name=_("returnee"),
    )
    startup = models.ForeignKey(
        Startup,
        db_index=False,  # see Meta.indexes
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="matches",
        verbose_name=_("startup"),
    )
    opening = models.ForeignKey(
        Opening,
        db_index=False,  # see Meta.indexes
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="matches",
        verbose_name=_("opening"),
    )
    advisor = models.ForeignKey(
        AdvisorProfile,
        db_index=False,  # see Meta.indexes
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="matches",
        verbose_name=_("advisor"),
    )
    policy = models.ForeignKey(
        Policy,
        db_index=False,  # see Meta.indexes
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="matches",
        verbose_name=_("policy"),
    )
    event = models.ForeignKey(
        Event,
        db_index=False,  # see Meta.indexes
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="matches",
        verbose_name=_("event"),
    )
    district = models.ForeignKey(
        District,
        db_index=False,  # see Meta.indexes
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
        help_text=_("The district the match concerns, for the officials' weekly counts."),
    )
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list)
    is_current = models.BooleanField(_("current"), default=True)
    fingerprint = models.BigIntegerField(
        _("fingerprint"),
        default=0,
        editable=False,
        help_text=_(
            "A hash of the score, reasons and district: a re-match rewrites only rows "
            "whose fingerprint changed."
        ),
    )
    created_at = models.DateTimeField(_("found at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    dismissed_at = models.DateTimeField(_("dismissed at"), null=True, blank=True)
    acted_at = models.DateTimeField(_("acted on at"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=MatchAction.choices, blank=True)

    class Meta:
        ordering = ["-score", "id"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "returnee", "startup", "opening", "advisor", "policy", "event"],
                nulls_distinct=False,
                name="matching_match_unique",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1), name="matching_match_score_range"
            ),
        ]
        # Each row names two of the six subject/target columns, and a re-match after a rule
        # change rewrites millions of rows: an index holds only the rows whose column is set
        # (a row rewritten touches 7 or 8 indexes, not 14). The foreign-key ones serve deletes.
        indexes = [
            *(
                models.Index(
                    fields=[column],
                    condition=Q(**{f"{column}__isnull": False}),
                    name=f"matching_match_{column}_fk",
                )
                for column in ("returnee", "startup", "opening", "advisor", "policy", "event")
            ),
            models.Index(
                fields=["returnee", "kind", "-score"],
                condition=Q(is_current=True, dismissed_at__isnull=True, returnee__isnull=False),
                name="matching_match_returnee_idx",
            ),
            models.Index(
                fields=["opening", "kind", "-score"],
                condition=Q(is_current=True, dismissed_at__isnull=True, opening__isnull=False),
                name="matching_match_opening_idx",
            ),
            models.Index(
                fields=["startup", "kind", "-score"],
                condition=Q(is_current=True, dismissed_at__isnull=True, startup__isnull=False),
                name="matching_match_startup_idx",
            ),
            models.Index(
                fields=["score"],
                condition=Q(is_current=True, dismissed_at__isnull=True, notified_at__isnull=True),
                name="matching_match_unnotified_idx",
            ),
            models.Index(fields=["district", "created_at"], name="matching_match_district_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject} → {self.target} ({self.score:.2f})"

    @property
    def subject(self):
        return getattr(self, KIND_COLUMNS[self.kind][0])

    @property
    def target(self):
        return getattr(self, KIND_COLUMNS[self.kind][1])


class AdvisorProposal(models.Model):
    """An advisor proposed to a requester (a returnee or a startup) by the assignment solver,
    or chosen instead by an official, who must give a reason. Rows are never edited away:
    an override marks the proposal it replaces as overridden and points back to it, so the
    chain of rows is the audit trail of who decided what, when and why."""

    returnee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="advisor_proposals",
        verbose_name=_("returnee"),
    )
    startup = models.ForeignKey(
        Startup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="advisor_proposals",
        verbose_name=_("startup"),
    )
    advisor = models.ForeignKey(
        AdvisorProfile,
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("advisor"),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
        help_text=_("The requester's district, whose officials may override the proposal."),
    )
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PROPOSED,
    )
    run = models.PositiveIntegerField(_("assignment run"), default=0)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
        help_text=_("Empty when the solver proposed it; the official who overrode otherwise."),
    )
    reason = models.TextField(_("reason for the override"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("advisor proposal")
        verbose_name_plural = _("advisor proposals")
        constraints = [
            models.CheckConstraint(
                condition=Q(returnee__isnull=False, startup__isnull=True)
                | Q(returnee__isnull=True, startup__isnull=False),
                name="matching_proposal_one_requester",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(reason=""),
                name="matching_proposal_override_has_reason",
            ),
            models.UniqueConstraint(
                fields=["returnee"],
                condition=Q(status=ProposalStatus.PROPOSED, returnee__isnull=False),
                name="matching_one_live_proposal_returnee",
            ),
            models.UniqueConstraint(
                fields=["startup"],
                condition=Q(status=ProposalStatus.PROPOSED, startup__isnull=False),
                name="matching_one_live_proposal_startup",
            ),
        ]
        indexes = [models.Index(fields=["advisor", "status"], name="matching_proposal_adv_idx")]

    def __str__(self):
        return f"{self.returnee or self.startup} → {self.advisor}"


class OpeningFeature(models.Model):
    """One feature of an open opening with the weight the opening gives it (see
    `matching.features`): derived data, rewritten by every re-match of the opening, that lets
    one changed profile be scored against every opening of its sectors in one indexed query."""

    opening = models.ForeignKey(
        Opening, on_delete=models.CASCADE, related_name="+", verbose_name=_("opening")
    )
    sector = models.ForeignKey(
        "core.Sector",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        verbose_name=_("sector"),
    )
    code = models.CharField(_("feature"), max_length=40)
    weight = models.FloatField(_("weight"))

    class Meta:
        verbose_name = _("opening feature")
        verbose_name_plural = _("opening features")
        indexes = [
            models.Index(
                fields=["sector", "code"],
                include=["opening", "weight"],
                name="matching_feature_lookup_idx",
            ),
        ]

    def __str__(self):
        return f"{self.opening_id} {self.code} {self.weight:.4f}"
