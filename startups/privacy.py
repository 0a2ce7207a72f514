"""What the startups app holds about a person (their founder roles, the co-founder
invitations sent to their address), for `core.privacy`.

A startup is business data about a company, not a person: when its founder erases their
account, the founder row goes and the startup stays listed. A startup left without any
founder has nobody to answer for its openings, so they are closed; an admin can add a
founder in the admin site."""

from django.db import transaction

from core.models import User

from .models import Founder, FounderInvitation, Opening


def export(user: User) -> dict:
    return {
        "founder_of": [
            {
                "startup": founder.startup.pk,
                "name": founder.startup.name,
                "role": founder.role,
                "joined_at": founder.joined_at.isoformat(),
            }
            for founder in Founder.objects.filter(user=user)
            .select_related("startup")
            .order_by("joined_at", "id")
        ],
        "invitations_received": [
            {
                "startup": invitation.startup_id,
                "name": invitation.startup.name,
                "role": invitation.role,
                "status": invitation.current_status,
                "sent_at": invitation.created_at.isoformat(),
            }
            for invitation in FounderInvitation.objects.filter(address=user.email)
            .select_related("startup")
            .order_by("created_at", "id")
        ],
    }


@transaction.atomic
def erase(user: User) -> None:
    startup_ids = list(Founder.objects.filter(user=user).values_list("startup_id", flat=True))
    Founder.objects.filter(user=user).delete()
    FounderInvitation.objects.filter(address=user.email).delete()
    Opening.objects.filter(startup_id__in=startup_ids, is_open=True).exclude(
        startup__founders__isnull=False
    ).update(is_open=False)
