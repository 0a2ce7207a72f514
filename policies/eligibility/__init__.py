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

from .checks import (
    _check_company_district,
    _check_degree,
    _check_employed_in_district,
    _check_founder_in_district,
    _check_max_age,
    _check_note,
    _check_overseas_years,
    _check_returned_within,
    _check_sector,
    _years_before,
    check_rule,
    evaluate,
    policy_eligibility,
    policy_rules,
    status_label,
)
from .terms import (
    AGE_RANGE,
    DISTRICT_KINDS,
    NUMBER_KINDS,
    RETURNED_WITHIN_RANGE,
    YEARS_ABROAD_RANGE,
    Facts,
    Line,
    Period,
    Place,
    Result,
    Rule,
    _code,
)
from .texts import (
    _names,
    absent_text,
    degree_label,
    describe_rule,
    kind_label,
    rule_problem,
)

__all__ = [
    "AGE_RANGE",
    "DISTRICT_KINDS",
    "NUMBER_KINDS",
    "RETURNED_WITHIN_RANGE",
    "YEARS_ABROAD_RANGE",
    "Facts",
    "Line",
    "Period",
    "Place",
    "Result",
    "Rule",
    "_check_company_district",
    "_check_degree",
    "_check_employed_in_district",
    "_check_founder_in_district",
    "_check_max_age",
    "_check_note",
    "_check_overseas_years",
    "_check_returned_within",
    "_check_sector",
    "_code",
    "_names",
    "_years_before",
    "absent_text",
    "check_rule",
    "degree_label",
    "describe_rule",
    "evaluate",
    "kind_label",
    "policy_eligibility",
    "policy_rules",
    "rule_problem",
    "status_label",
]
