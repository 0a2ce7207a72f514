"""Returnee profiles: the reference names they use, validation, consents to matching and to the
directory, and updates."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from core.exceptions import ApplicationError
from core.models import User
from core.privacy import consent_withdrawn
from core.signals import profile_changed

from ..choices import (
    CompanyRole,
    ConsentChannel,
    ConsentPurpose,
    DegreeLevel,
    Seeking,
    SpokenLanguage,
)
from ..models import (
    ConsentRecord,
    Education,
    Employer,
    Institution,
    ReturneeProfile,
    Skill,
    WorkExperience,
)
from ..normalize import clean_name, normalize_key

EARLIEST_YEAR = 1920
MAX_SKILLS = 50
MAX_ENTRIES = 20
SHOW_FIELDS = [
    "show_headline",
    "show_education",
    "show_work",
    "show_sectors",
    "show_skills",
    "show_districts",
    "show_languages",
    "show_seeking",
    "show_returned_on",
    "show_birth_year",
]
PLAIN_FIELDS = [
    "headline",
    "bio",
    "birth_year",
    "returned_on",
    "residence_district",
    "work_district",
    "company_name",
    "company_district",
    "company_role",
]


def _normalized(model, name: str, **defaults):
    name = clean_name(name)
    key = normalize_key(name)
    if not key:
        raise ApplicationError(_("A name is required."), code="name")
    obj, _created = model.objects.get_or_create(
        key=key[:200], defaults={"name": name[:200], **defaults}
    )
    return obj


def skill_get_or_create(*, name: str) -> Skill:
    return _normalized(Skill, name)


def institution_get_or_create(*, name: str, country: str = "") -> Institution:
    return _normalized(Institution, name, country=country)


def employer_get_or_create(*, name: str, country: str = "") -> Employer:
    return _normalized(Employer, name, country=country)


def profile_get_or_create(*, user: User) -> ReturneeProfile:
    profile, _created = ReturneeProfile.objects.get_or_create(user=user)
    return profile


def _check_year(value, *, field: str, birth_year: int | None, latest: int) -> None:
    if value is None:
        return
    if not EARLIEST_YEAR <= value <= latest:
        raise ApplicationError(
            _("Enter a year between %(first)d and %(last)d.")
            % {"first": EARLIEST_YEAR, "last": latest},
            code="year",
            field=field,
        )
    if birth_year and value < birth_year:
        raise ApplicationError(
            _("This year is before your birth year (%(year)d).") % {"year": birth_year},
            code="before_birth",
            field=field,
        )


def _check_period(entry: dict, *, prefix: str, birth_year: int | None) -> None:
    latest = timezone.localdate().year + 6
    for name in ("start_year", "end_year"):
        _check_year(entry.get(name), field=f"{prefix}.{name}", birth_year=birth_year, latest=latest)
    start, end = entry.get("start_year"), entry.get("end_year")
    if start and end and end < start:
        raise ApplicationError(
            _("The end year is before the start year."), code="period", field=f"{prefix}.end_year"
        )
    country = entry.get("country") or ""
    if country not in dict(countries):
        raise ApplicationError(
            _("Choose a country from the list (a two-letter code such as CH or US)."),
            code="country",
            field=f"{prefix}.country",
        )


def _check_choices(values, choices, *, field: str) -> list[str]:
    values = list(dict.fromkeys(values or []))
    unknown = [value for value in values if value not in choices.values]
    if unknown:
        raise ApplicationError(
            _("Unknown value “%(value)s”; choose from: %(choices)s.")
            % {"value": unknown[0], "choices": ", ".join(choices.values)},
            code="choice",
            field=field,
        )
    return values


def _validate_profile(profile: ReturneeProfile, data: dict) -> None:
    today = timezone.localdate()
    birth_year = data.get("birth_year", profile.birth_year)
    if birth_year is not None and not EARLIEST_YEAR <= birth_year <= today.year - 14:
        raise ApplicationError(
            _("Enter a birth year between %(first)d and %(last)d.")
            % {"first": EARLIEST_YEAR, "last": today.year - 14},
            code="birth_year",
            field="birth_year",
        )
    returned_on = data.get("returned_on", profile.returned_on)
    if returned_on is not None:
        if returned_on > today:
            raise ApplicationError(
                _("The date of return cannot be in the future."),
                code="returned_on",
                field="returned_on",
            )
        if birth_year and returned_on.year < birth_year:
            raise ApplicationError(
                _("The date of return is before your birth year."),
                code="before_birth",
                field="returned_on",
            )
    for index, entry in enumerate(data.get("education") or []):
        if entry.get("degree_level") not in DegreeLevel.values:
            raise ApplicationError(
                _("Choose a degree level."),
                code="degree_level",
                field=f"education.{index}.degree_level",
            )
        if not normalize_key(entry.get("institution", "")):
            raise ApplicationError(
                _("Name the institution."),
                code="institution",
                field=f"education.{index}.institution",
            )
        _check_period(entry, prefix=f"education.{index}", birth_year=birth_year)
    for index, entry in enumerate(data.get("work") or []):
        if not normalize_key(entry.get("employer", "")):
            raise ApplicationError(
                _("Name the employer."), code="employer", field=f"work.{index}.employer"
            )
        _check_period(entry, prefix=f"work.{index}", birth_year=birth_year)
    for field in ("education", "work"):
        if len(data.get(field) or []) > MAX_ENTRIES:
            raise ApplicationError(
                _("At most %(count)d entries.") % {"count": MAX_ENTRIES},
                code="too_many",
                field=field,
            )
    if len(data.get("skills") or []) > MAX_SKILLS:
        raise ApplicationError(
            _("At most %(count)d skills.") % {"count": MAX_SKILLS}, code="too_many", field="skills"
        )


# Consents ---------------------------------------------------------------------------------

# The profile's flag and time of each consent, kept in step with the consent records.
CONSENT_FLAGS = {
    ConsentPurpose.DIRECTORY: ("is_public", "public_since"),
    ConsentPurpose.MATCHING: ("matching_consent", "matching_consent_at"),
}


def _consent_set(profile: ReturneeProfile, *, purpose: str, granted: bool, via: str) -> bool:
    """Give or withdraw one consent on a locked profile (the caller saves it): the flag
    changes and a consent record is opened or closed. False when nothing changes."""
    flag, since = CONSENT_FLAGS[purpose]
    if getattr(profile, flag) == granted:
        return False
    now = timezone.now()
    setattr(profile, flag, granted)
    setattr(profile, since, now if granted else None)
    open_records = ConsentRecord.objects.filter(
        user_id=profile.user_id, purpose=purpose, withdrawn_at__isnull=True
    )
    if granted:
        if not open_records.exists():
            ConsentRecord.objects.create(
                user_id=profile.user_id,
                purpose=purpose,
                notice_version=settings.PRIVACY_NOTICE_VERSION,
                granted_at=now,
                granted_via=via,
            )
    else:
        open_records.update(withdrawn_at=now, withdrawn_via=via)
        consent_withdrawn(profile.user, purpose)
    return True


@transaction.atomic
def consent_grant(*, user: User, purpose: str, via: str) -> ReturneeProfile:
    """Consent to `purpose` under the current privacy notice; giving it twice changes nothing."""
    profile = ReturneeProfile.objects.select_for_update().get(
        pk=profile_get_or_create(user=user).pk
    )
    if _consent_set(profile, purpose=purpose, granted=True, via=via):
        profile.save()
        if purpose == ConsentPurpose.MATCHING:
            profile_changed.send(sender=ReturneeProfile, user_id=user.pk)
    return profile


@transaction.atomic
def consent_withdraw(*, user: User, purpose: str, via: str) -> ReturneeProfile:
    """Withdraw a consent with effect at once (PIPL art. 15): the profile leaves the
    directory, or its matches stop being current and no match notification goes out, in
    this transaction. Withdrawing twice changes nothing."""
    profile = ReturneeProfile.objects.select_for_update().get(
        pk=profile_get_or_create(user=user).pk
    )
    if _consent_set(profile, purpose=purpose, granted=False, via=via):
        profile.save()
        if purpose == ConsentPurpose.MATCHING:
            profile_changed.send(sender=ReturneeProfile, user_id=user.pk)
    return profile


# Profiles ---------------------------------------------------------------------------------


@transaction.atomic
def profile_update(*, user: User, data: dict, via: str = ConsentChannel.SYSTEM) -> ReturneeProfile:
    """Change the given parts of a returnee's profile (keys left out stay as they are).

    `skills` are names, `education` and `work` lists of dicts with `institution` / `employer`
    names, which are normalised; `sectors` are Sector objects, districts District objects.
    Opting into (or out of) the directory or matching is a consent, recorded with the
    channel `via` (the profile page, the API) and the current privacy notice version.
    """
    profile = ReturneeProfile.objects.select_for_update().get(
        pk=profile_get_or_create(user=user).pk
    )
    _validate_profile(profile, data)
    if "full_name" in data:
        full_name = clean_name(data["full_name"])
        if not full_name:
            raise ApplicationError(
                _("Please enter your full name."), code="full_name", field="full_name"
            )
        user.full_name = full_name
        user.save(update_fields=["full_name"])
    for field in PLAIN_FIELDS + SHOW_FIELDS:
        if field in data:
            setattr(profile, field, data[field])
    if data.get("company_role") and data["company_role"] not in CompanyRole.values:
        raise ApplicationError(
            _("Choose employee or founder."), code="company_role", field="company_role"
        )
    if "languages" in data:
        profile.languages = _check_choices(data["languages"], SpokenLanguage, field="languages")
    if "seeking" in data:
        profile.seeking = _check_choices(data["seeking"], Seeking, field="seeking")
    for purpose, (flag, _since) in CONSENT_FLAGS.items():
        if flag in data:
            _consent_set(profile, purpose=purpose, granted=bool(data[flag]), via=via)
    profile.save()
    if "sectors" in data:
        profile.sectors.set(data["sectors"])
    if "skills" in data:
        profile.skills.set(
            [skill_get_or_create(name=name) for name in data["skills"] if normalize_key(name)]
        )
    if "education" in data:
        profile.education.all().delete()
        Education.objects.bulk_create(
            Education(
                profile=profile,
                degree_level=entry["degree_level"],
                institution=institution_get_or_create(
                    name=entry["institution"], country=entry["country"]
                ),
                country=entry["country"],
                field=clean_name(entry.get("field", ""))[:200],
                start_year=entry.get("start_year"),
                end_year=entry.get("end_year"),
            )
            for entry in data["education"]
        )
    if "work" in data:
        profile.work.all().delete()
        WorkExperience.objects.bulk_create(
            WorkExperience(
                profile=profile,
                employer=employer_get_or_create(name=entry["employer"], country=entry["country"]),
                country=entry["country"],
                role=clean_name(entry.get("role", ""))[:200],
                start_year=entry.get("start_year"),
                end_year=entry.get("end_year"),
            )
            for entry in data["work"]
        )
    profile_changed.send(sender=ReturneeProfile, user_id=user.pk)
    return profile
