"""The names that reasons show for feature columns, and the pairs a subject already has."""

from core.models import District, Sector
from startups.models import Founder, Opening
from talent.models import (
    AdvisorProfile,
    Employer,
    Institution,
    Skill,
)

from ..choices import MatchKind

# Groups keyed by a database id, and groups keyed by a choice code.
from .vocabulary import Vocabulary

# Names for the reasons -------------------------------------------------------------------


def names(vocabulary: Vocabulary, columns) -> dict[int, object]:
    """What a reason says of each column: a name, a {"en", "zh"} pair, or a choice code."""
    by_group: dict[str, list[int]] = {}
    for column in {int(column) for column in columns}:
        by_group.setdefault(vocabulary.group(column), []).append(column)
    found: dict[int, object] = {}
    models = {"skill": Skill, "inst": Institution, "emp": Employer}
    bilingual = {"sector": Sector, "district": District}
    for group, group_columns in by_group.items():
        keyed = {vocabulary.key(column): column for column in group_columns}
        if group in models:
            for pk, name in models[group].objects.filter(pk__in=keyed).values_list("pk", "name"):
                found[keyed[pk]] = name
        elif group in bilingual:
            rows = bilingual[group].objects.filter(pk__in=keyed)
            for pk, name_en, name_zh in rows.values_list("pk", "name_en", "name_zh"):
                found[keyed[pk]] = {"en": name_en, "zh": name_zh}
        else:
            for key, column in keyed.items():
                found[column] = key
    return found


def own_pairs(kind: str, subject_ids=None) -> list[tuple[int, int]]:
    """(subject id, target id) pairs of `kind` that would match people with themselves: a
    founder with their own startup's openings, an advisor with themselves, a startup with an
    advisor who founded it. They are never matched, as if dismissed."""
    if kind in (MatchKind.RETURNEE_OPENING, MatchKind.OPENING_RETURNEE):
        rows = Opening.objects.filter(startup__founders__isnull=False)
        if subject_ids is not None:
            ids = [int(value) for value in subject_ids]
            if kind == MatchKind.RETURNEE_OPENING:
                rows = rows.filter(startup__founders__user_id__in=ids)
            else:
                rows = rows.filter(pk__in=ids)
        pairs = rows.values_list("startup__founders__user_id", "pk")
        if kind == MatchKind.RETURNEE_OPENING:
            return list(pairs)
        return [(opening, user) for user, opening in pairs]
    if kind == MatchKind.RETURNEE_ADVISOR:
        rows = AdvisorProfile.objects.all()
        if subject_ids is not None:
            rows = rows.filter(user_id__in=[int(value) for value in subject_ids])
        return list(rows.values_list("user_id", "pk"))
    if kind == MatchKind.STARTUP_ADVISOR:
        rows = Founder.objects.filter(user__advisor_profile__isnull=False)
        if subject_ids is not None:
            rows = rows.filter(startup_id__in=[int(value) for value in subject_ids])
        return list(rows.values_list("startup_id", "user__advisor_profile"))
    return []
