"""Returnees with their study and work abroad, and startups with founders and openings."""

import datetime
import itertools
from types import SimpleNamespace

from core.models import User
from startups.choices import Need, Stage
from startups.models import Founder, Opening, Startup
from startups.search import opening_search_words, startup_search_words
from talent.choices import CompanyRole, Seeking
from talent.models import Education, ReturneeProfile, WorkExperience

from . import vocabulary as words
from .bulk import reserve_ids
from .draw import Pick
from .marks import AUTHOR_EMAIL, RETURNEE_EMAIL, STARTUP_WEBSITE

# Degrees taken abroad, in order, and how common each path is.
STUDY_PATHS = [
    (("master",), 35),
    (("bachelor", "master"), 15),
    (("master", "doctorate"), 15),
    (("bachelor",), 8),
    (("doctorate",), 8),
    (("master", "doctorate", "postdoc"), 6),
    (("bachelor", "master", "doctorate"), 5),
    (("doctorate", "postdoc"), 5),
    (("other",), 3),
]
STUDY_YEARS = {"bachelor": (4, 4), "master": (1, 2), "doctorate": (4, 5), "postdoc": (2, 3)}
START_AGE = {"bachelor": 18, "master": 22, "doctorate": 23, "postdoc": 28, "other": 22}
SEEKING_SHARES = {
    Seeking.JOB: 0.45,
    Seeking.COFOUNDER: 0.12,
    Seeking.INVESTMENT: 0.10,
    Seeking.ADVISOR: 0.30,
    Seeking.POLICY_HELP: 0.40,
}


class People:
    """The steps of `City` that make returnees and startups."""

    # Startups (planned first: founders' profiles name their company) ---------------------

    def plan_startups(self) -> None:
        rng, scale = self.rng, self.scale
        taken = {name.lower() for name in Startup.objects.values_list("name", flat=True)}
        stages = Pick(Stage.values, weights=[25, 35, 25, 15])
        teams = {
            Stage.IDEA: (1, 5),
            Stage.SEED: (3, 20),
            Stage.A: (10, 80),
            Stage.B_PLUS: (40, 500),
        }
        order = list(range(scale.returnees))
        rng.shuffle(order)
        cursor = 0
        self.startups = []
        self.founder_of: dict[int, int] = {}
        for index in range(scale.startups):
            sector, district = self.pick_sector(rng), self.pick_district(rng)
            parks = self.parks.get(district.pk, [])
            fitting = [park for park, sectors in parks if sector.pk in sectors]
            park = None
            if fitting and self._chance(0.7):
                park = rng.choice(fitting)
            elif parks and self._chance(0.2):
                park = rng.choice(parks)[0]
            stage = stages(rng)
            count = min(rng.choices([1, 2, 3], weights=[45, 40, 15])[0], scale.returnees)
            founders = []
            for _ in range(count):
                founders.append(order[cursor % len(order)])
                cursor += 1
            for returnee in founders:
                self.founder_of.setdefault(returnee, index)
            self.startups.append(
                {
                    "name": self._startup_name(sector.code, taken),
                    "sector": sector,
                    "district": district,
                    "park": park,
                    "stage": stage,
                    "team": rng.randint(*teams[stage]),
                    "founders": founders,
                }
            )

    def _startup_name(self, sector_code: str, taken: set[str]) -> str:
        suffixes = words.SECTOR_SUFFIXES.get(sector_code, []) + words.GENERAL_SUFFIXES
        for attempt in itertools.count():
            name = (
                f"{self.rng.choice(words.STARTUP_PREFIXES)}"
                f"{self.rng.choice(words.STARTUP_STEMS)} {self.rng.choice(suffixes)}"
            )
            if attempt > 20:
                name = f"{name} {attempt}"
            if name.lower() not in taken:
                taken.add(name.lower())
                return name
        raise AssertionError("unreachable")

    # Returnees ----------------------------------------------------------------------------

    def write_returnees(self) -> None:
        count = self.scale.returnees
        self.returnee_ids = reserve_ids(User, count + 1)
        self.author_id = self.returnee_ids.pop()
        profile_ids = reserve_ids(ReturneeProfile, count)
        tables = self._tables()
        users = tables.table(
            User, "id password email full_name language date_joined email_verified_at"
        )
        self._profiles = tables.table(
            ReturneeProfile,
            "id user_id headline bio birth_year returned_on residence_district_id "
            "work_district_id company_name company_district_id company_role languages seeking "
            "is_public public_since matching_consent matching_consent_at created_at",
        )
        self._education = tables.table(
            Education,
            "profile_id degree_level institution_id country field start_year end_year",
        )
        self._work = tables.table(
            WorkExperience,
            "profile_id employer_id country role start_year end_year",
        )
        self._skills = tables.through(ReturneeProfile._meta.get_field("skills"))
        self._sectors = tables.through(ReturneeProfile._meta.get_field("sectors"))
        users.add(
            self.author_id, self.password, AUTHOR_EMAIL, "Synthetic data", "en", self.now, self.now
        )

        def make_row(index: int) -> None:
            joined = self._moment(3 * 365)
            language = "en" if self._chance(0.3) else "zh-hans"
            users.add(
                self.returnee_ids[index],
                self.password,
                RETURNEE_EMAIL.format(index + 1),
                self._name(),
                language,
                joined,
                joined,
            )
            self._profile(index, self.returnee_ids[index], profile_ids[index], joined)

        self._run("returnees", count, tables, make_row)

    def _timeline(self) -> tuple[list[tuple], list[tuple], int, datetime.date]:
        """Study and work abroad, back to back, ending in the year of return; the birth
        year that fits. Entries are (kind, start_year, end_year)."""
        rng = self.rng
        path = rng.choices([p for p, _w in STUDY_PATHS], weights=[w for _p, w in STUDY_PATHS])[0]
        study = [(kind, rng.randint(*STUDY_YEARS.get(kind, (1, 1)))) for kind in path]
        jobs = [
            ("job", rng.randint(1, 6))
            for _ in range(rng.choices([0, 1, 2, 3], [25, 40, 25, 10])[0])
        ]
        returned = self.today.year - min(int(rng.expovariate(1 / 4)), 20)
        end, entries = returned, []
        for kind, years in reversed(study + jobs):
            entries.append((kind, end - years, end))
            end = end - years - (1 if self._chance(0.15) else 0)
        entries.reverse()
        first_kind, first_start = entries[0][0], entries[0][1]
        birth_year = first_start - START_AGE.get(first_kind, 22) - rng.randint(0, 2)
        latest = self.today if returned == self.today.year else datetime.date(returned, 12, 31)
        start = datetime.date(returned, 1, 1)
        returned_on = start + datetime.timedelta(days=rng.randint(0, (latest - start).days))
        education = [entry for entry in entries if entry[0] != "job"]
        work = [entry for entry in entries if entry[0] == "job"]
        return education, work, birth_year, returned_on

    def _profile(self, index: int, user_id: int, profile_id: int, joined) -> None:
        rng = self.rng
        startup = self.startups[self.founder_of[index]] if index in self.founder_of else None
        sectors = [startup["sector"] if startup else self.pick_sector(rng)]
        if self._chance(0.3):
            other = self.pick_sector(rng)
            if other not in sectors:
                sectors.append(other)
        education, work, birth_year, returned_on = self._timeline()

        countries = []
        institution = field = None
        fields = words.SECTOR_FIELDS.get(sectors[0].code, words.GENERAL_FIELDS)
        for kind, start, end in education:
            if institution is None or not self._chance(0.4):
                institution = self.institutions(rng)
            field = rng.choice(fields)
            self._education.add(profile_id, kind, institution[0], institution[1], field, start, end)
            countries.append(institution[1])
        last_employer = None
        roles = words.SECTOR_ROLES.get(sectors[0].code, words.GENERAL_ROLES)
        role = ""
        for _kind, start, end in work:
            pool = self.sector_employers[sectors[0].pk] if self._chance(0.7) else self.employers
            employer_id, country, last_employer = pool(rng)
            role = f"{rng.choice(words.SENIORITY)}{rng.choice(roles)}".capitalize()
            self._work.add(profile_id, employer_id, country, role, start, end)
            countries.append(country)

        for sector in sectors:
            self._sectors.add(profile_id, sector.pk)
        skills: dict[int, None] = {}
        wanted = rng.randint(2, 8)
        for _attempt in range(wanted * 6):
            if len(skills) >= wanted:
                break
            if self._chance(0.7):
                pool = self.sector_skills[rng.choice(sectors).pk]
            else:
                pool = self.general_skills
            skills[pool(rng)] = None
        for skill_id in skills:
            self._skills.add(profile_id, skill_id)

        languages = ["zh"]
        if self._chance(0.92):
            languages.append("en")
        local = words.COUNTRY_LANGUAGES.get(countries[-1]) if countries else None
        if local and self._chance(0.35):
            languages.append(local)
        share = dict(SEEKING_SHARES)
        if startup:
            share[Seeking.INVESTMENT], share[Seeking.JOB] = 0.5, 0.05
        seeking = [value for value, chance in share.items() if self._chance(chance)]

        work_district = self.pick_district(rng) if self._chance(0.85) else None
        residence = work_district if work_district and self._chance(0.6) else None
        residence = residence or (self.pick_district(rng) if self._chance(0.9) else None)
        if startup:
            company = (startup["name"], startup["district"].pk, CompanyRole.FOUNDER)
            work_district = work_district or startup["district"]
        elif work_district and self._chance(0.7):
            company = ("", work_district.pk, CompanyRole.EMPLOYEE)
        else:
            company = ("", None, "")
        if last_employer and role:
            headline = f"{role}, formerly at {last_employer}"
        else:
            headline = f"{field} graduate, {institution[2]}"
        abroad = returned_on.year - education[0][1]
        bio = f"Back in Shanghai since {returned_on.year} after {abroad} years abroad."
        public = self._chance(0.4)
        consent = self._chance(0.8)
        self._profiles.add(
            profile_id,
            user_id,
            headline,
            bio,
            birth_year,
            returned_on,
            residence.pk if residence else None,
            work_district.pk if work_district else None,
            *company,
            languages,
            seeking,
            public,
            joined if public else None,
            consent,
            joined if consent else None,
            joined,
        )

    # Startups, founders and openings ----------------------------------------------------

    def write_startups(self) -> None:
        rng, scale = self.rng, self.scale
        startup_ids = reserve_ids(Startup, scale.startups)
        opening_ids = iter(reserve_ids(Opening, scale.openings))
        per_startup = [0] * scale.startups
        if scale.startups:
            weights = [startup["team"] ** 0.5 for startup in self.startups]
            for index in rng.choices(range(scale.startups), weights=weights, k=scale.openings):
                per_startup[index] += 1
        tables = self._tables()
        startups = tables.table(
            Startup,
            "id name description_zh description_en founded district_id park_id sector_id "
            "stage team_size website needs is_verified verified_at created_at "
            "search_a search_b search_c",
        )
        founders = tables.table(Founder, "startup_id user_id role joined_at")
        openings = tables.table(
            Opening,
            "id startup_id title description sector_id is_open created_at "
            "search_a search_b search_c",
        )
        opening_skills = tables.through(Opening._meta.get_field("skills"))
        needs = {Need.FUNDING: 0.6, Need.TALENT: 0.55, Need.OFFICE_SPACE: 0.25}
        needs[Need.POLICY_HELP] = 0.35
        founder_roles = ["CTO", "COO", "CSO", "CFO"]

        def make_row(index: int) -> None:
            plan = self.startups[index]
            startup_id, sector = startup_ids[index], plan["sector"]
            created = self._moment(5 * 365)
            founded = None
            if plan["stage"] != Stage.IDEA or self._chance(0.5):
                founded = self.today - datetime.timedelta(days=rng.randint(30, 3650))
            verified = self._chance(0.45)
            startup = SimpleNamespace(
                name=plan["name"],
                description_zh=f"{plan['name']}：{sector.name_zh}领域的留学回国人员创业企业。",
                description_en=(
                    f"{plan['name']} is a {sector.name_en.lower()} startup founded by returnees."
                ),
            )
            startup_words = startup_search_words(
                startup,
                sector=sector,
                park=self.park_rows.get(plan["park"]),
                district=plan["district"],
            )
            startups.add(
                startup_id,
                startup.name,
                startup.description_zh,
                startup.description_en,
                founded,
                plan["district"].pk,
                plan["park"],
                sector.pk,
                plan["stage"],
                plan["team"],
                STARTUP_WEBSITE.format(index + 1),
                [need for need, chance in needs.items() if self._chance(chance)],
                verified,
                self._moment(365) if verified else None,
                created,
                *startup_words.values(),
            )
            for position, returnee in enumerate(plan["founders"]):
                role = "CEO" if position == 0 else rng.choice(founder_roles)
                founders.add(startup_id, self.returnee_ids[returnee], role, created)
            roles = words.SECTOR_ROLES.get(sector.code, words.GENERAL_ROLES)
            for _ in range(per_startup[index]):
                opening_id = next(opening_ids)
                opening_sector = sector if self._chance(0.85) else self.pick_sector(rng)
                title = f"{rng.choice(words.SENIORITY)}{rng.choice(roles)}".capitalize()
                opening = SimpleNamespace(
                    title=title,
                    description=(
                        f"{plan['name']} is hiring a {title.lower()} in {plan['district'].name_en}."
                    ),
                )
                is_open, opened = self._chance(0.9), self._moment(180)
                pool = self.sector_skills[opening_sector.pk]
                skills = pool.distinct(rng, rng.randint(2, 4))
                if self._chance(0.5):
                    skills.append(self.general_skills(rng))
                skills = list(dict.fromkeys(skills))
                opening_words = opening_search_words(
                    opening,
                    startup_name=plan["name"],
                    skills=[self.skill_names[skill_id] for skill_id in skills],
                    sector=opening_sector,
                    district=plan["district"],
                )
                openings.add(
                    opening_id,
                    startup_id,
                    title,
                    opening.description,
                    opening_sector.pk,
                    is_open,
                    opened,
                    *opening_words.values(),
                )
                for skill_id in skills:
                    opening_skills.add(opening_id, skill_id)

        self._run("startups", scale.startups, tables, make_row)
