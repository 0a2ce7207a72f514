from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import (
    Frequency,
    Language,
    NotificationKind,
    NotificationStatus,
    OrganisationKind,
    Role,
)
from .i18n import localized


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email=normalize_email(username))

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an e-mail address. Roles are derived, see `roles`."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.ZH_HANS
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Can sign in to the admin site."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    erased_at = models.DateTimeField(
        _("erased at"),
        null=True,
        blank=True,
        help_text=_("When the person erased their account; its personal data is gone."),
    )
    email_verified_at = models.DateTimeField(
        _("e-mail verified at"),
        null=True,
        blank=True,
        help_text=_(
            "When the person opened the link sent to their address. Until then they can browse "
            "but not register for events, request consultations or apply."
        ),
    )
    districts = models.ManyToManyField(
        "District",
        through="DistrictGrant",
        through_fields=("user", "district"),
        related_name="officials",
        blank=True,
        verbose_name=_("districts as official"),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="core_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.email

    def clean(self):
        super().clean()
        self.email = normalize_email(self.email)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name

    # Who acts where is `core.permissions`; these two read it for templates and `roles`.
    @property
    def is_admin(self) -> bool:
        """A superuser: acts in every district (`is_staff` alone only opens Django admin)."""
        from .permissions import acts_everywhere

        return acts_everywhere(self)

    @property
    def is_official(self) -> bool:
        """Holds a district grant (a staff member with grants too)."""
        from .permissions import is_official

        return is_official(self)

    @property
    def is_advisor(self) -> bool:
        profile = getattr(self, "advisor_profile", None)
        return profile is not None and profile.is_active

    @property
    def roles(self) -> list[str]:
        """Every signed-up user is a returnee; the other roles come from grants and profiles."""
        roles = [Role.RETURNEE.value]
        if self.is_advisor:
            roles.append(Role.ADVISOR.value)
        if self.is_official:
            roles.append(Role.OFFICIAL.value)
        if self.is_admin:
            roles.append(Role.ADMIN.value)
        return roles


class District(models.Model):
    """One of Shanghai's districts (Pudong New Area, Qingpu, Yangpu, ...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class Sector(models.Model):
    """An industry; the three pillar industries are flagged."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    is_pillar = models.BooleanField(_("pillar industry"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class IndustrialPark(models.Model):
    """An industrial or hi-tech park in a district (Zhangjiang Science City, ...)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="parks", verbose_name=_("district")
    )
    sectors = models.ManyToManyField(
        Sector, blank=True, related_name="parks", verbose_name=_("sectors")
    )
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["district__sort_order", "district__code", "code"]
        verbose_name = _("industrial park")
        verbose_name_plural = _("industrial parks")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class Organisation(models.Model):
    """A body that organises forums, employs advisors or issues policies."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.OTHER
    )
    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("district"),
    )
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class DistrictGrant(models.Model):
    """Makes a user an official of a district: they manage its events and policies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="district_grants",
        verbose_name=_("user"),
    )
    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="grants", verbose_name=_("district")
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("district grant")
        verbose_name_plural = _("district grants")
        constraints = [
            models.UniqueConstraint(fields=["user", "district"], name="core_grant_unique"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.district.code}"


class Notification(models.Model):
    """An outbox row: written in the transaction of the change that causes it, shown in the
    recipient's inbox at once, and e-mailed by Celery (instantly or in a digest) exactly once."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("recipient"),
        help_text=_("Empty for a message to someone without an account: see the address."),
    )
    address = models.EmailField(
        _("address"),
        blank=True,
        help_text=_("Where a message to someone without an account goes (an invitation)."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=Language.choices,
        blank=True,
        help_text=_("The language of a message to someone without an account."),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # the partial index below: most notices name nobody
        verbose_name=_("about"),
        help_text=_(
            "The person other than the recipient whose name the notice shows (who asked for a "
            "consultation, the advisor who answered): erasing their account removes the name."
        ),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    url = models.CharField(_("link"), max_length=500, blank=True)
    template = models.CharField(_("template"), max_length=100, blank=True)
    context = models.JSONField(_("context"), default=dict, blank=True)
    frequency = models.CharField(
        _("e-mail frequency"),
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.INSTANT,
        help_text=_("The recipient's choice for this kind when the notification was written."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    emailed = models.BooleanField(_("e-mailed"), default=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(
        _("next attempt at"),
        null=True,
        blank=True,
        help_text=_("After a failed attempt, when the e-mail is tried again."),
    )
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["frequency", "created_at"],
                name="core_notif_pending_idx",
                condition=models.Q(status="pending"),
            ),
            models.Index(fields=["recipient", "-created_at"], name="core_notif_inbox_idx"),
            models.Index(
                fields=["actor"],
                name="core_notif_actor_idx",
                condition=models.Q(actor__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False) | ~models.Q(address=""),
                name="core_notif_has_recipient",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How a user wants e-mail of one kind of notification; no row means instant."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.INSTANT
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="core_pref_unique"),
        ]

    def __str__(self):
        return f"{self.user}: {self.kind} = {self.frequency}"


class UnsubscribeKey(models.Model):
    """The random key that stands for a person in the unsubscribe links of their e-mails, so
    a link does not show who it is for; made when the first e-mail is sent, deleted when the
    account is erased (which ends every link sent before)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="unsubscribe_key",
        verbose_name=_("user"),
    )
    key = models.CharField(_("key"), max_length=32, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("unsubscribe key")
        verbose_name_plural = _("unsubscribe keys")

    def __str__(self):
        return str(self.user_id)
