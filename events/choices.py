from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    FORUM = "forum", _("Forum")
    SYMPOSIUM = "symposium", _("Symposium")
    WORKSHOP = "workshop", _("Workshop")
    ROADSHOW = "roadshow", _("Roadshow")
    CONSULTATION_DAY = "consultation_day", _("Consultation day")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")
    COMPLETED = "completed", _("Completed")


class EventLanguage(models.TextChoices):
    ZH = "zh", _("Chinese")
    EN = "en", _("English")
    BILINGUAL = "bilingual", _("Chinese and English")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Waitlisted")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")


LIVE_STATUSES = [
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.ATTENDED,
]
SEAT_STATUSES = [RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED]
