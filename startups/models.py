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

from .choices import InvitationStatus, Need, Stage

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


class FounderInvitation(models.Model):
    """An invitation to become a co-founder, sent to an e-mail address (which may have no
    account yet). The link in the message carries a signed token naming this row; the row
    says whether it can still be used (once, until `expires_at`, unless revoked)."""

    startup = models.ForeignKey(
        Startup, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("startup")
    )
    address = models.EmailField(
        _("e-mail address"), help_text=_("Where the invitation was sent, in lower case.")
    )
    role = models.CharField(_("role"), max_length=100, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )
    closed_at = models.DateTimeField(
        _("closed at"),
        null=True,
        blank=True,
        help_text=_("When it was accepted, declined, revoked or found expired."),
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
        help_text=_("The account that accepted or declined it, or the founder who revoked it."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("co-founder invitation")
        verbose_name_plural = _("co-founder invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["startup", "address"],
                condition=models.Q(status=InvitationStatus.PENDING),
                name="startups_invitation_one_pending",
                violation_error_message=_("This address already has a pending invitation."),
            ),
            models.CheckConstraint(
                condition=models.Q(address=Lower("address")),
                name="startups_invitation_address_lower",
            ),
            models.CheckConstraint(
                condition=models.Q(status=InvitationStatus.PENDING)
                | models.Q(closed_at__isnull=False),
                name="startups_invitation_closed_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.address} → {self.startup}"

    def get_absolute_url(self):
        return reverse("startups:invitation", args=[self.token])

    @property
    def token(self) -> str:
        """The signed token of the link (see `startups.tokens`)."""
        from .tokens import invitation_token

        return invitation_token(self)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def current_status(self) -> str:
        """The status, with a pending invitation past its time counted as expired."""
        if self.status == InvitationStatus.PENDING and self.is_expired:
            return InvitationStatus.EXPIRED
        return self.status

    def get_current_status_display(self) -> str:
        return str(InvitationStatus(self.current_status).label)


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
