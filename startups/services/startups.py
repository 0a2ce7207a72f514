"""Startups: made and changed by their founders, verified by their district's officials."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import NotificationKind
from core.exceptions import PermissionDeniedError
from core.i18n import localized
from core.models import District, IndustrialPark, Sector, User
from core.services import (
    notification_create,
)
from core.signals import startup_changed
from talent.normalize import clean_name

from ..choices import Stage
from ..models import Founder, Startup
from ..search import (
    STARTUP_INDEXED_FIELDS,
    WORD_FIELDS,
    openings_reindex,
    startup_index,
)
from ._shared import (
    MAX_ROLE_LENGTH,
    STARTUP_FIELDS,
    _clean_needs,
    _clean_text,
    _require_founder,
    _save,
    _validated,
    can_verify,
)

# Startups --------------------------------------------------------------------------------


@transaction.atomic
def startup_create(
    *,
    user: User,
    name: str,
    district: District,
    sector: Sector,
    park: IndustrialPark | None = None,
    description_zh: str = "",
    description_en: str = "",
    founded: datetime.date | None = None,
    stage: str = Stage.IDEA,
    team_size: int = 1,
    website: str = "",
    needs: list[str] | None = None,
    role: str = "",
) -> Startup:
    """List a new startup; its creator becomes its first founder, with `role`."""
    startup = Startup(
        name=clean_name(name),
        description_zh=_clean_text(description_zh),
        description_en=_clean_text(description_en),
        founded=founded,
        district=district,
        park=park,
        sector=sector,
        stage=stage,
        team_size=team_size,
        website=_clean_text(website),
        needs=_clean_needs(needs),
    )
    _validated(startup)
    startup_index(startup)
    _save(startup)
    Founder.objects.create(startup=startup, user=user, role=clean_name(role)[:MAX_ROLE_LENGTH])
    startup_changed.send(sender=Startup, startup_id=startup.pk)
    return startup


@transaction.atomic
def startup_update(*, startup: Startup, user: User, data: dict) -> Startup:
    """A founder changes the given fields (keys of STARTUP_FIELDS; others are ignored).

    Moving the startup to another district clears its verification: the new district's
    officials verify it again."""
    startup = Startup.objects.select_for_update().get(pk=startup.pk)
    _require_founder(user=user, startup=startup)
    changed = []
    for field in STARTUP_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field == "name":
            value = clean_name(value)
        elif field in ("description_zh", "description_en", "website"):
            value = _clean_text(value)
        elif field == "needs":
            value = _clean_needs(value)
        if getattr(startup, field) != value:
            setattr(startup, field, value)
            changed.append(field)
    if not changed:
        return startup
    if "district" in changed and startup.is_verified:
        startup.is_verified = False
        startup.verified_by = None
        startup.verified_at = None
        changed += ["is_verified", "verified_by", "verified_at"]
    _validated(startup)
    if any(field in STARTUP_INDEXED_FIELDS for field in changed):
        startup_index(startup)
        changed += WORD_FIELDS
    _save(startup, update_fields=[*changed, "updated_at"])
    if "name" in changed or "district" in changed:  # in its openings' words too
        openings_reindex(startup.openings.all())
    startup_changed.send(sender=Startup, startup_id=startup.pk)
    return startup


def _notify_founders(
    startup: Startup,
    *,
    template: str,
    context: dict | None = None,
    exclude_user_id: int | None = None,
    actor: User | None = None,
) -> None:
    founders = startup.founders.select_related("user").exclude(user_id=exclude_user_id)
    for founder in founders:
        recipient = founder.user
        notification_create(
            recipient=recipient,
            kind=NotificationKind.ACCOUNT,
            template=template,
            context={
                "full_name": recipient.full_name,
                "startup": startup.name,
                "district": localized(startup.district, "name", recipient.language),
                **(context or {}),
            },
            url=startup.get_absolute_url(),
            actor=actor,
        )


@transaction.atomic
def startup_verify(*, startup: Startup, user: User) -> Startup:
    """An official of the startup's district (or an admin) vouches for it; its founders are
    told. Verifying a verified startup changes nothing."""
    startup = Startup.objects.select_for_update().select_related("district").get(pk=startup.pk)
    if not can_verify(user=user, startup=startup):
        raise PermissionDeniedError(
            _("Only officials of %(district)s can verify this startup.")
            % {"district": startup.district.name}
        )
    if startup.is_verified:
        return startup
    startup.is_verified = True
    startup.verified_by = user
    startup.verified_at = timezone.now()
    startup.save(update_fields=["is_verified", "verified_by", "verified_at", "updated_at"])
    _notify_founders(startup, template="startup_verified")
    return startup


@transaction.atomic
def startup_unverify(*, startup: Startup, user: User) -> Startup:
    """An official of the startup's district (or an admin) withdraws the verification."""
    startup = Startup.objects.select_for_update().select_related("district").get(pk=startup.pk)
    if not can_verify(user=user, startup=startup):
        raise PermissionDeniedError(
            _("Only officials of %(district)s can withdraw this startup's verification.")
            % {"district": startup.district.name}
        )
    if not startup.is_verified:
        return startup
    startup.is_verified = False
    startup.verified_by = None
    startup.verified_at = None
    startup.save(update_fields=["is_verified", "verified_by", "verified_at", "updated_at"])
    _notify_founders(startup, template="startup_unverified")
    return startup
