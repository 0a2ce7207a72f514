"""Eligibility in words (rules, kinds, degrees, statuses, what is missing) and the validation of
a rule an official writes."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from talent.choices import DegreeLevel

from ..choices import CriterionKind

# Bounds of the numbers a criterion may hold: anything outside is an impossible value.
from .terms import DISTRICT_KINDS, NUMBER_KINDS, Rule

# Texts -----------------------------------------------------------------------------------


def degree_label(degree: str) -> str:
    labels = dict(DegreeLevel.choices)
    return str(labels.get(degree, degree))


def kind_label(kind: str) -> str:
    return str(dict(CriterionKind.choices).get(kind, kind))


def _names(places) -> str:
    return _(", ").join(place.name for place in places)


def describe_rule(rule: Rule) -> str:
    """What the criterion requires, in a sentence."""
    kind = rule.kind
    if kind == CriterionKind.MIN_DEGREE:
        return _("%(degree)s or higher, earned abroad") % {"degree": degree_label(rule.degree)}
    if kind == CriterionKind.OVERSEAS_YEARS:
        return ngettext(
            "At least %(years)d year of study or work abroad",
            "At least %(years)d years of study or work abroad",
            rule.value or 0,
        ) % {"years": rule.value or 0}
    if kind == CriterionKind.RETURNED_WITHIN:
        return ngettext(
            "Returned to China within the last %(years)d year",
            "Returned to China within the last %(years)d years",
            rule.value or 0,
        ) % {"years": rule.value or 0}
    if kind == CriterionKind.MAX_AGE:
        return _("Aged %(age)d or younger (age reached this year)") % {"age": rule.value or 0}
    if kind == CriterionKind.SECTOR:
        return _("Works in one of these sectors: %(sectors)s") % {"sectors": _names(rule.sectors)}
    district = rule.district.name if rule.district else "?"
    if kind == CriterionKind.COMPANY_DISTRICT:
        return _("Company registered in %(district)s") % {"district": district}
    if kind == CriterionKind.EMPLOYED_IN_DISTRICT:
        return _("Works in %(district)s (as an employee or a founder)") % {"district": district}
    if kind == CriterionKind.FOUNDER_IN_DISTRICT:
        return _("Founder of a company registered in %(district)s") % {"district": district}
    return rule.note or kind_label(kind)


def absent_text(kind: str) -> str:
    """How a comparison says that a policy has no criterion of this kind."""
    texts = {
        CriterionKind.MIN_DEGREE: _("No degree requirement"),
        CriterionKind.OVERSEAS_YEARS: _("No minimum time abroad"),
        CriterionKind.RETURNED_WITHIN: _("No limit on when you returned"),
        CriterionKind.MAX_AGE: _("No age limit"),
        CriterionKind.SECTOR: _("Any sector"),
        CriterionKind.COMPANY_DISTRICT: _("Company may be registered anywhere"),
        CriterionKind.EMPLOYED_IN_DISTRICT: _("May work anywhere"),
        CriterionKind.FOUNDER_IN_DISTRICT: _("Founders and employees alike"),
        CriterionKind.NOTE: _("No other conditions"),
    }
    return str(texts.get(kind, "—"))


# Validation ------------------------------------------------------------------------------


def rule_problem(
    *,
    kind: str,
    value=None,
    degree: str = "",
    has_district: bool = False,
    has_sectors: bool = False,
    note_zh: str = "",
    note_en: str = "",
) -> tuple[str, str] | None:
    """The first impossible or missing value of a criterion, as (field, message), or None."""
    if kind not in CriterionKind.values:
        return "kind", _("Unknown kind of criterion “%(value)s”; choose from: %(choices)s.") % {
            "value": kind,
            "choices": ", ".join(CriterionKind.values),
        }
    if kind == CriterionKind.MIN_DEGREE and degree not in DegreeLevel.values:
        return "degree", _("Unknown degree level “%(value)s”; choose from: %(choices)s.") % {
            "value": degree,
            "choices": ", ".join(DegreeLevel.values),
        }
    if kind in NUMBER_KINDS:
        low, high = NUMBER_KINDS[kind]
        if value is None or isinstance(value, bool) or not isinstance(value, int):
            return "value", _("Enter a whole number for this criterion.")
        if not low <= value <= high:
            messages = {
                CriterionKind.OVERSEAS_YEARS: _(
                    "Enter between %(low)d and %(high)d years of study or work abroad."
                ),
                CriterionKind.RETURNED_WITHIN: _(
                    "Enter between %(low)d and %(high)d years since the return."
                ),
                CriterionKind.MAX_AGE: _("Enter an age limit between %(low)d and %(high)d."),
            }
            return "value", messages[kind] % {"low": low, "high": high}
    if kind == CriterionKind.SECTOR and not has_sectors:
        return "sectors", _("Choose at least one sector.")
    if kind in DISTRICT_KINDS and not has_district:
        return "district", _("Choose the district this criterion names.")
    if kind == CriterionKind.NOTE and not (note_zh or "").strip() and not (note_en or "").strip():
        return "note_en", _("Write the condition in Chinese or in English.")
    return None
