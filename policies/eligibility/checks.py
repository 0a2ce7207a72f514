"""Checking a returnee's facts against each kind of rule, and a whole policy."""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from talent.choices import DEGREE_RANK, CompanyRole

from ..choices import CriterionKind, EligibilityStatus

# Bounds of the numbers a criterion may hold: anything outside is an impossible value.
from .terms import Facts, Line, Result, Rule
from .texts import _names, degree_label, describe_rule, kind_label

# Checking --------------------------------------------------------------------------------


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _check_degree(rule: Rule, facts: Facts) -> Line:
    required = describe_rule(rule)
    label = kind_label(rule.kind)
    ranked = [degree for degree in facts.degrees if degree in DEGREE_RANK]
    if not ranked:
        return Line(
            rule.kind,
            label,
            required,
            _("No study abroad in your profile"),
            None,
            _("Add your study abroad and its degree to your profile."),
        )
    highest = max(ranked, key=lambda degree: DEGREE_RANK[degree])
    found = _("Highest degree abroad: %(degree)s") % {"degree": degree_label(highest)}
    if DEGREE_RANK[highest] >= DEGREE_RANK.get(rule.degree, 99):
        return Line(rule.kind, label, required, found, True)
    return Line(
        rule.kind,
        label,
        required,
        found,
        False,
        _("You would qualify with a %(degree)s or higher.") % {"degree": degree_label(rule.degree)},
    )


def _check_overseas_years(rule: Rule, facts: Facts) -> Line:
    required = describe_rule(rule)
    label = kind_label(rule.kind)
    periods = facts.study + facts.work
    if not periods:
        return Line(
            rule.kind,
            label,
            required,
            _("No study or work abroad in your profile"),
            None,
            _("Add your study and work abroad, with their years, to your profile."),
        )
    study = sum(period.years or 0 for period in facts.study)
    work = sum(period.years or 0 for period in facts.work)
    total = study + work
    incomplete = any(period.years is None for period in periods)
    found = ngettext(
        "%(total)d year abroad (study %(study)d, work %(work)d)",
        "%(total)d years abroad (study %(study)d, work %(work)d)",
        total,
    ) % {"total": total, "study": study, "work": work}
    needed = rule.value or 0
    if total >= needed:
        return Line(rule.kind, label, required, found, True)
    if incomplete:
        return Line(
            rule.kind,
            label,
            required,
            found,
            None,
            _("Fill in the start and end years of your study and work abroad."),
        )
    more = needed - total
    return Line(
        rule.kind,
        label,
        required,
        found,
        False,
        ngettext(
            "You would qualify with %(more)d more year abroad.",
            "You would qualify with %(more)d more years abroad.",
            more,
        )
        % {"more": more},
    )


def _check_returned_within(rule: Rule, facts: Facts, today: datetime.date) -> Line:
    required = describe_rule(rule)
    label = kind_label(rule.kind)
    if facts.returned_on is None:
        return Line(
            rule.kind,
            label,
            required,
            _("No date of return in your profile"),
            None,
            _("Fill in your date of return to China."),
        )
    found = _("Returned on %(date)s") % {"date": facts.returned_on.isoformat()}
    cutoff = _years_before(today, rule.value or 0)
    if facts.returned_on >= cutoff:
        return Line(rule.kind, label, required, found, True)
    return Line(
        rule.kind,
        label,
        required,
        found,
        False,
        _("This policy is for returnees who came back on or after %(date)s.")
        % {"date": cutoff.isoformat()},
    )


def _check_max_age(rule: Rule, facts: Facts, today: datetime.date) -> Line:
    required = describe_rule(rule)
    label = kind_label(rule.kind)
    if facts.birth_year is None:
        return Line(
            rule.kind,
            label,
            required,
            _("No birth year in your profile"),
            None,
            _("Fill in your birth year."),
        )
    age = today.year - facts.birth_year
    found = _("Born in %(year)d: %(age)d this year") % {"year": facts.birth_year, "age": age}
    if age <= (rule.value or 0):
        return Line(rule.kind, label, required, found, True)
    return Line(
        rule.kind,
        label,
        required,
        found,
        False,
        _("This policy is for people aged %(age)d or younger; look for one with no age limit.")
        % {"age": rule.value or 0},
    )


def _check_sector(rule: Rule, facts: Facts) -> Line:
    required = describe_rule(rule)
    label = kind_label(rule.kind)
    if not facts.sectors:
        return Line(
            rule.kind,
            label,
            required,
            _("No sectors in your profile"),
            None,
            _("Choose your sectors in your profile."),
        )
    found = _("Your sectors: %(sectors)s") % {"sectors": _names(facts.sectors)}
    wanted = {sector.code for sector in rule.sectors}
    if wanted & {sector.code for sector in facts.sectors}:
        return Line(rule.kind, label, required, found, True)
    return Line(
        rule.kind,
        label,
        required,
        found,
        False,
        _("You would qualify if you worked in %(sectors)s.") % {"sectors": _names(rule.sectors)},
    )


def _check_company_district(rule: Rule, facts: Facts) -> Line:
    required = describe_rule(rule)
    label = kind_label(rule.kind)
    district = rule.district.name if rule.district else "?"
    if facts.company_district is None:
        return Line(
            rule.kind,
            label,
            required,
            _("No company district in your profile"),
            None,
            _("Fill in the district where your company is registered."),
        )
    found = _("Your company is registered in %(district)s") % {
        "district": facts.company_district.name
    }
    if rule.district and facts.company_district.code == rule.district.code:
        return Line(rule.kind, label, required, found, True)
    return Line(
        rule.kind,
        label,
        required,
        found,
        False,
        _("You would qualify if your company were registered in %(district)s.")
        % {"district": district},
    )


def _check_employed_in_district(rule: Rule, facts: Facts) -> Line:
    required = describe_rule(rule)
    label = kind_label(rule.kind)
    district = rule.district.name if rule.district else "?"
    place = facts.work_district
    if place is None and facts.company_role and facts.company_district is not None:
        place = facts.company_district  # working for (or running) a company registered there
    if place is None:
        return Line(
            rule.kind,
            label,
            required,
            _("No district of work in your profile"),
            None,
            _("Fill in the district where you work."),
        )
    found = _("You work in %(district)s") % {"district": place.name}
    if rule.district and place.code == rule.district.code:
        return Line(rule.kind, label, required, found, True)
    return Line(
        rule.kind,
        label,
        required,
        found,
        False,
        _("You would qualify if you worked in %(district)s.") % {"district": district},
    )


def _check_founder_in_district(rule: Rule, facts: Facts) -> Line:
    required = describe_rule(rule)
    label = kind_label(rule.kind)
    district = rule.district.name if rule.district else "?"
    if not facts.company_role or facts.company_district is None:
        return Line(
            rule.kind,
            label,
            required,
            _("No company role or company district in your profile"),
            None,
            _("Fill in your role in your company and the district where it is registered."),
        )
    role = str(dict(CompanyRole.choices).get(facts.company_role, facts.company_role))
    found = _("%(role)s of a company registered in %(district)s") % {
        "role": role,
        "district": facts.company_district.name,
    }
    in_district = rule.district is not None and facts.company_district.code == rule.district.code
    if facts.company_role == CompanyRole.FOUNDER and in_district:
        return Line(rule.kind, label, required, found, True)
    if facts.company_role == CompanyRole.FOUNDER:
        hint = _("You would qualify if your company were registered in %(district)s.") % {
            "district": district
        }
    else:
        hint = _(
            "This policy is for founders: you would qualify as a founder of a company "
            "registered in %(district)s."
        ) % {"district": district}
    return Line(rule.kind, label, required, found, False, hint)


def _check_note(rule: Rule) -> Line:
    return Line(
        rule.kind,
        kind_label(rule.kind),
        describe_rule(rule),
        _("The portal cannot check this from your profile"),
        None,
        _("Ask the issuing authority or a service advisor whether you meet this condition."),
    )


def check_rule(rule: Rule, facts: Facts, *, today: datetime.date) -> Line:
    kind = rule.kind
    if kind == CriterionKind.MIN_DEGREE:
        return _check_degree(rule, facts)
    if kind == CriterionKind.OVERSEAS_YEARS:
        return _check_overseas_years(rule, facts)
    if kind == CriterionKind.RETURNED_WITHIN:
        return _check_returned_within(rule, facts, today)
    if kind == CriterionKind.MAX_AGE:
        return _check_max_age(rule, facts, today)
    if kind == CriterionKind.SECTOR:
        return _check_sector(rule, facts)
    if kind == CriterionKind.COMPANY_DISTRICT:
        return _check_company_district(rule, facts)
    if kind == CriterionKind.EMPLOYED_IN_DISTRICT:
        return _check_employed_in_district(rule, facts)
    if kind == CriterionKind.FOUNDER_IN_DISTRICT:
        return _check_founder_in_district(rule, facts)
    return _check_note(rule)


def evaluate(facts: Facts, rules: list[Rule], *, today: datetime.date) -> Result:
    """Check every rule; the overall status follows from the lines."""
    lines = [check_rule(rule, facts, today=today) for rule in rules]
    if any(line.met is False for line in lines):
        status = EligibilityStatus.INELIGIBLE
    elif any(line.met is None for line in lines):
        status = EligibilityStatus.UNKNOWN
    else:
        status = EligibilityStatus.ELIGIBLE
    return Result(status=str(status), lines=lines)


def policy_rules(policy) -> list[Rule]:
    """The rules of a policy whose criteria (with district and sectors) are loaded."""
    return [Rule.from_criterion(criterion) for criterion in policy.criteria.all()]


def policy_eligibility(profile, policy, *, today: datetime.date) -> Result:
    """Check `profile` (a ReturneeProfile, or None) against `policy`'s criteria on `today`."""
    return evaluate(Facts.from_profile(profile), policy_rules(policy), today=today)


def status_label(status: str) -> str:
    return str(dict(EligibilityStatus.choices).get(status, status))
