"""Eligibility on hand-made profiles: every kind of criterion met, unmet and unknown, the
hints, the overall status, and "narrowly missed". No database: `Facts` and `Rule` are plain
data."""

import datetime

import pytest
from django.utils import translation

from policies import selectors
from policies.eligibility import (
    Facts,
    Period,
    Place,
    Rule,
    absent_text,
    describe_rule,
    evaluate,
    policy_eligibility,
    rule_problem,
)

from .conftest import published_policy

TODAY = datetime.date(2026, 6, 1)
PUDONG = Place("pudong", "浦东新区", "Pudong New Area")
QINGPU = Place("qingpu", "青浦区", "Qingpu")
CHIPS = Place("integrated-circuits", "集成电路", "Integrated circuits")
BIO = Place("biopharmaceuticals", "生物医药", "Biopharmaceuticals")

LI_WEN = Facts(
    has_profile=True,
    birth_year=1992,
    returned_on=datetime.date(2024, 3, 1),
    work_district=QINGPU,
    company_district=QINGPU,
    company_role="employee",
    sectors=(CHIPS,),
    degrees=("master",),
    study=(Period(2015, 2017),),
    work=(Period(2017, 2023),),
)
EMPTY = Facts()


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def line(rule: Rule, facts: Facts = LI_WEN):
    result = evaluate(facts, [rule], today=TODAY)
    assert len(result.lines) == 1
    return result.lines[0]


# One criterion at a time ---------------------------------------------------------------


def test_minimum_degree_met_unmet_and_unknown():
    met = line(Rule("min_degree", degree="master"))
    assert met.met is True
    assert met.required == "Master's degree or higher, earned abroad"
    assert met.found == "Highest degree abroad: Master's degree"

    unmet = line(Rule("min_degree", degree="doctorate"))
    assert unmet.met is False
    assert unmet.hint == "You would qualify with a Doctorate (PhD) or higher."

    unknown = line(Rule("min_degree", degree="bachelor"), EMPTY)
    assert unknown.met is None
    assert unknown.hint == "Add your study abroad and its degree to your profile."


def test_the_highest_degree_counts():
    facts = Facts(has_profile=True, degrees=("bachelor", "doctorate", "other"))
    assert line(Rule("min_degree", degree="master"), facts).met is True


def test_years_abroad_add_study_and_work():
    met = line(Rule("overseas_years", value=8))
    assert met.met is True
    assert met.found == "8 years abroad (study 2, work 6)"

    unmet = line(Rule("overseas_years", value=10))
    assert unmet.met is False
    assert unmet.hint == "You would qualify with 2 more years abroad."

    assert line(Rule("overseas_years", value=1), EMPTY).met is None


def test_years_abroad_with_a_missing_year_is_unknown_unless_enough_already():
    facts = Facts(has_profile=True, study=(Period(2015, 2017), Period(2018, None)))
    short = line(Rule("overseas_years", value=3), facts)
    assert short.met is None
    assert short.hint == "Fill in the start and end years of your study and work abroad."
    assert line(Rule("overseas_years", value=2), facts).met is True


def test_returned_within():
    met = line(Rule("returned_within", value=5))
    assert met.met is True
    assert met.found == "Returned on 2024-03-01"

    unmet = line(Rule("returned_within", value=2))
    assert unmet.met is False
    assert unmet.hint == "This policy is for returnees who came back on or after 2024-06-01."

    unknown = line(Rule("returned_within", value=2), EMPTY)
    assert unknown.met is None
    assert unknown.hint == "Fill in your date of return to China."


def test_returned_within_counts_from_today_exactly():
    facts = Facts(has_profile=True, returned_on=datetime.date(2021, 6, 1))
    assert line(Rule("returned_within", value=5), facts).met is True
    facts = Facts(has_profile=True, returned_on=datetime.date(2021, 5, 31))
    assert line(Rule("returned_within", value=5), facts).met is False


def test_maximum_age_is_the_age_reached_this_year():
    met = line(Rule("max_age", value=34))
    assert met.met is True
    assert met.found == "Born in 1992: 34 this year"

    unmet = line(Rule("max_age", value=30))
    assert unmet.met is False
    assert "aged 30 or younger" in unmet.hint

    unknown = line(Rule("max_age", value=45), EMPTY)
    assert unknown.met is None
    assert unknown.hint == "Fill in your birth year."


def test_sector():
    assert line(Rule("sector", sectors=(CHIPS, BIO))).met is True
    unmet = line(Rule("sector", sectors=(BIO,)))
    assert unmet.met is False
    assert unmet.hint == "You would qualify if you worked in Biopharmaceuticals."
    assert line(Rule("sector", sectors=(BIO,)), EMPTY).hint == (
        "Choose your sectors in your profile."
    )


def test_company_registered_in_the_district():
    assert line(Rule("company_district", district=QINGPU)).met is True
    unmet = line(Rule("company_district", district=PUDONG))
    assert unmet.met is False
    assert unmet.found == "Your company is registered in Qingpu"
    assert unmet.hint == "You would qualify if your company were registered in Pudong New Area."
    unknown = line(Rule("company_district", district=PUDONG), EMPTY)
    assert unknown.met is None
    assert unknown.hint == "Fill in the district where your company is registered."


def test_works_in_the_district():
    assert line(Rule("employed_in_district", district=QINGPU)).met is True
    unmet = line(Rule("employed_in_district", district=PUDONG))
    assert unmet.hint == "You would qualify if you worked in Pudong New Area."
    assert line(Rule("employed_in_district", district=PUDONG), EMPTY).met is None
    # The company's district stands in for an empty district of work.
    facts = Facts(has_profile=True, company_district=PUDONG, company_role="founder")
    assert line(Rule("employed_in_district", district=PUDONG), facts).met is True


def test_founder_in_the_district():
    employee = line(Rule("founder_in_district", district=QINGPU))
    assert employee.met is False
    assert employee.hint.startswith("This policy is for founders")

    founder_elsewhere = Facts(has_profile=True, company_district=QINGPU, company_role="founder")
    unmet = line(Rule("founder_in_district", district=PUDONG), founder_elsewhere)
    assert unmet.hint == "You would qualify if your company were registered in Pudong New Area."

    founder_here = Facts(has_profile=True, company_district=PUDONG, company_role="founder")
    assert line(Rule("founder_in_district", district=PUDONG), founder_here).met is True
    assert line(Rule("founder_in_district", district=PUDONG), EMPTY).met is None


def test_a_free_text_condition_is_always_unknown():
    note = line(Rule("note", note_zh="社保满六个月", note_en="Six months of social insurance"))
    assert note.met is None
    assert note.required == "Six months of social insurance"
    assert "issuing authority" in note.hint


# The whole result ------------------------------------------------------------------------

RULES = [
    Rule("min_degree", degree="master"),
    Rule("overseas_years", value=3),
    Rule("returned_within", value=5),
    Rule("sector", sectors=(CHIPS, BIO)),
]


def test_eligible_when_every_criterion_is_met():
    result = evaluate(LI_WEN, RULES, today=TODAY)
    assert result.status == "eligible"
    assert [line.met for line in result.lines] == [True, True, True, True]
    assert result.hint == "" and not result.narrowly_missed


def test_one_unmet_criterion_is_a_narrow_miss_with_the_hint_first():
    rules = [*RULES, Rule("company_district", district=PUDONG)]
    result = evaluate(LI_WEN, rules, today=TODAY)
    assert result.status == "ineligible"
    assert result.narrowly_missed
    assert result.hint == "You would qualify if your company were registered in Pudong New Area."


def test_two_unmet_criteria_are_not_a_narrow_miss():
    rules = [*RULES, Rule("company_district", district=PUDONG), Rule("max_age", value=30)]
    result = evaluate(LI_WEN, rules, today=TODAY)
    assert result.status == "ineligible"
    assert not result.narrowly_missed and result.hint == ""
    assert {line.kind for line in result.unmet} == {"company_district", "max_age"}


def test_ineligible_wins_over_unknown_and_unknown_over_eligible():
    note = Rule("note", note_en="Ask the bureau")
    assert evaluate(LI_WEN, [*RULES, note], today=TODAY).status == "unknown"
    unmet = Rule("max_age", value=20)
    assert evaluate(LI_WEN, [*RULES, note, unmet], today=TODAY).status == "ineligible"


def test_no_profile_gives_unknown_with_what_to_fill_in_never_an_error():
    result = evaluate(EMPTY, RULES, today=TODAY)
    assert result.status == "unknown"
    assert all(line.met is None for line in result.lines)
    assert result.to_fill_in == [
        "Add your study abroad and its degree to your profile.",
        "Add your study and work abroad, with their years, to your profile.",
        "Fill in your date of return to China.",
        "Choose your sectors in your profile.",
    ]


def test_a_policy_without_criteria_is_open_to_everyone():
    assert evaluate(EMPTY, [], today=TODAY).status == "eligible"


def test_texts_follow_the_active_language():
    with translation.override("zh-hans"):
        chinese = line(Rule("company_district", district=PUDONG))
    assert "浦东新区" in chinese.hint


def test_absent_criteria_are_named_for_comparisons():
    assert absent_text("max_age") == "No age limit"
    assert absent_text("company_district") == "Company may be registered anywhere"


def test_describe_each_kind():
    assert describe_rule(Rule("overseas_years", value=1)) == (
        "At least 1 year of study or work abroad"
    )
    assert describe_rule(Rule("max_age", value=45)) == "Aged 45 or younger (age reached this year)"
    assert describe_rule(Rule("employed_in_district", district=QINGPU)) == (
        "Works in Qingpu (as an employee or a founder)"
    )


def test_snapshots_round_trip_rules():
    rule = Rule("sector", sectors=(CHIPS, BIO))
    assert Rule.from_snapshot(rule.to_snapshot()) == rule


@pytest.mark.parametrize(
    ("arguments", "field", "message"),
    [
        ({"kind": "overseas_years", "value": -1}, "value", "Enter between 1 and 50 years"),
        ({"kind": "max_age", "value": 200}, "value", "Enter an age limit between 16 and 120."),
        ({"kind": "max_age", "value": None}, "value", "Enter a whole number"),
        ({"kind": "returned_within", "value": 0}, "value", "Enter between 1 and 50 years"),
        ({"kind": "min_degree", "degree": "wizard"}, "degree", "Unknown degree level “wizard”"),
        ({"kind": "sector"}, "sectors", "Choose at least one sector."),
        ({"kind": "company_district"}, "district", "Choose the district"),
        ({"kind": "note"}, "note_en", "Write the condition"),
        ({"kind": "height"}, "kind", "Unknown kind of criterion “height”"),
    ],
)
def test_impossible_or_missing_values_are_named(arguments, field, message):
    problem = rule_problem(**arguments)
    assert problem is not None
    assert problem[0] == field
    assert problem[1].startswith(message)


def test_possible_values_pass():
    assert rule_problem(kind="max_age", value=45) is None
    assert rule_problem(kind="min_degree", degree="master") is None
    assert rule_problem(kind="sector", has_sectors=True) is None


@pytest.mark.django_db
def test_policy_eligibility_reads_a_real_profile(li_wen, pudong, chips):
    admin = type(li_wen).objects.create_superuser(
        email="root@example.com", password="x-Pass-2026-long", full_name="Root"
    )
    policy = published_policy(
        user=admin,
        district=pudong,
        rules=[
            {"kind": "min_degree", "degree": "master"},
            {"kind": "sector", "sectors": [chips]},
            {"kind": "company_district", "district": pudong},
        ],
    )
    policy = selectors.policy_with_criteria().get(pk=policy.pk)
    profile = selectors.eligibility_profile(user=li_wen)
    result = policy_eligibility(profile, policy, today=TODAY)
    assert result.status == "ineligible" and result.narrowly_missed
    assert result.hint == "You would qualify if your company were registered in Pudong New Area."
    assert policy_eligibility(None, policy, today=TODAY).status == "unknown"
