import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.i18n import localized
from core.models import District, Organisation, Sector

from .choices import EventKind, EventLanguage, EventStatus, RegistrationStatus

COUNTER_FIELDS = ("seats_taken", "waitlist_count", "attended_count")
ONE_LIVE_REGISTRATION = "events_one_live_registration"  # the constraint's name


def new_ticket_code() -> str:
    """An unguessable ticket code (128 bits), short enough to type at the door."""
    return secrets.token_urlsafe(16)


class Event(models.Model):
    """A forum, symposium, workshop, roadshow or consultation day run by a district."""

    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    summary_zh = models.CharField(_("summary (Chinese)"), max_length=500, blank=True)
    summary_en = models.CharField(_("summary (English)"), max_length=500, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="events", verbose_name=_("district")
    )
    organiser = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("organiser"),
    )
    venue = models.CharField(_("venue"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("capacity"))
    registration_opens_at = models.DateTimeField(_("registration opens at"))
    registration_closes_at = models.DateTimeField(_("registration closes at"))
    sectors = models.ManyToManyField(
        Sector, blank=True, related_name="events", verbose_name=_("sectors")
    )
    language = models.CharField(
        _("language"), max_length=10, choices=EventLanguage.choices, default=EventLanguage.BILINGUAL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
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
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # The seat counters: kept by the services' conditional UPDATEs in the same transaction as
    # the registrations they count, so lists and the rush never count rows
    # (`manage.py events_recount` checks them against the rows).
    seats_taken = models.PositiveIntegerField(
        _("seats taken"),
        default=0,
        editable=False,
        help_text=_("Confirmed and attended registrations."),
    )
    waitlist_count = models.PositiveIntegerField(
        _("people on the waitlist"), default=0, editable=False
    )
    attended_count = models.PositiveIntegerField(_("attended"), default=0, editable=False)

    history = HistoricalRecords(excluded_fields=["seats_taken", "waitlist_count", "attended_count"])

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["status", "starts_at"], name="events_status_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="events_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__gt=F("registration_opens_at")),
                name="events_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(seats_taken__lte=F("capacity")), name="events_seats_within_capacity"
            ),
            models.CheckConstraint(
                condition=Q(attended_count__lte=F("seats_taken")),
                name="events_attended_within_seats",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        """The seat counters change only through the services' UPDATEs: saving an instance
        read earlier never writes its (perhaps stale) counters back."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in COUNTER_FIELDS
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("events:detail", args=[self.pk])

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def summary(self) -> str:
        return localized(self, "summary")

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    @property
    def confirmed_count(self) -> int:
        """Seats held by people not yet checked in."""
        return self.seats_taken - self.attended_count


class Speaker(models.Model):
    """Someone who speaks at an event."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="speakers", verbose_name=_("event")
    )
    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(_("title"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    bio = models.TextField(_("biography"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self):
        return self.name


class AgendaSession(models.Model):
    """One item of an event's agenda."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("event")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    speakers = models.ManyToManyField(
        Speaker, blank=True, related_name="sessions", verbose_name=_("speakers")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("agenda session")
        verbose_name_plural = _("agenda sessions")

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")


class Registration(models.Model):
    """A person's place at an event: confirmed (a seat), waitlisted (with a position),
    cancelled, or attended (checked in). One live registration per person and event."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("user"),
        help_text=_("Empty once the attendee's details are anonymised."),
    )
    status = models.CharField(_("status"), max_length=10, choices=RegistrationStatus.choices)
    waitlist_position = models.PositiveIntegerField(_("waitlist position"), null=True, blank=True)
    code = models.CharField(_("ticket code"), max_length=40, unique=True, default=new_ticket_code)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    anonymised_at = models.DateTimeField(
        _("anonymised at"),
        null=True,
        blank=True,
        help_text=_(
            "When the attendee's details were removed (after the retention period, or when "
            "they erased their account); the registration still counts."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=~Q(status=RegistrationStatus.CANCELLED),
                name=ONE_LIVE_REGISTRATION,
            ),
            models.CheckConstraint(
                condition=Q(status=RegistrationStatus.WAITLISTED, waitlist_position__isnull=False)
                | (~Q(status=RegistrationStatus.WAITLISTED) & Q(waitlist_position__isnull=True)),
                name="events_position_only_when_waitlisted",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status"], name="events_reg_event_status_idx"),
            models.Index(
                fields=["event", "waitlist_position"],
                name="events_reg_waitlist_idx",
                condition=Q(status=RegistrationStatus.WAITLISTED),
            ),
        ]

    def __str__(self):
        return f"{self.user or _('(anonymised)')} — {self.event}"

    def get_absolute_url(self):
        return reverse("events:ticket", args=[self.pk])

    @property
    def attendee_name(self) -> str:
        return self.user.full_name if self.user is not None else str(_("(anonymised)"))

    @property
    def attendee_email(self) -> str:
        return self.user.email if self.user is not None else ""

    @property
    def shows_code(self) -> bool:
        """The code is a ticket only while it admits someone: a seat at a running event."""
        return (
            self.status in (RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED)
            and self.event.status != EventStatus.CANCELLED
        )


class CheckinVolunteer(models.Model):
    """A check-in-only role for one event: scans tickets, sees attendees' names, nothing else."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="volunteers", verbose_name=_("event")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="checkin_roles",
        verbose_name=_("user"),
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
        verbose_name = _("check-in volunteer")
        verbose_name_plural = _("check-in volunteers")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="events_volunteer_unique"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.event}"


class ReminderSent(models.Model):
    """That a registration got its reminder for one offset before one start time; a
    rescheduled event has a new start time, so its reminders are found again."""

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("registration"),
    )
    offset_minutes = models.PositiveIntegerField(_("minutes before the start"))
    event_starts_at = models.DateTimeField(_("event start it was for"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "offset_minutes", "event_starts_at"],
                name="events_reminder_once",
            ),
        ]

    def __str__(self):
        return f"{self.registration} −{self.offset_minutes} min"


class CalendarFeed(models.Model):
    """The secret address of a user's private calendar of their registrations."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("user"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_ticket_code)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)
