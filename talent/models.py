from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from core.i18n import localized
from core.models import District, Organisation, Sector

from .choices import (
    CompanyRole,
    ConsentChannel,
    ConsentPurpose,
    ConsultationMode,
    ConsultationStatus,
    DegreeLevel,
    Expertise,
)


class NormalizedName(models.Model):
    """A name typed in many ways but meaning one thing: "ETH Zürich" and "eth zurich" share
    the `key` (see `talent.normalize.normalize_key`), and the first spelling is shown."""

    name = models.CharField(_("name"), max_length=200)
    key = models.CharField(_("normalised key"), max_length=200, unique=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class Skill(NormalizedName):
    """A free tag of what someone can do ("chip design", "GMP compliance")."""

    class Meta(NormalizedName.Meta):
        verbose_name = _("skill")
        verbose_name_plural = _("skills")


class Institution(NormalizedName):
    """A university or institute abroad."""

    country = CountryField(_("country"), blank=True)

    class Meta(NormalizedName.Meta):
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")


class Employer(NormalizedName):
    """A company or body someone worked for abroad."""

    country = CountryField(_("country"), blank=True)

    class Meta(NormalizedName.Meta):
        verbose_name = _("employer")
        verbose_name_plural = _("employers")


class ReturneeProfile(models.Model):
    """What a returnee tells the portal about themselves; `show_*` say which parts the public
    directory may show (nothing at all unless `is_public`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("user"),
    )
    headline = models.CharField(_("headline"), max_length=200, blank=True)
    bio = models.TextField(_("about me"), max_length=4000, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    returned_on = models.DateField(_("date of return to China"), null=True, blank=True)
    residence_district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district of residence"),
    )
    work_district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district of work"),
    )
    company_name = models.CharField(_("company in Shanghai"), max_length=200, blank=True)
    company_district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district where the company is registered"),
    )
    company_role = models.CharField(
        _("role in the company"), max_length=10, choices=CompanyRole.choices, blank=True
    )
    sectors = models.ManyToManyField(
        Sector, blank=True, related_name="returnees", verbose_name=_("sectors")
    )
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="returnees", verbose_name=_("skills")
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    seeking = models.JSONField(_("seeking"), default=list, blank=True)

    is_public = models.BooleanField(_("listed in the talent directory"), default=False)
    public_since = models.DateTimeField(_("listed since"), null=True, blank=True)
    matching_consent = models.BooleanField(_("consents to matching"), default=False)
    matching_consent_at = models.DateTimeField(
        _("consent to matching given at"), null=True, blank=True
    )

    show_headline = models.BooleanField(_("show headline and about me"), default=True)
    show_education = models.BooleanField(_("show education"), default=True)
    show_work = models.BooleanField(_("show work abroad"), default=True)
    show_sectors = models.BooleanField(_("show sectors"), default=True)
    show_skills = models.BooleanField(_("show skills"), default=True)
    show_districts = models.BooleanField(_("show districts"), default=True)
    show_languages = models.BooleanField(_("show languages"), default=True)
    show_seeking = models.BooleanField(_("show what I seek"), default=True)
    show_returned_on = models.BooleanField(_("show return date"), default=False)
    show_birth_year = models.BooleanField(_("show birth year"), default=False)

    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("returnee profile")
        verbose_name_plural = _("returnee profiles")
        indexes = [
            models.Index(fields=["is_public"], name="talent_profile_public_idx"),
            # The directory's order: its page is read from the index, not sorted.
            models.Index(
                fields=["-public_since", "-id"],
                condition=models.Q(is_public=True),
                name="talent_profile_directory_idx",
            ),
        ]

    def __str__(self):
        return self.user.full_name or self.user.email

    def get_absolute_url(self):
        return reverse("talent:returnee_detail", args=[self.pk])


class ConsentRecord(models.Model):
    """Proof of one consent (PIPL art. 14-15): who agreed to which purpose, under which version
    of the privacy notice, when and where, and when they withdrew it. The profile's flags
    (`is_public`, `matching_consent`) are the quick filter; these rows are the record. At
    most one consent per person and purpose is open (not withdrawn) at a time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="consents",
        verbose_name=_("user"),
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    notice_version = models.CharField(_("privacy notice version"), max_length=20)
    granted_at = models.DateTimeField(_("given at"), default=timezone.now)
    granted_via = models.CharField(
        _("given through"), max_length=10, choices=ConsentChannel.choices
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_via = models.CharField(
        _("withdrawn through"), max_length=10, choices=ConsentChannel.choices, blank=True
    )

    class Meta:
        ordering = ["-granted_at", "-id"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "purpose"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="talent_one_open_consent",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.purpose} v{self.notice_version}"

    @property
    def is_open(self) -> bool:
        return self.withdrawn_at is None


class Education(models.Model):
    """A period of study abroad."""

    profile = models.ForeignKey(
        ReturneeProfile,
        on_delete=models.CASCADE,
        related_name="education",
        verbose_name=_("profile"),
    )
    degree_level = models.CharField(_("degree level"), max_length=20, choices=DegreeLevel.choices)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="alumni", verbose_name=_("institution")
    )
    country = CountryField(_("country"))
    field = models.CharField(_("field of study"), max_length=200, blank=True)
    start_year = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("graduation year"), null=True, blank=True)

    class Meta:
        ordering = ["-end_year", "-start_year", "id"]
        verbose_name = _("education abroad")
        verbose_name_plural = _("education abroad")

    def __str__(self):
        return f"{self.get_degree_level_display()}, {self.institution}"


class WorkExperience(models.Model):
    """A job abroad."""

    profile = models.ForeignKey(
        ReturneeProfile, on_delete=models.CASCADE, related_name="work", verbose_name=_("profile")
    )
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="alumni", verbose_name=_("employer")
    )
    country = CountryField(_("country"))
    role = models.CharField(_("role"), max_length=200, blank=True)
    start_year = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("end year"), null=True, blank=True)

    class Meta:
        ordering = ["-end_year", "-start_year", "id"]
        verbose_name = _("work abroad")
        verbose_name_plural = _("work abroad")

    def __str__(self):
        return f"{self.role}, {self.employer}"


class AdvisorProfile(models.Model):
    """Makes a user an Innovation and Entrepreneurship Service Advisor."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="advisor_profile",
        verbose_name=_("user"),
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    bio_zh = models.TextField(_("biography (Chinese)"), blank=True)
    bio_en = models.TextField(_("biography (English)"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="advisors",
        verbose_name=_("organisation"),
    )
    expertise = models.JSONField(_("expertise areas"), default=list, blank=True)
    sectors = models.ManyToManyField(
        Sector, blank=True, related_name="advisors", verbose_name=_("sectors")
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    districts = models.ManyToManyField(
        District, blank=True, related_name="advisors", verbose_name=_("districts served")
    )
    monthly_capacity = models.PositiveSmallIntegerField(
        _("consultations per month"),
        default=4,
        validators=[MinValueValidator(0), MaxValueValidator(200)],
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["user__full_name"]
        verbose_name = _("advisor profile")
        verbose_name_plural = _("advisor profiles")

    def __str__(self):
        return self.user.full_name or self.user.email

    def get_absolute_url(self):
        return reverse("talent:advisor_detail", args=[self.pk])

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def bio(self) -> str:
        return localized(self, "bio")

    def get_expertise_display(self) -> list[str]:
        labels = dict(Expertise.choices)
        return [str(labels.get(area, area)) for area in self.expertise]


class Consultation(models.Model):
    """A returnee's (or startup founder's) request for an advisor's time, and its outcome."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="consultations",
        verbose_name=_("requester"),
    )
    advisor = models.ForeignKey(
        AdvisorProfile,
        on_delete=models.CASCADE,
        related_name="consultations",
        verbose_name=_("advisor"),
    )
    topic = models.CharField(_("topic"), max_length=30, choices=Expertise.choices)
    message = models.TextField(_("message"), max_length=4000)
    preferred_times = models.CharField(_("preferred times"), max_length=500, blank=True)
    mode = models.CharField(
        _("online or on site"),
        max_length=10,
        choices=ConsultationMode.choices,
        default=ConsultationMode.ONLINE,
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ConsultationStatus.choices,
        default=ConsultationStatus.REQUESTED,
    )
    scheduled_at = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    location = models.CharField(_("place or meeting link"), max_length=300, blank=True)
    decline_reason = models.TextField(_("reason for declining"), max_length=2000, blank=True)
    notes = models.TextField(_("advisor's notes"), max_length=4000, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating_comment = models.TextField(_("comment on the rating"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        indexes = [
            models.Index(
                fields=["advisor", "status", "scheduled_at"], name="talent_consult_cap_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="talent_consultation_rating_1_5",
            ),
        ]

    def __str__(self):
        return f"{self.get_topic_display()} — {self.requester} / {self.advisor}"

    def get_absolute_url(self):
        return reverse("talent:consultation_detail", args=[self.pk])
