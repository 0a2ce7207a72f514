"""Consultations a founder asks an advisor for on the startup's behalf."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.models import User
from talent.models import AdvisorProfile
from talent.services import consultation_request

from ..models import Startup, StartupConsultation
from ._shared import _clean_text, _require_founder

# Consultations ---------------------------------------------------------------------------


@transaction.atomic
def startup_consultation_request(
    *,
    startup: Startup,
    user: User,
    advisor: AdvisorProfile,
    topic: str,
    message: str,
    preferred_times: str = "",
    mode: str | None = None,
) -> StartupConsultation:
    """A founder asks an advisor for a consultation on the startup's behalf.

    The consultation is talent's (the advisor answers it like any other); the message tells
    the advisor which startup it is for, and a link row ties it to the startup."""
    _require_founder(user=user, startup=startup)
    message = _clean_text(message)
    if message:
        on_behalf = _("On behalf of the startup “%(startup)s” (%(url)s).") % {
            "startup": startup.name,
            "url": startup.get_absolute_url(),
        }
        message = f"{on_behalf}\n\n{message}"
    extra = {"mode": mode} if mode else {}
    consultation = consultation_request(
        requester=user,
        advisor=advisor,
        topic=topic,
        message=message,
        preferred_times=preferred_times,
        **extra,
    )
    return StartupConsultation.objects.create(consultation=consultation, startup=startup)
