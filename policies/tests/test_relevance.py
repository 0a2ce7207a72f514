"""The relevance set: every query of `relevance.json` finds its policy among the first five
of the demo's, and the figures the benchmark prints are computed right."""

import pytest

from policies.relevance import Case, Report, evaluate, load_cases, rank_of

from .test_demo import seed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("synonym_groups")]


def test_the_set_is_real_style_queries_in_both_languages():
    cases = load_cases()
    assert len(cases) >= 40
    chinese = [case for case in cases if any("\u4e00" <= char <= "\u9fff" for char in case.query)]
    assert len(chinese) >= 15 and len(cases) - len(chinese) >= 15
    assert len({case.query for case in cases}) == len(cases)


def test_every_query_finds_its_policy_among_the_first_five(settings):
    settings.CELERY_BROKER_URL = "memory://"
    seed()
    report = evaluate()
    assert report.missed == []
    assert report.recall_at_5 == 1.0
    assert report.mrr >= 0.9


def test_recall_and_mrr():
    first, third, missing = Case("a", "x"), Case("b", "y"), Case("c", "z")
    report = Report(k=5, ranks=[(first, 1), (third, 3), (missing, None)])
    assert report.recall_at_5 == pytest.approx(2 / 3)
    assert report.mrr == pytest.approx((1 + 1 / 3) / 3)
    assert report.missed == ["'c': z at >20"]
    assert rank_of("y", ["x", "y"]) == 2 and rank_of("q", ["x"]) is None
    assert Report(k=5).mrr == 0.0
