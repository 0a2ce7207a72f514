from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class PolicyCategory(models.TextChoices):
    TALENT_SUBSIDY = "talent_subsidy", _("Talent subsidies")
    HOUSING = "housing", _("Housing and talent apartments")
    STARTUP_FUNDING = "startup_funding", _("Startup funding")
    RD_FUNDING = "rd_funding", _("R&D funding")
    ENTRY_RESIDENCE = "entry_residence", _("Entry and residence")
    OTHER = "other", _("Other support")


class CriterionKind(models.TextChoices):
    MIN_DEGREE = "min_degree", _("Minimum degree")
    OVERSEAS_YEARS = "overseas_years", _("Years of study or work abroad")
    RETURNED_WITHIN = "returned_within", _("Returned within (years)")
    MAX_AGE = "max_age", _("Maximum age")
    SECTOR = "sector", _("Sector")
    COMPANY_DISTRICT = "company_district", _("Company registered in the district")
    EMPLOYED_IN_DISTRICT = "employed_in_district", _("Works in the district")
    FOUNDER_IN_DISTRICT = "founder_in_district", _("Founder of a company in the district")
    NOTE = "note", _("Other condition (checked by the issuing authority)")


class EligibilityStatus(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Not eligible")
    UNKNOWN = "unknown", _("Cannot tell yet")


class NoticeReason(models.TextChoices):
    NEW_POLICY = "new_policy", _("New policy on a followed topic")
    NEW_VERSION = "new_version", _("New version of a followed policy")
    ELIGIBILITY = "eligibility", _("Eligibility changed")
    EXPIRING = "expiring", _("Policy expires soon")


# The value "municipal" of the district filter asks for city-wide policies (no district).
MUNICIPAL = "municipal"
