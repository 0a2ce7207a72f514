"""Which parts of a listed returnee's profile the directory may show: each `show_*` flag
of the profile opens the fields named here; everything else stays on the server."""

PUBLIC_SECTIONS = {
    "show_headline": ["headline", "bio"],
    "show_education": ["education"],
    "show_work": ["work"],
    "show_sectors": ["sectors"],
    "show_skills": ["skills"],
    "show_districts": ["residence_district", "work_district"],
    "show_languages": ["languages"],
    "show_seeking": ["seeking"],
    "show_returned_on": ["returned_on"],
    "show_birth_year": ["birth_year"],
}


def shown_sections(profile) -> dict[str, bool]:
    return {flag: getattr(profile, flag) for flag in PUBLIC_SECTIONS}
