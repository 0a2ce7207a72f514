from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, URLValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.i18n import localized
from core.models import District, Sector
from search.models import SEARCH_FIELDS, Searchable
from talent.choices import DegreeLevel

from .choices import CriterionKind, EligibilityStatus, NoticeReason, PolicyCategory, PolicyStatus
from .eligibility import rule_problem

MAX_CRITERIA = 20


class Policy(Searchable):
    """A district (or municipal, when `district` is empty) policy for returnees; its search
    words and vector come from `Searchable` (written by `policies.search`)."""

    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary_zh = models.TextField(_("summary (Chinese)"), max_length=2000, blank=True)
    summary_en = models.TextField(_("summary (English)"), max_length=2000, blank=True)
    body_zh = models.TextField(_("full text (Chinese)"), max_length=50000, blank=True)
    body_en = models.TextField(_("full text (English)"), max_length=50000, blank=True)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="policies",
        verbose_name=_("issuing district"),
        help_text=_("Leave empty for a municipal (city-wide) policy."),
    )
    authority_zh = models.CharField(_("issuing authority (Chinese)"), max_length=200, blank=True)
    authority_en = models.CharField(_("issuing authority (English)"), max_length=200, blank=True)
    document_number = models.CharField(
        _("document number"),
        max_length=100,
        blank=True,
        help_text=_("As printed on the document, e.g. 浦人社规〔2024〕3号."),
    )
    category = models.CharField(_("category"), max_length=30, choices=PolicyCategory.choices)
    sectors = models.ManyToManyField(
        Sector, blank=True, related_name="policies", verbose_name=_("sectors")
    )
    benefits_zh = models.TextField(_("benefits (Chinese)"), max_length=4000, blank=True)
    benefits_en = models.TextField(_("benefits (English)"), max_length=4000, blank=True)
    benefit_amount = models.DecimalField(
        _("amount (CNY)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("The largest amount in yuan the policy grants, where it names one."),
    )
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    source_url = models.URLField(
        _("source link"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("The official text on the issuer's website."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT
    )
    published_at = models.DateTimeField(_("first published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=SEARCH_FIELDS)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        indexes = [
            models.Index(fields=["status", "category"], name="policies_status_category_idx"),
            models.Index(fields=["status", "expires_on"], name="policies_status_expires_idx"),
            # The published list's order: its page is read from the index, not sorted.
            models.Index(
                fields=["-published_at", "-id"],
                condition=models.Q(status=PolicyStatus.PUBLISHED),
                name="policies_published_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(effective_from__isnull=True)
                | models.Q(expires_on__gte=models.F("effective_from")),
                name="policies_policy_expires_after_effective",
                violation_error_message=_("The expiry date is before the date it takes effect."),
            ),
            models.CheckConstraint(
                condition=models.Q(benefit_amount__isnull=True) | models.Q(benefit_amount__gte=0),
                name="policies_policy_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="policies_policy_published_has_time",
            ),
        ]

    def __str__(self):
        return self.title or f"#{self.pk}"

    def get_absolute_url(self):
        return reverse("policies:detail", args=[self.pk])

    def clean(self):
        """The invariants every writer (services, admin, import) keeps."""
        super().clean()
        errors = {}
        if not (self.title_zh or "").strip() and not (self.title_en or "").strip():
            errors["title_en"] = _("Give the policy a title in Chinese or in English.")
        if self.effective_from and self.expires_on and self.expires_on < self.effective_from:
            errors["expires_on"] = _("The expiry date is before the date it takes effect.")
        if errors:
            raise ValidationError(errors)

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def summary(self) -> str:
        return localized(self, "summary")

    @property
    def body(self) -> str:
        return localized(self, "body")

    @property
    def benefits(self) -> str:
        return localized(self, "benefits")

    @property
    def authority(self) -> str:
        return localized(self, "authority")

    @property
    def is_municipal(self) -> bool:
        return self.district_id is None

    @property
    def issuer_name(self) -> str:
        """The issuing district's name, or "Municipal" for a city-wide policy."""
        if self.district_id is None:
            return str(_("Shanghai (municipal)"))
        return self.district.name

    def is_active_on(self, day) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and (
            self.expires_on is None or self.expires_on >= day
        )


class Criterion(models.Model):
    """One eligibility condition of a policy; `kind` says which fields it uses."""

    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("policy")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=CriterionKind.choices)
    value = models.IntegerField(
        _("number"),
        null=True,
        blank=True,
        help_text=_("Years abroad, years since the return, or the age limit."),
    )
    degree = models.CharField(_("degree"), max_length=20, choices=DegreeLevel.choices, blank=True)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    sectors = models.ManyToManyField(
        Sector, blank=True, related_name="+", verbose_name=_("sectors")
    )
    note_zh = models.CharField(_("condition (Chinese)"), max_length=500, blank=True)
    note_en = models.CharField(_("condition (English)"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("eligibility criterion")
        verbose_name_plural = _("eligibility criteria")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=0),
                name="policies_criterion_value_not_negative",
            ),
        ]

    def __str__(self):
        return self.get_kind_display()

    def clean(self):
        super().clean()
        problem = rule_problem(
            kind=self.kind,
            value=self.value,
            degree=self.degree,
            has_district=self.district_id is not None,
            # Sectors are saved after the row; the service and the admin check them then.
            has_sectors=True,
            note_zh=self.note_zh,
            note_en=self.note_en,
        )
        if problem:
            raise ValidationError({problem[0]: problem[1]})


class PolicyVersion(models.Model):
    """A published state of a policy: a snapshot of its fields and criteria, and what
    changed since the version before."""

    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="versions", verbose_name=_("policy")
    )
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("snapshot"))
    changes = models.JSONField(
        _("changes"),
        default=list,
        blank=True,
        help_text=_("Field by field, what differs from the version before."),
    )
    criteria_changed = models.BooleanField(_("criteria changed"), default=False)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        ordering = ["policy", "-number"]
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policies_version_unique"),
        ]

    def __str__(self):
        return f"{self.policy} v{self.number}"


class PolicyFollow(models.Model):
    """A returnee follows a policy: told of new versions and of its coming expiry."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="policy_follows",
        verbose_name=_("user"),
    )
    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="follows", verbose_name=_("policy")
    )
    created_at = models.DateTimeField(_("followed since"), default=timezone.now)

    class Meta:
        verbose_name = _("policy follow")
        verbose_name_plural = _("policy follows")
        constraints = [
            models.UniqueConstraint(fields=["user", "policy"], name="policies_follow_unique"),
        ]

    def __str__(self):
        return f"{self.user} → {self.policy}"


class TopicFollow(models.Model):
    """A returnee follows a district (or the municipal level) and/or a category: told of
    every new policy published there."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="policy_topics",
        verbose_name=_("user"),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    municipal = models.BooleanField(_("municipal policies"), default=False)
    category = models.CharField(
        _("category"), max_length=30, choices=PolicyCategory.choices, blank=True
    )
    created_at = models.DateTimeField(_("followed since"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("followed topic")
        verbose_name_plural = _("followed topics")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "district", "category"],
                condition=models.Q(district__isnull=False),
                name="policies_topic_district_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "municipal", "category"],
                condition=models.Q(district__isnull=True),
                name="policies_topic_place_unique",
            ),
            models.CheckConstraint(
                condition=~models.Q(district__isnull=True, municipal=False, category=""),
                name="policies_topic_not_empty",
            ),
            models.CheckConstraint(
                condition=models.Q(district__isnull=True) | models.Q(municipal=False),
                name="policies_topic_district_or_municipal",
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.label}"

    @property
    def label(self) -> str:
        parts = []
        if self.municipal:
            parts.append(str(_("Shanghai (municipal)")))
        elif self.district_id:
            parts.append(self.district.name)
        if self.category:
            parts.append(str(self.get_category_display()))
        return " · ".join(parts)

    def matches(self, policy: Policy) -> bool:
        if self.municipal and policy.district_id is not None:
            return False
        if self.district_id and policy.district_id != self.district_id:
            return False
        return not self.category or self.category == policy.category


class EligibilityRecord(models.Model):
    """What a returnee was last told about their eligibility for a policy."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="policy_eligibility",
        verbose_name=_("user"),
    )
    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="eligibility", verbose_name=_("policy")
    )
    status = models.CharField(_("status"), max_length=10, choices=EligibilityStatus.choices)
    version = models.PositiveIntegerField(_("version checked"), default=0)
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)

    class Meta:
        verbose_name = _("eligibility record")
        verbose_name_plural = _("eligibility records")
        constraints = [
            models.UniqueConstraint(fields=["user", "policy"], name="policies_record_unique"),
        ]

    def __str__(self):
        return f"{self.user} / {self.policy}: {self.status}"


class PolicyNotice(models.Model):
    """That a returnee has been told something about a policy. The unique key (user,
    policy, key) is written in the notification's transaction, so no one is told of the
    same version, or of the same coming expiry, twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="policy_notices",
        verbose_name=_("user"),
    )
    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="notices", verbose_name=_("policy")
    )
    key = models.CharField(
        _("key"),
        max_length=40,
        help_text=_("“v3” for version 3, “expiry:2026-12-31” for a coming expiry."),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=NoticeReason.choices)
    created_at = models.DateTimeField(_("told at"), default=timezone.now)

    class Meta:
        verbose_name = _("policy notice")
        verbose_name_plural = _("policy notices")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "policy", "key"], name="policies_notice_unique"
            ),
        ]

    def __str__(self):
        return f"{self.user} / {self.policy}: {self.key}"
