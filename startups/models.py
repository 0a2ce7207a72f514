from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.i18n import localized
from core.models import District, IndustrialPark, Sector
from search.models import Searchable
from talent.models import Consultation, Skill

from .choices import Need, Stage

EARLIEST_FOUNDING_YEAR = 1900
MAX_TEAM_SIZE = 100_000


class Startup(Searchable):
    """A company founded by returnees, listed in the public startups directory (its search
    words: `startups.search`)."""

    name = models.CharField(_("name"), max_length=200)
    description_zh = models.TextField(_("description (Chinese)"), max_length=4000, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=4000, blank=True)
    founded = models.DateField(
        _("founded on"),
        null=True,
        blank=True,
        help_text=_("Date of registration; leave empty if the company is not registered yet."),
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="startups", verbose_name=_("district")
    )
    park = models.ForeignKey(
        IndustrialPark,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="startups",
        verbose_name=_("industrial park"),
        help_text=_("A park in the startup's district, if it is based in one."),
    )
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="startups", verbose_name=_("sector")
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.IDEA)
    team_size = models.PositiveIntegerField(
        _("team size"),
        default=1,
        validators=[
            MinValueValidator(1, message=_("A team has at least one person.")),
            MaxValueValidator(
                MAX_TEAM_SIZE,
                message=_("Enter a team size of at most %(limit_value)s people."),
            ),
        ],
    )
    website = models.URLField(
        _("website"),
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("An address starting with https:// or http://."),
    )
    needs = models.JSONField(
        _("needs"),
        default=list,
        blank=True,
        help_text=_("Any of: funding, talent, office_space, policy_help."),
    )
    is_verified = models.BooleanField(_("verified"), default=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("startup")
        verbose_name_plural = _("startups")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="startups_startup_name_ci_unique",
                violation_error_message=_("A startup with this name is already listed."),
            ),
            models.CheckConstraint(
                condition=models.Q(team_size__gte=1), name="startups_startup_team_size_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(is_verified=False) | models.Q(verified_at__isnull=False),
                name="startups_startup_verified_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["is_verified"], name="startups_startup_verified_idx"),
            # The directory's order: its page is read from the index, not sorted.
            models.Index(fields=["name", "id"], name="startups_startup_name_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("startups:detail", args=[self.pk])

    def clean(self):
        """The invariants every writer (services, admin) keeps."""
        super().clean()
        errors = {}
        self.name = " ".join((self.name or "").split())
        if (
            self.name
            and Startup.objects.filter(name__iexact=self.name).exclude(pk=self.pk).exists()
        ):
            errors["name"] = _("A startup with this name is already listed.")
        if self.park_id and self.district_id and self.park.district_id != self.district_id:
            errors["park"] = _(
                "%(park)s is not in %(district)s; choose a park in the startup's district or none."
            ) % {"park": self.park.name, "district": self.district.name}
        if self.founded:
            if self.founded > timezone.localdate():
                errors["founded"] = _("The founding date cannot be in the future.")
            elif self.founded.year < EARLIEST_FOUNDING_YEAR:
                errors["founded"] = _("Enter a founding date in %(year)d or later.") % {
                    "year": EARLIEST_FOUNDING_YEAR
                }
        if not isinstance(self.needs, list) or any(need not in Need.values for need in self.needs):
            errors["needs"] = _("Unknown need; choose from: %(choices)s.") % {
                "choices": ", ".join(Need.values)
            }
        if self.is_verified and self.verified_at is None:
            errors["verified_at"] = _("A verified startup records when it was verified.")
        if errors:
            raise ValidationError(errors)

    @property
    def description(self) -> str:
        return localized(self, "description")

    def get_needs_display(self) -> list[str]:
        labels = dict(Need.choices)
        return [str(labels.get(need, need)) for need in self.needs or []]


class Founder(models.Model):
    """A returnee who founded (or co-founded) a startup, with their role in it."""

    startup = models.ForeignKey(
        Startup, on_delete=models.CASCADE, related_name="founders", verbose_name=_("startup")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="founderships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=100, blank=True, help_text=_("e.g. CEO, CTO."))
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now)

    class Meta:
        ordering = ["joined_at", "id"]
        verbose_name = _("founder")
        verbose_name_plural = _("founders")
        constraints = [
            models.UniqueConstraint(fields=["startup", "user"], name="startups_founder_unique"),
        ]

    def __str__(self):
        name = self.user.full_name or self.user.email
        return f"{name} ({self.role})" if self.role else name


class Opening(Searchable):
    """A position a startup wants to fill; the matching engine reads the open ones (its
    search words: `startups.search`)."""

    startup = models.ForeignKey(
        Startup, on_delete=models.CASCADE, related_name="openings", verbose_name=_("startup")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="openings", verbose_name=_("sector")
    )
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="openings", verbose_name=_("skills")
    )
    is_open = models.BooleanField(_("open"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("opening")
        verbose_name_plural = _("openings")
        indexes = [
            models.Index(fields=["is_open", "-created_at"], name="startups_opening_open_idx"),
        ]

    def __str__(self):
        return f"{self.title} — {self.startup}"

    def get_absolute_url(self):
        return reverse("startups:opening_detail", args=[self.pk])


class StartupConsultation(models.Model):
    """Links a consultation to the startup a founder asked it for (talent knows no startups)."""

    consultation = models.OneToOneField(
        Consultation,
        on_delete=models.CASCADE,
        related_name="startup_link",
        verbose_name=_("consultation"),
    )
    startup = models.ForeignKey(
        Startup, on_delete=models.CASCADE, related_name="consultations", verbose_name=_("startup")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("startup consultation")
        verbose_name_plural = _("startup consultations")

    def __str__(self):
        return f"{self.startup}: {self.consultation}"
