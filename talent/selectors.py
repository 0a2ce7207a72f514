"""Reads of the talent app shared by pages and the API."""

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.models import User

from .choices import ConsultationStatus
from .models import AdvisorProfile, Consultation, Education, ReturneeProfile, WorkExperience
from .services import month_bounds


def profile_detail(*, user: User) -> ReturneeProfile | None:
    return (
        ReturneeProfile.objects.select_related("user", "residence_district", "work_district")
        .prefetch_related(
            "sectors",
            "skills",
            Prefetch("education", queryset=Education.objects.select_related("institution")),
            Prefetch("work", queryset=WorkExperience.objects.select_related("employer")),
        )
        .filter(user=user)
        .first()
    )


def directory_list() -> QuerySet[ReturneeProfile]:
    """Returnees listed in the talent directory, with what their cards may show."""
    return (
        ReturneeProfile.objects.filter(is_public=True, user__is_active=True)
        .select_related("user", "residence_district", "work_district")
        .prefetch_related(
            "sectors",
            "skills",
            Prefetch("education", queryset=Education.objects.select_related("institution")),
            Prefetch("work", queryset=WorkExperience.objects.select_related("employer")),
        )
        .order_by("-public_since", "-id")
    )


def load_this_month_count():
    """The consultations an advisor holds this month (accepted or completed, scheduled in
    it), for `.annotate(load_this_month=...)`.

    A sub-select per row rather than `Count("consultations")`: it joins and groups nothing,
    so PostgreSQL works it out only for the rows of the page (after the ORDER BY and
    LIMIT), and a paginator's `count()`, which drops annotations that no filter uses, counts
    the advisors alone (the `available` filter, which compares it, keeps it)."""
    start, end = month_bounds(timezone.now())
    return Coalesce(
        Subquery(
            Consultation.objects.filter(
                advisor=OuterRef("pk"),
                status__in=[ConsultationStatus.ACCEPTED, ConsultationStatus.COMPLETED],
                scheduled_at__gte=start,
                scheduled_at__lt=end,
            )
            .order_by()
            .values("advisor_id")
            .annotate(load_this_month=Count("pk"))
            .values("load_this_month")
        ),
        0,
    )


def advisor_list() -> QuerySet[AdvisorProfile]:
    """Active advisors with this month's load."""
    return (
        AdvisorProfile.objects.filter(is_active=True, user__is_active=True)
        .select_related("user", "organisation")
        .prefetch_related("sectors", "districts")
        .annotate(load_this_month=load_this_month_count())
        .order_by("user__full_name", "id")
    )


def consultation_list(*, user: User) -> QuerySet[Consultation]:
    """Consultations the user asked for or, as an advisor, was asked for."""
    return (
        Consultation.objects.filter(Q(requester=user) | Q(advisor__user=user))
        .select_related("advisor__user", "requester")
        .order_by("-created_at", "-id")
    )


def consultation_for(*, user: User, consultation_id: int) -> Consultation | None:
    """A consultation the user takes part in, or None (never someone else's)."""
    return consultation_list(user=user).filter(pk=consultation_id).first()
