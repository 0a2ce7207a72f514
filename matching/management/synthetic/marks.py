"""Which rows are synthetic, and deleting them.

Every synthetic row can be told from real and demo data: users by their e-mail address
(`synthetic-…@example.invalid`), startups by their website (`https://startup-….example.
invalid/`), policies and events by their author (`synthetic-author@example.invalid`) and
policies also by their source link. `clear()` deletes exactly those rows, with everything
that points at them (matches, proposals, notifications), and the skills, institutions and
employers of the vocabulary that nothing refers to any more.
"""

from django.db import transaction
from django.db.models import Q

from core.models import User
from events.models import Event
from policies.models import Policy
from startups.models import Startup
from talent.models import Employer, Institution, Skill
from talent.normalize import normalize_key

from . import vocabulary as words
from .bulk import purge, unreferenced

RETURNEE_EMAIL = "synthetic-{:06d}@example.invalid"
ADVISOR_EMAIL = "synthetic-advisor-{:04d}@example.invalid"
AUTHOR_EMAIL = "synthetic-author@example.invalid"
STARTUP_WEBSITE = "https://startup-{:05d}.example.invalid/"
POLICY_SOURCE = "https://policies.example.invalid/"


def synthetic_users():
    return User.objects.filter(email__startswith="synthetic-", email__endswith="@example.invalid")


def synthetic_startups():
    return Startup.objects.filter(
        website__startswith="https://startup-", website__endswith=".example.invalid/"
    )


def synthetic_policies():
    return Policy.objects.filter(
        Q(created_by__email=AUTHOR_EMAIL) | Q(source_url__startswith=POLICY_SOURCE)
    )


def synthetic_events():
    return Event.objects.filter(created_by__email=AUTHOR_EMAIL)


def synthetic_counts() -> dict[str, int]:
    return {
        "users": synthetic_users().count(),
        "startups": synthetic_startups().count(),
        "policies": synthetic_policies().count(),
        "events": synthetic_events().count(),
    }


@transaction.atomic
def clear() -> dict[str, int]:
    """Delete every synthetic row and what points at it; demo and real data stay."""
    deleted = {
        "startups": purge(synthetic_startups()),
        "policies": purge(synthetic_policies()),
        "events": purge(synthetic_events()),
        "users": purge(synthetic_users()),
    }
    vocabulary = {
        Skill: words.skill_names(),
        Institution: [name for name, _country in words.INSTITUTIONS],
        Employer: [name for name, _country, _sector in words.EMPLOYERS],
    }
    for model, names in vocabulary.items():
        keys = {normalize_key(name) for name in names}
        deleted[model._meta.verbose_name_plural] = purge(
            unreferenced(model.objects.filter(key__in=keys))
        )
    return {str(name): count for name, count in deleted.items()}
