"""What the talent app holds about a person, for the directory, export and erasure.

`PUBLIC_SECTIONS`: which parts of a listed returnee's profile the directory may show; each
`show_*` flag of the profile opens the fields named there, everything else stays on the
server. `export`, `erase` and `page_context` are this app's part of `core.privacy`."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.models import Notification, User

from . import services
from .choices import ConsentChannel, ConsultationStatus
from .models import AdvisorProfile, ConsentRecord, Consultation, ReturneeProfile
from .services.consultations import ADVISOR_NOTICES, REQUESTER_NOTICES

PUBLIC_SECTIONS = {
    "show_headline": ["headline", "bio"],
    "show_education": ["education"],
    "show_work": ["work"],
    "show_sectors": ["sectors"],
    "show_skills": ["skills"],
    "show_districts": ["residence_district", "work_district"],
    "show_languages": ["languages"],
    "show_seeking": ["seeking"],
    "show_returned_on": ["returned_on"],
    "show_birth_year": ["birth_year"],
}
OPEN_CONSULTATION = [ConsultationStatus.REQUESTED, ConsultationStatus.ACCEPTED]


def shown_sections(profile) -> dict[str, bool]:
    return {flag: getattr(profile, flag) for flag in PUBLIC_SECTIONS}


def _iso(value):
    return value.isoformat() if value else None


def _code(obj):
    return obj.code if obj is not None else None


def _profile(profile: ReturneeProfile) -> dict:
    return {
        "headline": profile.headline,
        "bio": profile.bio,
        "birth_year": profile.birth_year,
        "returned_on": _iso(profile.returned_on),
        "residence_district": _code(profile.residence_district),
        "work_district": _code(profile.work_district),
        "company_name": profile.company_name,
        "company_district": _code(profile.company_district),
        "company_role": profile.company_role,
        "sectors": [sector.code for sector in profile.sectors.all()],
        "skills": [skill.name for skill in profile.skills.all()],
        "languages": profile.languages,
        "seeking": profile.seeking,
        "education": [
            {
                "degree_level": entry.degree_level,
                "institution": entry.institution.name,
                "country": entry.country.code,
                "field": entry.field,
                "start_year": entry.start_year,
                "end_year": entry.end_year,
            }
            for entry in profile.education.select_related("institution")
        ],
        "work": [
            {
                "employer": entry.employer.name,
                "country": entry.country.code,
                "role": entry.role,
                "start_year": entry.start_year,
                "end_year": entry.end_year,
            }
            for entry in profile.work.select_related("employer")
        ],
        "is_public": profile.is_public,
        "public_since": _iso(profile.public_since),
        "matching_consent": profile.matching_consent,
        "matching_consent_at": _iso(profile.matching_consent_at),
        **{flag: getattr(profile, flag) for flag in PUBLIC_SECTIONS},
        "created_at": _iso(profile.created_at),
        "updated_at": _iso(profile.updated_at),
    }


def _advisor(advisor: AdvisorProfile) -> dict:
    return {
        "title_zh": advisor.title_zh,
        "title_en": advisor.title_en,
        "bio_zh": advisor.bio_zh,
        "bio_en": advisor.bio_en,
        "organisation": _code(advisor.organisation),
        "expertise": advisor.expertise,
        "sectors": [sector.code for sector in advisor.sectors.all()],
        "languages": advisor.languages,
        "districts": [district.code for district in advisor.districts.all()],
        "monthly_capacity": advisor.monthly_capacity,
        "is_active": advisor.is_active,
        "created_at": _iso(advisor.created_at),
    }


def _consultation(consultation: Consultation) -> dict:
    """As both sides see it on the consultation's page: names, no contact details."""
    return {
        "id": consultation.pk,
        "advisor_name": consultation.advisor.user.full_name,
        "requester_name": consultation.requester.full_name,
        "topic": consultation.topic,
        "message": consultation.message,
        "preferred_times": consultation.preferred_times,
        "mode": consultation.mode,
        "status": consultation.status,
        "scheduled_at": _iso(consultation.scheduled_at),
        "location": consultation.location,
        "decline_reason": consultation.decline_reason,
        "notes": consultation.notes,
        "rating": consultation.rating,
        "rating_comment": consultation.rating_comment,
        "created_at": _iso(consultation.created_at),
    }


def _consent(record: ConsentRecord) -> dict:
    return {
        "purpose": record.purpose,
        "notice_version": record.notice_version,
        "granted_at": _iso(record.granted_at),
        "granted_via": record.granted_via,
        "withdrawn_at": _iso(record.withdrawn_at),
        "withdrawn_via": record.withdrawn_via,
    }


def export(user: User) -> dict:
    profile = ReturneeProfile.objects.filter(user=user).first()
    advisor = AdvisorProfile.objects.filter(user=user).first()
    consultations = Consultation.objects.select_related("advisor__user", "requester").order_by(
        "created_at", "id"
    )
    return {
        "profile": _profile(profile) if profile else None,
        "consents": [_consent(record) for record in user.consents.order_by("granted_at", "id")],
        "advisor_profile": _advisor(advisor) if advisor else None,
        "consultations_requested": [
            _consultation(item) for item in consultations.filter(requester=user)
        ],
        "consultations_as_advisor": [
            _consultation(item) for item in consultations.filter(advisor__user=user)
        ],
    }


def _mark_notices_about(user: User) -> None:
    """Consultation notices written before notices recorded whom they name (their `actor`):
    those in the other side's inbox that name this person become theirs, so that
    `core.privacy.erase_core` takes the name out of them like out of the newer ones."""
    for consultations, other_side, templates in (
        (Consultation.objects.filter(requester=user), "advisor__user_id", REQUESTER_NOTICES),
        (Consultation.objects.filter(advisor__user=user), "requester_id", ADVISOR_NOTICES),
    ):
        pairs = list(consultations.values_list("pk", other_side))
        if not pairs:
            continue
        Notification.objects.filter(
            actor__isnull=True,
            recipient_id__in={recipient for _pk, recipient in pairs},
            url__in=[Consultation(pk=pk).get_absolute_url() for pk, _recipient in pairs],
            template__in=templates,
        ).update(actor=user)


@transaction.atomic
def erase(user: User) -> None:
    """Open consultations are cancelled (the person asked) or declined (the person advises),
    so the other side is told, without the person's name: the advisor learns that a returnee
    withdrew and the time is free, the requester that the advisor left. The consultation
    notices the other side already has are marked as naming the person, for `core.privacy`
    to take the name out. The consultations stay, without the person's words. Consents are
    withdrawn and their records kept, tied to the anonymised account, as proof that the
    data was used only with consent. The returnee profile goes with its education and work;
    an advisor profile stays, inactive and without title or biography, for the statistics of
    the consultations it held."""
    _mark_notices_about(user)
    for consultation in Consultation.objects.filter(requester=user, status__in=OPEN_CONSULTATION):
        services.consultation_cancel(consultation=consultation, user=user, account_erased=True)
    for consultation in Consultation.objects.filter(
        advisor__user=user, status__in=OPEN_CONSULTATION
    ).select_related("requester"):
        with translation.override(consultation.requester.language):
            reason = _("The advisor has left the portal. Please ask another advisor.")
        services.consultation_decline(
            consultation=consultation, user=user, reason=reason, account_erased=True
        )
    Consultation.objects.filter(requester=user).update(
        message="", preferred_times="", notes="", rating_comment=""
    )
    if ReturneeProfile.objects.filter(user=user).exists():
        for purpose in services.CONSENT_FLAGS:
            services.consent_withdraw(user=user, purpose=purpose, via=ConsentChannel.ERASURE)
    ConsentRecord.objects.filter(user=user, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_via=ConsentChannel.ERASURE
    )
    ReturneeProfile.objects.filter(user=user).delete()
    advisor = AdvisorProfile.objects.filter(user=user).first()
    if advisor is not None:
        blank = {"title_zh": "", "title_en": "", "bio_zh": "", "bio_en": ""}
        for field, value in blank.items():
            setattr(advisor, field, value)
        advisor.is_active = False
        advisor.save()
        AdvisorProfile.history.filter(id=advisor.pk).update(**blank)


def page_context(user: User) -> dict:
    return {
        "consents": list(user.consents.all()),
        "notice_version": settings.PRIVACY_NOTICE_VERSION,
    }
