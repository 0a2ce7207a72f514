"""Openings: the jobs a startup posts, with the skills they ask for."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import ApplicationError
from core.models import Sector, User
from core.signals import opening_changed
from talent.normalize import clean_name, normalize_key
from talent.services import skill_get_or_create

from ..models import Opening, Startup
from ..search import (
    OPENING_INDEXED_FIELDS,
    WORD_FIELDS,
    opening_index,
)
from ._shared import MAX_SKILLS, _clean_text, _require_founder, _validated

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
