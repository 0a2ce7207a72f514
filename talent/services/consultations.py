"""Consultations with the service advisors: requested, accepted, declined, completed, cancelled
and rated, each with its notice; an advisor's load this month."""

import calendar
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.choices import NotificationKind
from core.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from core.models import User
from core.services import notification_create, user_email_verified_required

from ..choices import (
    ConsultationMode,
    ConsultationStatus,
    Expertise,
)
from ..models import (
    AdvisorProfile,
    Consultation,
)

# Consultations ---------------------------------------------------------------------------


def month_bounds(moment: datetime) -> tuple[datetime, datetime]:
    """The calendar month (in Shanghai time) around `moment`, as aware datetimes."""
    local = timezone.localtime(moment)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    days = calendar.monthrange(first.year, first.month)[1]
    return first, first + timedelta(days=days)


def advisor_load(*, advisor: AdvisorProfile, moment: datetime) -> int:
    """Consultations the advisor holds (accepted or completed) in the month of `moment`."""
    start, end = month_bounds(moment)
    return Consultation.objects.filter(
        advisor=advisor,
        status__in=[ConsultationStatus.ACCEPTED, ConsultationStatus.COMPLETED],
        scheduled_at__gte=start,
        scheduled_at__lt=end,
    ).count()


# The notices that name who asked (sent to the advisor) and those that name the advisor (sent
# to who asked): each is written with that person as its `actor`, so that erasing their
# account takes the name out of the other side's inbox and outbox.
REQUESTER_NOTICES = ("consultation_requested", "consultation_cancelled", "consultation_rated")
ADVISOR_NOTICES = ("consultation_accepted", "consultation_declined", "consultation_completed")


def _notify(
    consultation: Consultation, *, recipient: User, template: str, anonymous: bool = False
) -> None:
    """Tell one side; `anonymous` (the other side is erasing their account) leaves both
    names out of the notice and its context."""
    with translation.override(recipient.language):
        topic = str(consultation.get_topic_display())
    context = {
        "topic": topic,
        "scheduled_at": (
            timezone.localtime(consultation.scheduled_at).strftime("%Y-%m-%d %H:%M")
            if consultation.scheduled_at
            else ""
        ),
        "location": consultation.location,
        "reason": consultation.decline_reason,
        "rating": consultation.rating,
    }
    actor = None
    if not anonymous:
        context["requester"] = consultation.requester.full_name
        context["advisor"] = consultation.advisor.user.full_name
        if template in REQUESTER_NOTICES:
            actor = consultation.requester
        elif template in ADVISOR_NOTICES:
            actor = consultation.advisor.user
    notification_create(
        recipient=recipient,
        kind=NotificationKind.CONSULTATION,
        template=template,
        context=context,
        url=consultation.get_absolute_url(),
        actor=actor,
    )


@transaction.atomic
def consultation_request(
    *,
    requester: User,
    advisor: AdvisorProfile,
    topic: str,
    message: str,
    preferred_times: str = "",
    mode: str = ConsultationMode.ONLINE,
) -> Consultation:
    """Ask an advisor for a consultation; the advisor is told."""
    user_email_verified_required(requester)
    if not advisor.is_active:
        raise ApplicationError(
            _("This advisor is not taking requests at the moment."), code="inactive"
        )
    if advisor.user_id == requester.pk:
        raise ApplicationError(_("You cannot request a consultation with yourself."), code="self")
    if topic not in Expertise.values:
        raise ApplicationError(_("Choose a topic from the list."), code="topic", field="topic")
    if mode not in ConsultationMode.values:
        raise ApplicationError(_("Choose online or on site."), code="mode", field="mode")
    message = (message or "").strip()
    if not message:
        raise ApplicationError(
            _("Tell the advisor what you would like to discuss."), code="message", field="message"
        )
    consultation = Consultation.objects.create(
        requester=requester,
        advisor=advisor,
        topic=topic,
        message=message,
        preferred_times=(preferred_times or "").strip(),
        mode=mode,
    )
    _notify(consultation, recipient=advisor.user, template="consultation_requested")
    return consultation


def _locked(consultation: Consultation) -> Consultation:
    return (
        Consultation.objects.select_for_update()
        .select_related("advisor__user", "requester")
        .get(pk=consultation.pk)
    )


def _as_advisor(consultation: Consultation, user: User) -> Consultation:
    consultation = _locked(consultation)
    if consultation.advisor.user_id != user.pk:
        raise PermissionDeniedError(_("Only the advisor can answer this request."))
    return consultation


def _expect(consultation: Consultation, *statuses: str) -> None:
    if consultation.status not in statuses:
        raise ConflictError(
            _("This consultation is %(status)s; that cannot be done now.")
            % {"status": consultation.get_status_display().lower()},
            code="status",
        )


@transaction.atomic
def consultation_accept(
    *, consultation: Consultation, user: User, scheduled_at: datetime, location: str = ""
) -> Consultation:
    """The advisor accepts for a time; refused if the advisor's month is full.

    The advisor's row is locked first, so parallel accepts of one advisor's requests are
    counted one after another and never pass the monthly capacity.
    """
    advisor = AdvisorProfile.objects.select_for_update().get(pk=consultation.advisor_id)
    consultation = _as_advisor(consultation, user)
    _expect(consultation, ConsultationStatus.REQUESTED)
    if scheduled_at <= timezone.now():
        raise ApplicationError(
            _("Choose a time in the future."), code="scheduled_at", field="scheduled_at"
        )
    if scheduled_at > timezone.now() + timedelta(days=366):
        raise ApplicationError(
            _("Choose a time within the next twelve months."),
            code="scheduled_at",
            field="scheduled_at",
        )
    if advisor_load(advisor=advisor, moment=scheduled_at) >= advisor.monthly_capacity:
        raise ConflictError(
            _(
                "You already hold %(count)d consultations in %(month)s, your monthly capacity. "
                "Choose another month or raise your capacity."
            )
            % {
                "count": advisor.monthly_capacity,
                "month": timezone.localtime(scheduled_at).strftime("%Y-%m"),
            },
            code="capacity",
        )
    consultation.status = ConsultationStatus.ACCEPTED
    consultation.scheduled_at = scheduled_at
    consultation.location = (location or "").strip()[:300]
    consultation.save(update_fields=["status", "scheduled_at", "location", "updated_at"])
    _notify(consultation, recipient=consultation.requester, template="consultation_accepted")
    return consultation


@transaction.atomic
def consultation_decline(
    *, consultation: Consultation, user: User, reason: str, account_erased: bool = False
) -> Consultation:
    """The advisor declines with a reason; the requester is told. `account_erased`: the
    advisor is erasing their account, and the notice says so without their name."""
    consultation = _as_advisor(consultation, user)
    _expect(consultation, ConsultationStatus.REQUESTED, ConsultationStatus.ACCEPTED)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Give the requester a reason for declining."), code="reason", field="reason"
        )
    consultation.status = ConsultationStatus.DECLINED
    consultation.decline_reason = reason
    consultation.save(update_fields=["status", "decline_reason", "updated_at"])
    if account_erased:
        _notify(
            consultation,
            recipient=consultation.requester,
            template="consultation_advisor_left",
            anonymous=True,
        )
    else:
        _notify(consultation, recipient=consultation.requester, template="consultation_declined")
    return consultation


@transaction.atomic
def consultation_complete(
    *, consultation: Consultation, user: User, notes: str = ""
) -> Consultation:
    consultation = _as_advisor(consultation, user)
    _expect(consultation, ConsultationStatus.ACCEPTED)
    consultation.status = ConsultationStatus.COMPLETED
    consultation.notes = (notes or "").strip()
    consultation.save(update_fields=["status", "notes", "updated_at"])
    _notify(consultation, recipient=consultation.requester, template="consultation_completed")
    return consultation


@transaction.atomic
def consultation_cancel(
    *, consultation: Consultation, user: User, account_erased: bool = False
) -> Consultation:
    """The requester withdraws a request or an accepted consultation; the advisor is told.
    `account_erased`: the requester is erasing their account, and the advisor learns only
    that a returnee withdrew (the time is free again), not who."""
    consultation = _locked(consultation)
    if consultation.requester_id != user.pk:
        raise PermissionDeniedError(_("Only the person who asked can cancel this consultation."))
    _expect(consultation, ConsultationStatus.REQUESTED, ConsultationStatus.ACCEPTED)
    consultation.status = ConsultationStatus.CANCELLED
    consultation.save(update_fields=["status", "updated_at"])
    if account_erased:
        _notify(
            consultation,
            recipient=consultation.advisor.user,
            template="consultation_withdrawn",
            anonymous=True,
        )
    else:
        _notify(
            consultation, recipient=consultation.advisor.user, template="consultation_cancelled"
        )
    return consultation


@transaction.atomic
def consultation_rate(
    *, consultation: Consultation, user: User, rating: int, comment: str = ""
) -> Consultation:
    """The requester rates a completed consultation, once."""
    consultation = _locked(consultation)
    if consultation.requester_id != user.pk:
        raise PermissionDeniedError(_("Only the person who asked can rate this consultation."))
    _expect(consultation, ConsultationStatus.COMPLETED)
    if consultation.rating is not None:
        raise ConflictError(_("You have already rated this consultation."), code="rated")
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ApplicationError(_("Give a rating from 1 to 5."), code="rating", field="rating")
    consultation.rating = rating
    consultation.rating_comment = (comment or "").strip()
    consultation.save(update_fields=["rating", "rating_comment", "updated_at"])
    _notify(consultation, recipient=consultation.advisor.user, template="consultation_rated")
    return consultation
