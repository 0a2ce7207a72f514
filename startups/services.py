"""Writes of the startups app: startups, their founders and openings, verification by the
district's officials, and consultations asked for on a startup's behalf."""

import datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.choices import NotificationKind
from core.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from core.i18n import localized
from core.models import District, IndustrialPark, Sector, User
from core.services import notification_create
from core.signals import opening_changed, startup_changed
from talent.models import AdvisorProfile
from talent.normalize import clean_name, normalize_key
from talent.services import consultation_request, skill_get_or_create

from .choices import Stage
from .models import Founder, Opening, Startup, StartupConsultation
from .search import (
    OPENING_INDEXED_FIELDS,
    STARTUP_INDEXED_FIELDS,
    WORD_FIELDS,
    opening_index,
    openings_reindex,
    startup_index,
)

MAX_SKILLS = 20
MAX_ROLE_LENGTH = 100

# The fields a founder may change, and nothing else (never `is_verified` or `verified_by`).
STARTUP_FIELDS = [
    "name",
    "description_zh",
    "description_en",
    "founded",
    "district",
    "park",
    "sector",
    "stage",
    "team_size",
    "website",
    "needs",
]
OPENING_FIELDS = ["title", "description", "sector", "skills", "is_open"]


# Checks ----------------------------------------------------------------------------------


def is_founder(*, user: User, startup: Startup) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Founder.objects.filter(startup_id=startup.pk, user_id=user.pk).exists()


def can_verify(*, user: User, startup: Startup) -> bool:
    """Officials of the startup's district, and admins, may verify it."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_admin or user.districts.filter(pk=startup.district_id).exists()


def _require_founder(*, user: User, startup: Startup) -> None:
    if not is_founder(user=user, startup=startup):
        raise PermissionDeniedError(_("Only the startup's founders can change it."))


def _validated(instance, *, exclude: list[str] | None = None) -> None:
    """Run the model's own checks; turn the first problem into an ApplicationError that
    names its field (and lists every field's messages)."""
    try:
        instance.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as exc:
        errors = {
            ("non_field_errors" if field == NON_FIELD_ERRORS else field): messages
            for field, messages in exc.message_dict.items()
        }
        field, messages = next(iter(errors.items()))
        raise ApplicationError(
            messages[0],
            code="invalid",
            field=None if field == "non_field_errors" else field,
            extra={"errors": errors},
        ) from exc


def _save(instance, **kwargs) -> None:
    """Save; a row that a parallel request made a duplicate of is a clear error, not a 500."""
    try:
        with transaction.atomic():
            instance.save(**kwargs)
    except IntegrityError as exc:
        raise ApplicationError(
            _("A startup with this name is already listed."), code="name_taken", field="name"
        ) from exc


def _clean_needs(needs) -> list:
    if needs is None:
        return []
    if not isinstance(needs, list | tuple):
        return needs  # the model's check names the problem
    return list(dict.fromkeys(needs))


def _clean_text(value) -> str:
    return (value or "").strip()


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


def _notify_founders(startup: Startup, *, template: str) -> None:
    for founder in startup.founders.select_related("user"):
        recipient = founder.user
        notification_create(
            recipient=recipient,
            kind=NotificationKind.ACCOUNT,
            template=template,
            context={
                "full_name": recipient.full_name,
                "startup": startup.name,
                "district": localized(startup.district, "name", recipient.language),
            },
            url=startup.get_absolute_url(),
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


# Founders --------------------------------------------------------------------------------


@transaction.atomic
def founder_add(*, startup: Startup, user: User, email: str, role: str = "") -> Founder:
    """A founder adds a co-founder by the e-mail address of their account; they are told."""
    startup = Startup.objects.select_for_update().get(pk=startup.pk)
    _require_founder(user=user, startup=startup)
    email = (email or "").strip()
    new_founder = User.objects.filter(email__iexact=email, is_active=True).first()
    if new_founder is None:
        raise ApplicationError(
            _("No account uses this e-mail address; ask your co-founder to sign up first."),
            code="no_account",
            field="email",
        )
    if Founder.objects.filter(startup=startup, user=new_founder).exists():
        raise ConflictError(
            _("%(name)s is already a founder of this startup.") % {"name": new_founder.full_name},
            code="already_founder",
        )
    founder = Founder.objects.create(
        startup=startup, user=new_founder, role=clean_name(role)[:MAX_ROLE_LENGTH]
    )
    notification_create(
        recipient=new_founder,
        kind=NotificationKind.ACCOUNT,
        template="startup_founder_added",
        context={
            "full_name": new_founder.full_name,
            "startup": startup.name,
            "added_by": user.full_name,
            "role": founder.role,
        },
        url=startup.get_absolute_url(),
    )
    startup_changed.send(sender=Startup, startup_id=startup.pk)
    return founder


@transaction.atomic
def founder_remove(*, startup: Startup, user: User, founder_id: int) -> None:
    """A founder removes a co-founder, or leaves; a startup keeps at least one founder."""
    # The startup's row is locked first, so two founders leaving at once are counted one
    # after the other and the last one stays.
    startup = Startup.objects.select_for_update().get(pk=startup.pk)
    _require_founder(user=user, startup=startup)
    founder = Founder.objects.filter(startup=startup, pk=founder_id).first()
    if founder is None:
        raise NotFoundError(_("This person is not a founder of this startup."))
    if Founder.objects.filter(startup=startup).count() <= 1:
        raise ConflictError(
            _("A startup keeps at least one founder. Add another founder first."),
            code="last_founder",
        )
    founder.delete()
    startup_changed.send(sender=Startup, startup_id=startup.pk)


# Openings --------------------------------------------------------------------------------


def _skills(names) -> list:
    names = [clean_name(name) for name in names or [] if normalize_key(name)]
    if len(names) > MAX_SKILLS:
        raise ApplicationError(
            _("At most %(count)d skills.") % {"count": MAX_SKILLS}, code="too_many", field="skills"
        )
    skills = (skill_get_or_create(name=name[:200]) for name in names)
    return list({skill.pk: skill for skill in skills}.values())


@transaction.atomic
def opening_create(
    *,
    startup: Startup,
    user: User,
    title: str,
    description: str = "",
    sector: Sector | None = None,
    skills: list[str] | None = None,
    is_open: bool = True,
) -> Opening:
    """A founder posts an opening; its sector is the startup's unless another is given."""
    _require_founder(user=user, startup=startup)
    opening = Opening(
        startup=startup,
        title=clean_name(title),
        description=_clean_text(description),
        sector_id=sector.pk if sector else startup.sector_id,
        is_open=is_open,
    )
    _validated(opening, exclude=["startup", "sector"])
    skill_rows = _skills(skills)
    opening_index(opening, skills=[skill.name for skill in skill_rows])
    opening.save()
    opening.skills.set(skill_rows)
    opening_changed.send(sender=Opening, opening_id=opening.pk)
    return opening


@transaction.atomic
def opening_update(*, opening: Opening, user: User, data: dict) -> Opening:
    """A founder changes the given fields of an opening (keys of OPENING_FIELDS); `skills`
    are names. Setting `is_open` reopens or closes it."""
    opening = Opening.objects.select_for_update().select_related("startup").get(pk=opening.pk)
    _require_founder(user=user, startup=opening.startup)
    changed = []
    for field in ("title", "description", "sector", "is_open"):
        if field not in data:
            continue
        value = data[field]
        if field == "title":
            value = clean_name(value)
        elif field == "description":
            value = _clean_text(value)
        elif field == "sector" and value is None:
            value = opening.startup.sector
        if getattr(opening, field) != value:
            setattr(opening, field, value)
            changed.append(field)
    _validated(opening, exclude=["startup", "sector"])
    skill_rows = _skills(data["skills"]) if "skills" in data else None
    if "skills" in data or any(field in OPENING_INDEXED_FIELDS for field in changed):
        names = None if skill_rows is None else [skill.name for skill in skill_rows]
        opening_index(opening, skills=names)
        changed += WORD_FIELDS
    if changed:
        opening.save(update_fields=[*changed, "updated_at"])
    if skill_rows is not None:
        opening.skills.set(skill_rows)
    if changed or "skills" in data:
        opening_changed.send(sender=Opening, opening_id=opening.pk)
    return opening


@transaction.atomic
def opening_close(*, opening: Opening, user: User) -> Opening:
    """A founder closes a filled (or withdrawn) opening; closing twice changes nothing."""
    return opening_update(opening=opening, user=user, data={"is_open": False})


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
