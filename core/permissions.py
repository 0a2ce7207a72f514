"""Who acts in which district: the one rule, used by services, selectors, pages, the API and
Django admin alike.

- A superuser acts in every district.
- Anyone else acts in the districts they hold a `DistrictGrant` for: an official. A staff
  member is no exception: `is_staff` only lets a person sign in to Django admin, where their
  grants limit the rows they see and change (`core.admin_scope`) and Django's model
  permissions apply on top.
- Anonymous visitors, and inactive accounts, act nowhere.

Every function takes any `request.user`, anonymous or not. A user's grants are read once per
user object (one query, then kept on the object for the rest of the request); no request
changes the grants of the user making it, and a fresh object (the next request's) reads them
anew.
"""

from django.db.models import Q, QuerySet

from .models import District, DistrictGrant

_GRANTS = "_granted_district_ids"  # where a user object keeps its grants once read


def _signed_in(user) -> bool:
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
    )


def acts_everywhere(user) -> bool:
    """A superuser: every district, and what belongs to none (municipal policies)."""
    return _signed_in(user) and bool(getattr(user, "is_superuser", False))


def granted_district_ids(user) -> frozenset[int]:
    """The districts the user holds a grant for (a superuser's too: usually none)."""
    if not _signed_in(user):
        return frozenset()
    granted = getattr(user, _GRANTS, None)
    if granted is None:
        granted = frozenset(
            DistrictGrant.objects.filter(user_id=user.pk).values_list("district_id", flat=True)
        )
        setattr(user, _GRANTS, granted)  # on a `request.user`, this reaches the user object
    return granted


def is_official(user) -> bool:
    """Holds a grant for at least one district."""
    return bool(granted_district_ids(user))


def manages_any_district(user) -> bool:
    """May use the officials' pages: a superuser, or an official of some district."""
    return acts_everywhere(user) or is_official(user)


def manages_district(user, district_id: int | None) -> bool:
    """Acts in that district. What belongs to no district (`None`) is the superusers'."""
    if acts_everywhere(user):
        return True
    return district_id is not None and district_id in granted_district_ids(user)


def _granted(user):
    """The user's granted district ids: the ids once read, else a subquery (no extra query
    for a page that asks only once)."""
    if not _signed_in(user):
        return []
    granted = getattr(user, _GRANTS, None)
    if granted is not None:
        return sorted(granted)
    return DistrictGrant.objects.filter(user_id=user.pk).values("district_id")


def managed_district_ids(user) -> frozenset[int]:
    """The districts the user acts in: their grants; every district for a superuser."""
    if acts_everywhere(user):
        return frozenset(District.objects.values_list("pk", flat=True))
    return granted_district_ids(user)


def managed_districts(user) -> QuerySet[District]:
    """The districts the user acts in, as a queryset (every district for a superuser)."""
    if acts_everywhere(user):
        return District.objects.all()
    return District.objects.filter(pk__in=_granted(user))


def district_q(user, field: str = "district") -> Q | None:
    """The condition "`field` (a lookup path to a district) is one the user manages", to
    combine with others; None for a superuser, whose condition holds for every row (a `Q()`
    would vanish when OR-ed). For anyone without a grant it holds for no row."""
    if acts_everywhere(user):
        return None
    return Q(**{f"{field}__in": _granted(user)})


def in_managed_districts(queryset: QuerySet, user, field: str = "district") -> QuerySet:
    """The rows of `queryset` in districts the user manages (`field`: the lookup path from
    the row to its district, e.g. `"event__district"`). Rows of no district: superusers only."""
    condition = district_q(user, field)
    return queryset if condition is None else queryset.filter(condition)
