"""What the startups services share: who is a founder or may verify, and clean values."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError, PermissionDeniedError
from core.models import User

from ..models import Founder, Startup

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
    from core.permissions import manages_district

    return manages_district(user, startup.district_id)


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
