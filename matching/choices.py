from django.db import models
from django.utils.translation import gettext_lazy as _


class MatchKind(models.TextChoices):
    RETURNEE_OPENING = "returnee_opening", _("Opening for a returnee")
    OPENING_RETURNEE = "opening_returnee", _("Candidate for an opening")
    RETURNEE_ADVISOR = "returnee_advisor", _("Advisor for a returnee")
    STARTUP_ADVISOR = "startup_advisor", _("Advisor for a startup")
    RETURNEE_POLICY = "returnee_policy", _("Policy for a returnee")
    RETURNEE_EVENT = "returnee_event", _("Event for a returnee")


class MatchAction(models.TextChoices):
    VIEWED = "viewed", _("Viewed")
    CONSULTATION = "consultation", _("Requested a consultation")
    CONTACTED = "contacted", _("Contacted through the opening")
    REGISTERED = "registered", _("Registered for the event")
    FOLLOWED = "followed", _("Followed the policy")


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    OVERRIDDEN = "overridden", _("Overridden by an official")
    SUPERSEDED = "superseded", _("Superseded by a later assignment")
