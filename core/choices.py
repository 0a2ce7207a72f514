from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", _("Simplified Chinese")
    EN = "en", _("English")


class Role(models.TextChoices):
    RETURNEE = "returnee", _("Returnee")
    ADVISOR = "advisor", _("Service advisor")
    OFFICIAL = "official", _("District official")
    ADMIN = "admin", _("Administrator")


class OrganisationKind(models.TextChoices):
    GOVERNMENT = "government", _("Government body")
    ASSOCIATION = "association", _("Association")
    COMPANY = "company", _("Company")
    UNIVERSITY = "university", _("University or institute")
    OTHER = "other", _("Other")


class NotificationKind(models.TextChoices):
    ACCOUNT = "account", _("Account and security")
    EVENT_REGISTRATION = "event_registration", _("Event registration")
    EVENT_REMINDER = "event_reminder", _("Event reminders")
    EVENT_CHANGE = "event_change", _("Event changes and cancellations")
    CONSULTATION = "consultation", _("Consultations")
    POLICY_UPDATE = "policy_update", _("Policy updates")
    MATCH = "match", _("New matches")


class Frequency(models.TextChoices):
    INSTANT = "instant", _("Instantly")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    OFF = "off", _("Off (in the portal only)")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
