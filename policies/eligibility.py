"""Eligibility as data: a policy's criteria (`Rule`s) checked against what a returnee's
profile says (`Facts`), with a line for every criterion saying what was required, what the
profile says, whether it is met, and what would change the answer.

Everything here is pure: no queries. `Facts.from_profile()` reads relations the caller has
prefetched (see `selectors.eligibility_profile`); `Rule`s come from `Criterion` rows or from
a version's snapshot, so an old version's criteria can be checked too. Texts are in the
active language.

Overall: `ineligible` if any criterion is unmet, else `unknown` if any cannot be checked
(a profile field is empty, or a free-text condition only the issuing authority can check),
else `eligible`. A missing profile field is never an error.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.i18n import localized
from talent.choices import DEGREE_RANK, CompanyRole, DegreeLevel

from .choices import CriterionKind, EligibilityStatus

# Bounds of the numbers a criterion may hold: anything outside is an impossible value.
YEARS_ABROAD_RANGE = (1, 50)
RETURNED_WITHIN_RANGE = (1, 50)
AGE_RANGE = (16, 120)

DISTRICT_KINDS = (
    CriterionKind.COMPANY_DISTRICT,
    CriterionKind.EMPLOYED_IN_DISTRICT,
    CriterionKind.FOUNDER_IN_DISTRICT,
)
NUMBER_KINDS = {
    CriterionKind.OVERSEAS_YEARS: YEARS_ABROAD_RANGE,
    CriterionKind.RETURNED_WITHIN: RETURNED_WITHIN_RANGE,
    CriterionKind.MAX_AGE: AGE_RANGE,
}


@dataclass(frozen=True)
class Place:
    """A district or sector as a criterion or a profile names it, in both languages."""

    code: str
    name_zh: str = ""
    name_en: str = ""

    @property
    def name(self) -> str:
        return localized(self, "name") or self.code

    @classmethod
    def of(cls, obj) -> "Place | None":
        if obj is None:
            return None
        return cls(code=obj.code, name_zh=obj.name_zh, name_en=obj.name_en)

    def to_snapshot(self) -> dict:
        return {"code": self.code, "name_zh": self.name_zh, "name_en": self.name_en}

    @classmethod
    def from_snapshot(cls, data: dict | None) -> "Place | None":
        if not data:
            return None
        return cls(
            code=data.get("code", ""),
            name_zh=data.get("name_zh", ""),
            name_en=data.get("name_en", ""),
        )


@dataclass(frozen=True)
class Rule:
    """One criterion of a policy, detached from the database."""

    kind: str
    value: int | None = None
    degree: str = ""
    district: Place | None = None
    sectors: tuple[Place, ...] = ()
    note_zh: str = ""
    note_en: str = ""

    @classmethod
    def from_criterion(cls, criterion) -> "Rule":
        """From a `Criterion` row whose district and sectors are loaded."""
        return cls(
            kind=criterion.kind,
            value=criterion.value,
            degree=criterion.degree or "",
            district=Place.of(criterion.district) if criterion.district_id else None,
            sectors=tuple(
                sorted((Place.of(sector) for sector in criterion.sectors.all()), key=_code)
            ),
            note_zh=criterion.note_zh or "",
            note_en=criterion.note_en or "",
        )

    @classmethod
    def from_snapshot(cls, data: dict) -> "Rule":
        return cls(
            kind=data["kind"],
            value=data.get("value"),
            degree=data.get("degree") or "",
            district=Place.from_snapshot(data.get("district")),
            sectors=tuple(Place.from_snapshot(item) for item in data.get("sectors") or []),
            note_zh=data.get("note_zh") or "",
            note_en=data.get("note_en") or "",
        )

    def to_snapshot(self) -> dict:
        return {
            "kind": self.kind,
            "value": self.value,
            "degree": self.degree,
            "district": self.district.to_snapshot() if self.district else None,
            "sectors": [sector.to_snapshot() for sector in self.sectors],
            "note_zh": self.note_zh,
            "note_en": self.note_en,
        }

    @property
    def note(self) -> str:
        return localized(self, "note")

    @property
    def identity(self) -> tuple:
        """What the rule asks, without the display names (to compare two versions)."""
        return (
            self.kind,
            self.value,
            self.degree,
            self.district.code if self.district else None,
            tuple(sector.code for sector in self.sectors),
            self.note_zh,
            self.note_en,
        )


def _code(place: Place) -> str:
    return place.code


@dataclass(frozen=True)
class Period:
    """A span of study or work abroad, in years."""

    start_year: int | None
    end_year: int | None

    @property
    def years(self) -> int | None:
        if self.start_year is None or self.end_year is None:
            return None
        return max(0, self.end_year - self.start_year)


@dataclass(frozen=True)
class Facts:
    """What a returnee's profile says, as far as eligibility is concerned."""

    has_profile: bool = False
    birth_year: int | None = None
    returned_on: datetime.date | None = None
    work_district: Place | None = None
    company_district: Place | None = None
    company_role: str = ""
    sectors: tuple[Place, ...] = ()
    degrees: tuple[str, ...] = ()
    study: tuple[Period, ...] = ()
    work: tuple[Period, ...] = ()

    @classmethod
    def from_profile(cls, profile) -> "Facts":
        """From a `ReturneeProfile` (or None) with its sectors, education and work loaded."""
        if profile is None:
            return cls()
        education = list(profile.education.all())
        return cls(
            has_profile=True,
            birth_year=profile.birth_year,
            returned_on=profile.returned_on,
            work_district=Place.of(profile.work_district) if profile.work_district_id else None,
            company_district=(
                Place.of(profile.company_district) if profile.company_district_id else None
            ),
            company_role=profile.company_role or "",
            sectors=tuple(Place.of(sector) for sector in profile.sectors.all()),
            degrees=tuple(entry.degree_level for entry in education),
            study=tuple(Period(entry.start_year, entry.end_year) for entry in education),
            work=tuple(Period(entry.start_year, entry.end_year) for entry in profile.work.all()),
        )


@dataclass
class Line:
    """One criterion checked: what it requires, what the profile says, and whether it is met
    (None: cannot tell). `hint` says what to fill in, or what would change the answer."""

    kind: str
    label: str
    required: str
    found: str
    met: bool | None
    hint: str = ""


@dataclass
class Result:
    status: str
    lines: list[Line] = field(default_factory=list)

    @property
    def unmet(self) -> list[Line]:
        return [line for line in self.lines if line.met is False]

    @property
    def unknown(self) -> list[Line]:
        return [line for line in self.lines if line.met is None]

    @property
    def narrowly_missed(self) -> bool:
        """Ineligible on exactly one criterion."""
        return self.status == EligibilityStatus.INELIGIBLE and len(self.unmet) == 1

    @property
    def hint(self) -> str:
        """The one thing that would change the answer, when there is one."""
        if self.narrowly_missed:
            return self.unmet[0].hint
        return ""

    @property
    def to_fill_in(self) -> list[str]:
        """What the returnee could add to their profile to get an answer."""
        return [line.hint for line in self.unknown if line.hint]

    @property
    def is_eligible(self) -> bool:
        return self.status == EligibilityStatus.ELIGIBLE


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
