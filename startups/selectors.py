"""Reads of the startups app shared by pages and the API; each owns its joins (no N+1)."""

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.models import User
from search.models import SEARCH_FIELDS

from .choices import InvitationStatus
from .models import Founder, FounderInvitation, Opening, Startup, StartupConsultation


def _founders() -> Prefetch:
    return Prefetch("founders", queryset=Founder.objects.select_related("user"))


def open_openings_count():
    """How many of a startup's openings are open, for `.annotate(open_openings=...)`.

    A sub-select per row rather than `Count("openings")`: it joins and groups nothing, so
    PostgreSQL works it out only for the rows of the page (after the ORDER BY and LIMIT),
    and a paginator's `count()`, which drops annotations that no filter uses, counts the
    startups alone."""
    return Coalesce(
        Subquery(
            Opening.objects.filter(startup=OuterRef("pk"), is_open=True)
            .order_by()
            .values("startup_id")
            .annotate(open_openings=Count("pk"))
            .values("open_openings")
        ),
        0,
    )


def startup_list() -> QuerySet[Startup]:
    """The directory: every startup with its place, sector, founders and open openings (not
    the search words, which only the database reads)."""
    return (
        Startup.objects.defer(*SEARCH_FIELDS)
        .select_related("district", "park", "sector")
        .prefetch_related(_founders())
        .annotate(open_openings=open_openings_count())
        .order_by("name", "id")
    )


def opening_list() -> QuerySet[Opening]:
    """Openings of every startup, newest first, with what a card and the matcher read (not
    the search words, which only the database reads)."""
    return (
        Opening.objects.select_related(
            "startup", "startup__district", "startup__park", "startup__sector", "sector"
        )
        .defer(*SEARCH_FIELDS, *(f"startup__{name}" for name in SEARCH_FIELDS))
        .prefetch_related("skills")
        .order_by("-created_at", "-id")
    )


def startup_details() -> QuerySet[Startup]:
    """Startups as their own page shows them: also all their openings, open ones first."""
    return startup_list().prefetch_related(
        Prefetch(
            "openings",
            queryset=Opening.objects.select_related("sector")
            .prefetch_related("skills")
            .order_by("-is_open", "-created_at", "-id"),
        )
    )


def startup_detail(*, startup_id: int) -> Startup | None:
    return startup_details().filter(pk=startup_id).first()


def opening_detail(*, opening_id: int) -> Opening | None:
    return opening_list().filter(pk=opening_id).first()


def startups_of(*, user: User) -> QuerySet[Startup]:
    """The startups `user` is a founder of."""
    if not getattr(user, "is_authenticated", False):
        return Startup.objects.none()
    return startup_list().filter(founders__user=user)


def startup_consultations(*, startup: Startup) -> QuerySet[StartupConsultation]:
    """Consultations asked for on the startup's behalf, newest first."""
    return StartupConsultation.objects.filter(startup=startup).select_related(
        "consultation__advisor__user", "consultation__requester"
    )


def startup_invitations_pending(*, startup: Startup) -> QuerySet[FounderInvitation]:
    """The startup's invitations still waiting for an answer (not expired), newest first."""
    return (
        FounderInvitation.objects.filter(
            startup=startup, status=InvitationStatus.PENDING, expires_at__gt=timezone.now()
        )
        .select_related("invited_by")
        .order_by("-created_at", "-id")
    )
