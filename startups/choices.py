from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    IDEA = "idea", _("Idea")
    SEED = "seed", _("Seed")
    A = "a", _("Series A")
    B_PLUS = "b_plus", _("Series B and later")


class Need(models.TextChoices):
    FUNDING = "funding", _("Funding")
    TALENT = "talent", _("Talent")
    OFFICE_SPACE = "office_space", _("Office space")
    POLICY_HELP = "policy_help", _("Help with policies")


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")
