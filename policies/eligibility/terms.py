"""What eligibility is checked on: a policy's rules, the facts of a returnee's profile, and the
result line by line."""

import datetime
from dataclasses import dataclass, field

from core.i18n import localized

from ..choices import CriterionKind, EligibilityStatus

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
